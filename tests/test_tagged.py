"""Tagged PDF, read back from the files: the structure tree in reading order, marked content
on every page, the ParentTree, links tied in with OBJR, poppler's reading order, and the
settings that turn tagging off.  (No PDF/UA validator is installable here, so these tests
check the structure directly.)"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from conftest import FIXTURES, REPO, SHOWCASE_BRIEFS, SHOWCASE_THEMES, Cli, copy_project
from pdfinspect import Pdf
from structinspect import Elem, TaggedPdf, struct_text

# PDF 1.7 standard structure types (ISO 32000-1, 14.8.4).
STANDARD_ROLES = frozenset({
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl",
    "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note",
    "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu",
    "WT", "WP", "Figure", "Formula", "Form",
})

SHOWCASE_ORDER = [
    "P", "Title", "P", "P",                  # kicker, title, subtitle, who and when
    "Sect",                                  # key messages
    "H1", "P", "P", "L", "L", "BlockQuote", "Aside", "Aside",
    "H2", "Div", "Table",                    # key figures, timeline
    "H1", "P", "P", "Table", "P",            # table 1 (caption inside), source line
    "Figure", "Caption", "P", "Figure", "Caption", "P", "Figure", "Caption", "P",
    "Figure", "Caption", "P",
    "P", "Table", "Note", "P",               # the long table, its note and source
    "H1", "P", "Figure", "Caption", "P", "Figure", "Caption", "Figure", "Caption", "Figure",
    "H1", "L",                               # references
]

SHOWCASE_ALT = [
    "Bar chart. Count: Alpha 1,250, Beta 830, Gamma 610, Delta 360.",
    "Pie chart. Alpha 1,250 (41%), Beta 830 (27%), Gamma 610 (20%), Delta 360 (12%).",
    "Line chart. Online sales: 2018 12.5, 2019 15.8, 2020 22.4, 2021 27.9, 2022 31.2, "
    "2023 35.6. Offline sales: 2018 40.2, 2019 41, 2020 36.9, 2021 38.3, 2022 39.5, "
    "2023 40.1.",
    "Online sales grow every year and overtake offline sales in 2023.",  # written in YAML
    "Three boxes joined left to right by lines",
    "Six bars of increasing height",
    "An orange disc on a blue-green gradient",
    "The same six bars, without a caption",
]


def _all_pdfs(showcase: dict[str, Path], sample_pdf: Path) -> list[Path]:
    return [sample_pdf] + [showcase[t] / f"{b}.pdf" for t in SHOWCASE_THEMES
                           for b in SHOWCASE_BRIEFS]


def test_showcase_structure_in_reading_order(showcase: dict[str, Path]) -> None:
    with TaggedPdf(showcase["default"] / "showcase.pdf") as pdf:
        document = pdf.tree()
        assert document.role == "Document"
        assert document.roles() == SHOWCASE_ORDER
        assert [e.alt for e in document.walk() if e.role == "Figure"] == SHOWCASE_ALT
        elements = list(document.walk())
        key_messages = document.kids[4]
        assert key_messages.roles() == ["H1", "L"]
        for item in key_messages.kids[1].kids:
            assert item.role == "LI" and item.roles() == ["Lbl", "LBody"]
        tables = [e for e in elements if e.role == "Table"]
        timeline, summary, regions = tables[0], tables[1], tables[2]
        assert {r.roles()[0] for r in timeline.kids} == {"TH"}
        assert {r.kids[0].attributes["Table:Scope"] for r in timeline.kids} == {"/Row"}
        assert summary.roles() == ["Caption"] + ["TR"] * 5
        assert summary.kids[1].roles() == ["TH"] * 4
        assert {th.attributes["Table:Scope"] for th in summary.kids[1].kids} == {"/Column"}
        assert summary.kids[2].roles() == ["TD"] * 4
        assert regions.roles().count("TR") == 46  # the header once (not per page), 45 rows
        notes = [e for e in elements if e.role == "Note"]
        assert [n.id for n in notes] == ["note-1"]
        for figure in (e for e in elements if e.role == "Figure"):
            assert len(figure.attributes["Layout:BBox"]) == 4
        references = document.kids[-1]
        assert {item.role for item in references.kids} == {"LI"}
        assert {tuple(item.kids[0].roles()) for item in references.kids} == {("BibEntry",)}
        role_map = {k[1:]: str(v)[1:] for k, v in pdf.root.RoleMap.items()}
        assert role_map == {"Title": "P", "Aside": "Div"}
        for element in elements:
            assert role_map.get(element.role, element.role) in STANDARD_ROLES, element.role


def test_contents_and_logo_in_the_report_theme(showcase: dict[str, Path]) -> None:
    with TaggedPdf(showcase["showcase-report"] / "showcase.pdf") as pdf:
        document = pdf.tree()
        assert document.kids[0].role == "Figure"
        assert document.kids[0].alt == "Logo: briefsmith test suite"
        toc = next(e for e in document.kids if e.role == "TOC")
        assert toc.roles()[0] == "Caption"
        assert set(toc.roles()[1:]) == {"TOCI"}
        for entry in toc.kids[1:]:  # each entry is a link to its heading
            assert entry.roles() == ["Link"]
            assert len(entry.kids[0].annotations) == 1


@pytest.mark.parametrize("index", range(1 + len(SHOWCASE_THEMES) * len(SHOWCASE_BRIEFS)))
def test_every_mark_on_every_page_is_tagged_or_an_artifact(
        showcase: dict[str, Path], sample_pdf: Path, index: int) -> None:
    path = _all_pdfs(showcase, sample_pdf)[index]
    with TaggedPdf(path) as pdf:
        for page in range(len(pdf.pages)):
            marks = pdf.marks(page)
            assert marks.unmarked == [], (path.name, page)
            assert marks.nested == [], (path.name, page)
            assert marks.artifacts >= 1  # the running head and foot at least
            assert [m for _role, m in marks.mcids] == list(range(len(marks.mcids)))


@pytest.mark.parametrize("theme", ["default", "report"])
def test_parent_tree_ties_each_mcid_to_its_element(showcase: dict[str, Path],
                                                   theme: str) -> None:
    with TaggedPdf(showcase[theme] / "showcase.pdf") as pdf:
        parents = pdf.parent_tree()
        owners: dict[tuple[int, int], Elem] = {}
        for element in pdf.tree().walk():
            for mcid in element.mcids:
                assert mcid not in owners, f"{mcid} belongs to two elements"
                owners[mcid] = element
        for index, page in enumerate(pdf.pages):
            marks = pdf.marks(index)
            array = parents[int(page.StructParents)]
            assert len(array) == len(marks.mcids)
            for role, mcid in marks.mcids:
                element = owners[(index, mcid)]
                assert array[mcid].objgen == element.objgen
                assert role == element.role  # the BDC tag is the element's role


def test_links_are_described_and_tied_into_the_structure(showcase: dict[str, Path]) -> None:
    with TaggedPdf(showcase["default"] / "showcase.pdf") as pdf:
        parents = pdf.parent_tree()
        links = {a.objgen: e for e in pdf.tree().walk() if e.role == "Link"
                 for a in e.annotations}
        count = 0
        descriptions = set()
        for page in pdf.pages:
            assert page.Tabs == "/S"
            for annotation in page.get("/Annots", []):
                count += 1
                assert annotation.Subtype == "/Link"
                descriptions.add(str(annotation.Contents))
                owner = parents[int(annotation.StructParent)]
                assert owner.S == "/Link"
                assert owner.objgen == links[annotation.objgen].objgen
        assert count == len(links) > 20
        assert "Link to https://example.org/report" in descriptions
        assert "Go to Figure 3: Online and offline sales, 2018 to 2023 (billions)" in descriptions
        assert "Go to 2 Data" in descriptions
        assert any(d.startswith("Go to References: [1] ") for d in descriptions)
        assert "Go to the citation in the text" in descriptions
        assert pdf.pdf.Root.MarkInfo.Marked is True
        assert pdf.pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.pdf.Root.Lang) == "en"


@pytest.mark.parametrize("index", range(1 + len(SHOWCASE_THEMES) * len(SHOWCASE_BRIEFS)))
def test_every_link_holds_its_annotation_and_its_text(
        showcase: dict[str, Path], sample_pdf: Path, index: int) -> None:
    """PDF/UA (ISO 14289-1, 7.18.5): a ``Link`` element holds its annotation (``OBJR``)
    and the marked content of the text the annotation covers (its own, or that of a
    ``Span`` for a run of its text in another language)."""
    path = _all_pdfs(showcase, sample_pdf)[index]
    with TaggedPdf(path) as pdf:
        marked = pdf.marked_text()
        links = [e for e in pdf.tree().walk() if e.role == "Link"]
        assert links
        for link in links:
            mcids = link.all_mcids()
            assert link.annotations and mcids, (path.name, link)
            assert {(kid.role, kid.lang is not None) for kid in link.kids} <= {("Span", True)}
            assert "".join(marked.get(mcid, "") for mcid in mcids).strip(), link
            # Each annotation lies over the link's own text.  (Not exactly: ReportLab's
            # rectangles in justified lines ignore the stretched spaces, and so may start a
            # little before or after the text; the words are checked in the next test.)
            for annotation in link.annotations:
                assert pdf.text_under(annotation, mcids).strip(), (path.name, link)


def test_links_read_their_text_where_it_stands(sample_pdf: Path,
                                               showcase: dict[str, Path]) -> None:
    reading = struct_text(sample_pdf)
    paragraph = next(n for n in reading.walk()
                     if n.role == "P" and n.all_text().startswith("Table 1 lists"))
    assert [(k.role, k.all_text()) for k in paragraph.kids] == [("Link", "Table 1"),
                                                                  ("Link", "1")]
    assert re.sub(r"\s+", " ", paragraph.all_text()).startswith(
        "Table 1 lists the programmes the article describes, with the dates it gives [1]. ")
    links = [n.all_text().strip() for n in reading.walk() if n.role == "Link"]
    assert {"Figure 1", "10 million", "Healthcare", "Support for women", "a"} <= set(links)
    showcase_links = [n.all_text().strip()
                      for n in struct_text(showcase["default"] / "showcase.pdf").walk()
                      if n.role == "Link"]
    assert "https://example.org/report" in showcase_links
    contents = struct_text(showcase["report"] / "showcase.pdf")
    entries = [n for n in contents.walk() if n.role == "TOCI"]
    assert [k.role for k in entries[0].kids] == ["Link"]
    assert entries[0].all_text().strip() == "1 Overview 2"  # the title and the page number


def test_a_link_over_a_line_and_a_page_break_is_one_element(minimal_project: Path,
                                                            cli: Cli) -> None:
    words = "words of a long link " * 150
    sentence = "This sentence fills the page so that the paragraph must break. "
    with (minimal_project / "content" / "intro.yaml").open("a", encoding="utf-8") as section:
        section.write(f"  - paragraph: {sentence * 10}[{words}](https://example.org/long)"
                      f" and the end [@smith-2020].\n")
    assert cli("-C", minimal_project, "build").exit_code == 0
    with TaggedPdf(minimal_project / "out" / "mini.pdf") as pdf:
        elements = list(pdf.tree().walk())
        long = next(e for e in elements if e.role == "Link" and len(e.annotations) > 1)
        pages = pdf.annotation_pages()
        assert {pages[a.objgen] for a in long.annotations} == {0, 1}
        assert {page for page, _mcid in long.mcids} == {0, 1}
        parents = pdf.parent_tree()
        for annotation in long.annotations:
            assert parents[int(annotation.StructParent)].objgen == long.objgen
        marked = pdf.marked_text()
        text = "".join(marked[mcid] for mcid in long.mcids)
        assert re.sub(r"\s+", " ", text).strip() == words.strip()
        paragraph = next(e for e in elements if any(kid is long for kid in e.kids))
        assert paragraph.role == "P" and paragraph.kids[0] is long
        # Before it on the first page (more than one piece where a line is hyphenated);
        # after it, around the citation, on the second.
        pages = [page for page, _mcid in paragraph.mcids]
        assert pages[0] == 0 and pages.count(1) == 2 and set(pages) == {0, 1}
    reading = struct_text(minimal_project / "out" / "mini.pdf")
    text = next(re.sub(r"\s+", " ", n.all_text()) for n in reading.walk()
                if n.role == "P" and "long link" in n.all_text())
    assert text.endswith(f"must break. {words}and the end [1]. ")


def test_a_word_hyphenated_at_a_line_end_reads_whole(sample_pdf: Path) -> None:
    """The hyphen line breaking adds is drawn (pixel for pixel, see the last test) but is
    an artifact, so the structure reads the word whole; visual extraction still sees it."""
    reading = re.sub(r"\s+", " ", struct_text(sample_pdf).all_text())
    for words in ("the Alibaba Foundation for Poverty Alleviation. Its focus areas",
                  "the fund continued to support rural advancement [1]",
                  "for agricultural and food products launched"):
        assert words in reading
    assert not re.search(r"[a-z]-(?:ral|tion|ucts)\b", reading)
    with pdfplumber.open(sample_pdf) as plumber:
        page = plumber.pages[0]
        assert "Poverty Allevia-\ntion." in page.extract_text()
        chars = page.chars
        hyphen = next(c for i, c in enumerate(chars) if c["text"] == "-"
                      and "".join(d["text"] for d in chars[i - 7:i]) == "Allevia")
        assert hyphen["mcid"] is None and hyphen["tag"] == "Artifact"


def test_a_hyphen_the_text_has_stays_at_a_line_end(minimal_project: Path, cli: Cli) -> None:
    words = "Some self-explanatory, well-documented, state-of-the-art words. "
    with (minimal_project / "content" / "intro.yaml").open("a", encoding="utf-8") as section:
        section.write(f"  - paragraph: {words * 12}\n")
    assert cli("-C", minimal_project, "build").exit_code == 0
    pdf = minimal_project / "out" / "mini.pdf"
    with pdfplumber.open(pdf) as plumber:
        shown = plumber.pages[0].extract_text()
    breaks = re.findall(r"(\S+)-\n(\S+)", shown)
    assert any(f"{a}-{b}" in words for a, b in breaks)  # at a hyphen of the text
    assert any(f"{a}{b}" in words for a, b in breaks)  # hyphenated by line breaking
    reading = re.sub(r"\s+", " ", struct_text(pdf).all_text())
    assert (words * 12).strip() in reading


def test_headings_are_the_bookmarks(sample_pdf: Path) -> None:
    reading = struct_text(sample_pdf)
    headings = [n.all_text().strip() for n in reading.walk() if n.role in ("H1", "H2")]
    assert headings == [title for _level, title in Pdf(sample_pdf).outline()]


def test_poppler_reads_the_sample_in_order(sample_pdf: Path) -> None:
    reading = struct_text(sample_pdf)
    text = re.sub(r"\s+", " ", reading.all_text())
    expected = ["POLICY BRIEF", "Alibaba on Poverty and Jobs", "Key messages",
                "Alibaba launched a foundation for poverty alleviation in December 2017 and "
                "renamed it", "1 Rural vitalization", "1.1 Programmes on the ground",
                "Table 1: Alibaba’s programmes", "Programme", "Modou Mama", "2 Healthcare",
                "3 Support for women", "4 Jobs", "Figure 1: Job opportunities",
                "Evidence", "References", "[1] Redacción Opportimes"]
    position = 0
    for piece in expected:  # each after the one before
        position = text.find(piece, position)
        assert position >= 0, piece
    assert "andrenamed" not in text  # line ends read as spaces


def test_every_word_on_the_text_block_is_in_the_structure(sample_pdf: Path) -> None:
    """Running heads and feet are artifacts; everything inside the text block is read."""
    words = set(re.findall(r"\w+", struct_text(sample_pdf).all_text()))
    margin_top, margin_bottom = 26 * 72 / 25.4, 24 * 72 / 25.4  # the default theme
    with pdfplumber.open(sample_pdf) as plumber:
        for page in plumber.pages:
            body = page.crop((0, margin_top - 2, page.width, page.height - margin_bottom + 2))
            # A word hyphenated at a line end is read whole ("Alleviation", not "Allevia"
            # and "tion"); a hyphen the text has ("major-illness") is read as it stands.
            text = re.sub(r"(\w+)-\n(\w+)", lambda m: m[0] if m[1] in words and m[2] in words
                          else m[1] + m[2], body.extract_text())
            missing = {word for word in re.findall(r"\w+", text)
                       if word not in words and word[::-1] not in words}  # (rotated)
            assert not missing, (page.page_number, missing)


def test_qpdf_finds_nothing_wrong(sample_pdf: Path) -> None:
    result = subprocess.run(["qpdf", "--check", str(sample_pdf)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


@pytest.fixture
def long_project(minimal_project: Path) -> Path:
    """The minimal brief with a paragraph and a table too long for one page."""
    rows = "\n".join(f"Row {i},{i * 37}" for i in range(1, 90))
    data = minimal_project / "content" / "data"
    data.mkdir()
    (data / "rows.csv").write_text(f"Name,Value\n{rows}\n", encoding="utf-8")
    sentence = "This sentence fills the page so that the paragraph must break. "
    with (minimal_project / "content" / "intro.yaml").open("a", encoding="utf-8") as section:
        section.write(f"  - paragraph: {sentence * 70}[@smith-2020]\n"
                      "  - table: {caption: Many rows, csv: data/rows.csv, "
                      "source: smith-2020}\n")
    return minimal_project


def test_content_split_over_pages_stays_one_element(long_project: Path, cli: Cli) -> None:
    result = cli("-C", long_project, "build")
    assert result.exit_code == 0, result.output
    with TaggedPdf(long_project / "out" / "mini.pdf") as pdf:
        elements = list(pdf.tree().walk())
        # (A paragraph has several mcids on one page too: its links' text is their own.)
        long = next(e for e in elements
                    if e.role == "P" and len({page for page, _mcid in e.mcids}) > 1)
        assert {page for page, _mcid in long.mcids} == {0, 1}
        table = next(e for e in elements if e.role == "Table" and e.kids[0].role == "Caption")
        rows = [e for e in table.kids if e.role == "TR"]
        assert len(rows) == 90  # the header row once: its repetitions are artifacts
        header_pages = {page for th in rows[0].kids for page, _ in th.mcids}
        assert len(header_pages) == 1
        row_pages = {page for tr in rows for td in tr.kids for page, _ in td.mcids}
        assert len(row_pages) >= 2
        for page in range(len(pdf.pages)):
            assert pdf.marks(page).unmarked == []


def _theme_without_tags(project: Path) -> None:
    styles = project / "styles"
    styles.mkdir(exist_ok=True)
    (styles / "plain.yaml").write_text("tagged: false\n", encoding="utf-8")
    brief = project / "briefs" / "mini.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + "theme: plain\n", encoding="utf-8")


def test_a_theme_turns_tagging_off_and_a_brief_back_on(minimal_project: Path,
                                                       cli: Cli) -> None:
    _theme_without_tags(minimal_project)
    assert cli("-C", minimal_project, "build").exit_code == 0
    pdf = minimal_project / "out" / "mini.pdf"
    plain = pdf.read_bytes()
    assert b"/StructTreeRoot" not in plain and b"/MarkInfo" not in plain
    assert b"BDC" not in _content(pdf)
    brief = minimal_project / "briefs" / "mini.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + "pdf: {tagged: true}\n",
                     encoding="utf-8")
    assert cli("-C", minimal_project, "build").exit_code == 0
    with TaggedPdf(pdf) as tagged:
        assert tagged.tree().roles()[:2] == ["P", "Title"]


def _content(path: Path) -> bytes:
    return b"".join(page.get_contents().get_data() for page in Pdf(path).reader.pages)


def test_a_cmyk_logo_is_refused_for_pdfa_by_the_validator(minimal_project: Path,
                                                          cli: Cli) -> None:
    """What the early checks do not catch, the validator does: no false PDF/A claim."""
    from PIL import Image

    _theme_without_tags(minimal_project)
    Image.new("CMYK", (40, 20), (0, 128, 255, 0)).save(minimal_project / "styles" / "l.jpg")
    with (minimal_project / "styles" / "plain.yaml").open("a", encoding="utf-8") as theme:
        theme.write("logo: l.jpg\n")
    assert cli("-C", minimal_project, "build").exit_code == 0  # fine without PDF/A
    shutil.rmtree(minimal_project / "out")
    result = cli("-C", minimal_project, "build", "--pdfa")
    assert result.exit_code == 1
    assert "briefs/mini.yaml:1:1: error: cannot make a PDF/A-2 file: DeviceCMYK" \
        in result.stderr
    assert not (minimal_project / "out" / "mini.pdf").exists()
    fixture = copy_project(FIXTURES / "minimal", minimal_project.parent / "fresh")
    assert cli("-C", fixture, "build", "--pdfa").exit_code == 0


def test_tagging_changes_nothing_on_the_page(sample_pdf: Path, tmp_path: Path,
                                             cli: Cli) -> None:
    """Marked content and the blank spaces at line ends draw nothing: pixel for pixel."""
    project = copy_project(REPO, tmp_path / "sample")
    (project / "styles" / "untagged.yaml").write_text("extends: default\ntagged: false\n",
                                                      encoding="utf-8")
    result = cli("-C", project, "build", "--theme", "untagged")
    assert result.exit_code == 0, result.output
    untagged = project / "out" / sample_pdf.name
    assert b"/StructTreeRoot" not in untagged.read_bytes()
    for name, pdf in (("tagged", sample_pdf), ("untagged", untagged)):
        subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / name)],
                       check=True)
    tagged_pages = sorted(tmp_path.glob("tagged-*.png"))
    assert len(tagged_pages) == Pdf(sample_pdf).pages
    for page in tagged_pages:
        twin = tmp_path / page.name.replace("tagged", "untagged")
        assert page.read_bytes() == twin.read_bytes(), page.name


def _language_spans(document: Elem) -> list[Elem]:
    return [e for e in document.walk() if e.lang is not None]


def test_a_chinese_name_in_an_english_brief_is_a_span_in_chinese(sample_pdf: Path) -> None:
    """PDF/UA (ISO 14289-1, 7.2): a change of language in the text is marked.  The name
    魔豆妈妈 is a Span with /Lang zh and its own marked content; the English around it is
    the paragraph's (in the document's /Lang en) and reads in order around it."""
    han = re.compile(r"[\u4e00-\u9fff]")
    with TaggedPdf(sample_pdf) as pdf:
        assert str(pdf.pdf.Root.Lang) == "en"
        document = pdf.tree()
        marked = pdf.marked_text()
        spans = _language_spans(document)
        assert len(spans) >= 5  # paragraphs, list, table cell, key figures, evidence
        for span in spans:
            assert (span.role, span.lang, span.kids) == ("Span", "zh", [])
            assert "".join(marked[mcid] for mcid in span.mcids) == "魔豆妈妈"
        # No Han outside them (figures excepted: their alternative text is what is read),
        # no other element in another language.
        owners = {mcid: e for e in document.walk() for mcid in e.mcids}
        for mcid, text in marked.items():
            if han.search(text):
                assert owners[mcid].lang == "zh", (mcid, text)
        paragraph = next(e for e in document.walk() if e.role == "P" and any(
            "The company started" in marked.get(mcid, "") for mcid in e.mcids))
        assert paragraph.lang is None and paragraph.kids[0] in spans
        own = "".join(marked[mcid] for mcid in paragraph.mcids)
        assert "The company started the “Modou Mama” (" in own and not han.search(own)
        # In the evidence appendix the name is a link to the key figure: Link > Span.
        assert any(e.role == "Link" and e.kids and e.kids[0] in spans and e.annotations
                   for e in document.walk())
    reading = struct_text(sample_pdf)
    paragraph_read = next(n for n in reading.walk()
                          if n.role == "P" and "The company started" in n.all_text())
    assert [k.role for k in paragraph_read.kids] == ["Span", "Link"]
    assert paragraph_read.kids[0].all_text() == "魔豆妈妈"
    assert re.sub(r"\s+", " ", paragraph_read.all_text()).startswith(
        "The company started the “Modou Mama” (魔豆妈妈) project in 2006. Since then")


def test_latin_text_in_a_chinese_brief_keeps_the_brief_language(
        showcase: dict[str, Path]) -> None:
    """Latin letters in Chinese text are as often pinyin or names as English: not marked;
    Han text is the brief's own language."""
    path = showcase["default"] / "showcase-zh.pdf"
    with TaggedPdf(path) as pdf:
        assert str(pdf.pdf.Root.Lang) == "zh-CN"
        assert _language_spans(pdf.tree()) == []
    text = struct_text(path).all_text()
    assert re.search(r"[A-Za-z]{4}", text) and re.search(r"[\u4e00-\u9fff]", text)


def test_runs_in_other_languages_in_paragraphs_and_links(minimal_project: Path,
                                                         cli: Cli) -> None:
    """Kana make a run Japanese, Hangul Korean; a run over a line break is one Span; a
    link's run is a Span inside the Link, which keeps its annotation and its own text."""
    han = "魔豆妈妈 " * 40
    with (minimal_project / "content" / "intro.yaml").open("a", encoding="utf-8") as section:
        section.write("  - paragraph: Tokyo (東京は) and Seoul (서울), "
                      "[the 魔豆妈妈 project](https://example.org/modou) [@smith-2020].\n"
                      f"  - paragraph: A long name, {han}and English again.\n")
    result = cli("-C", minimal_project, "build")
    assert result.exit_code == 0, result.output
    path = minimal_project / "out" / "mini.pdf"
    with TaggedPdf(path) as pdf:
        marked = pdf.marked_text()
        document = pdf.tree()

        def text(element: Elem) -> str:
            return "".join(marked[mcid] for mcid in element.mcids)

        spans = [(e.lang, text(e)) for e in _language_spans(document)]
        assert spans[:3] == [("ja", "東京は"), ("ko", "서울"), ("zh", "魔豆妈妈")]
        assert len(spans) == 4 and spans[3][0] == "zh"
        # (Spaces between CJK characters are not set, see render.markup.)
        assert re.sub(r"\s+", "", spans[3][1]) == han.replace(" ", "")
        link = next(e for e in document.walk() if e.role == "Link" and e.kids)
        assert [k.lang for k in link.kids] == ["zh"] and len(link.annotations) == 1
        assert re.sub(r"\s+", " ", text(link)).strip() == "the project"
        for page in range(len(pdf.pages)):
            assert pdf.marks(page).nested == []
    reading = re.sub(r"\s+", " ", struct_text(path).all_text())
    assert "Tokyo (東京は) and Seoul (서울), the 魔豆妈妈 project [1]." in reading
    assert f"A long name, {han.replace(' ', '')} and English again." in reading
