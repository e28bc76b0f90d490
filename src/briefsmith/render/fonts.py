"""Register the theme's font faces with ReportLab, once per process.

Faces are registered under stable names derived from their PostScript names, so the same
fonts give the same PDF bytes on every run.  ReportLab embeds TrueType faces as subsets of
the glyphs actually used.  Each fallback family is registered as a ReportLab font family,
so ``<b>`` and ``<i>`` inside a run pick the right face (a one-weight CJK family maps all
four styles to its single face rather than falling back to another font).
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..fonts import STYLES, FontChain, FontFace

_REGISTERED_FACES: set[str] = set()


@dataclass(frozen=True)
class RegisteredChain:
    """A role's chain as ReportLab font names: ``styles[i][style]`` for fallback font i."""

    styles: tuple[dict[str, str], ...]
    coverage: tuple[frozenset[int], ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The regular face of each fallback family (what ``<font name=...>`` uses)."""
        return tuple(s["regular"] for s in self.styles)

    def font(self, style: str = "regular") -> str:
        """The primary family's face for ``style`` ("regular", "bold", ...)."""
        return self.styles[0][style]


def register_chain(chain: FontChain) -> RegisteredChain:
    return RegisteredChain(tuple(_register_family(f) for f in chain.faces), chain.coverage())


def _register_family(faces: dict[str, FontFace]) -> dict[str, str]:
    names = {style: _register_face(faces[style]) for style in STYLES}
    for style in STYLES:
        addMapping(names["regular"], int("bold" in style), int("italic" in style), names[style])
    return names


def _register_face(face: FontFace) -> str:
    if face.key not in _REGISTERED_FACES:
        pdfmetrics.registerFont(TTFont(face.key, face.path, subfontIndex=face.index))
        _REGISTERED_FACES.add(face.key)
    return face.key
