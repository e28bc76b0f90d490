"""PDF/A-2: ``build --pdfa`` or ``pdf: {pdfa: true}``, checked with pikepdf's validator
(an allow-list built from the veraPDF rules for PDF/A-2b) and by reading the file back."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from pikepdf import pdfa

from conftest import REPO, SAMPLE_BRIEF, Cli, copy_project
from pdfinspect import Pdf
from structinspect import TaggedPdf

# The validator checks level B; level A (the structure) is ours to claim.
LEVEL_A_DECLARED = "ISO_19005_2:6.6.4-3"


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from briefsmith.cli import main

    project = copy_project(REPO, tmp_path_factory.mktemp("pdfa"))
    result = CliRunner().invoke(main, ["-C", str(project), "build", "--pdfa"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project / "out" / f"{SAMPLE_BRIEF}.pdf"


def _findings(path: Path) -> list[pdfa.Finding]:
    return list(pdfa.validate_written(path, "2b").findings)


def test_sample_is_pdfa_2a(archived: Path) -> None:
    findings = _findings(archived)
    assert [f.rule for f in findings] == [LEVEL_A_DECLARED]  # conformance "A", not "B"
    with pikepdf.open(archived) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert meta["pdfaid:conformance"] == "A"
        assert meta["dc:title"] == str(pdf.docinfo.Title) == "Alibaba on Poverty and Jobs"
        assert meta["xmp:CreatorTool"] == str(pdf.docinfo.Creator)
        assert meta["xmp:CreateDate"].startswith("2026-11-29T00:00:00")
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        assert intent.DestOutputProfile.N == 3
        assert b"sRGB" in intent.DestOutputProfile.read_bytes()
        for page in pdf.pages:
            assert "/Trans" not in page.obj
            for annotation in page.get("/Annots", []):
                assert int(annotation.F) & 4  # printed
        assert "/Encrypt" not in pdf.trailer
        assert "/Names" not in pdf.Root or "/JavaScript" not in pdf.Root.Names
    document = Pdf(archived)
    for name, font in document.fonts().items():
        assert document.is_embedded(font), name
        assert "/ToUnicode" in font, name  # text maps to Unicode (level A)
    with TaggedPdf(archived) as tagged:
        assert tagged.tree().roles()[:2] == ["P", "Title"]
        assert all(not tagged.marks(p).unmarked for p in range(len(tagged.pages)))
    check = subprocess.run(["qpdf", "--check", str(archived)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_untagged_brief_is_pdfa_2b(minimal_project: Path, cli: Cli) -> None:
    brief = minimal_project / "briefs" / "mini.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + "pdf:\n  tagged: false\n  pdfa: true\n",
                     encoding="utf-8")
    result = cli("-C", minimal_project, "build")  # the brief asks for PDF/A itself
    assert result.exit_code == 0, result.output
    path = minimal_project / "out" / "mini.pdf"
    assert _findings(path) == []
    with pikepdf.open(path) as pdf:
        assert pdf.open_metadata()["pdfaid:conformance"] == "B"
        assert "/StructTreeRoot" not in pdf.Root


def test_a_cmyk_image_is_refused_where_it_is_named(minimal_project: Path, cli: Cli) -> None:
    from PIL import Image

    images = minimal_project / "content" / "images"
    images.mkdir()
    Image.new("CMYK", (40, 30), (0, 128, 255, 0)).save(images / "c.jpg")
    with (minimal_project / "content" / "intro.yaml").open("a", encoding="utf-8") as section:
        section.write("  - image: {file: images/c.jpg, alt: A cyan box}\n")
    expected = ("content/intro.yaml:16:19: error: content/images/c.jpg is a CMYK image, which "
                "a PDF/A file (sRGB output intent) cannot contain; save it as RGB")
    check = cli("-C", minimal_project, "check", "--pdfa")
    assert check.exit_code == 1 and expected in check.stderr
    build = cli("-C", minimal_project, "build", "--pdfa")
    assert build.exit_code == 1 and expected in build.stderr
    assert not (minimal_project / "out" / "mini.pdf").exists()
    assert cli("-C", minimal_project, "build").exit_code == 0  # without PDF/A it is fine


def test_an_svg_with_text_is_drawn_in_embedded_theme_faces(minimal_project: Path,
                                                            cli: Cli) -> None:
    """svglib alone would set SVG text in the standard Helvetica (not embedded: no PDF/A)
    and drop the characters Helvetica lacks; the text is drawn in the figures faces, each
    run in a face that has all of it, bold and italic from font-weight and font-style."""
    images = minimal_project / "content" / "images"
    images.mkdir()
    (images / "labels.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="220" height="60">\n'
        '  <text x="5" y="25" font-family="Noto Sans">魔豆妈妈 Ünïcødé</text>\n'
        '  <text x="5" y="50" font-family="Arial" font-weight="700">Heavy '
        '<tspan style="font-style: italic">slanted</tspan></text>\n</svg>\n',
        encoding="utf-8")
    with (minimal_project / "content" / "intro.yaml").open("a", encoding="utf-8") as section:
        section.write("  - image: {file: images/labels.svg, alt: Labels, caption: Labels, "
                      "id: fig:labels}\n")
    assert cli("-C", minimal_project, "check", "--pdfa").exit_code == 0
    result = cli("-C", minimal_project, "build", "--pdfa")
    assert result.exit_code == 0, result.output
    path = minimal_project / "out" / "mini.pdf"
    assert [f.rule for f in _findings(path)] == [LEVEL_A_DECLARED]  # level A, ours
    document = Pdf(path)
    fonts = document.fonts()
    assert not [name for name in fonts if "Helvetica" in name]
    assert all(document.is_embedded(font) for font in fonts.values())
    assert "魔豆妈妈 Ünïcødé" in document.text()
    cjk = document.fonts_of("魔豆妈妈 Ünïcødé")
    assert len(set(cjk)) == 1  # one face for the whole run, Latin letters included
    assert set(document.fonts_of("Heavy")) == {"NotoSans-Bold"}
    assert set(document.fonts_of("slanted")) == {"NotoSans-BoldItalic"}
