"""The sample brief, built through the CLI and read back from the PDF itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO, SAMPLE_BRIEF, Cli
from pdfinspect import Pdf, normalise
from structinspect import struct_text

SECTION_TITLES = ["Rural vitalization", "Healthcare", "Support for women", "Jobs"]


def test_text_has_title_key_messages_and_every_section(sample_pdf: Path) -> None:
    text = normalise(Pdf(sample_pdf).text())
    assert "Alibaba on Poverty and Jobs" in text
    assert "Key messages" in text
    for number, title in enumerate(SECTION_TITLES, 1):
        assert re.search(rf"\b{number}\s+{title}\b", text), title
    assert "References" in text


def test_chinese_name_is_extracted_as_text(sample_pdf: Path) -> None:
    assert "魔豆妈妈" in Pdf(sample_pdf).text()


def test_references_are_listed_in_order_of_first_citation(sample_pdf: Path) -> None:
    pdf = Pdf(sample_pdf)
    text = normalise(pdf.text())
    references = text[text.rindex("References"):]
    first = references.index("[1] Redacción Opportimes")
    second = references.index("[2] Renmin University of China")
    assert first < second
    # The article is cited first (key messages), the report only later.
    body = text[: text.index("Evidence")]  # the appendix repeats the markers
    assert body.index("[1]") < body.index("[1, 2]")
    assert "[2]" not in body.replace("[1, 2]", "")


def _citation_and_back_links(pdf: Pdf) -> tuple[list, list]:
    links = pdf.internal_links()
    last = pdf.pages - 1
    heading_y = {p.text.strip(): p.y for p in pdf.pieces()
                 if p.page == last and p.text.strip() in ("Evidence", "References")}
    in_table = [link for link in links if link.page == last
                and heading_y["References"] < link.rect[1] < heading_y["Evidence"]]
    assert len(in_table) >= 6 * 3, "evidence rows link figure, section and source"
    body = [link for link in links if link not in in_table
            and not re.fullmatch(r"(Figure|Table) \d+", link.text)]  # cross-references
    citations = [link for link in body if re.fullmatch(r"\d+", link.text)]
    backlinks = [link for link in body if re.fullmatch(r"[a-z]+|\u2191", link.text)]
    assert len(citations) + len(backlinks) == len(body), [link.text for link in body]
    return citations, backlinks


def test_every_citation_links_to_its_reference_entry(sample_pdf: Path) -> None:
    pdf = Pdf(sample_pdf)
    citations, _ = _citation_and_back_links(pdf)
    assert len(citations) >= 20
    entries = {p.text.strip("[] "): p for p in pdf.pieces()
               if re.fullmatch(r"\[\d+\] ?", p.text)}
    assert set(entries) == {"1", "2"}
    for link in citations:
        entry = entries[link.text]
        assert link.target_page == entry.page
        # The destination is the top of the entry's first line.
        assert entry.y <= link.target_top <= entry.y + 14, (link, entry)


def test_every_entry_links_back_to_each_citation_of_it(sample_pdf: Path) -> None:
    """``^ a b c``: one back-link per citation, each landing on the line of its citation."""
    pdf = Pdf(sample_pdf)
    citations, backlinks = _citation_and_back_links(pdf)
    # Each citation of a source is one place; [1, 2] is one place for each of the two.
    assert len(backlinks) == len(citations)
    for back in backlinks:
        on_line = [c for c in citations if c.page == back.target_page
                   and c.rect[1] - 2 <= back.target_top <= c.rect[3] + 16]
        assert on_line, f"back-link {back.text!r} lands where no citation is: {back}"
    # The letters run a, b, c, ... in reading order, per entry.
    first_entry = [b.text for b in backlinks if b.rect[1] > backlinks[-1].rect[1] + 5]
    assert first_entry[:3] == ["a", "b", "c"]


def test_outline_lists_the_sections(sample_pdf: Path) -> None:
    outline = Pdf(sample_pdf).outline()
    top = [title for level, title in outline if level == 0]
    assert top == ["Key messages", *[f"{n} {t}" for n, t in enumerate(SECTION_TITLES, 1)],
                   "Evidence", "References"]
    assert (1, "1.1 Programmes on the ground") in outline


def test_every_font_is_embedded_and_subset(sample_pdf: Path) -> None:
    fonts = Pdf(sample_pdf).fonts()
    assert fonts, "no fonts found"
    pdf = Pdf(sample_pdf)
    for name, font in fonts.items():
        assert pdf.is_embedded(font), f"{name} is not embedded"
        assert re.match(r"/[A-Z]{6}\+", name), f"{name} is not a subset"
    # The Chinese name is set in the CJK fallback of the text's design: serif in the body,
    # sans in the key figure (both converted from CFF outlines).
    assert any("NotoSerifCJK" in name for name in fonts), "the serif CJK fallback is not used"
    assert any("NotoSansCJK" in name for name in fonts), "the sans CJK fallback is not used"


def test_metadata(sample_pdf: Path) -> None:
    pdf = Pdf(sample_pdf)
    meta = pdf.metadata
    assert meta["/Title"] == "Alibaba on Poverty and Jobs"
    assert meta["/Author"] == "briefsmith sample project"
    assert meta["/Subject"].startswith("Rural vitalization")
    assert "Modou Mama" in meta["/Keywords"]
    assert meta["/Creator"].startswith("briefsmith ")
    assert meta["/CreationDate"].startswith("D:20261129")
    assert pdf.language == "en"


def test_page_numbers_and_running_header(sample_pdf: Path) -> None:
    pdf = Pdf(sample_pdf)
    for index in range(pdf.pages):
        text = pdf.page_text(index)
        assert f"{index + 1} / {pdf.pages}" in text
        if index:
            assert "Alibaba on Poverty and Jobs" in text.splitlines()[0] + text


def test_every_fact_in_the_sample_cites_a_source() -> None:
    """The sample's rule: every paragraph, list item, key figure and timeline entry cites."""
    for path in sorted((REPO / "content").glob("*.yaml")):
        if path.name == "sources.yaml":
            continue
        section = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in section["blocks"]:
            (kind, body), = block.items()
            if kind == "paragraph":
                assert "[@" in body, (path.name, body)
            elif kind == "list":
                assert all("[@" in item for item in body), (path.name, body)
            elif kind in ("key_figures", "timeline"):
                assert all(item.get("cite") for item in body), (path.name, body)
            elif kind in ("table", "chart"):
                assert body.get("source"), (path.name, body)
            else:
                assert kind == "heading", f"{path.name}: check that {kind} blocks cite"


def test_cross_references_link_to_the_chart_and_the_table(sample_pdf: Path) -> None:
    pdf = Pdf(sample_pdf)
    text = normalise(pdf.text())
    assert "Figure 1: Job opportunities in China linked to Alibaba’s ecosystem" in text
    assert "Table 1: Alibaba’s programmes against poverty" in text
    links = {link.text: link for link in pdf.internal_links()
             if link.text in ("Figure 1", "Table 1")}
    assert set(links) == {"Figure 1", "Table 1"}
    for label, link in links.items():
        target = pdf.page_text(link.target_page)
        assert f"{label}:" in normalise(target), label


@pytest.mark.parametrize("theme", ["default", "report"])
def test_running_head_names_the_section_that_opens_the_page(sample_project: Path, cli: Cli,
                                                            theme: str) -> None:
    """When a heading opens a page, the running head names that section (not the one
    before it, even when keep-with-next moved the heading there)."""
    assert cli("-C", sample_project, "build", "--theme", theme).exit_code == 0
    document = Pdf(sample_project / "out" / f"{SAMPLE_BRIEF}.pdf")
    opened = 0
    for index in range(1, document.pages):
        page = document.plumber.pages[index]
        words = page.extract_words(keep_blank_chars=True)
        rule = 0.09 * float(page.height)  # the running head sits above the text block
        head = " ".join(w["text"] for w in words if w["top"] < rule and w["x0"] > page.width / 2)
        body = [w for w in words if w["top"] > rule]
        first_line = " ".join(w["text"] for w in body if w["top"] == min(b["top"] for b in body))
        match = re.fullmatch(r"(?:\d+\s+)?(Rural vitalization|Healthcare|Support for women|Jobs"
                             r"|Evidence|References)", first_line.strip())
        if match:
            opened += 1
            assert head.strip() == match.group(1), (index + 1, head, first_line)
    assert opened, "no page opens with a heading in this theme"


def test_contents_follow_the_order_of_the_document(sample_project: Path, cli: Cli) -> None:
    assert cli("-C", sample_project, "build", "--theme", "report").exit_code == 0
    document = Pdf(sample_project / "out" / f"{SAMPLE_BRIEF}.pdf")
    lines = (document.plumber.pages[1].extract_text() or "").splitlines()
    entries = (re.fullmatch(r"(.+?)[\s.]*\.\s*(\d+)", line) for line in lines)
    contents = [entry.group(1).strip() for entry in entries if entry]
    outline = [title for level, title in document.outline() if title != "Key messages"]
    assert contents == outline


def test_evidence_links_each_figure_to_its_callout(sample_pdf: Path) -> None:
    document = Pdf(sample_pdf)
    evidence_page = next(i for i in range(document.pages)
                         if "Evidence" in document.page_text(i).splitlines()[1:3]
                         or document.page_text(i).lstrip().startswith("Evidence"))
    links = [link for link in document.joined_internal_links()
             if link.page == evidence_page and link.text == "10 million"]
    assert len(links) == 1
    target = links[0]
    value = [w for w in document.plumber.pages[target.target_page].extract_words()
             if w["text"] == "10"]
    assert value, "the callout is on the linked page"
    height = float(document.plumber.pages[target.target_page].height)
    # The destination is the top of the callout's value line.
    assert any(abs((height - w["top"]) - target.target_top) < 30 for w in value)


def test_english_hyphenates_with_american_patterns_unless_british() -> None:
    from briefsmith.render.styles import hyphenation_language

    assert hyphenation_language("en") == "en_US"
    assert hyphenation_language("en-GB") == "en_GB"
    assert hyphenation_language("zh-CN") == ""


def test_a_figure_that_does_not_fit_floats_past_the_text_after_it(sample_project: Path,
                                                                  cli: Cli) -> None:
    """Report theme: the chart does not fit below 'Figure 1 compares…', so the paragraph
    after it fills the page and the chart opens the next one; the tagged reading order
    keeps the chart where the story has it."""
    assert cli("-C", sample_project, "build", "--theme", "report").exit_code == 0
    document = Pdf(sample_project / "out" / f"{SAMPLE_BRIEF}.pdf")

    def page_of(text: str) -> int:
        return next(i for i in range(document.pages) if text in normalise(document.page_text(i)))

    compares = page_of("compares the two figures the report gives")
    after = page_of("International expansion also creates job opportunities")
    figure = page_of("Figure 1: Job opportunities in China")
    assert compares == after < figure
    reading = normalise(struct_text(document.path).all_text())
    assert reading.index("Figure 1: Job opportunities") < reading.index("International expansion")


def test_evidence_lists_a_figures_sources_in_the_order_its_marker_shows(
        sample_pdf: Path) -> None:
    """``cite: renmin-2020; opportimes-alibaba`` prints as ``[1, 2]``: the appendix row
    agrees (source 1 first), instead of following the order the YAML names them in."""
    document = Pdf(sample_pdf)
    evidence = normalise(document.page_text(document.pages - 1))
    row = evidence[evidence.index("nearly 70 million"):evidence.index("around 50 million")]
    assert row.index("[1]") < row.index("[2]")


def test_a_source_line_names_its_sources_in_the_order_of_their_numbers(
        sample_pdf: Path) -> None:
    """The chart cites ``renmin-2020; opportimes-alibaba``; its marker reads ``[1, 2]`` and
    [1] is Opportimes, so the names come in that order too (no pairing a name with the
    wrong number)."""
    text = normalise(Pdf(sample_pdf).text())
    assert "Sources: Redacción Opportimes; Renmin University of China (2020) [1, 2]" in text
