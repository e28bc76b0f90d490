"""Load stage: project files -> YAML node trees that remember where every value came from.

This is the only module that imports ``yaml``, and it uses nothing but PyYAML's *composer*:
no constructor ever runs, so YAML stays data (no ``!!python/object``), and no implicit
YAML 1.1 typing changes meaning (``no`` stays the text ``no``, ``1.10`` stays ``1.10``,
``2021-05-01`` stays text until :mod:`briefsmith.convert` parses it as a date on purpose).
This is strictyaml's idea, built on PyYAML's positions.

The loader also closes PyYAML's gaps for untrusted input: duplicate keys are errors (PyYAML
keeps the last), alias expansion is bounded (a "billion laughs" document is cheap to parse
and ruinous to walk), nesting depth, value count and file size are bounded, and undecodable
bytes, NUL bytes, control characters and tabs are reported with their line and column.

Nodes are built here from PyYAML's *event* stream (libyaml's C parser when present), not
by PyYAML's composer: counting values while they arrive stops a 4 MB list of tiny items
after the limit instead of after minutes and a gigabyte, an alias reuses the node it names
(so expansion costs no memory) while its expanded size still counts against the limit,
and a recursive alias is refused instead of building a cyclic tree.
"""

from __future__ import annotations

import codecs
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Location, Problems

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64
# Text a document may hold once its aliases are expanded: as much as a file can hold.
# A 20,000-character paragraph anchored once and aliased 1,000 times is a 38 KB file that
# took 11 s to check; 300 such aliases built 1,520 pages in 140 s.
MAX_EXPANDED_CHARS = MAX_FILE_BYTES

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_STANDARD_TAG = "tag:yaml.org,2002:"
_ALLOWED_SCALAR_TAGS = frozenset(
    _STANDARD_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")
)
_ALLOWED_TEXT_CONTROLS = frozenset("\t\n")
# Characters a YAML file may not contain as such: C0/C1 controls (except tab and line
# feed; carriage returns are normalised away first), the line separators YAML 1.1 counts as
# line breaks (they would shift every line number after them), and non-characters.
_FORBIDDEN_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_EVENT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when compiled in


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
        found = self.occurrences(needle, occurrence + 1)
        if len(found) <= occurrence:
            return self.location
        return self.location_at(found[occurrence])

    def occurrences(self, needle: str, most: int | None = None) -> list[int]:
        """Offsets of ``needle`` (overlapping ones too) in the scalar's raw source."""
        raw = self.source[self.start : self.end]
        found: list[int] = []
        pos = raw.find(needle)
        while pos >= 0 and (most is None or len(found) < most):
            found.append(pos)
            pos = raw.find(needle, pos + 1)
        return found

    def location_at(self, pos: int) -> Location:
        """The line and column of offset ``pos`` into the scalar's raw source."""
        before = self.source[self.start : self.start + pos]
        newlines = before.count("\n")
        if newlines == 0:
            return Location(self.location.path, self.location.line, self.location.col + pos)
        col = pos - before.rfind("\n")
        return Location(self.location.path, self.location.line + newlines, col)


@dataclass(frozen=True, eq=False)
class Mapping(Node):
    """A YAML mapping node with its position."""

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
    """A YAML sequence node with its position."""

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
    """Read and decode a text file, reporting (not raising) every way that can fail.

    Only regular files are opened: a named pipe would block forever and a device such as
    ``/dev/zero`` never ends, so both are refused before anything is read.  At most
    :data:`MAX_FILE_BYTES` + 1 bytes are read, whatever the file system claims its size is.
    """
    where = Location(display)
    try:
        info = path.stat()
    except FileNotFoundError:
        problems.error(where, "file not found")
        return None
    except OSError as exc:
        problems.error(where, f"cannot read file: {exc.strerror or exc}")
        return None
    if stat.S_ISDIR(info.st_mode):
        problems.error(where, "is a folder, not a file")
        return None
    if not stat.S_ISREG(info.st_mode):
        problems.error(where, "is not a regular file (a pipe, socket or device?)")
        return None
    if info.st_size > MAX_FILE_BYTES:
        problems.error(where, _too_big(info.st_size))
        return None
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        problems.error(where, f"cannot read file: {exc.strerror or exc}")
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.error(where, _too_big(len(data)))
        return None
    return decode(data, display, problems)


def _too_big(size: int) -> str:
    return (f"file is {size:,} bytes or more; the limit is {MAX_FILE_BYTES:,} bytes "
            "(split it into smaller files)")


def decode(data: bytes, display: str, problems: Problems) -> str | None:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is located.

    Line endings are normalised to ``\\n`` (CRLF files from Windows editors are fine).
    """
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        problems.error(Location(display, 1, 1), "UTF-32 text is not supported; save as UTF-8")
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            problems.error(Location(display, 1, 1),
                           f"invalid UTF-16 text at byte {exc.start}; save as UTF-8")
            return None
        return _normalise_newlines(text)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    nul = data.find(b"\0")
    if nul >= 0:
        # A UTF-8 file has no reason to hold NUL bytes; UTF-16 without a byte-order mark
        # and binary files (an image saved as .yaml) are full of them.
        nuls = data.count(b"\0")
        problems.error(_byte_location(data, nul, display),
                       f"NUL byte ({nuls:,} in the file): this is a binary file "
                       "or UTF-16 text without a byte-order mark; save it as UTF-8")
        return None
    try:
        return _normalise_newlines(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problems.error(
            _byte_location(data, exc.start, display),
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
        )
        return None


def _byte_location(data: bytes, offset: int, display: str) -> Location:
    good = data[:offset].decode("utf-8", errors="replace")
    line = good.count("\n") + 1
    col = len(good) - (good.rfind("\n") + 1) + 1
    return Location(display, line, col)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def parse_yaml(text: str, display: str, problems: Problems) -> Node | None:
    """Parse one YAML document into located nodes; every failure becomes a problem."""
    text = _normalise_newlines(text)
    if not _has_content(text):
        problems.error(Location(display), "file is empty")
        return None
    if report_forbidden_characters(text, display, problems):
        return None
    composer = _Composer(text, display, problems)
    try:
        return composer.compose()
    except yaml.MarkedYAMLError as exc:
        problems.error(*_describe_yaml_error(exc, display, text))
    except yaml.YAMLError as exc:  # reader errors are pre-empted by the character scan
        problems.error(Location(display), f"invalid YAML: {exc}")
    except _TooLargeError as exc:
        problems.error(exc.location, str(exc))
    return None


def _has_content(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped not in ("---", "..."):
            return True
    return False


def report_forbidden_characters(text: str, display: str, problems: Problems,
                                what: str = "a YAML file") -> bool:
    """One located error per distinct forbidden character (a binary file has thousands);
    True if there was any.  ``what`` names the kind of file in the message."""
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    for match in _FORBIDDEN_RAW.finditer(text):
        char = match.group()
        first.setdefault(char, match.start())
        counts[char] = counts.get(char, 0) + 1
    for char, offset in first.items():
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        times = f" ({counts[char]:,} times in this file)" if counts[char] > 1 else ""
        problems.error(Location(display, line, col),
                       f"{describe_forbidden(char)} is not allowed in {what}{times}")
    return bool(first)


def describe_forbidden(char: str) -> str:
    """``control character U+0007 (BELL)``: how messages name an unprintable character."""
    code = f"U+{ord(char):04X}"
    if char == "\0":
        return f"NUL byte ({code})"
    kind = "line separator" if char in "\u2028\u2029\x85" else "control character"
    if unicodedata.category(char) in ("Cs", "Cn"):
        kind = "non-character" if unicodedata.category(char) == "Cn" else "lone surrogate"
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(char, "")
    return f"{kind} {code}" + (f" ({name})" if name else "")


_CONTROL_NAMES = {"\x07": "BELL", "\x08": "BACKSPACE", "\x0b": "VERTICAL TAB",
                  "\x0c": "FORM FEED", "\x1b": "ESCAPE", "\x7f": "DELETE",
                  "\x85": "NEXT LINE"}


class _TooLargeError(Exception):
    def __init__(self, location: Location, message: str) -> None:
        super().__init__(message)
        self.location = location


@dataclass
class _Open:
    """A mapping or sequence whose end event has not arrived yet."""

    kind: str  # "map" or "seq"
    location: Location
    anchor: str | None
    # (node, expanded size in values, expanded size in characters of text)
    children: list[tuple[Node, int, int]] = field(default_factory=list)


class _Composer:
    """Builds our nodes from PyYAML events, enforcing the rules PyYAML does not."""

    def __init__(self, text: str, display: str, problems: Problems) -> None:
        self.text = text
        self.display = display
        self.problems = problems
        self.count = 0
        self.chars = 0
        self.anchors: dict[str, tuple[Node, int, int]] = {}

    def where(self, event: yaml.Event) -> Location:
        mark = event.start_mark
        return Location(self.display, mark.line + 1, mark.column + 1)

    def compose(self) -> Node | None:
        stack: list[_Open] = []
        root: list[tuple[Node, int, int]] = []
        documents = 0
        for event in yaml.parse(self.text, Loader=_EVENT_LOADER):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.problems.error(self.where(event), "only one YAML document is allowed "
                                                           "per file (remove the extra '---')")
                    return None
                continue
            siblings = stack[-1].children if stack else root
            if isinstance(event, yaml.ScalarEvent):
                siblings.append(self.added(self.scalar(event), event, 1, len(event.value)))
            elif isinstance(event, yaml.AliasEvent):
                siblings.append(self.alias(event, stack))
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                self.check_tag(event, kind)
                if len(stack) >= MAX_DEPTH:
                    raise _TooLargeError(self.where(event),
                                         f"nesting is deeper than {MAX_DEPTH} levels")
                self.added(None, event, 1, 0)
                stack.append(_Open(kind, self.where(event), event.anchor))
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                closed = stack.pop()
                node, size, chars = self.close(closed)
                if closed.anchor is not None:
                    self.remember(closed.anchor, node, size, chars)
                (stack[-1].children if stack else root).append((node, size, chars))
        if not root:
            self.problems.error(Location(self.display), "file is empty")
            return None
        return root[0][0]

    def added(self, node: Node | None, event: yaml.Event, size: int,
              chars: int) -> tuple[Any, int, int]:
        self.count += size
        self.chars += chars
        if self.count > MAX_NODES:
            cause = ("aliases that repeat aliases?" if isinstance(event, yaml.AliasEvent)
                     else "split the file")
            raise _TooLargeError(self.where(event),
                                 f"document expands to more than {MAX_NODES:,} values "
                                 f"({cause}); refusing to read further")
        if self.chars > MAX_EXPANDED_CHARS:  # only aliases can do that: a file is smaller
            cause = (f"this alias repeats {chars:,} characters"
                     if isinstance(event, yaml.AliasEvent) else "through aliases before here")
            raise _TooLargeError(self.where(event),
                                 f"document expands to more than {MAX_EXPANDED_CHARS:,} "
                                 f"characters of text ({cause}); write the text out, or "
                                 "repeat it less")
        if node is not None and getattr(event, "anchor", None) is not None \
                and not isinstance(event, yaml.AliasEvent):
            self.remember(event.anchor, node, size, chars)
        return node, size, chars

    def remember(self, anchor: str, node: Node, size: int, chars: int) -> None:
        if anchor in self.anchors:
            self.problems.error(node.location, f"anchor '&{anchor}' is defined twice; "
                                               "give each anchor its own name")
        self.anchors[anchor] = (node, size, chars)

    def alias(self, event: yaml.AliasEvent, stack: list[_Open]) -> tuple[Node, int, int]:
        found = self.anchors.get(event.anchor)
        if found is None:
            if any(o.anchor == event.anchor for o in stack):
                raise _TooLargeError(self.where(event), f"alias '*{event.anchor}' refers to "
                                                        "the value that contains it")
            raise _TooLargeError(self.where(event), f"unknown alias '*{event.anchor}' "
                                                    "(no '&' anchor of that name before it)")
        node, size, chars = found
        self.added(None, event, size, chars)
        return node, size, chars

    def scalar(self, event: yaml.ScalarEvent) -> Scalar:
        where = self.where(event)
        if event.tag is not None and event.tag != "!" and event.tag not in _ALLOWED_SCALAR_TAGS:
            self.problems.error(where, f"YAML tag '{_short_tag(event.tag)}' is not allowed here")
        value = event.value
        for offset, char in enumerate(value):
            if is_forbidden_in_text(char):
                self.problems.error(where, f"{describe_forbidden(char)} at position "
                                           f"{offset + 1} of this text is not allowed")
                break
        return Scalar(where, value, not event.style and event.tag is None, self.text,
                      event.start_mark.index, event.end_mark.index)

    def check_tag(self, event: yaml.CollectionStartEvent, expected: str) -> None:
        if event.tag is not None and event.tag not in ("!", _STANDARD_TAG + expected):
            self.problems.error(self.where(event),
                                f"YAML tag '{_short_tag(event.tag)}' is not allowed here")

    def close(self, closed: _Open) -> tuple[Node, int, int]:
        size = 1 + sum(s for _, s, _ in closed.children)
        chars = sum(c for _, _, c in closed.children)
        if closed.kind == "seq":
            return Sequence(closed.location, tuple(n for n, _, _ in closed.children)), size, chars
        entries: list[tuple[Scalar, Node]] = []
        seen: dict[str, Location] = {}
        pairs = closed.children
        for index in range(0, len(pairs) - 1, 2):
            key, value = pairs[index][0], pairs[index + 1][0]
            if not isinstance(key, Scalar):
                self.problems.error(key.location, "a key must be plain text")
                continue
            if key.plain and key.value == "<<":
                self.problems.error(
                    key.location, "merge keys ('<<') are not supported; write the keys out")
                continue
            if key.value in seen:
                first = seen[key.value]
                self.problems.error(
                    key.location,
                    f"duplicate key '{key.value}' (first defined at line {first.line}); "
                    "YAML would silently keep only the last one",
                )
                continue
            seen[key.value] = key.location
            entries.append((key, value))
        return Mapping(closed.location, tuple(entries)), size, chars


def is_forbidden_in_text(char: str) -> bool:
    """Characters no printed text may hold, even when written as an escape (``"\\a"``)."""
    if char in _ALLOWED_TEXT_CONTROLS:
        return False
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or (category == "Cn" and _is_noncharacter(char))


def _is_noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _short_tag(tag: str) -> str:
    if tag.startswith(_STANDARD_TAG):
        return "!!" + tag[len(_STANDARD_TAG):]
    return tag


def _describe_yaml_error(exc: yaml.MarkedYAMLError, display: str,
                         text: str) -> tuple[Location, str]:
    """Plain-language wording for the YAML mistakes people actually make.

    Both of PyYAML's parsers are covered: libyaml's (C) and the pure-Python one word the
    same mistakes slightly differently.
    """
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    mark = exc.problem_mark or exc.context_mark
    where = _mark_location(mark, display)
    opened = _mark_location(exc.context_mark, display) if exc.context_mark else where
    char = text[mark.index] if mark is not None and 0 <= mark.index < len(text) else ""
    if "'\\t'" in problem or "tab character" in problem \
            or ("cannot start any token" in problem and char == "\t"):
        return where, "tab character: YAML indentation must use spaces, not tabs"
    if "cannot start any token" in problem and char:
        return where, (f"'{char}' cannot start a value; put the text in quotes "
                       f"(\"{char}...\")")
    if "quoted scalar" in context and "end of stream" in problem:
        return opened, "unclosed quote: this quoted text never ends"
    if "unknown escape character" in problem:
        return where, ("unknown escape sequence in double-quoted text; write '\\\\' for a "
                       "backslash, or use single quotes")
    if "flow sequence" in context and "']'" in problem:
        return opened, ("this '[' list is never closed with ']' "
                        "(or an item in it is missing a comma)")
    if "flow mapping" in context and "'}'" in problem:
        return opened, ("this '{' mapping is never closed with '}' "
                        "(or an entry in it is missing a comma)")
    if "flow node" in context and "node content" in problem:
        return where, ("a value is missing here, or a '[' or '{' opened before it is never "
                       "closed")
    if "mapping values are not allowed" in problem:
        return where, ("unexpected ':' (text containing ': ' must be quoted, "
                       "or the indentation is off)")
    if "expected <block end>" in problem or "did not find expected key" in problem \
            or "expected '-' indicator" in problem:
        return where, ("unexpected text here: check the indentation (this line is indented "
                       "differently from the lines around it), or quote text that starts "
                       "with a quote")
    if "could not find expected ':'" in problem:
        return where, "expected 'key: value' here (a ':' is missing?)"
    detail = f"{problem} ({context})" if context else problem
    return where, f"invalid YAML: {detail}"


def _mark_location(mark: yaml.Mark | None, display: str) -> Location:
    if mark is None:
        return Location(display)
    return Location(display, mark.line + 1, mark.column + 1)
