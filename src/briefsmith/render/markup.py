"""Inline spans -> ReportLab paragraph markup, escaping every piece of user text.

ReportLab's paragraph parser reads an XML-like markup language: a raw ``&`` is mangled
(``R&D`` becomes ``R&D;``), ``<img src=...>`` embeds any local file, and ``<a href>``
writes any URI into the PDF.  So user text *only* reaches it through :func:`escape`, and
the only tags in the output are the ones written here: ``<b>``, ``<i>``, ``<font>`` for
fallback-font runs, and ``<a>`` for links whose scheme was checked (again) here.

Fallback runs depend on the style the text is set in: bold text falls back along the bold
faces (a bold face may lack letters its regular has), and ``<font name>`` must name the
face of that style, since ReportLab takes bold and italic from the name and would set a
Chinese word in a bold heading in the regular face.  So the writer follows the style from
the paragraph (``within``: its :class:`~briefsmith.render.fonts.FaceName` says role and
style) through ``<b>`` and ``<i>``; markup of one role inside another role's paragraph is
refused, as the paragraph's face would set runs split by another chain's coverage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from urllib.parse import urlsplit

from reportlab.lib.styles import ParagraphStyle

from ..cite import MarkerPiece
from ..fonts import STYLES, inks_all_but_spaces, needs_glyph
from ..model import (
    Citation,
    Emphasis,
    Inline,
    Link,
    RichText,
    Strong,
    Text,
    is_cross_reference,
)
from .fonts import FaceName, RegisteredChain

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
SOFT_HYPHEN = "\u00ad"  # ReportLab turns it into a hyphenation point, never a glyph
# What text is set in: a paragraph style (whose face says role and style) or a style name.
Within = ParagraphStyle | str


def escape(text: str) -> str:
    """Escape text for ReportLab markup (``&``, ``<``, ``>``).  (``xml.sax.saxutils`` does
    the same but imports ``urllib.request`` and the HTTP stack: 15 ms of every build.)"""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    return escape(text).replace('"', "&quot;").replace("'", "&apos;")


def _inked(run: str, covered: frozenset[int]) -> str:
    """The run without characters that take no ink (joiners, variation selectors,
    direction marks, zero-width spaces): ReportLab does no shaping, so they do nothing but
    print as whatever the font draws for them, a ``.notdef`` box or, in Noto, a dotted
    marker.  A space the font lacks becomes an ordinary space; soft hyphens stay
    (ReportLab turns them into hyphenation points)."""
    if inks_all_but_spaces(run) and (" " not in run or ord(" ") in covered):
        return run  # the common case, decided without looking at each character
    if all(needs_glyph(c) or (c.isspace() and ord(c) in covered) for c in set(run)):
        return run  # (each distinct character asked once)
    out = []
    for char in run:
        if needs_glyph(char) or char == SOFT_HYPHEN or (char.isspace() and ord(char) in covered):
            out.append(char)
        elif char.isspace():
            out.append(" ")
    return "".join(out)


def is_safe_link(url: str) -> bool:
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return False
    return scheme in SAFE_LINK_SCHEMES


class MarkupWriter:
    """Writes markup for one font role: text is split into runs of the chain's fonts."""

    def __init__(
        self,
        chain: RegisteredChain,
        *,
        link_colour: str,
        marker: Callable[[Citation], list[MarkerPiece]] | None = None,
        xref: Callable[[str], tuple[str, str] | None] | None = None,
    ) -> None:
        self.chain = chain
        self.link_colour = link_colour
        self.marker = marker
        # id -> (label, anchor): "fig:jobs" -> ("Figure 2", "fig-2")
        self.xref = xref

    def style_in(self, within: Within) -> str:
        """The style ("regular", "bold", ...) text is set in ``within``; a paragraph style
        must be set in this writer's role (else the paragraph's face would draw runs split
        by another chain's coverage: empty boxes)."""
        if isinstance(within, ParagraphStyle):
            font = within.fontName
            if not isinstance(font, FaceName) or font.role != self.chain.role:
                role = getattr(font, "role", "no")
                raise ValueError(f"{self.chain.role} markup in paragraph style "
                                 f"'{within.name}', which is set in {role} font {font}")
            return font.style
        if within not in STYLES:
            raise ValueError(f"unknown style {within!r}")
        return within

    def text(self, text: str, within: Within = "regular") -> str:
        """Plain user text: escaped, with fallback-font runs for uncovered characters."""
        return self._runs(text, self.style_in(within))

    def strong(self, text: str, within: Within = "regular") -> str:
        """Plain text in bold (``<b>``), its fallback runs in the bold faces."""
        return f"<b>{self._runs(text, _with(self.style_in(within), bold=True))}</b>"

    def _runs(self, text: str, style: str) -> str:
        """``text`` in ``style``: the primary face's runs bare (the paragraph's face, made
        bold or italic by ``<b>``/``<i>``), fallback runs in ``<font>`` naming their face."""
        coverage = self.chain.coverage
        out = []
        for run, family, face_style in coverage.runs(text, style):
            escaped = escape(_inked(run, coverage.face_set(max(family, 0), face_style)))
            if family < 0 or (family == 0 and face_style == style):
                out.append(escaped)  # (family -1: no face has it; reported, never built)
            else:
                face = self.chain.face(family, face_style)
                out.append(f'<font name="{face}">{escaped}</font>')
        return "".join(out)

    def covers(self, char: str) -> bool:
        """Whether some face of the chain has a glyph for ``char``."""
        return self.chain.coverage.covers(char)

    def rich(self, value: RichText | Iterable[Inline], within: Within = "regular") -> str:
        spans = value.spans if isinstance(value, RichText) else tuple(value)
        return self._rich(spans, self.style_in(within))

    def _rich(self, spans: Iterable[Inline], style: str) -> str:
        return "".join(self._span(span, style) for span in _before_markers(spans)).strip()

    def _span(self, span: Inline, style: str) -> str:
        if isinstance(span, Text):
            return self._runs(span.text, style)
        if isinstance(span, Strong):
            return f"<b>{self._rich(span.children, _with(style, bold=True))}</b>"
        if isinstance(span, Emphasis):
            return f"<i>{self._rich(span.children, _with(style, italic=True))}</i>"
        if isinstance(span, Link):
            inner = self._rich(span.children, style)
            if not is_safe_link(span.url):
                return inner  # the validator has reported it; never write it into the PDF
            return self.link(span.url, inner)
        if isinstance(span, Citation):
            return self._citation(span, style)
        raise TypeError(f"unknown span {span!r}")  # programming error

    def link(self, target: str, inner_markup: str) -> str:
        return (f'<a href="{escape_attribute(target)}" color="{self.link_colour}">'
                f"{inner_markup}</a>")

    def citation(self, citation: Citation, within: Within = "regular") -> str:
        return self._citation(citation, self.style_in(within))

    def _citation(self, citation: Citation, style: str) -> str:
        if _is_xref(citation):
            return self._cross_reference(citation, style)
        if self.marker is None:
            return ""
        return self._pieces(self.marker(citation), style)

    def pieces(self, pieces: Iterable[MarkerPiece], within: Within = "regular") -> str:
        """A citation marker: ``<a name>`` for its own target, linked text, no break before."""
        return self._pieces(pieces, self.style_in(within))

    def _pieces(self, pieces: Iterable[MarkerPiece], style: str) -> str:
        out = []
        superscript = False
        for piece in pieces:
            if piece.name:
                out.append(f'<a name="{escape_attribute(piece.name)}"/>')
                continue
            superscript = superscript or piece.superscript
            if piece.italic:
                text = f"<i>{self._runs(piece.text, _with(style, italic=True))}</i>"
            else:
                text = self._runs(piece.text, style)
            out.append(self.link("#" + piece.anchor, text) if piece.anchor else text)
        if not out:
            return ""
        if superscript:
            return f"<super>{''.join(out)}</super>"
        return "\u00a0" + "".join(out)

    def _cross_reference(self, citation: Citation, style: str) -> str:
        """``[@fig:jobs]`` -> "Figure 2", linked to the figure (``[@fig:a; @fig:b]`` lists)."""
        out = []
        for item in citation.items:
            found = self.xref(item.id) if self.xref is not None else None
            if found is None:
                out.append(self._runs(item.id, style))  # reported; never built
                continue
            label, anchor = found
            out.append(self.link("#" + anchor,
                                 self._runs(label.replace(" ", "\u00a0"), style)))
        return ", ".join(out)


def _before_markers(spans: Iterable[Inline]) -> list[Inline]:
    """The spans with the spaces before each citation marker removed: "text [@a]" ->
    "text\u00a0[1]", so the marker never starts a line.  Trimmed on the spans, not the
    markup, which may end in ``</font>`` (a fallback run) or ``</b>``."""
    out: list[Inline] = []
    for span in spans:
        if isinstance(span, Citation) and out and not _is_xref(span):
            out[-1] = _trim_end(out[-1])
        out.append(span)
    return out


def _trim_end(span: Inline) -> Inline:
    if isinstance(span, Text):
        return replace(span, text=span.text.rstrip(" \t\r\n"))
    if isinstance(span, Strong | Emphasis | Link) and span.children:
        return replace(span, children=(*span.children[:-1], _trim_end(span.children[-1])))
    return span


def _with(style: str, *, bold: bool = False, italic: bool = False) -> str:
    """``style`` made bold and/or italic: ``_with("italic", bold=True) == "bolditalic"``."""
    bold = bold or "bold" in style
    italic = italic or "italic" in style
    return ("bold" if bold else "") + ("italic" if italic else "") or "regular"


def _is_xref(citation: Citation) -> bool:
    return bool(citation.items) and all(is_cross_reference(i.id) for i in citation.items)
