"""Glyphs on the page: every character is drawn by a face that has it, in the style it is
set in (tests/fixtures/glyphs: bold and italic Spanish with quotes and dashes, Chinese in
bold, key figures, a table of figures, citation markers after Chinese)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, build_in_themes, copy_project
from pdfinspect import Pdf, normalise

THEMES = ("default", "report", "compact")
OLDSTYLE = "report-oldstyle"  # tests/fixtures/glyphs/styles: the report theme, old-style


@pytest.fixture(scope="session")
def glyphs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The glyphs brief built (with --strict) in each shipped theme."""
    project = copy_project(FIXTURES / "glyphs", tmp_path_factory.mktemp("glyphs"))
    built = build_in_themes(project, (*THEMES, OLDSTYLE))
    return {theme: out / "glyphs.pdf" for theme, out in built.items()}


@pytest.mark.parametrize("theme", THEMES)
def test_every_character_is_drawn_by_a_face_that_has_it(glyphs: dict[str, Path],
                                                        theme: str) -> None:
    """Debian's EB Garamond bold has ASCII only: bold Spanish used to print a box for every
    accented letter, quote and dash, and "2017–2020" in the evidence table as "2017□2020"."""
    with Pdf(glyphs[theme]) as document:
        assert document.missing_glyphs() == []
        text = normalise(document.text())
    for phrase in ("población rural creció", "según el “Informe”", "¿acción pública?",
                   "información, crédito, pingüino", "canción, útil", "2017–2020",
                   "魔豆妈妈", "Programas de inversión – Región 01", "Organización de Prueba"):
        assert phrase in text


@pytest.mark.parametrize("theme", THEMES)
def test_bold_text_is_set_in_bold_faces(glyphs: dict[str, Path], theme: str) -> None:
    """Bold words fall back along the bold faces, and a fallback run names the bold face
    (it used to name the regular one, so a word set in a fallback font lost its bold)."""
    with Pdf(glyphs[theme]) as document:
        for phrase in ("La población rural creció entre 2017–2020",  # <b> in body text
                       "Mensajes clave",  # a bold paragraph style (a box heading)
                       "negrita: can"):  # bold italic
            faces = document.fonts_of(phrase)
            assert all("Bold" in face for face in faces), (phrase, faces)
        italic = document.fonts_of("información, crédito, pingüino")
        assert all("Italic" in face and "Bold" not in face for face in italic), italic


@pytest.mark.parametrize("theme", THEMES)
def test_chinese_in_bold_uses_a_bold_face(glyphs: dict[str, Path], theme: str) -> None:
    """**加粗** and a bold key figure are set in Noto CJK's bold face: the key figure
    "魔豆妈妈" used to be regular beside a bold "2006", and the default and compact themes
    set Chinese in WenQuanYi Zen Hei, a sans with one weight, even inside serif text."""
    serif = theme != "compact"  # compact is sans throughout; the others set serif text
    with Pdf(glyphs[theme]) as document:
        faces = document.fonts_of("魔豆妈妈加粗")
        assert all(("NotoSerifCJK" if serif else "NotoSansCJK") in face and "Bold" in face
                   for face in faces), faces
        plain = document.fonts_of("sin negrita: 魔豆妈妈")[-4:]
        assert all("CJK" in face and "Bold" not in face for face in plain), plain
        value = document.fonts_of("魔豆妈妈")  # the key figure comes first
        assert all("CJK" in face and "Bold" in face for face in value), value


def test_report_theme_sets_a_bold_phrase_in_one_design(glyphs: dict[str, Path]) -> None:
    """EB Garamond's bold lacks most letters, so bold text goes to the next family's real
    bold as a whole instead of mixing two designs word by word."""
    with Pdf(glyphs["report"]) as document:
        faces = set(document.fonts_of("La población rural creció entre 2017–2020 según el"))
    assert len({face.rsplit("-", 1)[0] if "EBGaramond" in face else face
                for face in faces}) == 1, faces


@pytest.mark.parametrize("theme", THEMES)
def test_one_unbreakable_space_before_a_marker_after_a_fallback_font(
        glyphs: dict[str, Path], theme: str) -> None:
    """"行首 [@a]": the space before a marker becomes one no-break space.  After text in a
    fallback font the markup ended in </font>, so the space was not trimmed: two spaces,
    a wide gap, and a line break allowed before the marker."""
    with Pdf(glyphs[theme]) as document:
        for before in ("行首", "Y 魔豆"):
            chars = next(chars for chars in map(document.chars, range(document.pages))
                         if before in "".join(c["text"] for c in chars))
            text = "".join(c["text"] for c in chars)
            at = text.index(before) + len(before)
            assert text[at:at + 3] in (" [1", " [2"), (theme, before, text[at - 5:at + 5])
            gap = chars[at + 1]["x0"] - chars[at - 1]["x1"]
            assert 0 < gap < 0.4 * chars[at - 1]["size"], (theme, before, gap)


def digit_heights(document: Pdf, face: str) -> dict[str, float]:
    """Each digit's top as a share of the face's capitals' (median) height."""
    metrics = document.glyph_metrics(face)
    capitals = sorted(top for char, (_width, top) in metrics.items() if "A" <= char <= "Z")
    assert capitals, f"{face} draws no capitals to compare with"
    cap = capitals[len(capitals) // 2]
    return {char: top / cap for char, (_width, top) in metrics.items() if char.isdigit()}


def digit_faces(document: Pdf, phrase: str) -> set[str]:
    return {face for face, char in zip(document.fonts_of(phrase), phrase, strict=True)
            if char.isdigit()}


@pytest.mark.parametrize("theme", THEMES)
def test_digits_are_lining_figures(glyphs: dict[str, Path], theme: str) -> None:
    """EB Garamond's default digits are old-style: "[1]" read like "[ɪ]" and "Region 01"
    like "Region oı".  Lining figures stand as tall as capitals."""
    with Pdf(glyphs[theme]) as document:
        faces = digit_faces(document, "1984, 2019 y 3 567 HABITANTES en 10 REGIONES")
        for face in faces:
            heights = digit_heights(document, face)
            assert heights and min(heights.values()) > 0.85, (face, heights)


@pytest.mark.parametrize("theme", (*THEMES, OLDSTYLE))
def test_table_figures_are_tabular(glyphs: dict[str, Path], theme: str) -> None:
    """Every digit of a table cell's face has one width, so number columns line up."""
    with Pdf(glyphs[theme]) as document:
        for face in digit_faces(document, "987.654") | digit_faces(document, "10.001"):
            widths = {char: width for char, (width, _top) in
                      document.glyph_metrics(face).items() if char.isdigit()}
            assert len(set(widths.values())) == 1, (face, widths)


def test_oldstyle_numerals_are_a_theme_choice(glyphs: dict[str, Path]) -> None:
    """``numerals: oldstyle`` keeps EB Garamond's old-style figures in text (and its
    tabular old-style ones in tables); the converted fonts are cached per choice."""
    with Pdf(glyphs[OLDSTYLE]) as document:
        faces = digit_faces(document, "1984, 2019 y 3 567 HABITANTES en 10 REGIONES")
        assert any("EBGaramond" in face for face in faces), faces
        for face in faces:
            heights = digit_heights(document, face)
            assert heights["1"] < 0.8 and heights["0"] < 0.8, (face, heights)
        for face in digit_faces(document, "987.654"):
            assert digit_heights(document, face)["0"] < 0.8
