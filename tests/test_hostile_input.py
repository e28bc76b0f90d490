"""Hostile and unusual input through the whole tool: limits, memory, encodings, YAML 1.1
typing, and arbitrary bytes (a PDF or located errors, never an exception)."""

from __future__ import annotations

import codecs
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefsmith.convert import MAX_TEXT_CHARS
from briefsmith.diagnostics import Problems
from briefsmith.load import MAX_EXPANDED_CHARS, MAX_FILE_BYTES, MAX_NODES, parse_yaml
from conftest import FIXTURES, Cli, copy_project
from pdfinspect import Pdf, normalise

SECTION = "content/intro.yaml"


def test_a_file_over_the_size_limit_is_refused_unread(minimal_project: Path, cli: Cli) -> None:
    big = minimal_project / SECTION
    big.write_text("title: Big\nblocks:\n" + "  - paragraph: x\n" * (MAX_FILE_BYTES // 16 + 1))
    result = cli("-C", minimal_project, "check")
    assert result.exit_code == 1
    assert f"{SECTION}: error: file is {big.stat().st_size:,} bytes or more; the limit is " \
           f"{MAX_FILE_BYTES:,} bytes (split it into smaller files)" in result.stderr


def test_a_paragraph_over_the_text_limit_is_refused(minimal_project: Path, cli: Cli) -> None:
    text = "word " * (MAX_TEXT_CHARS // 5 + 10)
    (minimal_project / SECTION).write_text(
        f"title: Long\nblocks:\n  - paragraph: {text}[@smith-2020] [@doe-2019].\n")
    result = cli("-C", minimal_project, "build")
    assert result.exit_code == 1
    assert (f"{SECTION}:3:16: error: blocks[1].paragraph: text is "
            f"{len(text) + 26:,} characters long; the limit is {MAX_TEXT_CHARS:,} "
            "(split it into several paragraphs)") in result.stderr
    assert not (minimal_project / "out").exists()


def test_alias_bomb_and_huge_lists_are_refused_with_bounded_memory() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [" + ", ".join([f"*{chr(ord(c) - 1)}"] * 9) + "]\n" for c in "bcdefghi")
    flat = "- a\n" * (MAX_NODES * 3)  # 2.4 MB: under the size limit, over the value limit
    for text, peak_limit_mb in ((bomb, 5), (flat, 150)):
        problems = Problems()
        tracemalloc.start()
        try:
            parse_yaml(text, "f.yaml", problems)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        assert [p.message.split(" (")[0] for p in problems] == [
            f"document expands to more than {MAX_NODES:,} values"]
        assert peak < peak_limit_mb, f"peak {peak:.1f} MB"


def test_aliases_of_long_text_are_bounded_by_the_text_they_expand_to(
        minimal_project: Path, cli: Cli) -> None:
    """A 38 KB file: one 20,000-character paragraph and 1,000 aliases of it (20 MB of text,
    11 s to check, 1,520 pages for 300 of them). Few values, so counting values missed it."""
    paragraph = ("lorem ipsum dolor sit amet " * 740)[:19_900] + " [@smith-2020] [@doe-2019]"
    (minimal_project / SECTION).write_text(
        f"title: Echo\nblocks:\n  - paragraph: &p '{paragraph}'\n"
        + "  - paragraph: *p\n" * 1_000)
    result = cli("-C", minimal_project, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{SECTION}:213:16: error: document expands to more than {MAX_EXPANDED_CHARS:,} "
        "characters of text (this alias repeats 19,926 characters); write the text out, or "
        "repeat it less", "1 error"]

    # A few repeats of a long text, or many of a short one, are fine.
    (minimal_project / SECTION).write_text(
        f"title: Echo\nblocks:\n  - paragraph: &p '{paragraph}'\n"
        + "  - paragraph: *p\n" * 3 + "  - list: &l ['A [@doe-2019].']\n"
        + "  - list: *l\n" * 2_000)
    assert cli("-C", minimal_project, "check").exit_code == 0


def test_encodings_that_are_read(minimal_project: Path, cli: Cli) -> None:
    """UTF-8 with a BOM, UTF-16 with a BOM (either byte order) and CRLF line ends."""
    original = (minimal_project / SECTION).read_text(encoding="utf-8")
    changed = original.replace("Introduction", "Introducción")
    for data in (codecs.BOM_UTF8 + changed.encode(),
                 changed.encode("utf-16"),
                 codecs.BOM_UTF16_BE + changed.encode("utf-16-be"),
                 changed.replace("\n", "\r\n").encode()):
        (minimal_project / SECTION).write_bytes(data)
        result = cli("-C", minimal_project, "build")
        assert result.exit_code == 0, result.output
        assert "Introducción" in Pdf(minimal_project / "out" / "mini.pdf").text()


def test_yaml_1_1_look_alikes_keep_their_text(minimal_project: Path, cli: Cli) -> None:
    """NO (Norway), no, on, 1.10 and 2021-05 are printed as written, never as
    false, true, 1.1 or a date."""
    (minimal_project / SECTION).write_text(
        "title: NO\nlead: on [@smith-2020].\nblocks:\n  - list:\n      - no\n      - 1.10\n"
        "      - 2021-05\n      - 0o17 and 0x1F and 1e3 [@doe-2019].\n  - heading: yes\n")
    result = cli("-C", minimal_project, "build")
    assert result.exit_code == 0, result.output
    text = normalise(Pdf(minimal_project / "out" / "mini.pdf").text())
    for expected in ("1 NO", "on [1]", "• no", "• 1.10", "• 2021-05", "0o17 and 0x1F and 1e3",
                     "yes"):
        assert expected in text, expected


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    st.lists(st.sampled_from(["title: T\n", "blocks:\n", "  - paragraph: x [@smith-2020]\n",
                              "  - list: [a, b]\n", "lead: *a\n", "  - &a heading: h\n",
                              "\t- x\n", "title: 'open\n", "  - key_figures:\n",
                              "      - value: 1\n", "  - timeline: ~\n", "---\n", "%\n",
                              "\ufeff", "\u202e", "\x00", "[@", "**"]),
             max_size=12).map(lambda parts: "".join(parts).encode()),
))
def test_any_bytes_as_a_section_give_a_pdf_or_located_errors(data: bytes, tmp_path_factory,
                                                             cli: Cli) -> None:
    project = copy_project(FIXTURES / "minimal", tmp_path_factory.mktemp("fuzz") / "p")
    (project / SECTION).write_bytes(data)
    result = cli("-C", project, "build")
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    lines = result.stderr.splitlines()
    if result.exit_code == 0:
        assert (project / "out" / "mini.pdf").is_file()
    else:
        errors = [line for line in lines if ": error: " in line]
        assert errors and all(line.split(":", 1)[0] in ("content", SECTION, "briefs/mini.yaml")
                              or line.startswith(("content/", "briefs/")) for line in errors)
        assert not (project / "out" / "mini.pdf").exists()
