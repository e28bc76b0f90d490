"""JSON Schemas for briefs, sections, sources and themes, derived from the model records.

Editors with the YAML language server (VS Code's YAML extension, Neovim, Helix, JetBrains)
validate and complete a file as it is typed when given a JSON Schema.  These schemas are
not written by hand: they are read off the same records and type hints the converter uses
(:func:`briefsmith.convert.fields_of`), so a field added to a record is a key the schema
accepts, and the two cannot drift apart.  ``tests/test_schema.py`` runs the schemas and
``briefsmith check`` over the same valid and invalid files and requires the same verdict.

Editors read YAML 1.2, where ``2024`` is a number, ``true`` a boolean and ``2021-05`` a
string, and ``briefsmith`` reads every scalar as the text written, so a text field accepts
numbers and booleans here (the converter keeps ``1.10`` as the text ``1.10``), and dates
are checked by patterns that know month lengths and leap years.  What JSON Schema cannot
express (whether a cited source exists, whether a named file exists, inline markup) is left
to ``briefsmith check``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from typing import Any, Literal, get_args, get_origin

from .convert import FLOAT_RE, INT_RE, MAX_TEXT_CHARS, SCALAR_SCHEMAS, fields_of
from .inline import SOURCE_ID
from .model import BLOCK_TYPES, Block, Brief, Citation, PartialDate, RichText, Section, Source
from .project import ProjectPath
from .theme import Theme

DIALECT = "http://json-schema.org/draft-07/schema#"

# Calendar-exact dates: month lengths, and 29 February only in leap years.
_YEAR = "(?!0000)[0-9]{4}"
_MONTH_DAY = ("((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
              "|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
              "|02-(0[1-9]|1[0-9]|2[0-8]))")
_LEAP_YEAR = ("(?!0000)([0-9]{2}(0[48]|[2468][048]|[13579][26])"
              "|([02468][048]|[13579][26])00)")
_FULL_DATE = f"({_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
FULL_DATE_PATTERN = f"^{_FULL_DATE}$"
PARTIAL_DATE_PATTERN = f"^({_YEAR}|{_YEAR}-(0[1-9]|1[0-2])|{_FULL_DATE})$"

KINDS = ("brief", "section", "sources", "theme")


def all_schemas() -> dict[str, dict[str, Any]]:
    """``{"brief.schema.json": {...}, ...}``: every schema, ready to be written."""
    return {f"{kind}.schema.json": schema_for(kind) for kind in KINDS}


def schema_for(kind: str) -> dict[str, Any]:
    builder = _Builder(partial=kind == "theme")
    if kind == "brief":
        root = builder.record(Brief)
        title = "briefsmith brief (briefs/*.yaml)"
    elif kind == "section":
        root = builder.record(Section)
        title = "briefsmith section (content/*.yaml)"
    elif kind == "sources":
        root = {
            "type": "object",
            "description": "Source ids mapped to CSL-YAML entries.",
            "propertyNames": {"pattern": f"^{SOURCE_ID}$"},
            "additionalProperties": builder.record(Source),
        }
        title = "briefsmith sources (content/sources.yaml)"
    elif kind == "theme":
        root = builder.record(Theme)
        title = "briefsmith theme (styles/*.yaml); every key is optional: a theme names " \
                "only what it changes"
    else:
        raise ValueError(f"unknown schema kind {kind!r}")
    if "$ref" in root:  # the root record itself, not a reference (draft-07 ignores $ref's
        root = builder.definitions[root["$ref"].rsplit("/", 1)[1]]  # siblings)
    return {"$schema": DIALECT, "title": title, **root,
            "definitions": dict(sorted(builder.definitions.items()))}


def dumps(schema: dict[str, Any]) -> str:
    """Stable text: the same schema always gives the same bytes."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _text(max_length: int = MAX_TEXT_CHARS) -> dict[str, Any]:
    # YAML 1.2 reads `2024` and `true` as a number and a boolean; briefsmith reads text.
    return {"type": ["string", "number", "boolean"], "minLength": 1, "pattern": r"\S",
            "maxLength": max_length}


class _Builder:
    """Turns record types into schemas; each record becomes one shared definition."""

    def __init__(self, *, partial: bool) -> None:
        self.partial = partial  # themes: every key optional (they extend the base theme)
        self.definitions: dict[str, dict[str, Any]] = {}

    def record(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.definitions:
            self.definitions[name] = {}  # reserve the name: records may refer to themselves
            infos = fields_of(cls)
            schema: dict[str, Any] = {
                "type": "object",
                "properties": {i.key: self.field(i.type, i.doc, i.required) for i in infos},
                "additionalProperties": False,
            }
            required = [i.key for i in infos if i.required]
            if required and not self.partial:
                schema["required"] = required
            if cls.__doc__ and not cls.__doc__.startswith(f"{name}("):
                schema["description"] = " ".join(cls.__doc__.split())
            text_field = getattr(cls, "text_field", None)
            if text_field is not None:  # "- intro.yaml" for {path: intro.yaml}
                info = next(i for i in infos if i.name == text_field)
                schema = {"anyOf": [self.of(info.type), schema]}
            self.definitions[name] = schema
        return {"$ref": f"#/definitions/{name}"}

    def field(self, tp: Any, doc: str, required: bool = False) -> dict[str, Any]:
        schema = self.of(tp)
        if required and schema.get("type") == "array":
            schema = {**schema, "minItems": 1}  # as the converter: a required list has entries
        return {**schema, "description": doc} if doc else schema

    def of(self, tp: Any) -> dict[str, Any]:
        origin = get_origin(tp)
        if origin in (types.UnionType, typing.Union):
            options = [self.of(a) for a in get_args(tp) if a is not type(None)]
            return {"anyOf": [*options, {"type": "null"}]}
        if origin is tuple:
            return {"type": "array", "items": self.of(get_args(tp)[0])}
        if origin is Literal:
            # An editor reads `columns: 2` as a number; our loader keeps the text "2".
            choices = list(get_args(tp))
            return {"enum": choices + [int(c) for c in choices if INT_RE.match(c)]}
        if tp is Block:
            return {"anyOf": [self.block(name, cls) for name, cls in sorted(BLOCK_TYPES.items())]}
        if isinstance(tp, type) and issubclass(tp, ProjectPath):
            return self.path(tp)
        if tp in (str, RichText, Citation):
            return _text()
        if tp is bool:
            return {"anyOf": [{"type": "boolean"}, {"enum": ["true", "false"]}]}
        if tp is int:
            return {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": INT_RE.pattern}]}
        if tp is float:
            return {"anyOf": [{"type": "number"},
                              {"type": "string", "pattern": FLOAT_RE.pattern}]}
        if tp is dt.date:
            return {"type": "string", "pattern": FULL_DATE_PATTERN,
                    "description": "a date, YYYY-MM-DD"}
        if tp is PartialDate:
            return {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 9999},
                              {"type": "string", "pattern": PARTIAL_DATE_PATTERN}]}
        if tp in SCALAR_SCHEMAS:
            return SCALAR_SCHEMAS[tp]
        if dataclasses.is_dataclass(tp):
            return self.record(tp)
        raise TypeError(f"no JSON Schema for {tp!r}; register one with register_scalar()")

    def block(self, name: str, cls: type) -> dict[str, Any]:
        """``- paragraph: ...``: a one-key mapping; the shorthand value or the record."""
        body = self.record(cls)
        if cls.shorthand:
            info = next(i for i in fields_of(cls) if i.name == cls.shorthand)
            body = {"anyOf": [self.field(info.type, "", info.required), body]}
        return {"type": "object", "properties": {name: body}, "required": [name],
                "additionalProperties": False}

    def path(self, kind: type[ProjectPath]) -> dict[str, Any]:
        """A relative POSIX path that cannot climb out; existence is checked by the tool."""
        suffix = ""
        if kind.suffixes:
            suffix = "(" + "|".join(_any_case(s) for s in kind.suffixes) + ")$"
        pattern = r"^(?![/\\])(?![A-Za-z]:)(?!.*\\)(?!(.*/)?\.\.(/|$)).*" + suffix
        return {"type": "string", "minLength": 1, "pattern": pattern,
                "description": kind.expected}


def _any_case(suffix: str) -> str:
    """``.yaml`` -> ``\\.[yY][aA][mM][lL]``: JSON Schema patterns have no flags."""
    return "\\." + "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c
                           for c in suffix.lstrip("."))
