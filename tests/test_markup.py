"""User text reaches ReportLab markup only escaped: whatever it contains, ReportLab parses
the markup and the paragraph shows exactly the user's text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from briefsmith.fonts import ChainCoverage, needs_glyph
from briefsmith.inline import parse_rich_text
from briefsmith.model import Link, RichText, Text
from briefsmith.render.fonts import RegisteredChain
from briefsmith.render.markup import MarkupWriter

ALL = frozenset(range(0x110000))
WRITER = MarkupWriter(
    RegisteredChain(({"regular": "Helvetica", "bold": "Helvetica-Bold",
                      "italic": "Helvetica-Oblique", "bolditalic": "Helvetica-BoldOblique"},),
                    ChainCoverage.uniform((ALL,))),
    link_colour="#0000FF",
)
STYLE = ParagraphStyle("t", fontName="Helvetica")
# Characters ReportLab's markup parser cannot carry at all (XML forbids them).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200)


def shown(markup: str) -> str:
    paragraph = Paragraph(markup, STYLE)
    return "".join(frag.text for frag in paragraph.frags)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_ampersand_and_tags_are_text() -> None:
    for text in ("R&D", "a < b > c", '<img src="/etc/passwd"/>', "&amp; &nbsp; &#169;",
                 "<a href='javascript:x'>x</a>", "<font name='Courier'>x</font>"):
        assert shown(WRITER.text(text)) == text


def test_unsafe_link_is_written_as_plain_text() -> None:
    markup = WRITER.rich(RichText((Link((Text("click"),), "javascript:alert(1)"),)))
    assert markup == "click"
    assert "href" not in WRITER.rich(RichText((Link((Text("f"),), "file:///etc/passwd"),)))


def test_link_target_is_escaped_in_the_attribute() -> None:
    markup = WRITER.rich(RichText((Link((Text("x"),), 'https://e.org/?a=1&b="2"'),)))
    assert 'href="https://e.org/?a=1&amp;b=&quot;2&quot;"' in markup
    assert shown(markup) == "x"


@given(TEXT)
def test_any_plain_text_round_trips(text: str) -> None:
    """Every character that takes ink arrives; joiners, variation selectors and other
    zero-width format characters are dropped (ReportLab would draw a marker for them)."""
    inked = "".join(c for c in text if needs_glyph(c) or c.isspace() or c == "\u00ad")
    assert squash(shown(WRITER.text(text))) == squash(inked)


@given(TEXT)
def test_any_inline_text_renders_as_markup_reportlab_accepts(text: str) -> None:
    rich, _problems = parse_rich_text(text)
    shown(WRITER.rich(rich))  # must not raise


ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
HOSTILE = st.lists(st.sampled_from([
    "<img src='/etc/passwd'/>", "<a href='file:///etc/passwd'>x</a>", "&", "&amp;", "<",
    "[x](javascript:alert(1))", "[y](https://e.org/?a=<b>&c=\"d\")", "[z](mailto:a@b.c)",
    "[w](file:///etc/passwd)", "**", "*", "[@", "]", "\\", "<br/>", "<font name='x'>",
    "\u200d", "\ufe0f", "\u00ad", "e\u0301", " ",
]), max_size=15).map("".join)


@given(st.one_of(ANY_TEXT, HOSTILE))
def test_user_text_never_becomes_markup(text: str) -> None:
    """Whatever the text, ReportLab sees no image, no font switch of the user's choosing,
    and no link but the checked ones: every link target in the frags is http(s)/mailto."""
    rich, _problems = parse_rich_text(text)
    for markup in (WRITER.text(text), WRITER.rich(rich)):
        paragraph = Paragraph(markup, STYLE)
        for frag in paragraph.frags:
            assert not getattr(frag, "cbDefn", None), "an <img> or other callback got through"
            assert frag.fontName.startswith("Helvetica"), frag.fontName
            link = getattr(frag, "link", None)
            for _kind, href in link or []:  # ReportLab keeps (kind, target) pairs
                assert href.split(":", 1)[0].lower() in ("http", "https", "mailto"), href


# Two families: Helvetica lacks "é" and "魔"; Times has "é"; Courier has "魔".
HELVETICA = {"regular": "Helvetica", "bold": "Helvetica-Bold", "italic": "Helvetica-Oblique",
             "bolditalic": "Helvetica-BoldOblique"}
TIMES = {"regular": "Times-Roman", "bold": "Times-Bold", "italic": "Times-Italic",
         "bolditalic": "Times-BoldItalic"}
COURIER = {"regular": "Courier", "bold": "Courier-Bold", "italic": "Courier-Oblique",
           "bolditalic": "Courier-BoldOblique"}
ASCII = frozenset(range(32, 127))
CHAIN = RegisteredChain((HELVETICA, TIMES, COURIER), ChainCoverage.uniform(
    (ASCII, ASCII | {ord("é")}, ASCII | {ord("魔")})), role="body")
FALLBACK = MarkupWriter(CHAIN, link_colour="#0000FF")


def faces(markup: str, style: ParagraphStyle) -> list[tuple[str, str]]:
    return [(frag.text, frag.fontName) for frag in Paragraph(markup, style).frags]


def test_fallback_runs_keep_bold_and_italic() -> None:
    """A fallback run names the face of the style it is set in: ReportLab takes bold and
    italic from the name, so naming the regular face made bold Chinese print regular."""
    body = ParagraphStyle("body", fontName=CHAIN.font("regular"))
    rich, _problems = parse_rich_text("a **bé 魔** *é* *x **魔***")
    assert faces(FALLBACK.rich(rich, body), body) == [
        ("a ", "Helvetica"), ("bé ", "Times-Bold"), ("魔", "Courier-Bold"), (" ", "Helvetica"),
        ("é", "Times-Italic"), (" ", "Helvetica"), ("x ", "Helvetica-Oblique"),
        ("魔", "Courier-BoldOblique")]


def test_a_bold_paragraph_style_sets_its_fallback_runs_in_bold() -> None:
    heading = ParagraphStyle("h1", fontName=CHAIN.font("bold"))
    assert faces(FALLBACK.text("e 魔 é", heading), heading) == [
        ("e ", "Helvetica-Bold"), ("魔 ", "Courier-Bold"), ("é", "Times-Bold")]


def test_markup_of_one_role_is_refused_in_another_roles_paragraph() -> None:
    """The paragraph's face would set the runs split by another chain's coverage."""
    headings = RegisteredChain((TIMES,), ChainCoverage.uniform((ASCII,)), role="headings")
    caption = ParagraphStyle("caption", fontName=headings.font("regular"))
    with pytest.raises(ValueError, match="body markup in paragraph style 'caption'"):
        FALLBACK.text("x", caption)
    assert FALLBACK.text("x", ParagraphStyle("b", fontName=CHAIN.font("italic"))) == "x"
