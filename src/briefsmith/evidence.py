"""Evidence gates: which claims cite nothing, and how each source is used.

Two questions CI asks of a brief.  *Is every claim sourced?*  With ``citations.required``
every key message, section lead, paragraph, list item, key figure and timeline entry must
cite at least one source, unless its block or section says why not (``uncited: <reason>``).
*What rests on what?*  :func:`source_usage` lists, per source, every place citing it, so
``briefsmith sources`` can show use counts, unused sources and stale ``accessed`` dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .diagnostics import Location
from .model import (
    BulletList,
    CiteItem,
    Document,
    KeyFigures,
    Paragraph,
    RichText,
    Source,
    Timeline,
    walk_source_citations,
)


def uncited_claims(doc: Document) -> Iterator[tuple[Location, str]]:
    """``(where, what)`` for every claim that cites no source, in reading order."""
    for message in () if doc.brief.at.failed("key_messages") else doc.brief.key_messages:
        if not _cites(message):
            yield message.at, "key message"
    for section in doc.sections:
        if section.uncited is not None:
            continue
        if section.lead is not None and not section.at.failed("lead") \
                and not _cites(section.lead):
            yield section.lead.at, "section lead"
        for block in section.blocks:
            yield from _uncited_in_block(block)


def _uncited_in_block(block: object) -> Iterator[tuple[Location, str]]:
    """A claim whose text or citation had a problem (reported) is not also "uncited": it
    may well cite, once it can be read."""
    if isinstance(block, Paragraph):
        if block.uncited is None and not block.at.failed("text") and not _cites(block.text):
            yield block.text.at, "paragraph"
    elif isinstance(block, BulletList):
        if block.uncited is None and not block.at.failed("items"):
            for item in block.items:
                if not _cites(item):
                    yield item.at, "list item"
    elif isinstance(block, KeyFigures):
        for figure in block.items or ():  # None: missing, and reported
            if not figure.at.failed("label") and not figure.at.failed("cite") \
                    and not _cites((figure.label, figure.cite)):
                yield figure.at, f"key figure '{figure.value}'"
    elif isinstance(block, Timeline):
        for entry in block.entries or ():
            if entry.date is not None and not entry.at.failed("event") \
                    and not entry.at.failed("cite") and not _cites((entry.event, entry.cite)):
                yield entry.at, f"timeline entry {entry.date.iso()}"


def _cites(value: RichText | tuple) -> bool:
    return any(True for _ in walk_source_citations(value))


# --------------------------------------------------------------------------- usage


@dataclass(frozen=True)
class SourceUse:
    """One source and every place a brief cites it."""

    source: Source
    places: tuple[CiteItem, ...]
    briefs: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.places)

    def age_days(self, today: dt.date) -> int | None:
        """Days since the source was last read (from the end of a month- or year-only date)."""
        if self.source.accessed is None:
            return None
        return (today - self.source.accessed.latest()).days


def source_usage(docs: Sequence[Document]) -> list[SourceUse]:
    """Every source known to the briefs, in order of first citation (unused ones last),
    with the places citing it.

    A section shared by two briefs is one place, not two.
    """
    sources: dict[str, Source] = {}
    places: dict[str, dict[Location, CiteItem]] = {}
    briefs: dict[str, list[str]] = {}
    for doc in docs:
        for source in doc.sources:
            sources.setdefault(source.id, source)
            places.setdefault(source.id, {})
            briefs.setdefault(source.id, [])
        for item in walk_source_citations((doc.brief, doc.sections)):
            if item.id in places:
                places[item.id].setdefault(item.at, item)
                if doc.name not in briefs[item.id]:
                    briefs[item.id].append(doc.name)
    uses = [SourceUse(source, tuple(places[sid].values()), tuple(briefs[sid]))
            for sid, source in sources.items()]
    first = {sid: n for n, sid in enumerate(dict.fromkeys(
        item.id for doc in docs for item in walk_source_citations((doc.brief, doc.sections))))}
    return sorted(uses, key=lambda u: first.get(u.source.id, len(first)))


def source_usage_of(sources: Iterable[Source]) -> list[SourceUse]:
    """The registry alone, when no brief could be read: every source unused."""
    return [SourceUse(source, (), ()) for source in sources]
