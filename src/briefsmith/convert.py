"""Model stage: located YAML nodes -> typed model records, reporting every problem.

One generic converter reads a record's dataclass fields and type hints, so the model *is* the
schema: unknown keys are errors that list the valid ones (with a did-you-mean), missing
required fields are named, wrong types say what was expected, and dates, numbers and
booleans are parsed here, on purpose, instead of by YAML 1.1's guessing.

Conversion never stops at the first problem: a bad field is reported and the rest of the
file is still converted and checked (see :meth:`Converter.record` for what a record with
a bad field becomes).  Every record remembers where each of its fields was written and
which ones had a problem (:class:`~briefsmith.diagnostics.RecordLocation`), so later
checks point at the field and stay silent about what a reported problem explains.

Two bounds live here because every text passes through here: a single text value longer
than :data:`MAX_TEXT_CHARS` is refused (ReportLab's layout time grows with the square of a
paragraph's length: 50,000 characters took 3.5 s, 200,000 took 43 s), and a field typed
with a :class:`~briefsmith.project.ProjectPath` class is resolved inside the project.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import math
import re
import types
import typing
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, get_args, get_origin

from .diagnostics import Location, Problems, RecordLocation, closest, did_you_mean, one_of
from .inline import parse_citation_field, parse_rich_text
from .load import Mapping, Node, Scalar, Sequence
from .model import BLOCK_TYPES, Block, Cell, Citation, PartialDate, RichText
from .project import Project, ProjectPath, ProjectPathError

# ASCII digits only: Python's \d also matches "２０２０", which no editor calls a date.
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)
INT_RE = re.compile(r"^[+-]?\d+$", re.ASCII)
FLOAT_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
# YAML 1.2's booleans (what editors and the JSON Schemas see); YAML 1.1's yes/no/on/off are
# text, and a bool field given one says so instead of guessing.
TRUE_WORDS = ("true", "True", "TRUE")
FALSE_WORDS = ("false", "False", "FALSE")
_YAML11_BOOLEANS = frozenset(("y", "yes", "n", "no", "on", "off"))

MAX_TEXT_CHARS = 20_000


class _Invalid:
    """Sentinel for a value that failed to convert (its problem is already reported)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclasses.dataclass(frozen=True)
class FieldInfo:
    """A record field as the converter sees it: YAML key, type, default."""

    name: str
    key: str
    type: Any
    required: bool
    doc: str


@cache
def fields_of(cls: type) -> tuple[FieldInfo, ...]:
    """The YAML-visible fields of a record class, with resolved type hints."""
    hints = typing.get_type_hints(cls)
    infos = []
    for f in dataclasses.fields(cls):
        key = f.metadata.get("yaml")
        if key is False:
            continue
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        infos.append(FieldInfo(f.name, key or f.name, hints[f.name], required,
                               f.metadata.get("doc", "")))
    return tuple(infos)


@cache
def infos_by_name(cls: type) -> dict[str, FieldInfo]:
    return {info.name: info for info in fields_of(cls)}


def describe(tp: Any) -> str:
    """A plain-language name for a type, for 'expected ...' messages."""
    origin = get_origin(tp)
    if isinstance(getattr(tp, "expected", None), str):
        return tp.expected
    if tp is str:
        return "text"
    if tp is RichText:
        return "text"
    if tp is Citation:
        return "a citation such as 'source-id' or 'source-id, p. 12'"
    if tp is bool:
        return "true or false"
    if tp is int:
        return "a whole number"
    if tp is float:
        return "a number"
    if tp is dt.date:
        return "a date (YYYY-MM-DD)"
    if tp is PartialDate:
        return "a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    if origin is Literal:
        return "one of " + one_of(get_args(tp))
    if origin is tuple or tp is tuple:
        return "a list"
    if origin in (types.UnionType, typing.Union):
        return " or ".join(describe(a) for a in get_args(tp) if a is not type(None))
    if tp is Block:
        return "a block such as '- paragraph: ...'"
    if dataclasses.is_dataclass(tp):
        return "a mapping of keys"
    return getattr(tp, "__name__", str(tp))


class Converter:
    """Converts nodes to records, reporting into a shared :class:`Problems`."""

    def __init__(self, problems: Problems, project: Project | None = None) -> None:
        self.problems = problems
        self.project = project
        self._depth = 0  # records being converted around the current one
        self._lenient = False  # inside a record converted with partial=True

    # -- entry points -------------------------------------------------------------------

    def record(self, cls: type, node: Node, *, context: str = "",
               partial: bool = False, container: bool = False) -> Any:
        """Convert a mapping node to an instance of ``cls``.

        Every problem is reported.  Strictly (themes), a record with a bad field comes back
        ``INVALID`` (a list leaves it out).  A file's top record (a brief, a section, a
        source) is converted with ``partial=True``, and so is everything in it, so that one
        run reports every problem of the file (which has errors, so it is never rendered):
        a bad *optional* field is left at its default; a record *inside* it whose required
        field is missing or unusable is kept with ``None`` there (an image whose file is
        missing still has its caption checked); only the top record itself is dropped for
        a bad required field.  Either way the record's :class:`RecordLocation` says where
        each field was written and which ones had a problem, so the checks that come later
        point at the field and skip what a reported problem already explains.

        A ``container`` (a brief, a section) is kept like a nested record: a misspelt
        ``title:`` must not hide the problems of every block and section it holds.
        """
        lenient = partial or self._lenient
        nested = self._depth > 0
        self._depth += 1
        saved, self._lenient = self._lenient, lenient
        try:
            record = self._record(cls, node, context, lenient=lenient,
                                  nested=nested or container)
            if container and record is not INVALID:  # its unusable lists are empty lists,
                record = dataclasses.replace(record, **{  # so later checks walk them
                    info.name: () for info in fields_of(cls)
                    if getattr(record, info.name) is None and get_origin(info.type) is tuple})
            return record
        finally:
            self._depth -= 1
            self._lenient = saved

    def _record(self, cls: type, node: Node, context: str, *, lenient: bool,
                nested: bool) -> Any:
        text_field = getattr(cls, "text_field", None)
        if text_field is not None and isinstance(node, Scalar) and not node.is_null():
            # The short form: "- intro.yaml" for {path: intro.yaml}, "- WHO" for {literal: WHO}
            info = next(i for i in fields_of(cls) if i.name == text_field)
            value = self.value(info.type, node, context=context)
            where = RecordLocation(node.location.path, node.location.line, node.location.col,
                                   {info.name: node.location})
            return INVALID if value is INVALID else cls(**{info.name: value}, at=where)
        if not isinstance(node, Mapping):
            self.expected(node, cls, context)
            return INVALID
        infos = {info.key: info for info in fields_of(cls)}
        values: dict[str, Any] = {}
        places: dict[str, Location] = {}
        invalid: set[str] = set()
        unusable: list[str] = []  # required fields missing or unusable
        misspelt: set[str] = set()  # what unknown keys look like misspellings of
        for key_node, value_node in node:
            info = infos.get(key_node.value)
            if info is None:
                self.unknown_key(key_node, infos, context)
                misspelt.add(closest(key_node.value, infos) or "")
                continue
            places[info.name] = value_node.location
            if isinstance(value_node, Sequence):
                places.update((f"{info.name}[{index}]", item.location)
                              for index, item in enumerate(value_node, 1))
            reported = len(self.problems.items)
            value = self.field_value(info, value_node, _join(context, info.key))
            if value is INVALID or len(self.problems.items) > reported:
                invalid.add(info.name)  # a list may come back without its bad items
            if value is not INVALID:
                values[info.name] = value
            elif info.required or not lenient:
                unusable.append(info.name)
        present = set(node.keys())
        for info in infos.values():
            if info.required and info.key not in present:
                if info.key not in misspelt:  # "unknown key 'titel' (did you mean 'title'?)"
                    self.problems.error(
                        node.location,
                        f"{_prefix(context)}missing required field '{info.key}' "
                        f"({info.doc or describe(info.type)})",
                    )
                invalid.add(info.name)
                unusable.append(info.name)
        if unusable:
            required = all(infos_by_name(cls)[name].required for name in unusable)
            if not (lenient and nested and required):
                return INVALID
            values.update(dict.fromkeys(unusable))  # kept, for the checks of the rest
        where = RecordLocation(node.location.path, node.location.line, node.location.col,
                               places, frozenset(invalid))
        return cls(**values, at=where)

    def value(self, tp: Any, node: Node, *, context: str) -> Any:
        origin = get_origin(tp)
        if origin in (types.UnionType, typing.Union):
            args = [a for a in get_args(tp) if a is not type(None)]
            if isinstance(node, Scalar) and node.is_null():
                return None
            return self.value(args[0], node, context=context)
        if isinstance(node, Scalar) and node.is_null() and tp is Cell:
            return Cell("")  # an empty table cell is meaningful
        if isinstance(node, Scalar) and node.is_null():
            self.problems.error(node.location, f"{_prefix(context)}expected {describe(tp)}, "
                                               "found nothing")
            return INVALID
        if origin is tuple:
            return self.sequence(get_args(tp)[0], node, context)
        if origin is Literal:
            return self.choice(get_args(tp), node, context)
        if tp is Block:
            return self.block(node, context)
        if isinstance(tp, type) and issubclass(tp, ProjectPath):
            return self.project_path(tp, node, context)
        if tp in _SCALARS:
            if not isinstance(node, Scalar):
                self.expected(node, tp, context)
                return INVALID
            return _SCALARS[tp](self, node, context)
        if dataclasses.is_dataclass(tp):
            return self.record(tp, node, context=context)
        raise TypeError(f"no conversion for {tp!r}")  # a programming error, not user input

    def project_path(self, kind: type[ProjectPath], node: Node, context: str) -> Any:
        """A file named in YAML, fenced inside the project (see :mod:`briefsmith.project`)."""
        if self.project is None:  # a programming error: paths need a project to resolve in
            raise TypeError(f"converting {kind.__name__} needs Converter(problems, project)")
        if not isinstance(node, Scalar):
            self.expected(node, kind, context)
            return INVALID
        written = _text(self, node, context)
        if written is INVALID:
            return INVALID
        try:
            return self.project.named_file(kind, written)
        except ProjectPathError as exc:
            self.problems.error(node.location, f"{_prefix(context)}{exc}")
            return INVALID

    def field_value(self, info: FieldInfo, node: Node, context: str) -> Any:
        """A field's value.  A required list may not be empty: a list, timeline, key-figure
        grid, chart series or section with nothing in it has nothing to print, and writing
        ``[]`` is a slip (an unfinished edit), not a choice."""
        if info.required and isinstance(node, Sequence) and not node.items:
            what = f" ({info.doc})" if info.doc else ""
            self.problems.error(node.location, f"{_prefix(context)}expected at least one "
                                               f"entry{what}, found an empty list")
            return INVALID
        return self.value(info.type, node, context=context)

    # -- containers ---------------------------------------------------------------------

    def sequence(self, item_type: Any, node: Node, context: str) -> Any:
        """A list; items that fail are reported and left out, so later checks still see
        the rest (the file has errors either way, so it is never rendered)."""
        if not isinstance(node, Sequence):
            self.expected(node, tuple, context)
            return INVALID
        items = []
        for index, item in enumerate(node):
            value = self.value(item_type, item, context=f"{context}[{index + 1}]")
            if value is not INVALID:
                items.append(value)
        return tuple(items)

    def choice(self, choices: tuple[str, ...], node: Node, context: str) -> Any:
        if not isinstance(node, Scalar):
            self.expected(node, Literal[choices], context)
            return INVALID
        value = node.value.strip()
        if value not in choices:
            self.problems.error(
                node.location,
                f"{_prefix(context)}'{value}' is not one of {one_of(choices)}"
                f"{did_you_mean(value, choices)}",
            )
            return INVALID
        return value

    def block(self, node: Node, context: str) -> Any:
        if not isinstance(node, Mapping) or len(node.entries) != 1:
            self.problems.error(
                node.location,
                f"{_prefix(context)}a block is a one-key mapping naming its type, e.g. "
                f"'- paragraph: ...'; types: {one_of(BLOCK_TYPES)}",
            )
            return INVALID
        key, body = node.entries[0]
        cls = BLOCK_TYPES.get(key.value)
        if cls is None:
            self.problems.error(
                key.location,
                f"{_prefix(context)}unknown block type '{key.value}'"
                f"{did_you_mean(key.value, BLOCK_TYPES)}; types: {one_of(BLOCK_TYPES)}",
            )
            return INVALID
        context = f"{context}.{key.value}" if context else key.value
        if cls.shorthand and not isinstance(body, Mapping):
            info = next(i for i in fields_of(cls) if i.name == cls.shorthand)
            value = self.field_value(info, body, context)
            if value is INVALID:
                return INVALID
            where = RecordLocation(key.location.path, key.location.line, key.location.col,
                                   {info.name: body.location})
            return cls(**{info.name: value}, at=where)
        record = self.record(cls, body, context=context)
        if record is INVALID:
            return INVALID
        return dataclasses.replace(record, at=record.at.moved(key.location))

    # -- messages -----------------------------------------------------------------------

    def expected(self, node: Node, tp: Any, context: str) -> None:
        found = {"text": "text", "mapping": "a mapping", "list": "a list"}[node.kind]
        if isinstance(node, Scalar) and node.is_null():
            found = "nothing"
        self.problems.error(node.location,
                            f"{_prefix(context)}expected {describe(tp)}, found {found}")

    def unknown_key(self, key: Scalar, infos: dict[str, FieldInfo], context: str) -> None:
        self.problems.error(
            key.location,
            f"{_prefix(context)}unknown key '{key.value}'{did_you_mean(key.value, infos)}; "
            f"valid keys: {', '.join(sorted(infos))}",
        )


# -- scalar conversions -----------------------------------------------------------------


def _text(conv: Converter, node: Scalar, context: str) -> Any:
    """Text, stripped and in Unicode NFC: ``e`` + combining acute becomes ``é``, one glyph
    every font has, instead of a mark ReportLab would place without positioning.  A space
    between two East Asian wide characters is dropped: it is a line break that YAML folded
    into a space (Chinese does not separate words), as pandoc's east_asian_line_breaks."""
    value = join_east_asian_lines(unicodedata.normalize("NFC", node.value.strip()))
    if not value:
        conv.problems.error(node.location, f"{_prefix(context)}expected text, found nothing")
        return INVALID
    if len(value) > MAX_TEXT_CHARS:
        conv.problems.error(node.location,
                            f"{_prefix(context)}text is {len(value):,} characters long; the "
                            f"limit is {MAX_TEXT_CHARS:,} (split it into several paragraphs)")
        return INVALID
    return value


def join_east_asian_lines(text: str) -> str:
    if " " not in text:
        return text
    kept = [char for index, char in enumerate(text)
            if not (char == " " and 0 < index < len(text) - 1
                    and _is_wide(text[index - 1]) and _is_wide(text[index + 1]))]
    return "".join(kept)


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _rich_text(conv: Converter, node: Scalar, context: str) -> Any:
    text = _text(conv, node, context)
    if text is INVALID:
        return INVALID
    locate = _locator(node, text)
    rich, problems = parse_rich_text(text, locate)
    for index, message in problems:
        conv.problems.error(locate(index), f"{_prefix(context)}{message}")
    return dataclasses.replace(rich, at=node.location, find=node.locate)


def _citation(conv: Converter, node: Scalar, context: str) -> Any:
    text = _text(conv, node, context)
    if text is INVALID:
        return INVALID
    locate = _locator(node, text)
    citation, problems = parse_citation_field(text, locate)
    for index, message in problems:
        conv.problems.error(locate(index), f"{_prefix(context)}{message}")
    if citation is None:
        return INVALID
    return dataclasses.replace(citation, at=node.location)


def _boolean(conv: Converter, node: Scalar, context: str) -> Any:
    """``true``/``false`` (and, unquoted, YAML 1.2's ``True``/``TRUE``/...), nothing else."""
    value = node.value.strip()
    words = (TRUE_WORDS + FALSE_WORDS) if node.plain else ("true", "false")
    if value in words:
        return value in TRUE_WORDS
    hint = " (YAML 1.1's yes/no/on/off are not booleans here)" \
        if value.lower() in _YAML11_BOOLEANS else ""
    conv.problems.error(node.location,
                        f"{_prefix(context)}expected true or false, found '{value}'{hint}")
    return INVALID


def _integer(conv: Converter, node: Scalar, context: str) -> Any:
    value = node.value.strip()
    if INT_RE.match(value):
        return int(value)
    conv.problems.error(node.location, f"{_prefix(context)}expected a whole number, "
                                       f"found '{value}'")
    return INVALID


def _number(conv: Converter, node: Scalar, context: str) -> Any:
    value = node.value.strip()
    if FLOAT_RE.match(value):
        number = float(value)
        if math.isfinite(number):
            return number
        conv.problems.error(node.location, f"{_prefix(context)}'{value}' is not a finite "
                                           "number (it is too large to compute with)")
        return INVALID
    conv.problems.error(node.location, f"{_prefix(context)}expected a number, found '{value}'")
    return INVALID


def parse_partial_date(value: str) -> PartialDate | str:
    """A :class:`PartialDate`, or a message saying what is wrong with ``value``."""
    match = _DATE_RE.match(value)
    if not match:
        return f"'{value}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        return f"'{value}' has no month {month}"
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            return f"'{value}' is not a real date"
    if year < 1:
        return f"'{value}' has no year 0"
    return PartialDate(year, month, day)


def _partial_date(conv: Converter, node: Scalar, context: str) -> Any:
    result = parse_partial_date(node.value.strip())
    if isinstance(result, str):
        conv.problems.error(node.location, f"{_prefix(context)}{result}")
        return INVALID
    return result


def _full_date(conv: Converter, node: Scalar, context: str) -> Any:
    result = parse_partial_date(node.value.strip())
    if isinstance(result, str) or result.day is None:
        message = result if isinstance(result, str) else (
            f"'{node.value.strip()}' needs a day; write YYYY-MM-DD")
        conv.problems.error(node.location, f"{_prefix(context)}{message}")
        return INVALID
    return result.earliest()


ScalarParser = Callable[[Converter, Scalar, str], Any]

_SCALARS: dict[Any, ScalarParser] = {
    str: _text,
    RichText: _rich_text,
    Citation: _citation,
    bool: _boolean,
    int: _integer,
    float: _number,
    PartialDate: _partial_date,
    dt.date: _full_date,
}


SCALAR_SCHEMAS: dict[Any, dict[str, Any]] = {}


def register_scalar(tp: type, parse: Callable[[str], Any],
                    schema: dict[str, Any] | None = None) -> None:
    """Teach the converter a scalar type of another module (lengths, colours).

    ``parse`` returns the value, or raises ``ValueError`` with a message for the user.
    ``schema`` is the JSON Schema of the values ``parse`` accepts (as YAML 1.2 editors see
    them: ``12`` is a number there), for ``briefsmith schema``.
    """
    if schema is not None:
        SCALAR_SCHEMAS[tp] = schema

    def convert(conv: Converter, node: Scalar, context: str) -> Any:
        try:
            return parse(node.value.strip())
        except ValueError as exc:
            conv.problems.error(node.location, f"{_prefix(context)}{exc}")
            return INVALID

    _SCALARS[tp] = convert


register_scalar(Cell, Cell.parse, schema={"type": ["string", "number", "boolean", "null"]})


def _locator(node: Scalar, text: str) -> Callable[[int], Location]:
    """Map an offset into the (stripped) value ``text`` to its line and column in the file.

    The few characters at the offset, up to the next space, are searched for in the raw
    source of the scalar; counting earlier occurrences keeps repeated ids apart.
    """

    # Where each needle occurs, found once: a paragraph of 4,000 citations of one source
    # located each of them by counting the earlier ones again (8 s).
    in_text: dict[str, list[int]] = {}
    in_source: dict[str, list[int]] = {}

    def locate(index: int) -> Location:
        needle = re.split(r"\s", text[index:index + 16], maxsplit=1)[0] or text[index:index + 1]
        if not needle:
            return node.location
        if needle not in in_text:
            in_text[needle] = _occurrences(text, needle)
            in_source[needle] = node.occurrences(needle)
        occurrence = bisect.bisect_left(in_text[needle], index)  # how many come before
        found = in_source[needle]
        return node.location_at(found[occurrence]) if occurrence < len(found) \
            else node.location

    return locate


def _occurrences(text: str, needle: str) -> list[int]:
    found = []
    pos = text.find(needle)
    while pos >= 0:
        found.append(pos)
        pos = text.find(needle, pos + 1)
    return found


def _join(context: str, key: str) -> str:
    if not context:
        return key
    return f"{context}.{key}" if key else context


def _prefix(context: str) -> str:
    return f"{context}: " if context else ""

