"""Register the theme's font faces with ReportLab, once per process.

Faces are registered under stable names derived from their PostScript names, so the same
fonts give the same PDF bytes on every run.  ReportLab embeds TrueType faces as subsets of
the glyphs actually used.  Each fallback family is registered as a ReportLab font family,
so ``<b>`` and ``<i>`` inside a run pick the right face (a one-weight CJK family maps all
four styles to its single face rather than falling back to another font).

The names handed out for paragraph styles are :class:`FaceName` strings that remember
their role and style, so the markup writer can tell which faces a paragraph is set in
(bold headings need the bold faces' coverage) and refuse markup of another role.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.fonts import addMapping, tt2ps
from reportlab.pdfbase import pdfmetrics

from ..fonts import STYLES, ChainCoverage, FontChain, FontFace, make_file
from .fontcache import load_ttfont
from .paragraph import forget_parsed


class FaceName(str):
    """A registered face name (ReportLab sees a plain string) that knows the font role and
    style it was chosen for: ``FaceName("NotoSerif-Bold", "headings", "bold")``."""

    role: str
    style: str

    def __new__(cls, name: str, role: str, style: str) -> FaceName:
        self = super().__new__(cls, name)
        self.role = role
        self.style = style
        return self


_REGISTERED_FACES: set[str] = set()


class RegisteredChain:
    """A role's chain as ReportLab font names.

    A family is registered the first time one of its names is asked for, so a build pays
    only for the fonts its text uses: a fallback family (DejaVu behind Noto, a CJK font)
    or a role no block uses (mono) is never parsed.  Parsing a large CJK font costs more
    than laying out a whole brief.
    """

    def __init__(self, styles: Sequence[dict[str, str] | dict[str, FontFace]],
                 coverage: ChainCoverage, role: str = "body") -> None:
        """``styles[i]`` maps each style of family ``i`` to a registered font name, or to
        the :class:`FontFace` to register under that name when it is first needed."""
        self._families = tuple(styles)
        self._styles: dict[int, dict[str, str]] = {}
        self.coverage = coverage
        self.role = role

    def family(self, index: int = 0) -> dict[str, str]:
        """Fallback family ``index``'s registered face name for each style."""
        if index not in self._styles:
            faces = self._families[index]
            if all(isinstance(face, str) for face in faces.values()):
                self._styles[index] = faces  # type: ignore[assignment]  # registered already
            else:
                self._styles[index] = _register_family(faces)  # type: ignore[arg-type]
        return self._styles[index]

    def face(self, index: int, style: str) -> str:
        """Fallback family ``index``'s face for ``style`` (what ``<font name=...>`` names:
        ReportLab takes bold and italic from the name, so the name must be the style's)."""
        return self.family(index)[style]

    @property
    def styles(self) -> Sequence[dict[str, str]]:
        """``styles[i][style]``: family ``i``'s face names, registered when looked up."""
        return _Families(self)

    def font(self, style: str = "regular") -> FaceName:
        """The primary family's face for ``style`` ("regular", "bold", ...), for paragraph
        styles: the name remembers this chain's role and the style."""
        return FaceName(self.family(0)[style], self.role, style)


class _Families(Sequence[dict[str, str]]):
    def __init__(self, chain: RegisteredChain) -> None:
        self._chain = chain

    def __len__(self) -> int:
        return len(self._chain._families)

    def __getitem__(self, index: int) -> dict[str, str]:  # type: ignore[override]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._chain.family(index % len(self))


def register_chain(chain: FontChain) -> RegisteredChain:
    """The chain, ready to use; each family is registered when first used."""
    return RegisteredChain(chain.faces, chain.styled_coverage(), chain.role)


def _register_family(faces: dict[str, FontFace]) -> dict[str, str]:
    # Names are the fonts' own, not their files': when this process built another
    # project whose family of that name had other faces (no real bold), ``<b>`` mapped
    # elsewhere and paragraphs parsed then are stale.  (Asked before registering: ReportLab
    # maps a newly registered face's bold and italic to itself.)
    mapped = {style: _mapped(faces["regular"].key, style) for style in STYLES}
    names = {style: _register_face(faces[style]) for style in STYLES}
    if any(mapped[style] not in (None, names[style]) for style in STYLES):
        forget_parsed()
    for style in STYLES:
        addMapping(names["regular"], int("bold" in style), int("italic" in style), names[style])
    return names


def _mapped(regular: str, style: str) -> str | None:
    """The face ``<b>``/``<i>`` in text set in ``regular`` map to now, if any."""
    try:
        return tt2ps(regular, int("bold" in style), int("italic" in style))
    except ValueError:  # not mapped yet: no paragraph can have used it
        return None


def _register_face(face: FontFace) -> str:
    if face.key not in _REGISTERED_FACES:
        make_file(face)  # a converted copy is made when first needed
        pdfmetrics.registerFont(load_ttfont(face))
        _REGISTERED_FACES.add(face.key)
    return face.key
