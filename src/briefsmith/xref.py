"""Cross-reference targets: figures, tables and sections numbered in reading order.

``[@fig:jobs]`` in a paragraph becomes "Figure 2", linked to the figure.  Numbering needs
the whole brief in hand (a reference may point forward), so it is done once, here, before
anything is drawn; the renderer takes the numbers and anchors from :class:`Targets` for
captions, headings, the table of contents and the references alike, so they always agree.
The validator reports ids that are misspelt, duplicated or carry the wrong prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .diagnostics import Location
from .model import Chart, Document, Heading, Image, Table, walk_records

# Block types that become numbered figures or tables (an image only when it has a caption).
FIGURE_TYPES = (Chart, Image)
TABLE_TYPES = (Table,)
PREFIX_OF_KIND = {"figure": "fig", "table": "tbl", "section": "sec"}


@dataclass(frozen=True)
class Target:
    """A numbered figure, table or section that cross-references name."""

    kind: str  # "figure", "table" or "section"
    number: str  # "2", or "3.1" for a sub-heading
    anchor: str  # the PDF link target
    title: str  # a section's heading or a caption's plain text
    id: str | None = None  # the label written in YAML, e.g. "fig:jobs"
    level: int = 0  # sections: 0 for a section, 1 for a sub-heading
    at: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True)
class Targets:
    """Every cross-reference target of a brief, by place and by label."""

    ordered: tuple[Target, ...]
    _by_place: dict[Location, Target]
    _by_id: dict[str, Target]

    def of(self, record: object) -> Target | None:
        """The target a record (section, heading, figure, table) was numbered as."""
        where = getattr(record, "at", None)
        return self._by_place.get(where) if where is not None else None

    def get(self, label: str) -> Target | None:
        return self._by_id.get(label)

    def ids(self) -> list[str]:
        return sorted(self._by_id)

    def sections(self) -> list[Target]:
        return [t for t in self.ordered if t.kind == "section"]


def number_targets(doc: Document) -> Targets:
    """Number every section, sub-heading, figure and table of ``doc`` in reading order.

    The first record with a given id wins; the validator reports the duplicates.
    """
    ordered: list[Target] = []
    by_place: dict[Location, Target] = {}
    by_id: dict[str, Target] = {}
    counts = {"figure": 0, "table": 0}

    def add(record: object, target: Target) -> None:
        ordered.append(target)
        by_place[record.at] = target  # type: ignore[attr-defined]
        if target.id and target.id not in by_id:
            by_id[target.id] = target

    for number, section in enumerate(doc.sections, 1):
        add(section, Target("section", str(number), f"sec-{number}", section.title,
                            section.id, 0, section.at))
        sub = 0
        for record in walk_records(section.blocks):
            if isinstance(record, Heading):
                sub += 1
                add(record, Target("section", f"{number}.{sub}", f"sec-{number}-{sub}",
                                   record.text, record.id, 1, record.at))
            elif isinstance(record, FIGURE_TYPES + TABLE_TYPES):
                if isinstance(record, Image) and record.caption is None:
                    continue
                kind = "table" if isinstance(record, TABLE_TYPES) else "figure"
                counts[kind] += 1
                n = counts[kind]
                caption = record.caption.plain() if record.caption is not None else ""
                add(record, Target(kind, str(n), f"{PREFIX_OF_KIND[kind]}-{n}", caption,
                                   record.id, 0, record.at))
    return Targets(tuple(ordered), by_place, by_id)


def labelled(doc: Document) -> list[tuple[str, str, Location]]:
    """``(id, kind, where)`` for every record carrying an id, in reading order."""
    found = []
    for section in doc.sections:
        if section.id:
            found.append((section.id, "section", section.at.of("id")))
        for record in walk_records(section.blocks):
            if not isinstance(record, (Heading, *FIGURE_TYPES, *TABLE_TYPES)):
                continue
            label = record.id
            if not label:
                continue
            if isinstance(record, Heading):
                kind = "section"
            elif isinstance(record, TABLE_TYPES):
                kind = "table"
            else:
                kind = "figure"
            found.append((label, kind, record.at.of("id")))
    return found
