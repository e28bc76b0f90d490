"""Files named by blocks and themes, and theme inheritance, checked through the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import Cli
from pdfinspect import Pdf


def _section(project: Path, blocks: str) -> None:
    (project / "content" / "intro.yaml").write_text(
        "title: Introduction\nblocks:\n  - paragraph: Text [@smith-2020; @doe-2019].\n" + blocks,
        encoding="utf-8")


def test_theme_inheritance_cycle_over_several_files(minimal_project: Path, cli: Cli) -> None:
    styles = minimal_project / "styles"
    styles.mkdir()
    (styles / "default.yaml").write_text("extends: first\n", encoding="utf-8")
    (styles / "first.yaml").write_text("extends: second\n", encoding="utf-8")
    (styles / "second.yaml").write_text("# loops back\nextends: first\n", encoding="utf-8")
    result = cli("-C", minimal_project, "check")
    assert result.exit_code == 1
    assert ("styles/second.yaml:2:10: error: theme inheritance cycle: "
            "default -> first -> second -> first") in result.stderr


def test_inherited_tokens_reach_the_pdf(minimal_project: Path, cli: Cli) -> None:
    styles = minimal_project / "styles"
    styles.mkdir()
    (styles / "default.yaml").write_text("extends: middle\n", encoding="utf-8")
    (styles / "middle.yaml").write_text("extends: compact\npage: {size: A5}\n", encoding="utf-8")
    result = cli("-C", minimal_project, "build")
    assert result.exit_code == 0, result.output


    pdf = Pdf(minimal_project / "out" / "mini.pdf")
    box = pdf.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)  # A5
    assert "Page 1 of" in pdf.page_text(0)  # the compact footer


def test_svg_that_pulls_in_other_files_is_refused(minimal_project: Path, cli: Cli) -> None:
    images = minimal_project / "content" / "images"
    images.mkdir()
    (images / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        '  <image xlink:href="file:///etc/passwd" width="10" height="10"/>\n</svg>\n',
        encoding="utf-8")
    (images / "fake.png").write_bytes(b"GIF89a not a png")
    _section(minimal_project, "  - image: {file: images/evil.svg, alt: x}\n"
                              "  - image: {file: images/fake.png, alt: y}\n")
    result = cli("-C", minimal_project, "check")
    assert result.exit_code == 1
    assert "content/images/evil.svg:2:16: error: the SVG refers to another file" in result.stderr
    assert "content/images/fake.png: error: not a PNG image" in result.stderr


def test_csv_problems_point_into_the_csv_file(minimal_project: Path, cli: Cli) -> None:
    data = minimal_project / "content" / "data"
    data.mkdir()
    (data / "ragged.csv").write_text("a,b\n1,2\n\n3\n", encoding="utf-8")
    (data / "words.csv").write_text("year,value\n2020,12\n2021,lots\n2022,1e400\n",
                                    encoding="utf-8")
    _section(minimal_project,
             "  - table: {caption: Ragged, csv: data/ragged.csv}\n"
             "  - chart: {type: line, caption: Words, csv: data/words.csv, source: doe-2019}\n")
    result = cli("-C", minimal_project, "check")
    assert result.exit_code == 1
    assert "content/data/ragged.csv:4:1: error: row has 1 cells, the header has 2" in result.stderr
    assert ("content/data/words.csv:3:2: error: 'lots' in column 'value' is not a number"
            in result.stderr)
    assert ("content/data/words.csv:4:2: error: '1e400' in column 'value' is not a finite "
            "number (it is too large to compute with)" in result.stderr)


def test_a_built_brief_records_the_files_its_blocks_read(minimal_project: Path,
                                                         cli: Cli) -> None:
    """A problem in a data file blocks only the briefs that read it."""
    data = minimal_project / "content" / "data"
    data.mkdir()
    (data / "ok.csv").write_text("a,b\nx,1\n", encoding="utf-8")
    _section(minimal_project, "  - table: {caption: Fine, csv: data/ok.csv}\n")
    assert cli("-C", minimal_project, "build").exit_code == 0
    (data / "ok.csv").write_text("a,b\nx\n", encoding="utf-8")
    result = cli("-C", minimal_project, "build")
    assert result.exit_code == 1
    assert "built out/" not in result.stdout
    assert "not built mini" in result.stdout


def _font(path: Path, family: str, *, outlines: bool) -> None:
    """A small TrueType font covering A-Z, a-z and 0-9: boxes, or (damaged) nothing."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    chars = [chr(c) for c in (*range(48, 58), *range(65, 91), *range(97, 123))]
    names = [".notdef", *(f"g{ord(c)}" for c in chars)]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"g{ord(c)}" for c in chars})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        if outlines:
            pen.moveTo((100, 0))
            pen.lineTo((100, 700))
            pen.lineTo((500, 700))
            pen.lineTo((500, 0))
            pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics(dict.fromkeys(names, (600, 100)))
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))


def test_a_project_font_with_empty_outlines_is_an_error(minimal_project: Path,
                                                        cli: Cli) -> None:
    """Its character map claims every letter, so the glyph check passed and the body text
    printed invisible."""
    (minimal_project / "fonts").mkdir()
    (minimal_project / "fonts" / "notes.ttf").write_text("not a font")
    _font(minimal_project / "fonts" / "Evil.ttf", "Evil Sans", outlines=False)
    _font(minimal_project / "fonts" / "Box.ttf", "Box Sans", outlines=True)
    (minimal_project / "styles").mkdir()
    theme = minimal_project / "styles" / "default.yaml"
    theme.write_text("fonts:\n  body: [Box Sans, DejaVu Serif]\n")
    fine = cli("-C", minimal_project, "check")
    assert fine.exit_code == 0  # a font that draws is fine; a file that is none is ignored
    assert fine.stderr.splitlines() == [
        "fonts/notes.ttf: warning: cannot read this font file (not a TrueType, OpenType or "
        "TTC font?); it is ignored", "0 errors, 1 warning"]

    theme.write_text("fonts:\n  body: [Evil Sans, DejaVu Serif]\n")
    result = cli("-C", minimal_project, "build")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        "styles/default.yaml:2:9: error: fonts.body: fonts/Evil.ttf has empty outlines for all "
        "62 letters and digits sampled (a damaged file?): text set in it would be invisible; "
        "replace the file or remove it from fonts/", "1 error, 1 warning"]
    assert not (minimal_project / "out" / "mini.pdf").exists()


LONG_NAMES = ["Guangxi Zhuang Autonomous Region", "Inner Mongolia", "Ningxia Hui", "Tibet",
              "Xinjiang Uygur Autonomous Region", "Yunnan", "Guizhou", "Gansu", "Qinghai",
              "Sichuan", "Hunan", "Hubei"]


def _build_chart(project: Path, cli: Cli, kind: str, caption: str,
                 categories: list[str]) -> Pdf:
    values = ", ".join(str(10 + n) for n in range(len(categories)))
    _section(project, f"""  - chart:
      type: {kind}
      caption: {caption}
      categories: [{", ".join(categories)}]
      series: [{{name: Households, values: [{values}]}}]
      source: smith-2020
""")
    result = cli("-C", project, "build")
    assert result.exit_code == 0, result.output
    return Pdf(project / "out" / "mini.pdf")


def test_slanted_chart_labels_stay_inside_the_text_area(minimal_project: Path,
                                                        cli: Cli) -> None:
    """Twelve long category names are set slanted; the first hangs left of its bar, and
    used to run over the margin to the page's edge."""
    pdf = _build_chart(minimal_project, cli, "bar", "Many long categories", LONG_NAMES)
    page = next(n for n in range(pdf.pages) if "Guangxi" in pdf.page_text(n).replace("\n", ""))
    margin = 24 * 72 / 25.4  # the default theme's left margin
    label_chars = [c for c in pdf.chars(page) if c["text"] in "GuangxiZhuAtomsRe"]
    assert label_chars
    assert min(c["x0"] for c in label_chars) >= margin - 1


def test_a_pie_with_more_slices_than_palette_colours_repeats_no_colour(
        minimal_project: Path, cli: Cli) -> None:
    # The default palette has six colours.
    pdf = _build_chart(minimal_project, cli, "pie", "Nine slices", LONG_NAMES[:9])
    page = next(n for n in range(pdf.pages) if "Nine slices" in pdf.page_text(n))
    shapes = pdf.plumber.pages[page].curves + pdf.plumber.pages[page].rects
    fills = {tuple(round(v, 3) for v in s["non_stroking_color"]) for s in shapes
             if s.get("fill") and isinstance(s.get("non_stroking_color"), tuple | list)}
    # Nine slices and their nine legend swatches, in nine colours (plus the page's tints).
    slice_colours = {f for f in fills if len(f) == 3}
    assert len(slice_colours) >= 9, slice_colours


def test_font_library_remarks_do_not_reach_the_output(minimal_project: Path,
                                                      tmp_path: Path) -> None:
    """fontTools remarks on Carlito's odd 'created' date through Python's logging, which
    printed "'created' timestamp seems very low" between our problem lines."""
    carlito = Path("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf")
    assert carlito.is_file(), "fonts-crosextra-carlito is in system-packages.txt"
    (minimal_project / "fonts").mkdir()
    (minimal_project / "fonts" / carlito.name).write_bytes(carlito.read_bytes())
    (minimal_project / "styles").mkdir()
    (minimal_project / "styles" / "default.yaml").write_text(
        "fonts:\n  body: [Carlito, Noto Serif]\n", encoding="utf-8")
    # A process of its own: pytest's log capture would swallow the remark in-process.
    result = subprocess.run(
        [sys.executable, "-m", "briefsmith", "-C", str(minimal_project), "check"],
        capture_output=True, text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "empty-cache")})
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
