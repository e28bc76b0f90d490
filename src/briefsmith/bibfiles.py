"""Read bibliography files in other people's formats: CSL-JSON, CSL-YAML, Hayagriva, BibTeX.

Each reader rewrites an entry into the *native* shape (a located mapping with the CSL-YAML
keys of :class:`~briefsmith.model.Source`) and hands it to the one schema converter, so
every format gets the same checks and the same messages, and every problem points at the
line and column of the original file.  What a format has and briefsmith does not print
(abstracts, keywords, Zotero's file attachments) is skipped; a misspelt field name in a
YAML format is an error with a did-you-mean.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from .convert import INVALID, Converter, fields_of
from .diagnostics import Location, Problems, closest, did_you_mean
from .inline import is_source_id
from .jsonload import load_json
from .load import (
    Mapping,
    Node,
    Scalar,
    Sequence,
    load_yaml,
    read_text,
    report_forbidden_characters,
)
from .model import BibliographyFormat, Source, is_cross_reference

# bibtexparser logs parse failures; we report them ourselves, with their place.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False

FORMAT_BY_SUFFIX: dict[str, BibliographyFormat] = {
    ".json": "csl-json", ".yaml": "hayagriva", ".yml": "hayagriva", ".bib": "bibtex",
}

_SOURCE_KEYS = {info.key for info in fields_of(Source)}
_NAME_KEYS = {"author", "editor"}
_DATE_KEYS = {"issued", "accessed"}

# CSL 1.0.2 variables briefsmith does not print: accepted in CSL files and skipped.
_CSL_SKIPPED_NAMES = """
abstract annote archive archive_collection archive_location archive-place authority
call-number chapter-number citation-key citation-label citation-number collection-number
container-title-short dimensions division event event-title event-place genre jurisdiction
keyword license locator medium number-of-pages number-of-volumes original-publisher
original-publisher-place original-title part-number part-title PMCID PMID printing-number
references reviewed-genre reviewed-title scale section source status supplement-number
title-short version volume-title year-suffix available-date event-date original-date
submitted chair collection-editor compiler composer container-author contributor curator
director editorial-director editor-translator executive-producer guest host illustrator
interviewer narrator organizer original-author performer producer recipient
reviewed-author script-writer series-creator translator categories custom shortTitle
journalAbbreviation page-first
"""
_CSL_SKIPPED = frozenset(_CSL_SKIPPED_NAMES.split())


def read_bibliography(path: Path, display: str, fmt: BibliographyFormat,
                      problems: Problems) -> tuple[tuple[Source, ...], set[str]]:
    """Every entry of one bibliography file as :class:`Source` records (problems reported),
    and the ids of the entries that could not be converted."""
    reader = _READERS[fmt]
    converter = Converter(problems)
    sources: list[Source] = []
    unusable: set[str] = set()
    seen: dict[str, Location] = {}
    for source_id, where, node in reader(path, display, problems):
        if not is_source_id(source_id) or is_cross_reference(source_id):
            problems.error(where, f"'{source_id}' cannot be a source id: use letters, digits "
                                  "and - _ . : /, and no fig:, tbl: or sec: prefix")
            continue
        if source_id in seen:
            problems.error(where, f"duplicate source id '{source_id}' (first defined at "
                                  f"{seen[source_id]})")
            continue
        seen[source_id] = where
        source = converter.record(Source, node, context=source_id, partial=True)
        if source is INVALID:
            unusable.add(source_id)
        else:
            sources.append(replace(source, id=source_id, at=source.at.moved(where)))
    return tuple(sources), unusable


Entries = Iterator[tuple[str, Location, Node]]


# --------------------------------------------------------------------------- CSL


def _csl_json(path: Path, display: str, problems: Problems) -> Entries:
    root = load_json(path, display, problems)
    if root is None:
        return
    if not isinstance(root, Sequence):
        problems.error(root.location, "a CSL-JSON file is a list of entries: [{\"id\": ...}]")
        return
    yield from _csl_list(root, problems)


def _csl_yaml(path: Path, display: str, problems: Problems) -> Entries:
    root = load_yaml(path, display, problems)
    if root is None:
        return
    if isinstance(root, Mapping) and root.keys() == ["references"]:
        listed = root.get("references")
        if isinstance(listed, Sequence):
            yield from _csl_list(listed, problems)
            return
    if not isinstance(root, Mapping):
        problems.error(root.location, "a CSL-YAML file maps source ids to entries, or holds "
                                      "'references:' with a list of entries")
        return
    for key, value in root:
        if isinstance(value, Mapping):
            yield key.value, key.location, _csl_entry(value, problems)
        else:
            yield key.value, key.location, value


def _csl_list(items: Sequence, problems: Problems) -> Entries:
    for item in items:
        if not isinstance(item, Mapping):
            problems.error(item.location, "expected an entry (a mapping with 'id', 'type', "
                                          "'title', ...)")
            continue
        id_node = item.get("id")
        if not isinstance(id_node, Scalar) or not id_node.value.strip():
            problems.error(item.location, "entry has no 'id'")
            continue
        yield id_node.value.strip(), id_node.location, _csl_entry(item, problems)


def _csl_entry(entry: Mapping, problems: Problems) -> Mapping:
    """A CSL entry in native shape: CSL-JSON dates and name particles made plain."""
    out: list[tuple[Scalar, Node]] = []
    for key, value in entry:
        name = key.value
        if name == "id":
            continue
        if name in _DATE_KEYS and isinstance(value, Mapping):
            date = _csl_date(value, problems)
            if date is not None:
                out.append((key, date))
        elif name in _NAME_KEYS and isinstance(value, Sequence):
            out.append((key, Sequence(value.location, tuple(
                _csl_name(n) if isinstance(n, Mapping) else n for n in value))))
        elif name in _SOURCE_KEYS or name not in _CSL_SKIPPED:
            out.append((key, value))  # unknown keys are reported by the converter
    return Mapping(entry.location, tuple(out))


def _csl_date(node: Mapping, problems: Problems) -> Scalar | None:
    """``{"date-parts": [[2020, 7]]}`` or ``{"raw": "2020-07"}`` -> the scalar ``2020-07``."""
    raw = node.get("raw")
    if isinstance(raw, Scalar):
        return raw
    parts = node.get("date-parts")
    if isinstance(parts, Sequence) and parts.items:
        if len(parts.items) > 1:
            problems.error(parts.location, "date ranges are not supported; give one date")
            return None
        first = parts.items[0]
        if isinstance(first, Sequence) and all(isinstance(p, Scalar) for p in first.items):
            values = [p.value.strip() for p in first.items if isinstance(p, Scalar)]
            if values and all(_INTEGER.match(v) for v in values):
                text = "-".join([f"{int(values[0]):04d}", *(f"{int(v):02d}" for v in values[1:])])
                return synthetic(text, first.location)
            for part in first.items:
                if isinstance(part, Scalar) and not _INTEGER.match(part.value.strip()):
                    problems.error(part.location, f"date part '{part.value.strip()}' is not a "
                                                  "whole number (write [[YYYY, M, D]])")
                    return None
    problems.error(node.location, "write a date as {\"date-parts\": [[YYYY, M, D]]} or "
                                  "{\"raw\": \"YYYY-MM-DD\"}")
    return None


def _csl_name(node: Mapping) -> Mapping:
    """Fold CSL name particles and suffixes into family and given names."""
    parts = {k.value: v for k, v in node}
    if not any(k in parts for k in ("non-dropping-particle", "dropping-particle", "suffix")):
        return node

    def text(key: str) -> str:
        value = parts.get(key)
        return value.value.strip() if isinstance(value, Scalar) else ""

    family = " ".join(p for p in (text("non-dropping-particle"), text("family")) if p)
    given = " ".join(p for p in (text("given"), text("dropping-particle")) if p)
    if text("suffix"):
        given = f"{given}, {text('suffix')}" if given else text("suffix")
    entries = []
    if family:
        entries.append((synthetic("family", node.location), synthetic(family, node.location)))
    if given:
        entries.append((synthetic("given", node.location), synthetic(given, node.location)))
    return Mapping(node.location, tuple(entries))


def synthetic(text: str, where: Location) -> Scalar:
    """A scalar that was not written as such (a rewritten value), placed at ``where``."""
    return Scalar(where, text, False, text, 0, len(text))


# --------------------------------------------------------------------------- Hayagriva

_HAYAGRIVA_TYPES = {
    "article": "article", "chapter": "chapter", "entry": "entry-encyclopedia",
    "anthos": "chapter", "report": "report", "thesis": "thesis", "web": "webpage",
    "scene": "motion_picture", "artwork": "graphic", "patent": "patent", "case": "legal_case",
    "newspaper": "article-newspaper", "legislation": "legislation", "manuscript": "manuscript",
    "original": "document", "post": "post", "misc": "document", "performance": "document",
    "periodical": "periodical", "proceedings": "book", "book": "book", "blog": "post-weblog",
    "reference": "book", "conference": "paper-conference", "anthology": "book",
    "thread": "post", "video": "motion_picture", "audio": "song", "exhibition": "document",
    "repository": "software",
}
# An article's CSL type follows what it appears in.
_ARTICLE_IN = {
    "periodical": "article-journal", "newspaper": "article-newspaper",
    "blog": "post-weblog", "proceedings": "paper-conference", "conference": "paper-conference",
    "web": "webpage", "book": "chapter", "anthology": "chapter", "reference": "entry-encyclopedia",
}
_HAYAGRIVA_DIRECT = {
    "title": "title", "date": "issued", "volume": "volume", "issue": "issue",
    "edition": "edition", "page-range": "page", "note": "note", "language": "language",
    "genre": "genre", "location": "publisher-place",
}
_HAYAGRIVA_SKIPPED = frozenset({
    "abstract", "annote", "archive", "archive-location", "call-number", "runtime",
    "time-range", "volume-total", "page-total", "affiliated",
})
_HAYAGRIVA_KEYS = frozenset({
    *_HAYAGRIVA_DIRECT, *_HAYAGRIVA_SKIPPED, "type", "author", "editor", "publisher",
    "organization", "url", "serial-number", "parent",
})
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# ASCII digits only: str.isdigit() also accepts "²", which int() cannot read.
_INTEGER = re.compile(r"^-?[0-9]+$")
_ISBN = re.compile(r"^(?:ISBN[- ]?)?[0-9Xx -]{10,17}$")


def _hayagriva(path: Path, display: str, problems: Problems) -> Entries:
    root = load_yaml(path, display, problems)
    if root is None:
        return
    if not isinstance(root, Mapping):
        problems.error(root.location, "a Hayagriva file maps keys to entries: 'key: {type: "
                                      "article, title: ...}'")
        return
    for key, value in root:
        if not isinstance(value, Mapping):
            problems.error(value.location, f"{key.value}: expected an entry (a mapping)")
            continue
        yield key.value, key.location, _hayagriva_entry(value, key.value, problems)


def _hayagriva_entry(entry: Mapping, context: str, problems: Problems) -> Mapping:
    out: dict[str, tuple[Scalar, Node]] = {}
    kind = _text(entry.get("type")).lower()
    parent = _first_parent(entry.get("parent"))
    parent_kind = _text(parent.get("type")).lower() if parent else ""

    def put(name: str, key: Scalar, value: Node) -> None:
        out.setdefault(name, (synthetic(name, key.location), value))

    given = set(entry.keys())
    for key, value in entry:
        name = key.value
        if name not in _HAYAGRIVA_KEYS:
            problems.error(key.location, f"{context}: unknown Hayagriva field '{name}'"
                                         f"{did_you_mean(name, _HAYAGRIVA_KEYS)}")
            # Read on as the field it looks like (the error stands, so the file is never
            # rendered): 'titel' must not also make the entry "missing its title".
            name = closest(name, _HAYAGRIVA_KEYS - given) or ""
        if name in _HAYAGRIVA_DIRECT:
            put(_HAYAGRIVA_DIRECT[name], key, _value_of(value))
        elif name in ("author", "editor"):
            put(name, key, _hayagriva_names(value))
        elif name == "publisher":
            _hayagriva_publisher(value, key, put)
        elif name == "organization":
            put("publisher", key, value)
        elif name == "url":
            _hayagriva_url(value, key, put)
        elif name == "serial-number":
            _hayagriva_serial(value, key, put)
    if kind:
        type_node = entry.get("type")
        assert isinstance(type_node, Scalar)
        csl = _ARTICLE_IN.get(parent_kind) if kind in ("article", "chapter", "entry") else None
        csl = csl or _HAYAGRIVA_TYPES.get(kind)
        if csl is None:
            problems.error(type_node.location, f"{context}: unknown Hayagriva type "
                                               f"'{type_node.value}'"
                                               f"{did_you_mean(kind, _HAYAGRIVA_TYPES)}")
        else:
            out["type"] = (synthetic("type", type_node.location),
                           synthetic(csl, type_node.location))
    if parent is not None:
        key = entry.key_node("parent")
        assert key is not None
        title = parent.get("title")
        if title is not None:
            put("container-title", key, _value_of(title))
        for field in ("volume", "issue", "date", "publisher", "location", "url",
                      "serial-number", "editor"):
            value = parent.get(field)
            if value is None:
                continue
            if field == "publisher":
                _hayagriva_publisher(value, key, put)
            elif field == "url":
                _hayagriva_url(value, key, put)
            elif field == "serial-number":
                _hayagriva_serial(value, key, put, parent=True)
            elif field == "editor":
                put("editor", key, _hayagriva_names(value))
            else:
                put(_HAYAGRIVA_DIRECT[field], key, _value_of(value))
    return Mapping(entry.location, tuple(out.values()))


def _first_parent(node: Node | None) -> Mapping | None:
    if isinstance(node, Sequence) and node.items:
        node = node.items[0]
    return node if isinstance(node, Mapping) else None


def _value_of(node: Node) -> Node:
    """Hayagriva's ``{value: ..., short: ...}`` form of a title -> its value."""
    if isinstance(node, Mapping):
        value = node.get("value")
        if value is not None:
            return value
    return node


def _hayagriva_names(node: Node) -> Node:
    """``"Family, Given"`` strings (or one string) -> CSL names; no comma = organisation."""
    items = node.items if isinstance(node, Sequence) else (node,)
    names: list[Node] = []
    for item in items:
        if isinstance(item, Mapping):
            family, given = item.get("name"), item.get("given-name")
            entries = []
            if family is not None:
                entries.append((synthetic("family", item.location), family))
            if given is not None:
                entries.append((synthetic("given", item.location), given))
            names.append(Mapping(item.location, tuple(entries)))
        elif isinstance(item, Scalar) and "," in item.value:
            family, given = (p.strip() for p in item.value.split(",", 1))
            names.append(Mapping(item.location, (
                (synthetic("family", item.location), synthetic(family, item.location)),
                (synthetic("given", item.location), synthetic(given, item.location)),
            )))
        else:
            names.append(item)  # a literal name (organisation), or a shape error to report
    return Sequence(node.location, tuple(names))


def _hayagriva_publisher(node: Node, key: Scalar, put: Callable[[str, Scalar, Node], None],
                         ) -> None:
    if isinstance(node, Mapping):
        name, place = node.get("name"), node.get("location")
        if name is not None:
            put("publisher", key, name)
        if place is not None:
            put("publisher-place", key, place)
    else:
        put("publisher", key, node)


def _hayagriva_url(node: Node, key: Scalar, put: Callable[[str, Scalar, Node], None]) -> None:
    if isinstance(node, Mapping):
        value, date = node.get("value"), node.get("date")
        if value is not None:
            put("URL", key, value)
        if date is not None:
            put("accessed", key, date)
    else:
        put("URL", key, node)


def _hayagriva_serial(node: Node, key: Scalar, put: Callable[[str, Scalar, Node], None],
                      *, parent: bool = False) -> None:
    if isinstance(node, Mapping):
        for name, field in (("doi", "DOI"), ("isbn", "ISBN"), ("issn", "ISSN")):
            value = node.get(name)
            if value is not None:
                put(field, key, value)
        return
    text = _text(node)
    if _DOI.match(text):
        put("DOI", key, node)
    elif _ISBN.match(text):
        put("ISSN" if parent and len(re.sub(r"\D", "", text)) == 8 else "ISBN", key, node)
    elif not parent:
        put("number", key, node)


def _text(node: Node | None) -> str:
    return node.value.strip() if isinstance(node, Scalar) else ""


# --------------------------------------------------------------------------- BibTeX

_BIBTEX_TYPES = {
    "article": "article-journal", "book": "book", "booklet": "book", "inbook": "chapter",
    "incollection": "chapter", "inproceedings": "paper-conference",
    "conference": "paper-conference", "proceedings": "book", "manual": "report",
    "techreport": "report", "report": "report", "mastersthesis": "thesis",
    "phdthesis": "thesis", "thesis": "thesis", "unpublished": "manuscript",
    "online": "webpage", "electronic": "webpage", "www": "webpage", "misc": "document",
    "dataset": "dataset", "software": "software", "periodical": "periodical",
    "collection": "book", "reference": "book", "patent": "patent",
}
_BIBTEX_FIELDS = {
    "title": "title", "publisher": "publisher", "address": "publisher-place",
    "location": "publisher-place", "url": "URL", "doi": "DOI", "isbn": "ISBN",
    "issn": "ISSN", "volume": "volume", "pages": "page", "edition": "edition",
    "note": "note", "series": "collection-title", "type": "genre", "language": "language",
    "journal": "container-title", "journaltitle": "container-title",
    "booktitle": "container-title", "institution": "publisher", "school": "publisher",
    "organization": "publisher", "urldate": "accessed", "date": "issued",
}
_MONTHS = {name: index for index, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def _bibtex(path: Path, display: str, problems: Problems) -> Entries:
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

    text = read_text(path, display, problems)
    if text is None:
        return
    # Reported, and read on: the entries' ids must still be known where they are cited.
    report_forbidden_characters(text, display, problems, "a BibTeX file")
    library = bibtexparser.parse_string(text)
    lines = text.splitlines()
    first_seen: dict[str, Location] = {}
    for block in library.blocks:
        where = Location(display, (block.start_line or 0) + 1, 1)
        if isinstance(block, DuplicateBlockKeyBlock):
            first = first_seen.get(block.key)
            problems.error(where, f"duplicate source id '{block.key}'"
                                  + (f" (first defined at {first})" if first else ""))
        elif isinstance(block, ParsingFailedBlock):
            problems.error(where, "cannot read this BibTeX entry" + _failure(block.error))
        elif hasattr(block, "entry_type") and hasattr(block, "fields"):
            line = lines[block.start_line] if block.start_line < len(lines) else ""
            col = line.find(block.key) + 1 if block.key in line else 1
            where = Location(display, block.start_line + 1, col)
            first_seen.setdefault(block.key, where)
            missing = _missing_comma(str(getattr(block, "raw", "") or ""))
            if missing is not None:
                offset, previous, following = missing
                raw = str(block.raw)
                line_no = block.start_line + raw.count("\n", 0, offset)
                col = offset - raw.rfind("\n", 0, offset)
                problems.error(Location(display, line_no + 1, col),
                               f"a ',' is missing after the field '{previous}': BibTeX "
                               f"reads '{following} = ...' as part of its value")
            yield block.key, where, _bibtex_entry(block, display, lines, problems)


def _failure(error: object) -> str:
    """Why bibtexparser gave up on a block, in words (its message may be empty)."""
    reason = str(getattr(error, "abort_reason", "") or error or "").strip()
    if "end of file" in reason.lower():
        return (": the entry never ends (a '{' or '\"' that is not closed, or the entry's "
                "closing '}' is missing)")
    first = reason.splitlines()[0] if reason else ""
    return f": {first}" if first else ""


_BIBTEX_KEY = re.compile(r"[^\s=,{}()\"#]+")


def _missing_comma(raw: str) -> tuple[int, str, str] | None:
    """Where a ',' between two fields is missing: ``(offset, previous field, next field)``.

    bibtexparser reads ``title = {T}`` + newline + ``author = {A}`` as one title whose
    value runs on, so the entry would print as garbage; this scans the entry's fields the
    way BibTeX does (``key = value # value ...``) and finds the first field that is not
    followed by ',' or the closing delimiter.
    """
    opening = re.match(r"\s*@\s*\w+\s*([{(])", raw)
    if opening is None:
        return None
    closing = "}" if opening.group(1) == "{" else ")"
    comma = raw.find(",", opening.end())
    if comma < 0:
        return None
    position = comma + 1
    previous = ""
    while True:
        position = _skip_space(raw, position)
        if position >= len(raw) or raw[position] == closing:
            return None
        key = _BIBTEX_KEY.match(raw, position)
        if key is None:
            return None
        if previous:
            after = _skip_space(raw, key.end())
            if after < len(raw) and raw[after] == "=":
                return position, previous, key.group()
            return None
        position = _skip_space(raw, key.end())
        if position >= len(raw) or raw[position] != "=":
            return None
        position = _value_end(raw, position + 1)
        if position is None:
            return None
        position = _skip_space(raw, position)
        if position < len(raw) and raw[position] == ",":
            position += 1
        elif position < len(raw) and raw[position] != closing:
            previous = key.group()


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _value_end(raw: str, position: int) -> int | None:
    """The end of a field value: braced or quoted parts and bare words joined by '#'."""
    while True:
        position = _skip_space(raw, position)
        if position >= len(raw):
            return None
        char = raw[position]
        if char in "{\"":
            depth, index = 0, position
            while index < len(raw):
                current = raw[index]
                if current == "{":
                    depth += 1
                elif current == "}":
                    depth -= 1
                    if char == "{" and depth == 0:
                        break
                elif current == '"' and char == '"' and depth == 0 and index > position:
                    break
                index += 1
            if index >= len(raw):
                return None
            position = index + 1
        else:
            word = re.compile(r"[^\s,#{}()\"]+").match(raw, position)
            if word is None:
                return position
            position = word.end()
        after = _skip_space(raw, position)
        if after < len(raw) and raw[after] == "#":
            position = after + 1
            continue
        return position


def _bibtex_entry(entry: object, display: str, lines: list[str], problems: Problems) -> Mapping:
    from bibtexparser.middlewares.names import split_multiple_persons_names

    kind = str(getattr(entry, "entry_type", "")).lower()
    fields = {f.key.lower(): f for f in getattr(entry, "fields", [])}
    start = Location(display, getattr(entry, "start_line", 0) + 1, 1)
    out: dict[str, tuple[Scalar, Node]] = {}

    def where(field: object) -> Location:
        line_no = getattr(field, "start_line", None)
        if line_no is None:
            return start
        line = lines[line_no] if line_no < len(lines) else ""
        key = str(getattr(field, "key", ""))
        match = re.search(rf"\b{re.escape(key)}\s*=", line, re.IGNORECASE)
        return Location(display, line_no + 1, (match.start() + 1) if match else 1)

    def put(name: str, text: str, at: Location) -> None:
        if text:
            out.setdefault(name, (synthetic(name, at), synthetic(text, at)))

    put("type", _BIBTEX_TYPES.get(kind, "document"), start)
    if kind == "online" or (kind == "misc" and "url" in fields and "publisher" not in fields
                            and "journal" not in fields):
        put("type", "webpage", start)
    for key, field in fields.items():
        at = where(field)
        if _brace_depth(str(field.value)) > MAX_BRACE_DEPTH:
            problems.error(at, f"the field '{key}' nests braces more than {MAX_BRACE_DEPTH} "
                               "deep; remove the extra braces")
            field.value = re.sub(r"[{}]", "", str(field.value))  # kept: no knock-on errors
        value = _latex_to_text(str(field.value))
        if key in ("author", "editor"):
            names = [_bibtex_name(n, at) for n in split_multiple_persons_names(str(field.value))]
            out[key] = (synthetic(key, at), Sequence(at, tuple(names)))
        elif key == "number":
            put("issue" if kind == "article" else "number", value, at)
        elif key == "pages":
            put("page", value.replace("--", "\u2013"), at)
        elif key in _BIBTEX_FIELDS:
            put(_BIBTEX_FIELDS[key], value, at)
    if "issued" not in out and "year" in fields:
        year_field = fields["year"]
        at = where(year_field)
        text = _latex_to_text(str(year_field.value))
        month_field = fields.get("month")
        if month_field is not None:
            month = str(month_field.value).strip().lower()
            number = _MONTHS.get(month[:3]) or (int(month) if _INTEGER.match(month) else None)
            if number is None or not 1 <= number <= 12:
                problems.error(where(month_field), f"month '{month_field.value}' is not a "
                                                   "month; write jan ... dec or 1 ... 12")
            else:
                text = f"{text}-{number:02d}"
                day_field = fields.get("day")
                day = str(day_field.value).strip() if day_field is not None else ""
                if _INTEGER.match(day):
                    text = f"{text}-{int(day):02d}"
                elif day_field is not None:
                    problems.error(where(day_field), f"day '{day_field.value}' is not a day "
                                                     "of the month; write 1 ... 31")
        put("issued", text, at)
    return Mapping(start, tuple(out.values()))


def _bibtex_name(raw: str, at: Location) -> Mapping:
    """``Family, Given`` / ``Given von Family`` -> a CSL name; ``{Org Name}`` stays whole."""
    from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

    try:
        parts = parse_single_name_into_parts(raw.strip(), strict=False)
    except InvalidNameError:
        parts = None
    if parts is None or (not parts.first and not parts.von and len(parts.last) == 1):
        literal = _latex_to_text(raw)
        return Mapping(at, ((synthetic("literal", at), synthetic(literal, at)),))
    family = _latex_to_text(" ".join(parts.von + parts.last))
    given = _latex_to_text(" ".join(parts.first))
    jr = _latex_to_text(" ".join(parts.jr))
    if jr:
        given = f"{given}, {jr}" if given else jr
    entries = [(synthetic("family", at), synthetic(family, at))]
    if given:
        entries.append((synthetic("given", at), synthetic(given, at)))
    return Mapping(at, tuple(entries))


MAX_BRACE_DEPTH = 32  # pylatexenc recurses once per level: 600 levels overflowed the stack


def _brace_depth(value: str) -> int:
    depth = deepest = 0
    for char in value:
        if char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}":
            depth -= 1
    return deepest


def _latex_to_text(value: str) -> str:
    """BibTeX's LaTeX (accents, protective braces, ``--``) -> plain Unicode text."""
    from pylatexenc.latex2text import LatexNodes2Text

    text = LatexNodes2Text(math_mode="verbatim").latex_to_text(value)
    return " ".join(text.split())


_READERS: dict[str, Callable[[Path, str, Problems], Entries]] = {
    "csl-json": _csl_json,
    "csl-yaml": _csl_yaml,
    "hayagriva": _hayagriva,
    "bibtex": _bibtex,
}
