"""Which face serves each style of a family: one design for all four styles when possible."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefsmith.fonts import FontFace, FontIndex
from conftest import FIXTURES, Cli, copy_project
from pdfinspect import Pdf


def face(group: str, style: str, weight: int = 400, *, italic: bool = False,
         width: int = 5) -> FontFace:
    name = f"{group}-{style}".replace(" ", "")
    return FontFace("Garamondish", style, f"/fonts/{name}.otf", 0, weight, italic, name, "cff",
                    group, width)


def test_all_styles_come_from_the_most_complete_optical_size() -> None:
    """EB Garamond as Debian ships it: the "08" cut (small text) has regular and italic,
    the "12" cut (text) regular, italic and bold.  Sorting by file path used to give 08's
    regular and italic with 12's bold; now all three come from 12."""
    index = FontIndex([
        face("G 08", "Regular"), face("G 08", "Italic", italic=True),
        face("G 12", "Regular"), face("G 12", "Italic", italic=True),
        face("G 12", "Bold", 700),
    ])
    chosen = index.family("garamondish")
    assert chosen is not None
    assert {style: f.group for style, f in chosen.items()} == {
        "regular": "G 12", "bold": "G 12", "italic": "G 12", "bolditalic": "G 12"}
    assert chosen["bolditalic"].subfamily == "Italic"  # no bold italic: italic comes first


def test_a_style_missing_from_the_group_comes_from_another_group() -> None:
    index = FontIndex([
        face("G Text", "Regular"), face("G Text", "Italic", italic=True),
        face("G Text", "BoldItalic", 700, italic=True),
        face("G Display", "Bold", 700), face("G Light", "Light", 300),
    ])
    chosen = index.family("Garamondish")
    assert chosen is not None
    assert chosen["regular"].group == chosen["italic"].group == "G Text"
    assert chosen["bold"].subfamily == "Bold"  # a bold from another group beats no bold


def test_normal_width_wins_over_condensed() -> None:
    """Even the italic: a condensed italic beside normal-width roman looks wrong, so
    italic text is set in the roman face (as CSS matches width before style)."""
    index = FontIndex([
        face("G Condensed", "Regular", width=3), face("G Condensed", "Bold", 700, width=3),
        face("G Condensed", "Italic", italic=True, width=3),
        face("G", "Regular"), face("G", "Bold", 700),
    ])
    chosen = index.family("Garamondish")
    assert chosen is not None
    assert {f.group for f in chosen.values()} == {"G"}


def test_report_theme_sets_text_in_one_optical_size(tmp_path: Path, cli: Cli) -> None:
    project = copy_project(FIXTURES / "showcase", tmp_path / "p")
    result = cli("-C", project, "build", "showcase", "--theme", "report", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    with Pdf(tmp_path / "out" / "showcase.pdf") as document:
        garamond = sorted({name.split("+")[-1].rsplit("-", 1)[0]
                           for name in document.fonts() if "EBGaramond" in name})
    if not garamond:
        pytest.skip("EB Garamond is not installed")
    # (Its bold, ASCII only, yields bold text to Noto Serif Bold: see test_glyphs.  The
    # regular is there twice: in text, and with tabular figures in tables.)
    assert garamond == ["EBGaramond12-Italic", "EBGaramond12-Regular"]
