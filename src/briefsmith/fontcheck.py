"""Project fonts are files anyone can commit: check that their outlines can be drawn.

A font's character map says which characters it has; the glyph-coverage check trusts it.
A damaged file (a ``glyf`` table of empty glyphs, or one fontTools cannot decompile)
still maps every character, so text set in it passes every check and prints invisible.
Installed system fonts come from packages and are trusted; the files in the project's
``fonts/`` folder are sampled here: the outlines of the letters and digits a face claims
must be readable, and not all empty.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

SAMPLE = 64  # letters and digits looked at per face


def outline_problem(path: Path, index: int = 0) -> str | None:
    """What makes the face unusable (``None`` if it draws), read once per file version."""
    stat = path.stat()
    return _outline_problem(str(path), index, stat.st_size, stat.st_mtime_ns)


@cache
def _outline_problem(path: str, index: int, _size: int, _mtime: int) -> str | None:
    from fontTools.ttLib import TTFont

    try:
        with Path(path).open("rb") as handle, TTFont(handle, fontNumber=index,
                                                     lazy=True) as font:
            cmap = font.getBestCmap() or {}
            names = [cmap[code] for code in sorted(cmap) if _is_alphanumeric(code)][:SAMPLE]
            if not names:
                return None  # a symbol font: nothing to compare with
            drawn = sum(_has_outline(font, name) for name in names)
    except Exception as exc:  # any failure to decompile is the file's doing
        return f"cannot be read ({type(exc).__name__}: {exc})"
    if not drawn:
        return (f"has empty outlines for all {len(names)} letters and digits sampled (a "
                "damaged file?): text set in it would be invisible")
    return None


def _is_alphanumeric(code: int) -> bool:
    return unicodedata.category(chr(code))[0] in "LN"


def _has_outline(font: object, name: str) -> bool:
    if "glyf" in font:  # type: ignore[operator]
        glyph = font["glyf"][name]  # type: ignore[index]
        return glyph.numberOfContours != 0
    from fontTools.pens.boundsPen import BoundsPen

    glyphs = font.getGlyphSet()  # type: ignore[attr-defined]
    pen = BoundsPen(glyphs)
    glyphs[name].draw(pen)
    return pen.bounds is not None
