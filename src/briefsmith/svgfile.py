"""What briefsmith needs to know about an SVG file before drawing it, read without drawing.

The renderer draws SVG through svglib, which recovers from broken XML silently and gives
an empty drawing for a file it cannot size: a truncated file would pass ``check`` and then
stop ``build``.  So the file is parsed strictly here, at the asset stage, and a problem
points into it (``content/images/map.svg:3:7``).

svglib draws each run of a ``<text>`` element (its own text, a ``<tspan>``'s, the text
after a ``<tspan>``) as one string in one font, with no per-glyph fallback; the renderer
draws it in the theme's figures fonts.  The runs are collected here with their positions,
so the validator can require a figures face that has every character of each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat

from .diagnostics import Location, Problems

TEXT_ELEMENTS = frozenset({"text", "tspan", "textPath", "a"})
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*(px|pt|pc|mm|cm|in|em|ex)?\s*$")


@dataclass(frozen=True)
class SvgText:
    """A run of an SVG's ``<text>`` that svglib draws as one string, in one font."""

    text: str
    line: int
    column: int


def read_svg(text: str, display: str, problems: Problems) -> tuple[SvgText, ...] | None:
    """The SVG's text runs, or ``None`` after reporting why it cannot be drawn."""
    reader = _Reader()
    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda name, attrs: reader.start(parser, name, attrs)
    parser.EndElementHandler = lambda name: reader.end()
    parser.CharacterDataHandler = lambda data: reader.data(parser, data)
    try:
        parser.Parse(text.lstrip("\ufeff"), True)
    except expat.ExpatError as exc:
        problems.error(Location(display, exc.lineno, exc.offset + 1),
                       f"the SVG is not well-formed XML ({expat.ErrorString(exc.code)}); "
                       "it cannot be drawn")
        return None
    if reader.problem is not None:
        line, column, message = reader.problem
        problems.error(Location(display, line, column), message)
        return None
    return tuple(reader.texts)


class _Reader:
    """Expat callbacks: checks the root element and collects text runs."""

    def __init__(self) -> None:
        self.texts: list[SvgText] = []
        self.problem: tuple[int, int, str] | None = None
        self._stack: list[bool] = []  # per open element: inside a <text>?
        self._run: list[str] = []
        self._run_at: tuple[int, int] = (0, 0)

    def start(self, parser: expat.XMLParserType, name: str, attrs: dict[str, str]) -> None:
        self._flush()
        local = name.rpartition(":")[2]
        if not self._stack:
            self._root(parser, local, attrs)
            self._stack.append(False)
        self._stack.append((self._stack[-1] and local in TEXT_ELEMENTS) or local == "text")

    def end(self) -> None:
        self._flush()
        self._stack.pop()

    def data(self, parser: expat.XMLParserType, data: str) -> None:
        if not self._stack or not self._stack[-1]:
            return
        if not self._run:
            self._run_at = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        self._run.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._run).split())
        if text:
            self.texts.append(SvgText(text, *self._run_at))
        self._run = []

    def _root(self, parser: expat.XMLParserType, local: str, attrs: dict[str, str]) -> None:
        where = (parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        if local != "svg":
            self.problem = (*where, f"not an SVG image (the root element is <{local}>, "
                                    "not <svg>)")
            return
        box = [float(v) for v in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?",
                                             attrs.get("viewBox", ""))]
        box_size = box[2:4] if len(box) == 4 else [0.0, 0.0]
        for attr, fallback in zip(("width", "height"), box_size, strict=True):
            value = attrs.get(attr)
            match = _LENGTH.match(value) if value is not None else None
            if (match and float(match.group(1)) > 0) or \
                    ((value is None or value.strip().endswith("%")) and fallback > 0):
                continue
            self.problem = (*where, "the SVG has no size: give its <svg> element a width "
                                    "and height, or a viewBox")
            return

