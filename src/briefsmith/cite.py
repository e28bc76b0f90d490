"""Cite stage: number the sources in order of first use and format references and markers.

Numbering needs the whole brief in hand (key messages, then each section in order), the
way MkDocs validates links only after every page is read.  The output is data: marker
pieces (text plus the anchor they link to) and reference entries as inline spans, so the
renderer only lays them out, escaping every piece of user text on the way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .i18n import Labels
from .model import (
    Citation,
    Document,
    Emphasis,
    Inline,
    Link,
    Name,
    Source,
    Text,
    walk_citations,
)

# CSL types whose titles are set in quotes (parts of something larger); others in italics.
_QUOTED_TITLE_TYPES = frozenset({
    "article", "article-journal", "article-magazine", "article-newspaper", "chapter",
    "entry-encyclopedia", "interview", "paper-conference", "post", "post-weblog", "speech",
    "webpage",
})


@dataclass(frozen=True)
class MarkerPiece:
    """One piece of a citation marker: literal text, or a number linking to ``anchor``."""

    text: str
    anchor: str | None = None


@dataclass(frozen=True)
class Reference:
    number: int
    source: Source
    entry: tuple[Inline, ...]

    @property
    def anchor(self) -> str:
        return reference_anchor(self.number)


@dataclass(frozen=True)
class Bibliography:
    """The cited sources of one brief, numbered in order of first use."""

    references: tuple[Reference, ...]
    numbers: dict[str, int]

    def marker(self, citation: Citation) -> list[MarkerPiece]:
        """``[1]``, ``[1, 2]``, ``[1–3]`` or ``[2, p. 12]``: numeric, ranges compressed.

        Items with a locator keep their own place (``[1, p. 12; 3]``); plain numbers are
        sorted and runs of three or more become ranges.
        """
        known = [i for i in citation.items if i.id in self.numbers]
        pieces = [MarkerPiece("[")]
        if any(i.locator for i in known):
            for index, item in enumerate(known):
                if index:
                    pieces.append(MarkerPiece("; "))
                number = self.numbers[item.id]
                pieces.append(MarkerPiece(str(number), reference_anchor(number)))
                if item.locator:
                    pieces.append(MarkerPiece(f", {item.locator}"))
        else:
            numbers = sorted({self.numbers[i.id] for i in known})
            for index, run in enumerate(_runs(numbers)):
                if index:
                    pieces.append(MarkerPiece(", "))
                first, last = run[0], run[-1]
                pieces.append(MarkerPiece(str(first), reference_anchor(first)))
                if len(run) == 2:
                    pieces.append(MarkerPiece(", "))
                    pieces.append(MarkerPiece(str(last), reference_anchor(last)))
                elif len(run) > 2:
                    pieces.append(MarkerPiece("\u2013"))
                    pieces.append(MarkerPiece(str(last), reference_anchor(last)))
        pieces.append(MarkerPiece("]"))
        return pieces


def reference_anchor(number: int) -> str:
    return f"ref-{number}"


def build_bibliography(doc: Document, labels: Labels) -> Bibliography:
    numbers: dict[str, int] = {}
    for item in walk_citations((doc.brief, doc.sections)):
        if item.id not in numbers and doc.source(item.id) is not None:
            numbers[item.id] = len(numbers) + 1
    references = []
    for source_id, number in numbers.items():
        source = doc.source(source_id)
        assert source is not None
        references.append(Reference(number, source, format_entry(source, labels)))
    return Bibliography(tuple(references), numbers)


def _runs(numbers: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


# --------------------------------------------------------------------------- entries


def format_entry(source: Source, labels: Labels) -> tuple[Inline, ...]:
    """A reference entry: Author. Title. *Container*. Publisher, Date. URL. Accessed. Note.

    Titles of parts (articles, pages) are quoted, titles of whole works italic, as in
    Chicago and APA; each element ends with a full stop unless it already ends in one.
    """
    parts: list[tuple[Inline, ...]] = []
    authors = _names(source.author)
    if authors:
        parts.append((Text(authors),))
    if source.type in _QUOTED_TITLE_TYPES:
        title = source.title if _ends_with_stop((Text(source.title),)) else source.title + "."
        parts.append((Text(f"\u201c{title}\u201d"),))
    else:
        parts.append((Emphasis((Text(source.title),)),))
    if source.container_title:
        parts.append((Emphasis((Text(source.container_title),)),))
    date = labels.date(source.issued) if source.issued else labels.no_date
    same_as_author = source.publisher and source.publisher == authors
    if source.publisher and not same_as_author:
        parts.append((Text(f"{source.publisher}, {date}"),))
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


def _names(names: Sequence[Name]) -> str:
    shown = [n.display() for n in names if n.display()]
    if len(shown) <= 2:
        return " and ".join(shown)
    return ", ".join(shown[:-1]) + ", and " + shown[-1]


def _ends_with_stop(part: tuple[Inline, ...]) -> bool:
    last = part[-1]
    while not isinstance(last, Text):
        if isinstance(last, Link):
            return False
        last = last.children[-1]
    return last.text.rstrip().endswith((".", "?", "!", ".\u201d", "?\u201d", "!\u201d"))
