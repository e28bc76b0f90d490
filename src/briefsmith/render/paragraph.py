"""ReportLab's paragraph, with its markup parsed once per process for each text and style.

Every ``Paragraph`` parses its markup into fragments (runs of one font, size, colour and
link) with ReportLab's HTML-based parser, about a tenth of the time a brief takes to lay
out.  The briefs of a batch share their section files, so they set the same texts in the
same styles over and over: here the fragments of a text parsed in a style are kept, and a
later paragraph with the same text and an equal style gets its own copies of them instead
of parsing again.  The copies are the parser's output exactly (ReportLab accepts ready
fragments, as it does when it splits a paragraph), so the PDF is byte for byte the same.

Styles are compared by value (every attribute), so briefs with other themes never share
fragments; a paragraph with a bullet, or one whose markup changed its style (a ``<para>``
tag, which briefsmith never writes), is parsed as usual and not kept.  The fragments also
depend on which face ``<b>`` and ``<i>`` map each font to: :func:`forget_parsed` is
called when a mapping changes (see :mod:`briefsmith.render.fonts`).  The store holds at
most :data:`KEPT` texts, the least recently used forgotten first, so memory stays flat in a
long batch (a few megabytes) while the texts the briefs share stay.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph as _ReportLabParagraph

KEPT = 1024  # (text, style) pairs kept: a brief of a few pages sets one or two hundred

_Key = tuple[Hashable, ...]
_parsed: dict[_Key, tuple[str, list[Any]]] = {}


class Paragraph(_ReportLabParagraph):
    """ReportLab's ``Paragraph``; the same text in an equal style is parsed once."""

    def _setup(self, text: str, style: ParagraphStyle, bullet_text: Any, frags: Any,
               cleaner: Callable[[str], str]) -> None:
        key = _key(text, style, self.caseSensitive) \
            if frags is None and bullet_text is None else None
        kept = _parsed.pop(key, None) if key is not None else None
        if kept is not None:
            _parsed[key] = kept  # the most recently used is forgotten last
            cleaned, fragments = kept
            super()._setup(cleaned, style, None, [f.clone() for f in fragments], cleaner)
            return
        super()._setup(text, style, bullet_text, frags, cleaner)
        if key is not None and self.style is style and self.bulletText is None:
            if len(_parsed) >= KEPT:
                del _parsed[next(iter(_parsed))]
            _parsed[key] = (self.text, [f.clone() for f in self.frags])


def forget_parsed() -> None:
    """Forget every kept parse: what ``<b>`` and ``<i>`` map to has changed."""
    _parsed.clear()


def _key(text: str, style: ParagraphStyle, case_sensitive: int) -> _Key | None:
    """What the parser's output depends on: the text and every attribute of the style
    (``None`` if one cannot be compared, such as a list)."""
    values = tuple(item for item in sorted(vars(style).items())
                   if item[0] not in ("name", "parent"))
    try:
        hash(values)
    except TypeError:
        return None
    return (text, case_sensitive, type(style), *values)
