"""The logical structure of a rendered PDF, as plain data.

The renderer records, while it draws, which structure element each piece of page content
belongs to (a marked-content id on a page) and which element each link annotation belongs
to (:mod:`briefsmith.render.tagging`); when the pages are done, this record is written
into the PDF as its structure tree (``StructTreeRoot``, ``ParentTree``, ``OBJR``:
:mod:`briefsmith.render.tagwriter`).  The record itself imports no PDF library.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Roles that are not standard PDF 1.7 structure types, and the standard type each maps to
# (the structure tree's /RoleMap).
ROLE_MAP = {"Title": "P", "Aside": "Div"}


@dataclass(frozen=True)
class Content:
    """Marked content: the sequence with ``/MCID mcid`` on page ``page`` (0-based)."""

    page: int
    mcid: int


@dataclass(frozen=True)
class LinkAnnotation:
    """The ``index``-th annotation of page ``page`` (0-based), with its description."""

    page: int
    index: int
    description: str


@dataclass
class Element:
    """A structure element: a role (``P``, ``H1``, ``TD``...), its kids in reading order,
    and attributes.  ``attributes`` are ``(owner, key, value)`` triples such as
    ``("Table", "Scope", "Column")`` or ``("Layout", "BBox", (x0, y0, x1, y1))``;
    ``lang`` is the natural language of its content where it is not the document's."""

    role: str
    kids: list[Element | Content | LinkAnnotation] = field(default_factory=list)
    alt: str | None = None
    id: str | None = None
    attributes: list[tuple[str, str, object]] = field(default_factory=list)
    lang: str | None = None

    def walk(self):  # type: ignore[no-untyped-def] - a generator of Elements
        """This element and every element below it, in reading order."""
        yield self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.walk()

    def attribute(self, owner: str, key: str) -> object | None:
        for o, k, value in self.attributes:
            if (o, k) == (owner, key):
                return value
        return None


@dataclass
class StructureTree:
    """The ``Document`` element and the number of pages whose content it covers."""

    root: Element
    pages: int
    role_map: dict[str, str] = field(default_factory=lambda: dict(ROLE_MAP))

    def annotations(self) -> dict[int, int]:
        """Link annotations recorded per page (0-based page -> count)."""
        counts: dict[int, int] = {}
        for element in self.root.walk():
            for kid in element.kids:
                if isinstance(kid, LinkAnnotation):
                    counts[kid.page] = counts.get(kid.page, 0) + 1
        return counts
