"""Load stage: project files -> YAML node trees that remember where every value came from.

This is the only module that imports ``yaml``, and it uses nothing but PyYAML's *composer*:
no constructor ever runs, so YAML stays data (no ``!!python/object``), and no implicit
YAML 1.1 typing changes meaning (``no`` stays the text ``no``, ``1.10`` stays ``1.10``,
``2021-05-01`` stays text until :mod:`briefsmith.convert` parses it as a date on purpose).
This is strictyaml's idea, built on PyYAML's positions.

The loader also closes PyYAML's gaps for untrusted input: duplicate keys are errors (PyYAML
keeps the last), alias expansion is bounded (a "billion laughs" document is cheap to parse
and ruinous to walk), nesting depth and file size are bounded, and undecodable bytes,
control characters and tabs are reported with their line and column.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from .diagnostics import Location, Problems

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_STANDARD_TAG = "tag:yaml.org,2002:"
_ALLOWED_SCALAR_TAGS = frozenset(
    _STANDARD_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")
)
_ALLOWED_TEXT_CONTROLS = frozenset("\t\n")


@dataclass(frozen=True, eq=False)
class Node:
    """A YAML value and the place it starts."""

    location: Location

    @property
    def kind(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class Scalar(Node):
    """A scalar, always as the text that was written: typing is the converter's job."""

    value: str
    plain: bool
    source: str
    start: int
    end: int

    @property
    def kind(self) -> str:
        return "text"

    def is_null(self) -> bool:
        """True for an empty or ``null``-like value written without quotes."""
        return self.plain and self.value in _NULLS

    def locate(self, needle: str, occurrence: int = 0) -> Location:
        """Where ``needle`` (a piece of :attr:`value`) was written in the file.

        Searching the raw source slice gives exact positions for plain, quoted and block
        scalars alike; if escapes changed the text we fall back to the scalar's start.
        """
        raw = self.source[self.start : self.end]
        pos = -1
        for _ in range(occurrence + 1):
            pos = raw.find(needle, pos + 1)
            if pos < 0:
                return self.location
        before = self.source[self.start : self.start + pos]
        newlines = before.count("\n")
        if newlines == 0:
            return Location(self.location.path, self.location.line, self.location.col + pos)
        col = pos - before.rfind("\n")
        return Location(self.location.path, self.location.line + newlines, col)


@dataclass(frozen=True, eq=False)
class Mapping(Node):
    entries: tuple[tuple[Scalar, Node], ...]

    @property
    def kind(self) -> str:
        return "mapping"

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.entries]

    def get(self, key: str) -> Node | None:
        for k, v in self.entries:
            if k.value == key:
                return v
        return None

    def key_node(self, key: str) -> Scalar | None:
        for k, _ in self.entries:
            if k.value == key:
                return k
        return None

    def __iter__(self) -> Iterator[tuple[Scalar, Node]]:
        return iter(self.entries)


@dataclass(frozen=True, eq=False)
class Sequence(Node):
    items: tuple[Node, ...]

    @property
    def kind(self) -> str:
        return "list"

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)


def load_yaml(path: Path, display: str, problems: Problems) -> Node | None:
    """Read one YAML file. Returns ``None`` (with problems reported) if it cannot be used.

    ``display`` is the project-relative name used in messages.
    """
    text = read_text(path, display, problems)
    if text is None:
        return None
    return parse_yaml(text, display, problems)


def read_text(path: Path, display: str, problems: Problems) -> str | None:
    """Read and decode a text file, reporting (not raising) every way that can fail."""
    where = Location(display)
    if path.is_dir():
        problems.error(where, "is a folder, not a file")
        return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.error(
                where,
                f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes "
                "(split it into smaller files)",
            )
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        problems.error(where, "file not found")
        return None
    except OSError as exc:
        problems.error(where, f"cannot read file: {exc.strerror or exc}")
        return None
    return decode(data, display, problems)


def decode(data: bytes, display: str, problems: Problems) -> str | None:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is located."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        problems.error(Location(display, 1, 1), "UTF-32 text is not supported; save as UTF-8")
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            problems.error(Location(display, 1, 1),
                           f"invalid UTF-16 text at byte {exc.start}; save as UTF-8")
            return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        problems.error(
            Location(display, line, col),
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
        )
        return None


def parse_yaml(text: str, display: str, problems: Problems) -> Node | None:
    """Compose one YAML document and convert it to located nodes."""
    if not _has_content(text):
        problems.error(Location(display), "file is empty")
        return None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        problems.error(*_describe_yaml_error(exc, display))
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML always marks its errors
        problems.error(Location(display), f"invalid YAML: {exc}")
        return None
    except RecursionError:
        problems.error(Location(display), f"nesting is deeper than {MAX_DEPTH} levels")
        return None
    if root is None:
        problems.error(Location(display), "file is empty")
        return None
    builder = _Builder(text, display, problems)
    try:
        return builder.build(root, depth=0)
    except _TooLargeError as exc:
        problems.error(exc.location, str(exc))
        return None


def _has_content(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped not in ("---", "..."):
            return True
    return False


class _TooLargeError(Exception):
    def __init__(self, location: Location, message: str) -> None:
        super().__init__(message)
        self.location = location


class _Builder:
    """Turns PyYAML nodes into ours, enforcing the rules PyYAML does not."""

    def __init__(self, text: str, display: str, problems: Problems) -> None:
        self.text = text
        self.display = display
        self.problems = problems
        self.count = 0

    def where(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.display, mark.line + 1, mark.column + 1)

    def build(self, node: yaml.Node, depth: int) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLargeError(
                self.where(node),
                f"document expands to more than {MAX_NODES:,} values "
                "(aliases that repeat aliases?); refusing to expand it",
            )
        if depth > MAX_DEPTH:
            raise _TooLargeError(self.where(node), f"nesting is deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, "seq")
            return Sequence(self.where(node), tuple(self.build(i, depth + 1) for i in node.value))
        assert isinstance(node, yaml.MappingNode)
        self.check_tag(node, "map")
        return self.mapping(node, depth)

    def scalar(self, node: yaml.ScalarNode) -> Scalar:
        where = self.where(node)
        if node.tag not in _ALLOWED_SCALAR_TAGS:
            self.problems.error(where, f"YAML tag '{_short_tag(node.tag)}' is not allowed here")
        value = node.value
        for offset, char in enumerate(value):
            if _is_forbidden_control(char):
                self.problems.error(
                    where,
                    f"control character U+{ord(char):04X} at position {offset + 1} of this "
                    "text is not allowed",
                )
                break
        return Scalar(where, value, node.style is None, self.text,
                      node.start_mark.index, node.end_mark.index)

    def check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != _STANDARD_TAG + expected:
            self.problems.error(
                self.where(node), f"YAML tag '{_short_tag(node.tag)}' is not allowed here"
            )

    def mapping(self, node: yaml.MappingNode, depth: int) -> Mapping:
        entries: list[tuple[Scalar, Node]] = []
        seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.error(self.where(key_node), "a key must be plain text")
                continue
            if key_node.tag == _STANDARD_TAG + "merge":
                self.problems.error(
                    self.where(key_node), "merge keys ('<<') are not supported; write the keys out"
                )
                continue
            key = self.scalar(key_node)
            if key.value in seen:
                first = seen[key.value]
                self.problems.error(
                    key.location,
                    f"duplicate key '{key.value}' (first defined at line {first.line}); "
                    "YAML would silently keep only the last one",
                )
                continue
            seen[key.value] = key.location
            entries.append((key, self.build(value_node, depth + 1)))
        return Mapping(self.where(node), tuple(entries))


def _is_forbidden_control(char: str) -> bool:
    if char in _ALLOWED_TEXT_CONTROLS:
        return False
    return unicodedata.category(char) == "Cc"


def _short_tag(tag: str) -> str:
    if tag.startswith(_STANDARD_TAG):
        return "!!" + tag[len(_STANDARD_TAG):]
    return tag


def _describe_yaml_error(exc: yaml.MarkedYAMLError, display: str) -> tuple[Location, str]:
    """Plain-language wording for the YAML mistakes people actually make."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    mark = exc.problem_mark or exc.context_mark
    where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
    if "'\\t'" in problem:
        return where, "tab character: YAML indentation must use spaces, not tabs"
    if "scanning a quoted scalar" in context and "end of stream" in problem:
        start = exc.context_mark
        loc = Location(display, start.line + 1, start.column + 1) if start else where
        return loc, "unclosed quote: this quoted text never ends"
    if "mapping values are not allowed" in problem:
        return where, ("unexpected ':' (text containing ': ' must be quoted, "
                       "or the indentation is off)")
    if "found undefined alias" in problem:
        return where, f"unknown alias: {problem.removeprefix('found undefined alias').strip()}"
    if "expected a single document" in problem:
        return where, "only one YAML document is allowed per file (remove the extra '---')"
    if "special characters are not allowed" in problem:
        return where, f"{problem.removeprefix('unacceptable character ').strip()} is not allowed"
    detail = f"{problem} ({context})" if context else problem
    return where, f"invalid YAML: {detail}"
