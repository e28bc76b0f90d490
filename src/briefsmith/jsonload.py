"""Load stage for JSON files (CSL-JSON bibliographies): JSON -> the same located nodes as YAML.

Python's :mod:`json` gives values without positions, and PyYAML cannot read Zotero's
tab-indented JSON, so this is a small strict JSON parser (RFC 8259) that builds
:mod:`briefsmith.load` nodes: every value remembers its line and column, and the schema
converter then treats a CSL-JSON entry exactly like a CSL-YAML one.  Numbers, ``true``,
``false`` and ``null`` stay the text that was written, as YAML scalars do.
"""

from __future__ import annotations

import bisect
import json.decoder
import re
from pathlib import Path

from .diagnostics import Location, Problems
from .load import (
    MAX_DEPTH,
    MAX_NODES,
    Mapping,
    Node,
    Scalar,
    Sequence,
    describe_forbidden,
    is_forbidden_in_text,
    read_text,
)

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = ("true", "false", "null")


class _JsonError(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


def load_json(path: Path, display: str, problems: Problems) -> Node | None:
    """Read one JSON file as located nodes; ``None`` (with a located problem) if unusable."""
    text = read_text(path, display, problems)
    if text is None:
        return None
    return parse_json(text, display, problems)


def parse_json(text: str, display: str, problems: Problems) -> Node | None:
    parser = _Parser(text, display, problems)
    try:
        position = parser.skip(0)
        if position >= len(text):
            problems.error(Location(display), "file is empty")
            return None
        node, position = parser.value(position, 0)
        position = parser.skip(position)
        if position < len(text):
            raise _JsonError(position, "unexpected text after the JSON value")
    except _JsonError as exc:
        problems.error(parser.location(exc.offset), f"invalid JSON: {exc}")
        return None
    return node


class _Parser:
    def __init__(self, text: str, display: str, problems: Problems) -> None:
        self.text = text
        self.display = display
        self.problems = problems
        self.count = 0
        # offsets of line starts, for offset -> (line, column)
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]

    def location(self, offset: int) -> Location:
        line = bisect.bisect_right(self.lines, offset)
        return Location(self.display, line, offset - self.lines[line - 1] + 1)

    def skip(self, position: int) -> int:
        match = _WHITESPACE.match(self.text, position)
        return match.end() if match else position

    def value(self, position: int, depth: int) -> tuple[Node, int]:
        self.count += 1
        if self.count > MAX_NODES:
            raise _JsonError(position, f"more than {MAX_NODES:,} values")
        if depth > MAX_DEPTH:
            raise _JsonError(position, f"nesting is deeper than {MAX_DEPTH} levels")
        if position >= len(self.text):
            raise _JsonError(position, "the file ends where a value was expected")
        char = self.text[position]
        if char == "{":
            return self.object(position, depth)
        if char == "[":
            return self.array(position, depth)
        if char == '"':
            return self.string(position)
        for literal in _LITERALS:
            if self.text.startswith(literal, position):
                return self.scalar(position, position + len(literal), literal, plain=True)
        match = _NUMBER.match(self.text, position)
        if match:
            return self.scalar(position, match.end(), match.group(), plain=True)
        raise _JsonError(position, f"unexpected character {char!r}")

    def scalar(self, start: int, end: int, value: str, *, plain: bool) -> tuple[Scalar, int]:
        # ``null`` stays a null; numbers and booleans are text the converter reads.
        shown = "" if value == "null" and plain else value
        return Scalar(self.location(start), shown, plain, self.text, start, end), end

    def string(self, position: int) -> tuple[Scalar, int]:
        try:
            value, end = json.decoder.scanstring(self.text, position + 1, True)
        except json.JSONDecodeError as exc:
            raise _JsonError(exc.pos, exc.msg.lower()) from None
        # Escapes such as \u0007 or \u0000 give characters no printed text may hold; YAML
        # files get the same check in briefsmith.load.
        for offset, char in enumerate(value):
            if is_forbidden_in_text(char):
                self.problems.error(self.location(position),
                                    f"{describe_forbidden(char)} at position {offset + 1} of "
                                    "this text is not allowed")
                break
        return self.scalar(position, end, value, plain=False)

    def object(self, start: int, depth: int) -> tuple[Mapping, int]:
        entries: list[tuple[Scalar, Node]] = []
        seen: set[str] = set()
        position = self.skip(start + 1)
        if self.text.startswith("}", position):
            return Mapping(self.location(start), ()), position + 1
        while True:
            if not self.text.startswith('"', position):
                raise _JsonError(position, "expected a key in double quotes")
            key, position = self.string(position)
            if key.value in seen:
                raise _JsonError(key.start, f"duplicate key '{key.value}'")
            seen.add(key.value)
            position = self.skip(position)
            if not self.text.startswith(":", position):
                raise _JsonError(position, "expected ':' after the key")
            value, position = self.value(self.skip(position + 1), depth + 1)
            entries.append((key, value))
            position = self.skip(position)
            if self.text.startswith(",", position):
                position = self.skip(position + 1)
                if self.text.startswith("}", position):
                    raise _JsonError(position, "trailing comma before '}'")
                continue
            if self.text.startswith("}", position):
                return Mapping(self.location(start), tuple(entries)), position + 1
            raise _JsonError(position, "expected ',' or '}'")

    def array(self, start: int, depth: int) -> tuple[Sequence, int]:
        items: list[Node] = []
        position = self.skip(start + 1)
        if self.text.startswith("]", position):
            return Sequence(self.location(start), ()), position + 1
        while True:
            item, position = self.value(position, depth + 1)
            items.append(item)
            position = self.skip(position)
            if self.text.startswith(",", position):
                position = self.skip(position + 1)
                if self.text.startswith("]", position):
                    raise _JsonError(position, "trailing comma before ']'")
                continue
            if self.text.startswith("]", position):
                return Sequence(self.location(start), tuple(items)), position + 1
            raise _JsonError(position, "expected ',' or ']'")

