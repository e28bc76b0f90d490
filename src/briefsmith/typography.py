"""Typographic quotation marks: straight quotes in the content become the language's marks.

Writers type ``"`` and ``'`` (and YAML makes typing anything else awkward); a typeset page
uses “ ” ‘ ’ in English and Chinese, « » and “ ” in Spanish, and ’ for the apostrophe, as
pandoc's ``smart`` extension and Typst's smartquote do.  This runs on the records, after
reading and before validation, so the glyph check sees the marks that will be printed.
Only printed text changes: ids, paths, URLs, citations and settings are left alone.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .model import Document, Emphasis, Link, RichText, Strong, Text

# After these (or at the start of a text) a quotation mark opens; elsewhere it closes.
_OPENS_AFTER = frozenset(" \t\n([{\u2014\u2013-/\u00a0\u201c\u2018\u00ab")


def smart_quotes(text: str, quotes: str, previous: str = "") -> str:
    """Replace straight quotes in ``text``; ``previous`` is the character before it."""
    if '"' not in text and "'" not in text:
        return text
    out = []
    before = previous
    for char in text:
        opens = not before or before in _OPENS_AFTER
        if char == '"':
            char = quotes[0] if opens else quotes[1]
        elif char == "'":
            char = quotes[2] if opens else quotes[3]
        out.append(char)
        before = char
    return "".join(out)


def typeset_quotes(doc: Document, quotes: str,
                   done: dict[tuple[int, str], tuple[Any, Any]] | None = None) -> Document:
    """The brief and its sections with typographic quotes in every printed text.

    ``done`` remembers each section's result (by the section object and the marks): the
    briefs of a batch that share a section then share one typeset copy of it, and work
    done on a section once per process (see :func:`briefsmith.model.walk_records`) is
    done once for all of them."""
    return dataclasses.replace(doc, brief=_record(doc.brief, quotes),
                               sections=tuple(_section(s, quotes, done) for s in doc.sections))


def _section(section: Any, quotes: str,
             done: dict[tuple[int, str], tuple[Any, Any]] | None) -> Any:
    if done is None:
        return _record(section, quotes)
    key = (id(section), quotes)
    if key not in done:  # the section is kept with its result: its id stays its own
        done[key] = (section, _record(section, quotes))
    return done[key][1]


def _value(value: Any, quotes: str) -> Any:
    if isinstance(value, str):  # text, or a str type such as a table cell
        text = smart_quotes(value, quotes)
        return value if text == value else type(value)(text)
    if isinstance(value, RichText):
        spans, _last = _spans(value.spans, quotes, "")
        return dataclasses.replace(value, spans=spans)
    if isinstance(value, tuple):
        return tuple(_value(item, quotes) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _record(value, quotes)
    return value


def _record(record: Any, quotes: str) -> Any:
    changes = {}
    for field in dataclasses.fields(record):
        if field.name == "at" or field.metadata.get("yaml") is False \
                or field.metadata.get("role", "body") == "":
            continue  # positions, derived values, ids, paths and settings are not printed
        old = getattr(record, field.name)
        new = _value(old, quotes)
        if new is not old:
            changes[field.name] = new
    return dataclasses.replace(record, **changes) if changes else record


def _spans(spans: tuple, quotes: str, previous: str) -> tuple[tuple, str]:
    """Spans with quotes replaced, the character before each text carried across spans."""
    out = []
    for span in spans:
        if isinstance(span, Text):
            text = smart_quotes(span.text, quotes, previous)
            out.append(Text(text) if text != span.text else span)
            previous = text[-1:] or previous
        elif isinstance(span, Strong | Emphasis | Link):
            children, previous = _spans(span.children, quotes, previous)
            out.append(dataclasses.replace(span, children=children))
        else:  # a citation: printed by the citation style, not from the content's text
            out.append(span)
    return tuple(out), previous
