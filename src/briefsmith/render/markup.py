"""Inline spans -> ReportLab paragraph markup, escaping every piece of user text.

ReportLab's paragraph parser reads an XML-like markup language: a raw ``&`` is mangled
(``R&D`` becomes ``R&D;``), ``<img src=...>`` embeds any local file, and ``<a href>``
writes any URI into the PDF.  So user text *only* reaches it through :func:`escape`, and
the only tags in the output are the ones written here: ``<b>``, ``<i>``, ``<font>`` for
fallback-font runs, and ``<a>`` for links whose scheme was checked (again) here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from ..cite import MarkerPiece
from ..fonts import needs_glyph, split_runs
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
from .fonts import RegisteredChain

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
SOFT_HYPHEN = "\u00ad"  # ReportLab turns it into a hyphenation point, never a glyph


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

    def text(self, text: str) -> str:
        """Plain user text: escaped, with fallback-font runs for uncovered characters."""
        out = []
        for run, font in split_runs(text, self.chain.coverage):
            escaped = escape(_inked(run, self.chain.coverage[max(font, 0)]))
            if font <= 0:
                out.append(escaped)
            else:
                out.append(f'<font name="{self.chain.name(font)}">{escaped}</font>')
        return "".join(out)

    def covers(self, char: str) -> bool:
        """Whether some font of the chain has a glyph for ``char``."""
        return any(ord(char) in coverage for coverage in self.chain.coverage)

    def rich(self, value: RichText | Iterable[Inline]) -> str:
        spans = value.spans if isinstance(value, RichText) else tuple(value)
        out: list[str] = []
        for span in spans:
            if isinstance(span, Citation) and out and not _is_xref(span):
                # "text [@a]" -> "text\u00a0[1]": the marker never starts a line.
                out[-1] = out[-1].rstrip(" ")
            out.append(self._span(span))
        return "".join(out).strip()

    def _span(self, span: Inline) -> str:
        if isinstance(span, Text):
            return self.text(span.text)
        if isinstance(span, Strong):
            return f"<b>{self.rich(span.children)}</b>"
        if isinstance(span, Emphasis):
            return f"<i>{self.rich(span.children)}</i>"
        if isinstance(span, Link):
            inner = self.rich(span.children)
            if not is_safe_link(span.url):
                return inner  # the validator has reported it; never write it into the PDF
            return self.link(span.url, inner)
        if isinstance(span, Citation):
            return self.citation(span)
        raise TypeError(f"unknown span {span!r}")  # programming error

    def link(self, target: str, inner_markup: str) -> str:
        return (f'<a href="{escape_attribute(target)}" color="{self.link_colour}">'
                f"{inner_markup}</a>")

    def citation(self, citation: Citation) -> str:
        if _is_xref(citation):
            return self.cross_reference(citation)
        if self.marker is None:
            return ""
        return self.pieces(self.marker(citation))

    def pieces(self, pieces: Iterable[MarkerPiece]) -> str:
        """A citation marker: ``<a name>`` for its own target, linked text, no break before."""
        out = []
        superscript = False
        for piece in pieces:
            if piece.name:
                out.append(f'<a name="{escape_attribute(piece.name)}"/>')
                continue
            superscript = superscript or piece.superscript
            text = self.text(piece.text)
            if piece.italic:
                text = f"<i>{text}</i>"
            out.append(self.link("#" + piece.anchor, text) if piece.anchor else text)
        if not out:
            return ""
        if superscript:
            return f"<super>{''.join(out)}</super>"
        return "\u00a0" + "".join(out)

    def cross_reference(self, citation: Citation) -> str:
        """``[@fig:jobs]`` -> "Figure 2", linked to the figure (``[@fig:a; @fig:b]`` lists)."""
        out = []
        for item in citation.items:
            found = self.xref(item.id) if self.xref is not None else None
            if found is None:
                out.append(self.text(item.id))  # reported by the validator; never built
                continue
            label, anchor = found
            out.append(self.link("#" + anchor, self.text(label.replace(" ", "\u00a0"))))
        return ", ".join(out)


def _is_xref(citation: Citation) -> bool:
    return bool(citation.items) and all(is_cross_reference(i.id) for i in citation.items)
