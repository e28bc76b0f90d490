"""Tagged PDF, the drawing half: which structure element each piece of page content is.

ReportLab knows nothing of tagged PDF, so the renderer adds three things:

1. :func:`assign_structure` walks the story before it is laid out and gives every flowable
   that draws content (paragraphs, pictures, table cells, list labels and bodies) a
   :class:`Node`: the structure element it draws into, whose parents are the containers
   around it (``L``/``LI``, ``Table``/``TR``, a call-out's ``Aside``).  The flowable's class
   is swapped for a subclass whose ``drawOn`` tells the recorder where its content starts
   and ends, and whose ``split`` hands the node to both halves, so a paragraph broken over
   two pages stays one element with content on both.
2. :class:`TaggingCanvas` wraps every page's content in marked content: whatever no
   tagged flowable draws (running heads, rules, backgrounds, table borders, the repeated
   header row of a continued table) is an ``/Artifact``; each tagged flowable's drawing is
   ``/Role <</MCID n>> BDC ... EMC``.  Link annotations made while a flowable draws become
   ``Link`` elements under its element, and the text of each link is the ``Link``'s own
   marked content (PDF/UA): in a paragraph, ReportLab's hook for link text
   (``_linkRecord``) marks where it starts and ends in the text object, whose code is
   then cut into sequences there; a paragraph or contents entry that is a link as a whole
   is drawn inside a :meth:`~StructureRecorder.link_area`.  A run of text in another
   language than the document's (:mod:`briefsmith.languages`) is written apart between
   marks the same way, and becomes a ``Span`` with ``/Lang`` holding its own sequence,
   in its place in its paragraph or link (sequences never nest: poppler mishandles it).
3. :class:`StructureRecorder` collects the elements, in the order they are first drawn
   (the reading order), into a :class:`~briefsmith.structure.StructureTree` of plain data,
   which :mod:`.tagwriter` writes into the PDF when the canvas saves it.

Nothing here changes what is drawn or where: a tagged build renders pixel for pixel like an
untagged one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from reportlab.graphics.shapes import Drawing
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, ListFlowable, Paragraph, Table
from reportlab.platypus import Image as ImageFlowable
from reportlab.platypus.flowables import BulletDrawer, LIIndenter, _Container, _ContainerSpace
from reportlab.platypus.paragraph import (
    _InjectedFrag,
    _SplitFragHY,
    _SplitFragLL,
    _SplitWordHY,
    _SplitWordLL,
)

from ..languages import language_runs
from ..structure import Content, Element, LinkAnnotation, StructureTree
from .tagwriter import write_metadata, write_structure

# Roles that group the flowables inside a box (a one-cell table drawn as a frame).

_NODE_ORDER = itertools.count()


class Node:
    """A structure element to be: created when content is first drawn into it.

    Nodes are compared by identity; ``parent`` is None for the children of ``Document``.
    """

    __slots__ = ("alt", "attributes", "order", "parent", "role")

    def __init__(self, role: str, parent: Node | None = None, *, alt: str | None = None,
                 attributes: Iterable[tuple[str, str, object]] = ()) -> None:
        self.role = role
        self.parent = parent
        self.alt = alt
        self.attributes = list(attributes)
        # The place in the story where content first goes into this node (set by mark):
        # a figure that floats is drawn after the text that follows it in the story, but
        # its element keeps its place in the reading order (see _element).
        self.order: int | None = None

    def __repr__(self) -> str:
        return f"Node({self.role!r})"


# -- marking flowables ---------------------------------------------------------------------


class _TaggedFlowable:
    """Mixed into a flowable's class: reports where its drawing starts and ends."""

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        recorder = getattr(canvas, "structure", None)
        if recorder is None:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
            return
        recorder.begin(self, _box(self, canvas, x, y, _sW))
        try:
            if _one_link(self):
                with recorder.link_area():
                    super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
            else:
                super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
        finally:
            recorder.end()

    def beginText(self, x: float, y: float) -> PDFTextObject:  # noqa: N802
        """(Paragraphs) The text object learns which lines end in a hyphen that line
        breaking added, so that it can tell a reader the word goes on."""
        text = super().beginText(x, y)  # type: ignore[misc]
        if isinstance(text, _ReadingTextObject):
            text.hyphenated = _hyphenated_lines(self)
        return text

    def split(self, available_width: float, available_height: float) -> list:
        parts = super().split(available_width, available_height)  # type: ignore[misc]
        node = vars(self).get("structure_node")
        origin = vars(self).get("structure_origin", self)
        for part in parts:
            if part is not self and node is not None:
                mark(part, node)
                # The links of both halves are the same links (see StructureRecorder.link_text).
                vars(part)["structure_origin"] = origin
        return parts


class _TaggedBullet:
    """Mixed into a list's bullet drawer (whose ``drawOn`` takes the list item first)."""

    def drawOn(self, indenter: Flowable, canvas: Canvas, x: float, y: float,  # noqa: N802
               _sW: float = 0) -> None:  # noqa: N803 - ReportLab's name
        recorder = getattr(canvas, "structure", None)
        if recorder is None or not self.value:  # type: ignore[attr-defined]
            super().drawOn(indenter, canvas, x, y, _sW)  # type: ignore[misc]
            return
        recorder.begin(self, None)
        try:
            super().drawOn(indenter, canvas, x, y, _sW)  # type: ignore[misc]
        finally:
            recorder.end()


_TAGGED_CLASSES: dict[type, type] = {}


def mark(drawer: Any, node: Node) -> None:
    """Make ``drawer`` (a flowable or a bullet) draw its content into ``node``."""
    cls = type(drawer)
    if not issubclass(cls, _TaggedFlowable | _TaggedBullet):
        tagged = _TAGGED_CLASSES.get(cls)
        if tagged is None:
            mixin = _TaggedBullet if issubclass(cls, BulletDrawer) else _TaggedFlowable
            tagged = type(f"Tagged{cls.__name__}", (mixin, cls), {"__module__": __name__})
            _TAGGED_CLASSES[cls] = tagged
        # object.__setattr__: graphics Drawings validate every attribute they are given.
        object.__setattr__(drawer, "__class__", tagged)
    vars(drawer)["structure_node"] = node
    while node is not None and node.order is None:  # the story order of node and ancestors
        node.order = next(_NODE_ORDER)
        node = node.parent


def _one_link(flowable: Any) -> bool:
    """Whether ``flowable`` is a paragraph that is one link as a whole.  ReportLab draws
    such a paragraph (one run of one style) without the hook that marks a link's text in
    mixed paragraphs (see ``_ReadingTextObject._linkRecord``): all of it is the link."""
    lines = getattr(flowable, "blPara", None)
    return (isinstance(flowable, Paragraph) and getattr(lines, "kind", None) == 0
            and bool(getattr(lines, "link", None)))


def _hyphenated_lines(paragraph: Any) -> frozenset[int]:
    """The lines of a laid-out paragraph whose last word ReportLab hyphenated, adding the
    hyphen (not a line that breaks after a hyphen the text has).  ReportLab marks such a
    word by its class: ``_SplitWordHY`` (plain paragraphs) or ``_SplitFragHY`` (mixed
    ones), ``...LL`` once the paragraph was split after that line."""
    laid_out = getattr(paragraph, "blPara", None)
    lines = getattr(laid_out, "lines", None) or []
    found = set()
    if getattr(laid_out, "kind", 0) == 0:
        for index, (_space, words) in enumerate(lines):
            last = words[-1] if words else ""
            if isinstance(last, _SplitWordHY) or (isinstance(last, _SplitWordLL)
                                                  and last.endswith("-")):
                found.add(index)
        return frozenset(found)
    # The words of all lines; each line knows its first (sFW), unless lines were made
    # otherwise (CJK line breaking, which does not hyphenate).
    words = paragraph.frags
    starts = [getattr(line, "sFW", None) for line in lines]
    if None in starts:
        return frozenset()
    starts.append(len(words))
    for index in range(len(lines)):
        last = starts[index + 1] - 1
        while last >= starts[index] and isinstance(words[last], _InjectedFrag):
            last -= 1
        if last >= starts[index] and (isinstance(words[last], _SplitFragHY) or (
                isinstance(words[last], _SplitFragLL) and words[last][-1][1].endswith("-"))):
            found.add(index)
    return frozenset(found)


def _box(flowable: Any, canvas: Canvas, x: float, y: float,
         avail: float) -> tuple[float, float, float, float] | None:
    """A picture's bounding box on the page (for the Figure's ``/BBox``)."""
    if not isinstance(flowable, Drawing | ImageFlowable):
        return None
    x = flowable._hAlignAdjust(x, avail)
    width = getattr(flowable, "drawWidth", None) or flowable.width
    height = getattr(flowable, "drawHeight", None) or flowable.height
    a, b, c, d, e, f = canvas._currentMatrix
    corners = [(a * px + c * py + e, b * px + d * py + f)
               for px, py in ((x, y), (x + width, y + height))]
    (x0, y0), (x1, y1) = corners
    return (round(min(x0, x1), 2), round(min(y0, y1), 2),
            round(max(x0, x1), 2), round(max(y0, y1), 2))


# -- assigning structure to a story --------------------------------------------------------


def assign_structure(story: Iterable[Flowable], parent: Node | None = None) -> None:
    """Give every content-drawing flowable of ``story`` its element (see the module doc).

    Roles come from :func:`~briefsmith.render.context.tag` (``structure_role`` and facts);
    a paragraph without one is a ``P``; rules, spacers and anchors draw no content and
    stay artifacts.
    """
    for flowable in story:
        _assign(flowable, parent)


def _facts(flowable: Any) -> dict[str, Any]:
    return {k[len("structure_"):]: v for k, v in getattr(flowable, "__dict__", {}).items()
            if k.startswith("structure_")}


def _context(facts: dict[str, Any], parent: Node | None) -> Node | None:
    """The parent a flowable's element goes under: a node named by ``tag(parent=...)``
    (see :func:`_attach`), else the context."""
    explicit = facts.get("parent")
    if explicit is None:
        return parent
    _attach(explicit, parent)
    return explicit


def _attach(node: Node, context: Node | None) -> None:
    """Hang a node made by a renderer (a reference list, a table with its caption) and its
    made-up ancestors under the context it is first met in, unless it is already there."""
    top = node
    while top.parent is not None:
        top = top.parent
    ancestor = context
    while ancestor is not None:
        if ancestor is top:
            return
        ancestor = ancestor.parent
    top.parent = context


def _assign(flowable: Any, parent: Node | None) -> None:
    facts = _facts(flowable)
    role = facts.get("role")
    parent = _context(facts, parent)
    if isinstance(flowable, ListFlowable):
        _assign_list(flowable, facts.get("node") or Node(role or "L", parent))
    elif isinstance(flowable, Table):
        _assign_table(flowable, role, facts, parent)
    elif isinstance(flowable, _Container | _ContainerSpace) and hasattr(flowable, "_content"):
        for inner in flowable._content:
            _assign(inner, parent)
    elif isinstance(flowable, Drawing | ImageFlowable):
        alt = facts.get("alt")
        if not alt:
            raise TypeError(f"a picture without a text alternative: {flowable!r}")
        mark(flowable, Node(role or "Figure", parent, alt=alt))
    elif isinstance(flowable, Paragraph) or role is not None:
        mark(flowable, facts.get("node") or Node(role or "P", parent))


def _assign_list(flowable: ListFlowable, node: Node) -> None:
    """``L`` > ``LI`` > ``Lbl`` (the bullet or number) + ``LBody`` (the item's flowables)."""
    body: Node | None = None
    for part in flowable._content:
        if not isinstance(part, LIIndenter):
            _assign(part, node)
            continue
        bullet = part._bullet
        labelled = bullet is not None and bool(bullet.value)
        if body is None or labelled:  # a new item (a bullet-less part continues one)
            item = Node("LI", node)
            if labelled:
                mark(bullet, Node("Lbl", item))
            body = Node("LBody", item)
        inner = part._flowable
        if isinstance(inner, Paragraph):
            mark(inner, body)
        else:
            _assign(inner, body)


def _assign_table(table: Table, role: str | None, facts: dict[str, Any],
                  parent: Node | None) -> None:
    node = facts.get("node")
    if node is None:
        node = Node(role or "Div", parent)
    else:
        _attach(node, parent)
    if node.role != "Table":
        for row in table._cellvalues:
            for cell in row:
                for inner in _cell_flowables(cell):
                    _assign(inner, node)
        return
    header_rows = facts.get("header_rows", 0)
    header_columns = facts.get("header_columns", 0)
    spans = _spans(table)
    for r, row in enumerate(table._cellvalues):
        tr = Node("TR", node)
        for c, cell in enumerate(row):
            flowables = _cell_flowables(cell)
            if not flowables:
                continue
            attributes: list[tuple[str, str, object]] = []
            if r < header_rows:
                kind = "TH"
                attributes.append(("Table", "Scope", "Column"))
            elif c < header_columns:
                kind = "TH"
                attributes.append(("Table", "Scope", "Row"))
            else:
                kind = "TD"
            rows, columns = spans.get((r, c), (1, 1))
            if rows > 1:
                attributes.append(("Table", "RowSpan", rows))
            if columns > 1:
                attributes.append(("Table", "ColSpan", columns))
            cell_node = Node(kind, tr, attributes=attributes)
            for inner in flowables:
                if isinstance(inner, Paragraph):
                    mark(inner, cell_node)
                else:
                    _assign(inner, cell_node)


def _cell_flowables(cell: Any) -> list:
    if isinstance(cell, str):
        if cell.strip():  # drawn by the table itself, so it would be an artifact
            raise TypeError(f"table cells must hold flowables, not text: {cell!r}")
        return []
    if isinstance(cell, list | tuple):
        return list(cell)
    return [cell] if cell is not None else []


def _spans(table: Table) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, column) of each spanning cell -> (rows, columns) it covers."""
    rows, columns = len(table._cellvalues), len(table._cellvalues[0]) if table._cellvalues else 0
    found = {}
    for _op, (c0, r0), (c1, r1) in table._spanCmds:
        c0, c1 = sorted((c0 % columns, c1 % columns))
        r0, r1 = sorted((r0 % rows, r1 % rows))
        found[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
    return found


# -- recording while drawing ---------------------------------------------------------------


class StructureRecorder:
    """Writes the marked-content operators into the canvas and builds the element tree.

    Exactly one marked-content sequence is open at any time on a page: the page-level
    artifact (opened when the page is finished, at the start of its stream), an artifact
    opened after a tagged flowable, or a tagged flowable's own content.  Switching closes
    one and opens the next, so sequences never nest; a sequence that received no
    operators is taken back out of the stream.
    """

    def __init__(self, canvas: Canvas) -> None:
        self._order: dict[int, int] = {}  # element id -> its node's story order
        self.canvas = canvas
        # (link target, is it a URL) -> the annotation's /Contents; set by the renderer
        self.describe: Callable[[str, bool], str] = lambda target, external: target
        # The document's language (its /Lang): text in another is marked (see languages).
        self.language = ""
        self.root = Element("Document")
        self._elements: dict[Node, Element] = {}
        self._drawn: dict[int, object] = {}  # id -> flowable (kept alive: ids stay unique)
        self._stack: list[Element | None] = []
        self._page_contents: list[list[Element]] = [[]]
        self._annotations: list[int] = [0]
        self._notes = 0
        self._page_artifact_end: int | None = None
        # Links inside paragraphs (see link_text): the flowable drawing now, or the one it
        # was split from; each link's element by (id of that flowable, ReportLab's link key);
        # the links whose text is drawn and whose annotation is still to come; the Link of
        # an open link_area; the element to go on with after a text object marked itself.
        self._origins: list[object] = []
        self._links: dict[tuple[int, object], Element] = {}
        self._keep: list[object] = []  # the origins, kept alive so that their ids stay unique
        self._placed: set[int] = set()
        self._pending: list[tuple[Element, str]] = []
        self._area: Element | None = None
        self._resume: Element | None = None
        # What is open now: (element or None for an artifact, index of its operator in the
        # page's code or None for the page-level artifact, mcid)
        self._open: tuple[Element | None, int | None, int | None] = (None, None, None)

    # -- flowables

    def begin(self, drawer: Any, box: tuple[float, float, float, float] | None) -> None:
        key = id(drawer)
        if key in self._drawn:  # drawn again (a repeated table header): decoration
            element = None
        else:
            self._drawn[key] = drawer
            element = self._element(vars(drawer)["structure_node"])
            if box is not None and element.attribute("Layout", "BBox") is None:
                element.attributes.append(("Layout", "BBox", box))
        self._stack.append(self._open[0])
        self._origins.append(vars(drawer).get("structure_origin", drawer))
        self._switch(element)

    def end(self) -> None:
        self._origins.pop()
        self._switch(self._stack.pop())

    @property
    def reading(self) -> bool:
        """Whether what is drawn now is content (read aloud), not an artifact."""
        return self._open[0] is not None

    @contextmanager
    def artifact(self, kind: str | None = None, subtype: str | None = None,
                 ) -> Iterator[None]:
        """Mark what is drawn inside as an artifact (``kind``: Pagination, Layout...;
        ``subtype``: Header, Footer...)."""
        self._stack.append(self._open[0])
        properties = None
        if kind:
            properties = f"/Type /{kind}" + (f" /Subtype /{subtype}" if subtype else "")
        self._switch(None, properties)
        try:
            yield
        finally:
            self._switch(self._stack.pop())

    def annotation(self, target: str, external: bool) -> None:
        """A link annotation was just added to the page: it goes into the ``Link`` element
        of the text it covers (an open :meth:`link_area`, or a link whose text a paragraph
        just drew); failing that, into a ``Link`` element of its own under the element whose
        content is being drawn."""
        page = self.canvas.getPageNumber() - 1
        index = self._annotations[-1]
        self._annotations[-1] += 1
        annotation = LinkAnnotation(page, index, self.describe(target, external))
        link = self._area or self._take_pending(target)
        if link is not None:
            link.kids.append(annotation)
            return
        parent = self._open[0] or next((e for e in reversed(self._stack) if e), self.root)
        parent.kids.append(Element("Link", [annotation]))

    @contextmanager
    def link_area(self) -> Iterator[None]:
        """What is drawn inside, and every link annotation made inside, make one ``Link``
        element under the element being drawn (a contents entry, a paragraph that is one
        link as a whole), so the link holds its text as PDF/UA asks."""
        parent = self._open[0]
        if parent is None:  # an artifact: nothing to hold
            yield
            return
        link = Element("Link")
        parent.kids.append(link)
        outer, self._area = self._area, link
        self._stack.append(parent)
        self._switch(link)
        try:
            yield
        finally:
            self._area = outer
            self._switch(self._stack.pop())

    # -- links inside paragraphs

    def link_text(self, link: tuple[int, str]) -> Element | None:
        """A paragraph starts drawing the text of ``link`` (ReportLab's key for one ``<a>``
        of a paragraph: its number and target): the ``Link`` element the text goes into,
        or None when the paragraph is drawn as an artifact.

        The text of one link may be drawn in pieces, on several lines, or on two pages
        when the paragraph breaks there: every piece goes into the same element, which
        also takes the annotation ReportLab makes for each piece."""
        parent = self._open[0]
        if parent is None:
            return None
        origin = self._origins[-1] if self._origins else None
        key = (id(origin), link)
        element = self._links.get(key)
        if element is None:
            element = self._links[key] = Element("Link")
            self._keep.append(origin)
        self._pending.append((element, link[1]))
        return element

    def mark_text(self, code: list[str]) -> list[str]:
        """The code of a text object with marks (see ``_ReadingTextObject``) as
        marked-content sequences of the element being drawn, of its links, and artifacts
        (the hyphens line breaking added).

        Marked content may not cross ``BT``/``ET``, so the sequence open around the text
        object is closed before it and a new one opened after it (:meth:`resume`); inside,
        the sequences switch at every mark.  A link's element joins its parent's kids where
        its text first starts, which keeps the reading order."""
        element = self._open[0]
        assert element is not None, "marks in a text object drawn as an artifact"
        self._close()
        self._resume = element
        out = [code[0]]  # BT
        owner: Element | None = element  # None: an artifact
        outer = element  # the owner to go back to after an artifact or a language run
        span: Element | None = None  # the last Span, while nothing was drawn after it
        start = 1
        for index in range(1, len(code) + 1):
            entry = code[index] if index < len(code) else None
            if entry is not None and not isinstance(entry, _Mark):
                continue
            segment = code[start:index]
            if _paints(segment, 0):
                out.append(self._new_mcid(owner) if owner is not None else "/Artifact BMC")
                out.extend(segment)
                out.append("EMC")
                if owner is not span:
                    span = None
            else:
                out.extend(segment)
            start = index + 1
            if entry is None:
                continue
            if entry.kind == "artifact":
                outer, owner = owner or outer, None
            elif entry.kind == "end artifact":
                owner = outer
            elif entry.kind == "lang":
                outer = owner or outer
                owner = span = self._span(outer, entry.lang, span)
            elif entry.kind == "end lang":
                owner = outer
            elif entry.link is None:  # the end of a link's text
                owner = outer = element
            else:
                owner = outer = entry.link
                if id(entry.link) not in self._placed:
                    self._placed.add(id(entry.link))
                    element.kids.append(entry.link)
        self._pending.clear()
        return out

    @staticmethod
    def _span(parent: Element, lang: str | None, last: Element | None) -> Element:
        """The ``Span`` of a run of text in language ``lang`` inside ``parent``: the last
        one, when it is in the same language and nothing was drawn since it ended (a run
        broken over lines is one element), else a new one after what ``parent`` holds."""
        if last is not None and last.lang == lang and parent.kids and parent.kids[-1] is last:
            return last
        span = Element("Span", lang=lang)
        parent.kids.append(span)
        return span

    def resume(self) -> None:
        """After a text object that marked itself: go on in its element."""
        element, self._resume = self._resume, None
        if element is not None:
            self._begin(element)

    def _take_pending(self, target: str) -> Element | None:
        """The first link drawn and not yet annotated whose href names ``target``
        (``#name`` for ``name``, ``document:name``, a URL as it is)."""
        for index, (link, href) in enumerate(self._pending):
            if target in (href, href[1:], href.partition(":")[2]):
                del self._pending[index]
                return link
        return None

    # -- pages

    def finish_page(self) -> None:
        """Close what is open and open the page-level artifact at the start of the stream."""
        assert not self._stack, "a flowable is still drawing at the end of a page"
        code = self.canvas._code
        self._close()
        end = self._page_artifact_end
        if end is not None and not _paints(code[:end], 0):  # it drew nothing
            del code[end]
        else:
            code.insert(0, "/Artifact BMC")
        self._open = (None, None, None)
        self._page_artifact_end = None
        self._page_contents.append([])
        self._annotations.append(0)

    def tree(self) -> StructureTree:
        pages = len(self._page_contents) - 1
        return StructureTree(self.root, pages)

    # -- internals

    def _element(self, node: Node) -> Element:
        element = self._elements.get(node)
        if element is None:
            parent = self._element(node.parent) if node.parent is not None else self.root
            element = Element(node.role, alt=node.alt, attributes=list(node.attributes))
            if node.role == "Note":
                self._notes += 1
                element.id = f"note-{self._notes}"
            # In story order among its siblings, whatever order they were drawn in.
            position = len(parent.kids)
            if node.order is not None:
                for index, kid in enumerate(parent.kids):
                    later = self._order.get(id(kid))
                    if isinstance(kid, Element) and later is not None and later > node.order:
                        position = index
                        break
                self._order[id(element)] = node.order
            parent.kids.insert(position, element)
            self._elements[node] = element
        return element

    def _switch(self, element: Element | None, properties: str | None = None) -> None:
        self._close()
        self._begin(element, properties)

    def _begin(self, element: Element | None, properties: str | None = None) -> None:
        code = self.canvas._code
        if element is None:
            code.append(f"/Artifact <<{properties}>> BDC" if properties else "/Artifact BMC")
            self._open = (None, len(code) - 1, None)
            return
        code.append(self._new_mcid(element))
        self._open = (element, len(code) - 1, len(self._page_contents[-1]) - 1)

    def _new_mcid(self, element: Element) -> str:
        """The next marked-content id of the page, for ``element``: its ``BDC``."""
        contents = self._page_contents[-1]
        mcid = len(contents)
        contents.append(element)
        element.kids.append(Content(len(self._page_contents) - 1, mcid))
        return f"/{element.role} <</MCID {mcid}>> BDC"

    def _close(self) -> None:
        element, index, mcid = self._open
        code = self.canvas._code
        if index is not None and not _paints(code, index + 1):
            # Nothing was drawn (only state changes such as q, Q, cm): take the sequence
            # back rather than leave an empty element or artifact in the file.
            del code[index]
            if element is not None and mcid is not None:  # the page's last mcid
                self._page_contents[-1].pop()
                element.kids.remove(Content(len(self._page_contents) - 1, mcid))
        else:
            if index is None:  # the page-level artifact, opened at the page's start
                self._page_artifact_end = len(code)
            code.append("EMC")


# A line ending in one of these continues in the next without a space between.
_JOINING = frozenset("-\u00ad\u2010\u2011/")


class _Mark(str):
    """An empty entry in a text object's code where its marked content switches: the text
    of a link starts (kind "link", ``link`` its element) or ends (``link`` None), an
    artifact starts ("artifact") or ends ("end artifact"), or a run of text in another
    language starts ("lang", ``lang`` its tag) or ends ("end lang").  Resolved by
    :meth:`StructureRecorder.mark_text` before the text object is drawn."""

    kind: str
    link: Element | None
    lang: str | None

    def __new__(cls, kind: str, link: Element | None = None, lang: str | None = None,
                ) -> _Mark:
        mark = super().__new__(cls, "")
        mark.kind, mark.link, mark.lang = kind, link, lang
        return mark


class _ReadingTextObject(PDFTextObject):
    """Ends each line of running text (and each text object, such as a reference's
    label) with a space, so text read in content order (as assistive technology and text
    extraction read it) does not run the last word of one line into the first word of the
    next.  The space draws nothing, and ``T*`` starts the next line where it starts
    anyway, so the page looks the same.  No space follows a hyphen, a slash or a CJK
    character, where lines break inside words.

    Marks where a link's text starts and ends (ReportLab's ``_linkRecord`` hook), and
    writes a hyphen that line breaking added as a piece of its own, marked as an artifact:
    it is not part of the word, so "Allevia-" "tion" reads "Alleviation"."""

    _last = ""
    _linking = False  # within the text of a link
    _marks = 0  # marks in the code
    hyphenated: frozenset[int] = frozenset()  # lines ending in an added hyphen
    _line = 0  # the line being written
    _piece = 0  # where the last piece of text starts in the code
    _hyphen: tuple[_Mark, _Mark] | None = None  # the marks around a hyphen on this line

    def _linkRecord(self, link: tuple[int, str], what: str) -> None:  # noqa: N802
        """ReportLab's hook in a paragraph's line drawing, called after the first piece
        of a link's text is written ("start") and before what follows it ("end"): marks
        where the link's text is in the code, so that it becomes its own marked content."""
        if what == "start":
            element = self._canvas.structure.link_text(link)
            if element is None:
                return
            # The piece of text just written is the link's.
            self._code.insert(self._piece, _Mark("link", element))
            self._linking = True
        elif self._linking:
            self._code.append(_Mark("link"))
            self._linking = False
        else:
            return
        self._marks += 1

    def _ends_a_word(self) -> bool:
        """Whether a space belongs after the text so far (artifacts are not read: none)."""
        end = self._last[-1:] or " "
        return (not end.isspace() and end not in _JOINING and ord(end) < 0x2E80
                and self._canvas.structure.reading)

    def _textOut(self, text: str, TStar: int = 0) -> None:  # noqa: N802, N803
        self._piece = len(self._code)
        if text:
            self._last = text
        if TStar and self._ends_a_word():
            text += " "
            self._last = " "
        reading = self._canvas.structure.reading
        if (self._line in self.hyphenated and text.endswith("-")
                and not hasattr(text, "__shapeData__") and reading):
            self._write_hyphenated(text, TStar)
        else:
            if text and self._hyphen is not None:
                # Text after the hyphen: it was one the text has, not the added one.
                self._code[:] = [e for e in self._code if e is not self._hyphen[0]
                                 and e is not self._hyphen[1]]
                self._hyphen = None
            runs = (language_runs(text, self._canvas.structure.language)
                    if reading and not hasattr(text, "__shapeData__") else None)
            if runs is None:
                super()._textOut(text, TStar)
            else:
                self._write_languages(runs, TStar)
        if TStar:
            self._line += 1
            self._hyphen = None

    def _write_languages(self, runs: list[tuple[str, str | None]],
                         TStar: int) -> None:  # noqa: N803
        """A piece of text with runs in other languages, each run written apart between
        marks, to be a ``Span`` with its ``/Lang``.  The text operators place the glyphs
        exactly where one would (as for a hyphen, see :meth:`_write_hyphenated`)."""
        for index, (piece, lang) in enumerate(runs):
            last = TStar if index == len(runs) - 1 else 0
            if lang is None:
                super()._textOut(piece, last)
                continue
            self._code.append(_Mark("lang", lang=lang))
            super()._textOut(piece, last)
            self._code.append(_Mark("end lang"))
        self._marks += 1

    def _write_hyphenated(self, text: str, TStar: int) -> None:  # noqa: N803
        """The piece of text ending a hyphenated line, its hyphen apart as an artifact
        (if no text follows it on the line, else the marks are taken out again).  Two
        text operators place the glyphs exactly where one would."""
        if len(text) > 1:
            super()._textOut(text[:-1])
        marks = _Mark("artifact"), _Mark("end artifact")
        self._code.append(marks[0])
        super()._textOut("-", TStar)
        self._code.append(marks[1])
        self._hyphen = marks
        self._marks += 1

    def textOut(self, text: str) -> None:  # noqa: N802 - ReportLab's name
        if text:
            self._last = text
        super().textOut(text)

    def textLine(self, text: str = "") -> None:  # noqa: N802 - ReportLab's name
        if text:
            self._last = text
        if self._ends_a_word():
            text += " "
            self._last = " "
        super().textLine(text)

    def getCode(self) -> str:  # noqa: N802 - ReportLab's name
        if self._ends_a_word():
            self._code.append(self._formatText(" "))
            self._last = " "
        if self._marks:
            self._code = self._canvas.structure.mark_text(self._code)
        return super().getCode()


# Operators that put marks on the page: text showing, path painting, XObjects, shadings,
# inline images.  Strings inside text operands may look like them: that only keeps a
# sequence that could have gone, never drops one that draws.
_PAINTING = re.compile(r"(?<![\w/*'\"])(?:Tj|TJ|'|\"|[SsfFBb]\*?|Do|sh|BI)(?![\w*])")


def _paints(code: list[str], start: int) -> bool:
    return any(_PAINTING.search(op) for op in code[start:])


class TaggingCanvas(Canvas):
    """A canvas that records the structure of what is drawn on it (see the module doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.structure = StructureRecorder(self)
        self.structure.language = kwargs.get("lang") or ""

    def beginText(self, x: float = 0, y: float = 0,  # noqa: N802 - ReportLab's name
                  direction: str | None = None) -> PDFTextObject:
        return _ReadingTextObject(self, x, y, direction=direction)

    def drawText(self, text: PDFTextObject) -> None:  # noqa: N802 - ReportLab's name
        super().drawText(text)
        if getattr(text, "_marks", 0):
            self.structure.resume()

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self.structure.finish_page()
        super().showPage()

    def save(self) -> None:
        """Write the structure tree and XMP metadata with the pages, in the one file."""
        if len(self._code):  # an unfinished last page, as Canvas.save finishes it
            self.showPage()
        write_structure(self._doc, self.structure.tree())
        write_metadata(self._doc)
        super().save()

    def linkURL(self, url: str, rect: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        super().linkURL(url, rect, *args, **kwargs)
        self.structure.annotation(url, True)

    def linkRect(self, contents: str, destinationname: str, *args: Any,  # noqa: N802
                 **kwargs: Any) -> None:
        super().linkRect(contents, destinationname, *args, **kwargs)
        self.structure.annotation(destinationname, False)


@contextmanager
def link_area(canvas: Canvas) -> Iterator[None]:
    """Draw a link's text, and make its annotation, as one ``Link`` element on a tagging
    canvas (see :meth:`StructureRecorder.link_area`); does nothing on any other canvas."""
    recorder = getattr(canvas, "structure", None)
    if recorder is None:
        yield
        return
    with recorder.link_area():
        yield


@contextmanager
def artifact(canvas: Canvas, kind: str | None = None, subtype: str | None = None,
             ) -> Iterator[None]:
    """Draw decorations (leader dots, running heads) as an artifact on a tagging canvas;
    does nothing on any other canvas."""
    recorder = getattr(canvas, "structure", None)
    if recorder is None:
        yield
        return
    with recorder.artifact(kind, subtype):
        yield
