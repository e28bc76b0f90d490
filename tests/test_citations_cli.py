"""Citations through the CLI: bibliography files, their errors, the evidence gate,
``briefsmith sources``, and links in both directions in a CSL-styled PDF."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, Cli, copy_project
from pdfinspect import Pdf, normalise


@pytest.fixture
def citations_project(tmp_path: Path) -> Path:
    return copy_project(FIXTURES / "citations", tmp_path / "citations")


def _set(project: Path, old: str, new: str, file: str = "briefs/styles.yaml") -> None:
    path = project / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [line for line in result.stderr.splitlines() if ": error: " in line]


def test_every_format_is_read_and_checks_clean(citations_project: Path, cli: Cli) -> None:
    result = cli("-C", citations_project, "check", "--strict")
    assert result.exit_code == 0, result.output
    listed = cli("-C", citations_project, "list").stdout
    for source in ("smith-2020", "sen-1999", "worldbank-2018", "renmin-2020", "who-uhc",
                   "chen-2019"):
        assert f"source   {source}" in listed


@pytest.mark.parametrize("style", ["ieee", "apa"])
def test_csl_pdf_links_resolve_in_both_directions(citations_project: Path, cli: Cli,
                                                  style: str) -> None:
    _set(citations_project, "style: numeric", f"style: {style}")
    result = cli("-C", citations_project, "build")
    assert result.exit_code == 0, result.output
    pdf = Pdf(citations_project / "out" / "styles.pdf")
    links = pdf.internal_links()
    back = [link for link in links if re.fullmatch(r"[a-z]|\u2191", link.text)]
    forward = [link for link in links if link not in back]
    # Six places cite ten source items; every source entry links back to each place.
    assert len(back) == 10
    text = normalise(pdf.text())
    references = text[text.rindex("References"):]
    if style == "ieee":
        assert [link.text for link in forward] == [
            "[1, p. 12]", "[2]", "[2, Ch. 2]", "[3]", "[4]", "[5]", "[6]", "[1]",
            "[5, Para. 3]", "[4, p. 3]"]
        order = ["[1] J. A. Smith", "[2] A. Sen", "[3] World Bank", "[4] Renmin",
                 "[5] World Health", "[6] X. Chen"]
    else:
        assert [link.text for link in forward][:3] == [
            "Smith & Li, 2020, p. 12", "Sen, 1999", "1999, Chapter 2"]
        order = ["Chen, X. (2019)", "Renmin University of China. (2020)", "Sen, A. (1999)",
                 "Smith, J. A., & Li, W. (2020)", "World Bank. (2018)",
                 "World Health Organization. (2023"]
    positions = [references.index(entry) for entry in order]
    assert positions == sorted(positions)
    entry_tops = {link.target_top for link in forward}
    citation_lines = [(link.page, link.rect) for link in forward]
    for link in back:
        assert any(page == link.target_page and rect[1] - 2 <= link.target_top <= rect[3] + 16
                   for page, rect in citation_lines), link
    assert len(entry_tops) == 6  # one destination per entry


def test_per_section_reference_lists(citations_project: Path, cli: Cli) -> None:
    _set(citations_project, "  style: numeric", "  style: numeric\n  references: section")
    result = cli("-C", citations_project, "build")
    assert result.exit_code == 0, result.output
    pdf = Pdf(citations_project / "out" / "styles.pdf")
    assert (1, "References") in pdf.outline()  # a sub-heading of section 1
    assert (0, "References") not in pdf.outline()


def test_bibliography_errors_are_located(citations_project: Path, cli: Cli) -> None:
    (citations_project / "content" / "library.json").write_text(
        '[\n  {"id": "smith-2020", "type": "article-journal", "title": "T",\n'
        '   "author": [{"family": "Smith"}], "container-title": "J",\n'
        '   "issued": {"date-parts": [[2020, 13]]}, "URL": "ftp://x.org/a"},\n'
        '  {"id": "renmin-2020", "type": "report", "title": "Dup"}\n]\n', encoding="utf-8")
    (citations_project / "content" / "hayagriva.yml").write_text(
        "who-uhc:\n  type: web\n  titel: Typo\n  url: https://who.int\n"
        "chen-2019:\n  type: article\n  title: T\n  author: Chen, Xi\n"
        "  parent: {type: periodical, title: R}\n  date: 2019-12\n", encoding="utf-8")
    (citations_project / "content" / "refs.bib").write_text(
        "@book{sen-1999, title = {Development}, year = 1999}\n"
        "@techreport{worldbank-2018, author = {{World Bank}}, title = {P},\n"
        "  institution = {World Bank}, year = 2018, month = smarch}\n"
        "@book{sen-1999, title = {Again}}\n", encoding="utf-8")
    result = cli("-C", citations_project, "check")
    assert result.exit_code == 1
    assert _errors(result) == [
        # one message for the misspelt field: no "missing required field 'title'", and no
        # "unknown source 'who-uhc'" where it is cited
        "content/hayagriva.yml:3:3: error: who-uhc: unknown Hayagriva field 'titel' (did you "
        "mean 'title'?)",
        "content/library.json:4:30: error: smith-2020.issued: '2020-13' has no month 13",
        "content/library.json:4:51: error: smith-2020: URL must start with http:// or "
        "https://, found 'ftp://x.org/a'",
        "content/library.json:5:10: error: source id 'renmin-2020' is also defined at "
        "content/sources.yaml:1:1",
        "content/refs.bib:1:7: error: sen-1999: a book needs 'author' or 'editor' or "
        "'publisher' (in BibTeX: author or editor or publisher, institution or school)",
        "content/refs.bib:3:44: error: month 'smarch' is not a month; write jan ... dec or "
        "1 ... 12",
        "content/refs.bib:4:1: error: duplicate source id 'sen-1999' (first defined at "
        "content/refs.bib:1:7)",
    ]


def test_required_citations_list_every_uncited_claim(minimal_project: Path, cli: Cli) -> None:
    brief = minimal_project / "briefs" / "mini.yaml"
    brief.write_text(brief.read_text() + "citations:\n  required: true\n")
    result = cli("-C", minimal_project, "check")
    assert result.exit_code == 1
    assert _errors(result) == [
        "content/intro.yaml:7:9: error: list item cites no source, and briefs/mini.yaml "
        "requires citations (citations.required); cite one with [@source-id], or say why "
        "not with 'uncited: <reason>'"]
    intro = minimal_project / "content" / "intro.yaml"
    intro.write_text(intro.read_text().replace(
        "  - list:\n", "  - list:\n      uncited: examples, not claims\n      items:\n")
        .replace("      - First", "        - First").replace("      - Second", "        - Second"))
    assert cli("-C", minimal_project, "check").exit_code == 0


def test_unknown_and_note_styles_are_errors(citations_project: Path, cli: Cli) -> None:
    _set(citations_project, "style: numeric", "style: iee")
    result = cli("-C", citations_project, "check")
    assert _errors(result) == [
        "briefs/styles.yaml:6:10: error: citations.style: unknown citation style 'iee' (did "
        "you mean 'ieee'?); use numeric, author-date, a CSL style name such as apa, "
        "chicago-author-date, ieee, vancouver, or a .csl file in styles/"]
    _set(citations_project, "style: iee", "style: chicago-notes-bibliography")
    result = cli("-C", citations_project, "check")
    assert "is a footnote style" in result.stderr


def test_a_project_csl_file_is_a_style(citations_project: Path, cli: Cli) -> None:
    from briefsmith.csl import style_path

    (citations_project / "styles").mkdir()
    shutil.copy(style_path("ieee", None), citations_project / "styles" / "house.csl")
    _set(citations_project, "style: numeric", "style: house.csl")
    result = cli("-C", citations_project, "build")
    assert result.exit_code == 0, result.output
    assert "[3], [4], [5], [6]" in normalise(Pdf(citations_project / "out" / "styles.pdf")
                                              .text())
    (citations_project / "styles" / "house.csl").write_text("<not-csl/>")
    result = cli("-C", citations_project, "check")
    assert "citations.style: not a CSL style" in result.stderr


def test_reserved_cross_reference_ids_are_not_sources(minimal_project: Path, cli: Cli) -> None:
    sources = minimal_project / "content" / "sources.yaml"
    sources.write_text(sources.read_text() + "fig:growth:\n  title: T\n  publisher: P\n")
    result = cli("-C", minimal_project, "check")
    assert _errors(result) == [
        "content/sources.yaml:18:1: error: 'fig:growth': the prefixes fig:, tbl: and sec: are "
        "reserved for cross-references to figures, tables and sections"]


def test_sources_command(citations_project: Path, cli: Cli) -> None:
    result = cli("-C", citations_project, "sources")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "smith-2020  2 citations  [content/library.json:3:9]"
    assert lines[1] == "  briefs/styles.yaml:12"
    assert lines[2] == "  content/evidence.yaml:5"

    data = json.loads(cli("-C", citations_project, "sources", "--format", "json",
                          "--max-age", "30", "--as-of", "2024-05-01").stdout)
    who = next(s for s in data["sources"] if s["id"] == "who-uhc")
    assert who["uses"] == 2 and who["accessed"] == "2024-04-01" and who["age_days"] == 30
    assert not who["stale"] and data["stale"] == []

    stale = cli("-C", citations_project, "sources", "--max-age", "29", "--as-of", "2024-05-01")
    assert stale.exit_code == 1
    assert _errors(stale) == [
        "content/hayagriva.yml:11:11: error: who-uhc: last accessed 2024-04-01, 30 days before "
        "2024-05-01 (more than --max-age 29)"]

    csl = json.loads(cli("-C", citations_project, "sources", "--format", "csl-json").stdout)
    assert [item["id"] for item in csl] == [
        "smith-2020", "sen-1999", "worldbank-2018", "renmin-2020", "who-uhc", "chen-2019"]
    assert csl[0]["issued"] == {"date-parts": [[2020, 7]]}


def test_unused_sources_are_listed_and_fail_strictly(minimal_project: Path, cli: Cli) -> None:
    sources = minimal_project / "content" / "sources.yaml"
    sources.write_text(sources.read_text() + "spare:\n  title: T\n  publisher: P\n")
    result = cli("-C", minimal_project, "sources")
    assert result.exit_code == 0
    assert "unused:\n  spare  [content/sources.yaml:18:1]" in result.stdout
    assert cli("-C", minimal_project, "sources", "--strict").exit_code == 1


def test_a_style_the_processor_fails_on_is_an_error(citations_project: Path, cli: Cli) -> None:
    (citations_project / "styles").mkdir()
    (citations_project / "styles" / "bare.csl").write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
        "<citation/></style>")
    _set(citations_project, "style: numeric", "style: bare.csl")
    for command in ("check", "build"):  # check found nothing, and build failed
        result = cli("-C", citations_project, command)
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert _errors(result) == [
            "styles/bare.csl: error: the CSL processor fails on this style (AttributeError: "
            "'NoneType' object has no attribute 'attrib')"]
    assert not (citations_project / "out" / "styles.pdf").exists()


def test_a_style_that_fails_only_while_building_is_located_at_its_file(
        citations_project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import briefsmith.validate

    monkeypatch.setattr(briefsmith.validate, "style_file_problems", lambda _path: [])
    (citations_project / "styles").mkdir()
    (citations_project / "styles" / "bare.csl").write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
        "<citation/></style>")
    _set(citations_project, "style: numeric", "style: bare.csl")
    result = cli("-C", citations_project, "build")
    assert result.exit_code == 1
    assert _errors(result)[0].startswith("styles/bare.csl: error: citations.style: 'bare.csl' "
                                         "cannot be used by the CSL processor (")


def test_a_style_using_an_undefined_macro_is_an_error_at_its_line(citations_project: Path,
                                                                   cli: Cli) -> None:
    from briefsmith.csl import style_path

    ieee = style_path("ieee", None)
    assert isinstance(ieee, Path)
    text = ieee.read_text(encoding="utf-8")
    layout = text.index("<layout", text.index("<bibliography"))
    layout_end = text.index(">", layout) + 1
    (citations_project / "styles").mkdir()
    (citations_project / "styles" / "mine.csl").write_text(
        text[:layout_end] + '<text macro="nonexistent"/>' + text[layout_end:], encoding="utf-8")
    _set(citations_project, "style: numeric", "style: mine.csl")
    line = text[:layout_end].count("\n") + 1
    for command in ("check", "build"):
        result = cli("-C", citations_project, command)
        assert result.exit_code == 1
        assert _errors(result) == [f"styles/mine.csl:{line}:1: error: macro 'nonexistent' is "
                                   "used but never defined in this style"]


def test_a_citation_gate_blocks_only_the_brief_that_sets_it(minimal_project: Path,
                                                              cli: Cli) -> None:
    """Two briefs share a section with an uncited list item; only the strict one fails."""
    briefs = minimal_project / "briefs"
    lenient = (briefs / "mini.yaml").read_text()
    (briefs / "strict.yaml").write_text(lenient + "citations:\n  required: true\n")

    result = cli("-C", minimal_project, "build")

    assert result.exit_code == 1
    assert _errors(result) == [
        "content/intro.yaml:7:9: error: list item cites no source, and briefs/strict.yaml "
        "requires citations (citations.required); cite one with [@source-id], or say why "
        "not with 'uncited: <reason>'"]
    assert (minimal_project / "out" / "mini.pdf").is_file()
    assert not (minimal_project / "out" / "strict.pdf").exists()


def test_sources_for_some_briefs_calls_no_source_unused(minimal_project: Path,
                                                         cli: Cli) -> None:
    """'Never cited' is a verdict on the whole project: a brief that cites only one
    source says nothing about the others, nor does a project with an unreadable section."""
    content = minimal_project / "content"
    (content / "two.yaml").write_text("title: Two\nblocks:\n  - paragraph: Doe [@doe-2019].\n")
    (minimal_project / "briefs" / "other.yaml").write_text(
        "title: Other\ndate: 2024-05-01\nsections: [two.yaml]\n")

    subset = cli("-C", minimal_project, "sources", "other", "--strict")
    assert subset.exit_code == 0, subset.output
    assert "never cited" not in subset.stderr
    assert "unused:\n  smith-2020" in subset.stdout  # still listed for that brief

    (content / "intro.yaml").write_text("title: [unclosed\n")
    broken = cli("-C", minimal_project, "sources")
    assert broken.exit_code == 1
    assert "never cited" not in broken.stderr
    assert _errors(broken) == ["content/intro.yaml:1:8: error: this '[' list is never closed "
                               "with ']' (or an item in it is missing a comma)"]


def test_the_evidence_appendix_prints_a_locator_once(citations_project: Path,
                                                    cli: Cli) -> None:
    """The key figure cites ``renmin-2020, p. 3``: the appendix's source column shows the
    bare marker, and the locator column "p. 3" (not "[n, p. 3]" and "p. 3" again)."""
    _set(citations_project, "  style: numeric\n", "  style: numeric\n  evidence: true\n")
    result = cli("-C", citations_project, "build")
    assert result.exit_code == 0, result.output
    pdf = Pdf(citations_project / "out" / "styles.pdf")
    text = normalise(pdf.text())
    appendix = text[text.index("Where in the source"):text.index("References")]
    assert "[4] Alibaba Ecosystem Employment" in appendix
    assert appendix.count("p. 3") == 1, appendix
