"""Cite stage: markers, reference lists and the links between them, in any style.

Numbering and back-links need the whole brief in hand (key messages, then each section in
order), the way MkDocs validates links only after every page is read.  A *style engine*
formats the parts that differ between styles (one item of a citation, one reference
entry, the list order); this module does the rest the same way for every style:

- every citation gets a link target of its own (``cite-7``), and each of its items links
  to the source's entry in the reference list that serves it;
- every entry links back to each citation of it (``^ a b c``), in reading order;
- references go in one list at the end, or one list per section (``citations.references:
  section``); a source cited only in the key messages then goes into a closing list.

The output is data: marker pieces (text, the anchor they link to) and entries as inline
spans, so the renderer only lays them out, escaping every piece of user text on the way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .csl import CitationLayout, CslRenderer, html_to_spans, strip_label, style_path
from .i18n import Labels
from .model import (
    Citation,
    CiteItem,
    Document,
    Emphasis,
    Inline,
    Link,
    Name,
    Source,
    Text,
)
from .project import Project

# CSL types whose titles are set in quotes (parts of something larger); others in italics.
_QUOTED_TITLE_TYPES = frozenset({
    "article", "article-journal", "article-magazine", "article-newspaper", "chapter",
    "entry-encyclopedia", "interview", "paper-conference", "post", "post-weblog", "speech",
    "webpage",
})

FRONT = 0  # the unit of the key messages (before the first section)


@dataclass(frozen=True)
class MarkerPiece:
    """One piece of a citation marker: text, possibly linking to ``anchor``; or, with
    ``name``, the invisible link target of the citation itself (the back-links' goal)."""

    text: str
    anchor: str | None = None
    name: str | None = None
    italic: bool = False
    superscript: bool = False


@dataclass(frozen=True)
class Entry:
    """A source in one reference list, with the citations that point at it."""

    source: Source
    label: str  # "[1]", "1." or "" (author-date styles)
    spans: tuple[Inline, ...]
    anchor: str
    backlinks: tuple[str, ...]


@dataclass(frozen=True)
class ReferenceList:
    """``section`` is the section number the list closes, or ``None`` for the final list."""

    section: int | None
    entries: tuple[Entry, ...]


class StyleEngine(Protocol):
    """What differs between citation styles."""

    layout: CitationLayout
    numeric: bool
    hanging: bool  # entries with a hanging indent (author-date) or a label column (numeric)

    def order(self) -> list[str]: ...
    def label(self, source_id: str) -> str: ...
    def entry(self, source_id: str) -> tuple[Inline, ...]: ...
    def item(self, source_id: str, locator: str | None,
             suppress_author: bool) -> tuple[Inline, ...]: ...


@dataclass(frozen=True)
class _Place:
    """Where a citation sits in the brief, in reading order."""

    anchor: str
    unit: int
    citation: Citation


@dataclass
class Bibliography:
    """The cited sources of one brief: markers for citations, lists of entries."""

    engine: StyleEngine
    lists: tuple[ReferenceList, ...]
    cited: tuple[Source, ...]  # in order of first citation
    _places: dict[tuple, _Place] = field(default_factory=dict)
    _targets: dict[tuple[str, int], str] = field(default_factory=dict)

    @property
    def references(self) -> tuple[Source, ...]:
        """Every cited source, in order of first citation."""
        return self.cited

    def citation_anchor(self, citation: Citation) -> str | None:
        place = self._places.get(_key(citation))
        return place.anchor if place else None

    def items_in_marker_order(self, citation: Citation) -> list[CiteItem]:
        """The citation's items in the order its marker shows them (``[1, 2]`` even when
        written ``[@b; @a]``), so an appendix listing them one by one agrees with the text."""
        items = list(citation.items)
        return self._sorted(items) if self.engine.layout.sort else items

    def _sorted(self, items: list[CiteItem]) -> list[CiteItem]:
        order = {sid: n for n, sid in enumerate(self.engine.order())}
        return sorted(items, key=lambda i: order.get(i.id, 0))

    def marker(self, citation: Citation, *, define: bool = True,
               only: CiteItem | None = None, locators: bool = True) -> list[MarkerPiece]:
        """The marker for ``citation``: ``[1–3]``, ``(Smith 2020, p. 4; Li 2021)``...

        With ``define`` the first piece is the citation's own link target; an appendix
        repeating a citation passes ``define=False`` (a target is defined once),
        ``only`` to show just one of its items, and ``locators=False`` when it prints the
        locator in a column of its own.
        """
        place = self._places.get(_key(citation))
        if place is None:
            return []
        unit = place.unit
        items = [i for i in citation.items if (i.id, unit) in self._targets
                 and (only is None or i == only)]
        if not items:
            return []
        layout = self.engine.layout
        if layout.sort:
            items = self._sorted(items)
        pieces = [MarkerPiece("", name=place.anchor)] if define else []
        sup = layout.superscript
        if layout.prefix:
            pieces.append(MarkerPiece(layout.prefix, superscript=sup))
        numbers = {sid: n for n, sid in enumerate(self.engine.order(), 1)}
        runs: list[list] = []
        for item in items:
            if layout.collapse and not item.locator and runs and not runs[-1][-1].locator \
                    and numbers[item.id] == numbers[runs[-1][-1].id] + 1:
                runs[-1].append(item)
            else:
                runs.append([item])
        delimiter = layout.delimiter
        if layout.locator_delimiter and any(i.locator for i in items):
            delimiter = layout.locator_delimiter
        for index, run in enumerate(runs):
            if index:
                pieces.append(MarkerPiece(delimiter, superscript=sup))
            shown = [run[0], run[-1]] if len(run) > 2 else run
            for position, item in enumerate(shown):
                if position:
                    pieces.append(MarkerPiece("\u2013" if len(run) > 2 else delimiter,
                                              superscript=sup))
                target = self._targets[(item.id, unit)]
                spans = self.engine.item(item.id, item.locator if locators else None,
                                         item.suppress_author)
                pieces.extend(_pieces(spans, target, superscript=layout.superscript))
        if layout.suffix:
            pieces.append(MarkerPiece(layout.suffix, superscript=sup))
        return pieces


def _key(citation: Citation) -> tuple:
    return (citation.at, citation.items)


def _pieces(spans: Sequence[Inline], anchor: str, italic: bool = False,
            superscript: bool = False) -> list[MarkerPiece]:
    out: list[MarkerPiece] = []
    for span in spans:
        if isinstance(span, Text):
            out.append(MarkerPiece(span.text, anchor, italic=italic, superscript=superscript))
        else:
            out.extend(_pieces(getattr(span, "children", ()), anchor,
                               italic or isinstance(span, Emphasis), superscript))
    return out


# --------------------------------------------------------------------------- building


def build_bibliography(doc: Document, labels: Labels, project: Project | None = None, *,
                       engine: StyleEngine | None = None) -> Bibliography:
    """Number, format and cross-link every citation of ``doc`` in its citation style."""
    places: list[_Place] = []
    first_use: list[str] = []
    units: dict[str, list[int]] = {}
    keys: dict[tuple, _Place] = {}
    for unit, record in enumerate((doc.brief, *doc.sections)):
        for citation in _citations(record):
            key = _key(citation)
            if key in keys:
                continue
            place = _Place(f"cite-{len(places) + 1}", unit, citation)
            keys[key] = place
            places.append(place)
            for item in citation.items:
                if doc.source(item.id) is None:
                    continue
                if item.id not in first_use:
                    first_use.append(item.id)
                units.setdefault(item.id, [])
                if unit not in units[item.id]:
                    units[item.id].append(unit)
    cited = tuple(s for sid in first_use if (s := doc.source(sid)) is not None)
    if engine is None:
        engine = make_engine(doc.brief.citations.style, cited, labels, project,
                             doc.brief.language)
        if isinstance(engine, CslEngine):  # format every item now: a failure is the style's
            try:
                for place in places:
                    for item in place.citation.items:
                        if item.id in units:
                            engine.item(item.id, item.locator, item.suppress_author)
            except Exception as exc:
                raise CitationStyleError(f"'{doc.brief.citations.style}' cannot be used by "
                                         f"the CSL processor ({type(exc).__name__}: "
                                         f"{exc})") from None
    order = engine.order()
    per_section = doc.brief.citations.references == "section"
    lists, targets = _lay_out_lists(order, units, places, per_section, len(doc.sections),
                                    engine, doc)
    return Bibliography(engine, lists, cited, keys, targets)


def _citations(record: object) -> list[Citation]:
    """The citations of a brief (its key messages only) or of a section, in reading order."""
    from .model import Brief

    found: list[Citation] = []
    _collect(record.key_messages if isinstance(record, Brief) else record, found, set())
    return found


def _collect(value: object, found: list[Citation], seen: set[tuple]) -> None:
    import dataclasses

    if isinstance(value, Citation):
        if _key(value) not in seen:
            seen.add(_key(value))
            found.append(value)
    elif isinstance(value, tuple):
        for item in value:
            _collect(item, found, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name != "at":
                _collect(getattr(value, f.name), found, seen)


def _lay_out_lists(order: list[str], units: dict[str, list[int]], places: list[_Place],
                   per_section: bool, sections: int, engine: StyleEngine, doc: Document,
                   ) -> tuple[tuple[ReferenceList, ...], dict[tuple[str, int], str]]:
    """Which list serves each (source, unit), and every entry's anchor and back-links."""
    targets: dict[tuple[str, int], str] = {}
    lists: list[ReferenceList] = []
    plan: list[tuple[int | None, list[str]]] = []
    if not per_section:
        plan.append((None, list(order)))
    else:
        for number in range(1, sections + 1):
            plan.append((number, [sid for sid in order if number in units[sid]]))
        only_front = [sid for sid in order if units[sid] == [FRONT]]
        if only_front:
            plan.append((None, only_front))
    anchors: dict[tuple[int | None, str], str] = {}
    for section, ids in plan:
        prefix = "ref" if section is None else f"ref-{section}"
        for position, sid in enumerate(ids, 1):
            anchors[(section, sid)] = anchor = f"{prefix}-{position}"
            for unit in (units[sid] if section is None else [section]):
                targets[(sid, unit)] = anchor
            targets.setdefault((sid, FRONT), anchor)  # key messages: the first list citing it
    for section, ids in plan:
        entries = []
        for sid in ids:
            anchor = anchors[(section, sid)]
            backlinks = tuple(
                p.anchor for p in places
                if any(i.id == sid for i in p.citation.items)
                and targets.get((sid, p.unit)) == anchor)
            source = doc.source(sid)
            assert source is not None
            entries.append(Entry(source, engine.label(sid), engine.entry(sid), anchor,
                                 backlinks))
        if entries:
            lists.append(ReferenceList(section, tuple(entries)))
    return tuple(lists), targets


def make_engine(style: str, sources: Sequence[Source], labels: Labels, project: Project | None,
                language: str) -> StyleEngine:
    """The engine for a style the validator accepted (see :func:`briefsmith.csl.check_style`)."""
    if style == "numeric":
        return NumericEngine(sources, labels)
    if style == "author-date":
        return AuthorDateEngine(sources, labels)
    path = style_path(style, project)
    if isinstance(path, str):  # pragma: no cover - validation reported it; never built
        raise CitationStyleError(path)
    try:
        return CslEngine(CslRenderer(path, language, sources))
    except Exception as exc:  # a style file citeproc-py cannot run: say so, never a traceback
        raise CitationStyleError(f"'{style}' cannot be used by the CSL processor "
                                 f"({type(exc).__name__}: {exc})") from None


class CitationStyleError(Exception):
    """A CSL style that passed validation but that the processor fails on."""


# --------------------------------------------------------------------------- built-in styles


class NumericEngine:
    """``[1]``, ``[1, 2]``, ``[1–3]``, ``[2, p. 12]``: numbered by first citation."""

    # "[1, p. 3; 2]" reads better than "[1, p. 3, 2]"
    layout = CitationLayout(prefix="[", suffix="]", delimiter=", ", collapse=True, sort=True,
                            locator_delimiter="; ")
    numeric = True
    hanging = False

    def __init__(self, sources: Sequence[Source], labels: Labels) -> None:
        self.sources = {s.id: s for s in sources}
        self._order = [s.id for s in sources]
        self.labels = labels

    def order(self) -> list[str]:
        return self._order

    def label(self, source_id: str) -> str:
        return f"[{self._order.index(source_id) + 1}]"

    def entry(self, source_id: str) -> tuple[Inline, ...]:
        return format_entry(self.sources[source_id], self.labels)

    def item(self, source_id: str, locator: str | None,
             suppress_author: bool) -> tuple[Inline, ...]:
        text = str(self._order.index(source_id) + 1)
        return (Text(f"{text}, {locator}" if locator else text),)


class AuthorDateEngine:
    """``(Smith and Li 2020, p. 3)``: Chicago's author-date rules, in the brief's language.

    Entries are sorted by author, then year; works by the same author in the same year
    get year suffixes (2020a, 2020b) in both the citation and the entry.
    """

    layout = CitationLayout(prefix="(", suffix=")", delimiter="; ", collapse=False, sort=False)
    numeric = False
    hanging = True

    def __init__(self, sources: Sequence[Source], labels: Labels) -> None:
        self.sources = {s.id: s for s in sources}
        self.labels = labels
        self._order = sorted(self.sources, key=lambda sid: self._sort_key(self.sources[sid]))
        self.years: dict[str, str] = {}
        groups: dict[tuple[str, str], list[str]] = {}
        for sid in self._order:
            source = self.sources[sid]
            year = str(source.issued.year) if source.issued else labels.no_date
            self.years[sid] = year
            groups.setdefault((self._short_names(source), year), []).append(sid)
        for ids in groups.values():
            if len(ids) > 1:
                for index, sid in enumerate(ids):
                    suffix = chr(ord("a") + index % 26)
                    no_date = self.years[sid] == labels.no_date
                    self.years[sid] += f"-{suffix}" if no_date else suffix

    def _sort_key(self, source: Source) -> tuple:
        first = source.author[0] if source.author else None
        name = (first.literal or first.family or "") if first else source.title
        return (name.casefold(), source.issued.iso() if source.issued else "",
                source.title.casefold())

    def _short_names(self, source: Source) -> str:
        names = [n.literal or n.family or n.display() for n in source.author]
        if not names:
            return ""
        if len(names) >= 4:
            return f"{names[0]} {self.labels.et_al}"
        if len(names) == 1:
            return names[0]
        return f"{', '.join(names[:-1])} {self.labels.and_} {names[-1]}"

    def order(self) -> list[str]:
        return self._order

    def label(self, source_id: str) -> str:
        return ""

    def entry(self, source_id: str) -> tuple[Inline, ...]:
        return format_entry(self.sources[source_id], self.labels, year=self.years[source_id])

    def item(self, source_id: str, locator: str | None,
             suppress_author: bool) -> tuple[Inline, ...]:
        source = self.sources[source_id]
        year = self.years[source_id]
        tail = f", {locator}" if locator else ""
        names = self._short_names(source)
        if suppress_author:
            return (Text(f"{year}{tail}"),)
        if names:
            return (Text(f"{names} {year}{tail}"),)
        return (Emphasis((Text(_short_title(source.title)),)), Text(f" {year}{tail}"))


def _short_title(title: str) -> str:
    words = title.split()
    return title if len(words) <= 4 else " ".join(words[:4]) + "\u2026"


class CslEngine:
    """Any CSL style, through :class:`~briefsmith.csl.CslRenderer`."""

    def __init__(self, renderer: CslRenderer) -> None:
        self.renderer = renderer
        self.layout = renderer.layout
        self.numeric = renderer.numeric
        self.hanging = not renderer.numeric
        self._order = renderer.sorted_ids()
        self._entries = renderer.entries()
        self._items: dict[tuple, tuple[Inline, ...]] = {}

    def order(self) -> list[str]:
        return self._order

    def label(self, source_id: str) -> str:
        if not self.numeric:
            return ""
        number = self._order.index(source_id) + 1
        entry = self._entries.get(source_id, "")
        for label in (f"[{number}]", f"{number}.", f"({number})", str(number)):
            if entry.startswith(label):
                return label
        return f"{number}."

    def entry(self, source_id: str) -> tuple[Inline, ...]:
        text = self._entries.get(source_id, "")
        if self.numeric:
            text = strip_label(text, self.label(source_id))
        return html_to_spans(text)

    def item(self, source_id: str, locator: str | None,
             suppress_author: bool) -> tuple[Inline, ...]:
        key = (source_id, locator, suppress_author)
        if key not in self._items:
            self._items[key] = html_to_spans(
                self.renderer.item(source_id, locator, suppress_author))
        return self._items[key]


# --------------------------------------------------------------------------- entries


def format_entry(source: Source, labels: Labels, *, year: str | None = None,
                 ) -> tuple[Inline, ...]:
    """A reference entry: Author. Title. *Container*. Publisher, Date. URL. Accessed. Note.

    With ``year`` (author-date), the year follows the author: Author. Year. Title. ...
    Titles of parts (articles, pages) are quoted, titles of whole works italic, as in
    Chicago and APA; each element ends with a full stop unless it already ends in one.
    """
    parts: list[tuple[Inline, ...]] = []
    authors = _names(source.author, labels, invert_first=year is not None)
    if authors:
        parts.append((Text(authors),))
    if year is not None:
        parts.append((Text(year),))
    if source.type in _QUOTED_TITLE_TYPES:
        title = source.title if _ends_with_stop((Text(source.title),)) else source.title + "."
        parts.append((Text(f"\u201c{title}\u201d"),))
    else:
        parts.append((Emphasis((Text(source.title),)),))
    if source.container_title:
        container: list[Inline] = [Emphasis((Text(source.container_title),))]
        details = ", ".join(p for p in (
            source.volume and f"{source.volume}" + (f" ({source.issue})" if source.issue else ""),
            source.page and source.page.replace("-", "\u2013")) if p)
        if details:
            container.append(Text(f" {details}"))
        parts.append(tuple(container))
    date = labels.date(source.issued) if source.issued else labels.no_date
    publisher = source.publisher if source.publisher and source.publisher != authors else None
    if year is not None:
        if publisher:
            parts.append((Text(publisher),))
    elif publisher:
        parts.append((Text(f"{publisher}, {date}"),))
    else:
        parts.append((Text(date),))
    if source.doi:
        url = f"https://doi.org/{source.doi}"
        parts.append((Link((Text(url),), url),))
    if source.url:
        parts.append((Link((Text(source.url),), source.url),))
    if source.accessed:
        parts.append((Text(f"{labels.accessed} {labels.date(source.accessed)}"),))
    if source.note:
        parts.append((Text(source.note),))
    spans: list[Inline] = []
    for index, part in enumerate(parts):
        if index:
            spans.append(Text(" "))
        spans.extend(part)
        if not _ends_with_stop(part):
            spans.append(Text("."))
    return tuple(spans)


def _names(names: Sequence[Name], labels: Labels, *, invert_first: bool = False) -> str:
    """``A and B``, ``A, B, and C``; sorted lists start ``Family, Given``."""
    shown = [n.display() for n in names if n.display()]
    if invert_first and names and names[0].family and names[0].given:
        shown[0] = f"{names[0].family}, {names[0].given}"
        if len(shown) == 2:
            return f"{shown[0]}, {labels.and_} {shown[1]}"
    if len(shown) <= 2:
        return f" {labels.and_} ".join(shown)
    return ", ".join(shown[:-1]) + f", {labels.and_} " + shown[-1]


def _ends_with_stop(part: tuple[Inline, ...]) -> bool:
    last = part[-1]
    while not isinstance(last, Text):
        if isinstance(last, Link):
            return False
        last = last.children[-1]
    return last.text.rstrip().endswith((".", "?", "!", ".\u201d", "?\u201d", "!\u201d"))
