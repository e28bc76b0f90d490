"""The inline syntax parser: exact results for the syntax, and totality for any input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefsmith.inline import parse_citation_field, parse_rich_text
from briefsmith.model import NOWHERE, Citation, Emphasis, Link, Strong, Text
from conftest import Cli
from pdfinspect import Pdf


def spans(text: str) -> tuple:
    rich, problems = parse_rich_text(text)
    assert problems == []
    return rich.spans


def test_bold_italic_and_links() -> None:
    assert spans("a **b** *c* [d](https://x.org/p_(1))") == (
        Text("a "), Strong((Text("b"),)), Text(" "), Emphasis((Text("c"),)), Text(" "),
        Link((Text("d"),), "https://x.org/p_(1)"),
    )


def test_unmatched_markers_stay_literal() -> None:
    assert spans("2 * 3 = 6 and **open") == (Text("2 * 3 = 6 and **open"),)
    assert spans("[not a link] (x)") == (Text("[not a link] (x)"),)


def test_escapes() -> None:
    assert spans(r"\*not italic\* and \[@not-a-cite]") == (
        Text("*not italic* and [@not-a-cite]"),)


def test_citations_with_locators_and_suppressed_author() -> None:
    (citation,) = [s for s in spans("x [@a; @b, pp. 3-5; -@c]") if isinstance(s, Citation)]
    assert [(i.id, i.locator, i.suppress_author) for i in citation.items] == [
        ("a", None, False), ("b", "pp. 3-5", False), ("c", None, True)]


def test_citation_problems_have_offsets() -> None:
    _rich, problems = parse_rich_text("x [@a; nope] and [@open")
    assert problems == [
        (7, "cannot read citation item 'nope'; write it as @source-id or @source-id, p. 12"),
        (17, "unclosed citation: '[@' has no matching ']'"),
    ]


def test_citation_field_accepts_bare_ids() -> None:
    citation, problems = parse_citation_field("renmin-2020, p. 3; @opportimes")
    assert problems == []
    assert citation is not None
    assert [(i.id, i.locator) for i in citation.items] == [("renmin-2020", "p. 3"),
                                                           ("opportimes", None)]


def _plain(items: tuple) -> str:
    out = []
    for span in items:
        if isinstance(span, Text):
            out.append(span.text)
        elif isinstance(span, Citation):
            continue
        else:
            out.append(_plain(span.children))
    return "".join(out)


@given(st.text(max_size=300))
def test_any_text_parses_without_exception(text: str) -> None:
    _rich, problems = parse_rich_text(text)
    for offset, message in problems:
        assert 0 <= offset <= len(text)
        assert message


@given(st.text(alphabet=st.characters(blacklist_characters="*[]()\\@_`~"), max_size=200))
def test_text_without_markup_characters_is_kept_verbatim(text: str) -> None:
    rich, problems = parse_rich_text(text)
    assert problems == []
    assert _plain(rich.spans) == text


def test_folded_lines_of_chinese_join_without_a_space() -> None:
    from briefsmith.convert import join_east_asian_lines

    assert join_east_asian_lines("两端对齐效果， 并且包含 Alibaba 和数字") == \
        "两端对齐效果，并且包含 Alibaba 和数字"
    assert join_east_asian_lines("A B 和 C") == "A B 和 C"


def test_straight_quotes_become_the_languages_marks() -> None:
    from briefsmith.typography import smart_quotes

    english, spanish = "\u201c\u201d\u2018\u2019", "\u00ab\u00bb\u201c\u201d"
    assert smart_quotes('the "Modou Mama" project\'s aim', english) == \
        "the \u201cModou Mama\u201d project\u2019s aim"
    assert smart_quotes('("quoted") and \'single\'', english) == \
        "(\u201cquoted\u201d) and \u2018single\u2019"
    assert smart_quotes('dijo "hola"', spanish) == "dijo \u00abhola\u00bb"
    # Across spans: the character before decides.
    assert smart_quotes('"', english, previous="x") == "\u201d"


def test_quotes_are_typeset_through_the_cli(minimal_project: Path, cli: Cli) -> None:
    intro = minimal_project / "content" / "intro.yaml"
    intro.write_text(intro.read_text() + "  - paragraph: 'He said \"yes\" [@doe-2019].'\n")
    assert cli("-C", minimal_project, "build").exit_code == 0
    text = Pdf(minimal_project / "out" / "mini.pdf").text()
    assert "He said \u201cyes\u201d" in text


# --------------------------------------------------------------------------- linear time

_PIECES = [*"*[]()@\\-;,.:/ab \n\t", "**", "[@", "](", "](x)", "[a](http://x.org)", "\\*",
           "\\\\", " *", "* ", "[-@"]
_MARKUP = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


def _unclosed_once(problems: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The reference reported every unclosed '[@' after the first one too (all of them
    are unclosed, since none has a ']' after it); the linear parser reports the first."""
    unclosed = [p for p in problems if p[1].startswith("unclosed citation")]
    return [p for p in problems if not p[1].startswith("unclosed citation")
            or p == unclosed[0]]


@given(st.one_of(_MARKUP, st.text(max_size=80)))
def test_the_linear_parser_reads_everything_as_the_reference_did(text: str) -> None:
    """The reference is the parser as it was (tests/reference_inline.py): same spans,
    same problems, for any text."""
    from reference_inline import parse_spans

    rich, problems = parse_rich_text(text)
    expected_spans, expected_problems = parse_spans(text)
    assert rich.spans == expected_spans
    added = ("a citation starts with '@'", "a citation cannot be a link")  # new checks
    assert sorted(p for p in problems if not p[1].startswith(added)) \
        == sorted(_unclosed_once(expected_problems))


# Texts that made the old parser rescan the rest of the text at every opener.
_ADVERSARIAL = {
    "stars": "*a ", "double stars": "**a ", "brackets": "[a ", "citations": "[@a ",
    "nested brackets": "[[a] ", "link openers": "[a](", "bad links": "[a](b c) ",
    "mixed": "*[a **b ", "escapes": "\\*a *b ", "locator spaces": "[@a,      ",
}


@pytest.mark.parametrize("unit", list(_ADVERSARIAL.values()), ids=list(_ADVERSARIAL))
def test_parsing_takes_steps_linear_in_the_length(unit: str) -> None:
    """A structural check, not a timing: the parser counts its loop iterations."""
    from briefsmith.inline import _Parser

    per_character = []
    for repeat in (200, 2000, 6000):
        text = unit * repeat
        parser = _Parser(text, lambda _offset: NOWHERE)
        parser.parse(0, len(text), allow_links=True)
        per_character.append(parser.steps / len(text))
    assert max(per_character) <= 3, per_character
    assert per_character[-1] <= per_character[0] * 1.1, per_character


def test_citation_syntax_that_would_print_as_typed_is_an_error() -> None:
    """pandoc's prefix form and a citation made a link used to print literally."""
    _rich, problems = parse_rich_text("A [see @smith-2020] B [@doe-2019](https://x.org). "
                                      "[mail a@b.org], [x \\@y], [[see @a]] and [see [@a]].")
    assert problems == [
        (7, "a citation starts with '@' right after '[': write the words before it outside, "
            "as 'see [@id]' (or write '\\@' for an '@' that cites nothing)"),
        (33, "a citation cannot be a link: it already links to its reference; give the "
             "source its URL instead (or put a space before '(')"),
        (81, "a citation starts with '@' right after '[': write the words before it outside, "
             "as 'see [@id]' (or write '\\@' for an '@' that cites nothing)")]
