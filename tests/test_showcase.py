"""The every-block showcase (tests/fixtures/showcase), built in every shipped theme and read
back from the PDFs: layout faults, contents, captions, cross-references, tables, charts,
fonts and languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefsmith.diagnostics import Problems
from briefsmith.project import Project
from briefsmith.theme import load_theme
from conftest import FIXTURES, SHOWCASE_BRIEFS, SHOWCASE_THEMES, Cli, copy_project
from pdfinspect import Pdf, normalise

THEMES, BRIEFS = SHOWCASE_THEMES, SHOWCASE_BRIEFS


def pdf(showcase: dict[str, Path], theme: str, brief: str = "showcase") -> Pdf:
    return Pdf(showcase[theme] / f"{brief}.pdf")


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("brief", BRIEFS)
def test_text_stays_inside_the_page(showcase: dict[str, Path], theme: str, brief: str) -> None:
    """No overfull line, cell or label runs into the margin: every character lies in the
    theme's text block, give or take a hanging punctuation mark (CJK lines end with one)
    and the running header and footer, which sit in the margins by design."""
    document = pdf(showcase, theme, brief)
    margins = load_theme(Project.at(FIXTURES / "showcase"), theme, Problems()).page.margins
    width = float(document.reader.pages[0].mediabox.width)
    height = float(document.reader.pages[0].mediabox.height)
    hang = 12  # points: one full-width mark at body size
    for index in range(document.pages):
        chars = [c for c in document.chars(index)
                 if margins.top - 2 < c["top"] and c["bottom"] < height - margins.bottom + 2]
        assert chars, f"page {index + 1} is empty"
        left = min(c["x0"] for c in chars)
        right = max(c["x1"] for c in chars)
        assert left >= margins.left - 2, (theme, brief, index, left)
        assert right <= width - margins.right + hang, (theme, brief, index, right)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("brief", BRIEFS)
def test_no_heading_ends_a_page(showcase: dict[str, Path], theme: str, brief: str) -> None:
    """Below every heading there is content on the same page, above the footer."""
    document = pdf(showcase, theme, brief)
    for _level, title, page, top in document.outline_pages():
        chars = document.chars(page)
        footer = min(c["y"] for c in chars)
        below = [c for c in chars if footer + 4 < c["y"] < top - 28]
        assert below, f"'{title}' ends page {page + 1} in {theme}/{brief}"


def test_contents_lists_every_heading_with_its_page_and_links_to_it(
        showcase: dict[str, Path]) -> None:
    document = pdf(showcase, "report")
    assert "Contents" in document.page_text(1)
    toc_links = [link for link in document.internal_links() if link.page == 1
                 and re.search(r"\d\.*$", link.text)]
    headings = [(title, page) for level, title, page, _top in document.outline_pages()
                if title != "Key messages"]
    assert len(headings) == 5
    for title, page in headings:
        # The link covers the title, the dot leaders and the page number.
        matches = [(link, m) for link in toc_links
                   if (m := re.match(re.escape(title) + r"\s*(\d+)\.*$", normalise(link.text)))]
        assert matches, f"no contents entry for {title!r}"
        link, match = matches[0]
        assert match.group(1) == str(page + 1), (title, link.text, page + 1)
        assert link.target_page == page, (title, link.target_page, page)
    assert "1.1 Key figures and a timeline" in [t for t, _p in headings]


@pytest.mark.parametrize("theme", ["default", "compact"])
def test_themes_without_contents_print_none(showcase: dict[str, Path], theme: str) -> None:
    assert "Contents" not in pdf(showcase, theme).text()


@pytest.mark.parametrize("theme", THEMES)
def test_captions_are_numbered_in_reading_order(showcase: dict[str, Path], theme: str) -> None:
    text = normalise(pdf(showcase, theme).text())
    captions = re.findall(r"(Figure|Table) (\d+): ", text)
    figures = [int(n) for kind, n in captions if kind == "Figure"]
    tables = [int(n) for kind, n in captions if kind == "Table"]
    assert figures == list(range(1, 8))
    assert tables == [1, 2]
    assert "Figure 1: Counts by category" in text
    assert "Table 2: Population, households and online share by region" in text


def _caption_pages(document: Pdf) -> dict[str, int]:
    """"Figure 3" -> the page its caption ("Figure 3: ...") is on."""
    pages: dict[str, int] = {}
    for index in range(document.pages):
        for kind, number in re.findall(r"(Figure|Table) (\d+): ",
                                        normalise(document.page_text(index))):
            pages.setdefault(f"{kind} {number}", index)
    return pages


@pytest.mark.parametrize("theme", THEMES)
def test_cross_references_name_and_link_their_targets(showcase: dict[str, Path],
                                                      theme: str) -> None:
    document = pdf(showcase, theme)
    captions = _caption_pages(document)
    links = {}
    for link in document.joined_internal_links():
        text = normalise(link.text).strip()
        if re.fullmatch(r"(Figure|Table|Section) \d+|“[^”]+”", text):
            links.setdefault(text, []).append(link)
    numbered_sections = theme != "compact"
    sections = {"Section 2": "Data", "Section 3": "Pictures"}
    expected = {"Figure 1", "Figure 2", "Figure 3", "Figure 5", "Table 1", "Table 2"}
    if numbered_sections:
        expected |= set(sections)
    else:  # without numbers a section is named by its title
        expected |= {f"“{title}”" for title in sections.values()}
    assert expected <= set(links), sorted(links)
    heading_pages = {title: page for _l, title, page, _t in document.outline_pages()}
    for text, found in links.items():
        for link in found:
            if text.startswith(("Figure", "Table")):
                # A figure's target is its top, a table's its caption: same page as the caption.
                assert link.target_page == captions[text], (text, link)
            else:
                title = sections.get(text) or text.strip("“”")
                page = next(p for t, p in heading_pages.items() if t.endswith(title))
                assert link.target_page == page, (text, link)


@pytest.mark.parametrize("theme", THEMES)
def test_long_table_repeats_its_header_on_every_page(showcase: dict[str, Path],
                                                     theme: str) -> None:
    """The regional table breaks at least once (to a new page, or to the next column in a
    two-column theme), and every piece starts with the header row."""
    document = pdf(showcase, theme)
    pieces = 0
    for index in range(document.pages):
        words = document.plumber.pages[index].extract_words()
        rows = [w for i, w in enumerate(words[:-1])
                if w["text"] == "Region" and re.fullmatch(r"\d\d", words[i + 1]["text"])]
        if not rows:
            continue
        # Each piece of the table on this page starts where its "Region" cells start.
        starts = sorted({round(w["x0"]) for w in rows})
        for number, start in enumerate(starts):
            end = starts[number + 1] if number + 1 < len(starts) else float("inf")
            in_piece = [w for w in rows if start <= round(w["x0"]) < end]
            header = [w for w in words if w["text"] == "Households" and start <= w["x0"] < end]
            assert len(header) == 1, f"page {index + 1}: a piece of the table has no header"
            assert header[0]["top"] < min(w["top"] for w in in_piece), \
                "the header sits above the rows"
            pieces += 1
    assert pieces >= 2, "the regional table should break across pages or columns"


@pytest.mark.parametrize("theme", THEMES)
def test_numeric_columns_are_right_aligned(showcase: dict[str, Path], theme: str) -> None:
    document = pdf(showcase, theme)
    best = 0
    for index in range(document.pages):
        ends: dict[float, int] = {}
        for char in document.chars(index):
            if char["text"] == "%":
                key = round(char["x1"], 1)
                ends[key] = ends.get(key, 0) + 1
        best = max(best, *ends.values(), 0)
    assert best >= 15, "the percentages of a long column share one right edge"


@pytest.mark.parametrize("theme", THEMES)
def test_charts_are_drawn_with_labels_and_sources(showcase: dict[str, Path], theme: str) -> None:
    document = pdf(showcase, theme)
    text = normalise(document.text())
    for kind in ("Counts by category", "The mix of categories", "Online and offline sales"):
        assert kind in text
    bar_page = _caption_pages(document)["Figure 1"]
    plumber_page = document.plumber.pages[bar_page]
    assert len(plumber_page.rects) >= 4, "four bars"
    page_text = document.page_text(bar_page)
    for label in ("Alpha", "Delta", "1,250", "Count", "Category"):
        assert label in page_text, label
    assert "Alpha 1,250 (41%)" in text  # the pie's legend
    assert text.count("Source: Erika Muster (2025) [2]") >= 3


def test_spanish_brief_formats_numbers_dates_and_labels(showcase: dict[str, Path]) -> None:
    document = pdf(showcase, "default", "showcase-es")
    text = normalise(document.text())
    for expected in ("Referencias", "Mensajes clave", "29 de noviembre de 2026", "Figura 1.",
                     "Tabla 1.", "Fuente: Erika Muster (2025)", "mayo de 2021", "1.250"):
        assert expected in text, expected
    raw = document.text()
    assert re.search(r"[a-zá-ú]-\n[a-zá-ú]", raw), "Spanish words are hyphenated"


def test_chinese_brief_sets_chinese_labels(showcase: dict[str, Path]) -> None:
    document = pdf(showcase, "report", "showcase-zh")
    text = document.text()
    for expected in ("魔豆妈妈项目", "目录", "参考文献", "图1", "表1", "2026年11月29日",
                     "第 2 页，共"):
        assert expected in text, expected
    assert re.search(r"2017年12月", text)
    assert "2019年" in text  # a date given by its year alone reads as one too


@pytest.mark.parametrize("theme", THEMES)
def test_no_chinese_line_starts_with_closing_punctuation(showcase: dict[str, Path],
                                                         theme: str) -> None:
    """Chinese lines break between any characters, but never before a comma, a full stop or
    a closing bracket: those hang at the end of the line instead."""
    document = pdf(showcase, theme, "showcase-zh")
    lines = [line for index in range(document.pages)
             for line in (document.plumber.pages[index].extract_text() or "").splitlines()]
    assert any("，" in line for line in lines)
    assert [line for line in lines if line[:1] in "，；：！？）》」』】、。"] == []


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("brief", BRIEFS)
def test_every_font_is_embedded(showcase: dict[str, Path], theme: str, brief: str) -> None:
    document = pdf(showcase, theme, brief)
    fonts = document.fonts()
    assert fonts
    for name, font in fonts.items():
        assert document.is_embedded(font), f"{name} is not embedded"
    # A character drawn with a font that lacks it extracts as U+0000 (and prints a box).
    assert "\x00" not in document.text()


def test_cff_fonts_are_converted_and_embedded(showcase: dict[str, Path]) -> None:
    """EB Garamond and Noto Serif CJK have CFF outlines; the report theme uses both."""
    names = set(pdf(showcase, "report", "showcase-zh").fonts())
    assert any("EBGaramond" in n for n in names), names
    assert any("NotoSerifCJK" in n for n in names), names


def test_logo_from_an_inherited_theme_is_drawn(showcase: dict[str, Path]) -> None:
    """showcase-report -> showcase-base -> report -> base: the logo is an SVG drawing."""
    with_logo = pdf(showcase, "showcase-report")
    without = pdf(showcase, "report")
    def shapes(document: Pdf) -> int:
        page = document.plumber.pages[0]
        return len(page.rects) + len(page.curves)

    assert shapes(with_logo) > shapes(without)


def test_images_keep_their_alt_text_out_of_the_page_text(showcase: dict[str, Path]) -> None:
    document = pdf(showcase, "default")
    text = normalise(document.text())
    assert "Figure 5: A process in three steps (SVG)" in text
    assert "Figure 7: A photograph (JPEG)" in text
    images = {image.name for page in document.reader.pages for image in page.images}
    assert len(images) == 2  # the PNG (shown twice, stored once) and the JPEG; SVG is vector


def test_report_theme_rebuilds_byte_identically_with_a_cold_font_cache(
        tmp_path: Path, cli: Cli) -> None:
    project = copy_project(FIXTURES / "showcase", tmp_path / "p")
    cold = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = cli("-C", project, "build", "showcase-zh", "--theme", "report", "-o", tmp_path / "a",
                env=cold)
    assert first.exit_code == 0, first.output
    second = cli("-C", project, "build", "showcase-zh", "--theme", "report", "-o",
                 tmp_path / "b", env=cold)
    assert second.exit_code == 0, second.output
    assert list((tmp_path / "cache" / "briefsmith").glob("truetype-*/*.ttf"))
    a = (tmp_path / "a" / "showcase-zh.pdf").read_bytes()
    b = (tmp_path / "b" / "showcase-zh.pdf").read_bytes()
    assert a == b


def test_titles_are_set_in_balanced_lines(showcase: dict[str, Path]) -> None:
    """"Every Block in One Brief" breaks as "Every Block / in One Brief", never leaving
    one word alone on the last line of the cover title."""
    document = pdf(showcase, "report")
    title_words = {"Every", "Block", "in", "One", "Brief"}
    words = [w for w in document.plumber.pages[0].extract_words()
             if w["text"] in title_words and w["bottom"] - w["top"] > 20]
    lines: dict[int, list[str]] = {}
    for word in words:
        lines.setdefault(round(word["top"]), []).append(word["text"])
    assert len(lines) == 2
    assert all(len(line) >= 2 for line in lines.values()), lines
