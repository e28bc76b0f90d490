"""Pages: paper, frames, running header and footer, bookmarks, and the layout passes.

"Page X of Y" needs Y before the last page is laid out.  The well-known ``NumberedCanvas``
recipe defers page output and sends every bookmark and link to page 1; laying the story
out twice (once to count) doubles the cost of every build.  Instead, a header or footer
piece that prints the count (``{pages}``, ``{page_of_pages}``) is placed on its page as a
PDF form XObject (a named drawing) that is only *referenced* there; the forms are drawn
once the last page is done and the count is known, just before the file is written.  A
decoration never changes the page breaks, so nothing else depends on the count.

The table of contents needs the page of every heading, which is text in the story itself,
so a theme with a contents page lays the story out again while a pass learns anchor pages
it printed wrongly: pass one measures, pass two prints what pass one measured.  Page
numbers sit in fixed-width slots, so the second pass has the same page breaks and the loop
ends there; a few more passes are allowed for the rare case where it does not.  Only the
final pass is written out.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import SimpleNamespace

from reportlab.lib.pagesizes import A4, A5, LEGAL, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    Flowable,
    Frame,
    LayoutError,
    NextPageTemplate,
    PageTemplate,
    Spacer,
)

from ..diagnostics import Location
from ..theme import RunningText, Template, Theme
from .keep import KeepWithNext
from .markup import MarkupWriter
from .paragraph import Paragraph
from .styles import Styles
from .tagging import TaggingCanvas, artifact

PAGE_SIZES = {"A4": A4, "Letter": LETTER, "Legal": LEGAL, "A5": A5}
MAX_PASSES = 4
COUNTS = ("{pages}", "{page_of_pages}")  # placeholders that need the final page count


class RenderError(Exception):
    """Content that cannot be laid out (a box or table row taller than a page), with the
    place it was written; the pipeline reports it like any other problem."""

    def __init__(self, location: Location | None, message: str) -> None:
        super().__init__(message)
        self.location = location


@dataclass(frozen=True)
class Metadata:
    """The document information written into the PDF."""

    title: str
    author: str
    subject: str
    keywords: str
    creator: str
    language: str


@dataclass(frozen=True)
class RunningValues:
    """Values for the ``{placeholders}`` of header and footer templates."""

    title: str
    subtitle: str
    date: str
    organisation: str
    page_of_pages: str  # "Page {page} of {pages}" in the brief's language


@dataclass(frozen=True)
class RenderedPdf:
    """The PDF's bytes, its page count and the layout passes it took."""

    data: bytes
    pages: int
    passes: int


def frame_size(theme: Theme) -> tuple[float, float]:
    """The text block's width and height."""
    width, height = PAGE_SIZES[theme.page.size]
    margins = theme.page.margins
    return width - margins.left - margins.right, height - margins.top - margins.bottom


def column_width(theme: Theme) -> float:
    """The width of one text column (the whole text block in a one-column theme)."""
    count = theme.page.column_count
    return (frame_size(theme)[0] - theme.page.column_gap * (count - 1)) / count


class ColumnStart(ActionFlowable):
    """Where the columns begin: after the title block and key messages, which span the
    page.  The rest of the page below this point is split into the theme's columns."""

    def __init__(self) -> None:
        super().__init__(("columnStart",))


class BriefDocTemplate(BaseDocTemplate):
    def __init__(self, target: io.BytesIO, *, theme: Theme, styles: Styles,
                 writer: MarkupWriter, values: RunningValues, metadata: Metadata) -> None:
        self.theme = theme
        self.styles = styles
        self.writer = writer
        self.values = values
        # Pieces that print the page count: (form name, template, style, values, y).
        self.deferred: list[tuple[str, Template, ParagraphStyle, dict[str, str], float]] = []
        self._doSave = 0  # ReportLab's switch: finish() saves, after drawing the forms
        # The running head names the section in force at the top of the page: the one
        # continuing from the previous page, or the one whose heading opens this page.
        self.section_at_top = ""
        self.section_on_page: str | None = None
        self.last_section = ""
        self.page_has_content = False
        self.anchor_pages: dict[str, int] = {}
        self.pending_floats: list[Flowable] = []  # figures waiting for the next column
        margins = theme.page.margins
        super().__init__(
            target,
            pagesize=PAGE_SIZES[theme.page.size],
            leftMargin=margins.left, rightMargin=margins.right,
            topMargin=margins.top, bottomMargin=margins.bottom,
            title=metadata.title, author=metadata.author, subject=metadata.subject,
            keywords=metadata.keywords, creator=metadata.creator, lang=metadata.language,
            invariant=1, displayDocTitle=1, pageCompression=1,
            initialFontName=styles.body.fontName, initialFontSize=styles.body.fontSize,
            keepTogetherClass=KeepWithNext,
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        first = (PageTemplate("cover", [frame], onPage=self._cover_page) if theme.cover
                 else PageTemplate("first", [frame], onPage=self._first_page,
                                   onPageEnd=self._page_end))
        later = self._columns(self.bottomMargin + self.height)
        self.addPageTemplates([first, PageTemplate("later", later, onPageEnd=self._page_end)])

    def _columns(self, top: float) -> list[Frame]:
        """The theme's text columns from ``top`` down to the bottom margin."""
        count = self.theme.page.column_count
        width = column_width(self.theme)
        step = width + self.theme.page.column_gap
        return [Frame(self.leftMargin + index * step, self.bottomMargin, width,
                      top - self.bottomMargin, id=f"column-{index + 1}", leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0)
                for index in range(count)]

    def handle_columnStart(self) -> None:  # noqa: N802 - ReportLab's handle_<action> name
        """Split what is left of this page into columns (see :class:`ColumnStart`)."""
        if self.theme.page.column_count == 1 or self.frame.id != "body":
            return  # one column, or already in columns (the opening ran over a page)
        gap = self.theme.spacing.block / 2
        columns = self._columns(self.frame._y - gap)
        # Only the first page's template holds the "body" frame, and it is used once.
        self.pageTemplate.frames = [self.frame, *columns]
        self.handle_frameEnd()

    # -- hooks -------------------------------------------------------------------------

    def beforeDocument(self) -> None:  # noqa: N802 - ReportLab's name
        self.canv.showOutline()  # open the bookmarks panel: a brief is read by its outline

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        self._place_floats(flowables)
        if not flowables:
            return
        first = flowables[0]
        # The pieces a split leaves (the rest of a table) are new flowables that do not
        # know their source: they are placed right after the piece before them, whose
        # source is theirs.
        where = _source_of(first) or vars(self).get("_last_source")
        self._last_source = where
        try:
            super().handle_flowable(flowables)
        except LayoutError:
            raise RenderError(
                where,
                "this content is taller than a page and cannot be split across pages "
                "(a box, table row or cell that long); shorten it or split it up",
            ) from None

    def _place_floats(self, flowables: list[Flowable]) -> None:
        """Figures float, as in LaTeX: a figure that does not fit in the space left in
        this column waits while the text after it fills the space, and goes to the top of
        the next column or page.  It never passes a heading (it comes out before the next
        section) nor the end of the document, and it moves at most once."""
        frame = getattr(self, "frame", None)
        if frame is None:  # before the first page has begun
            return
        if self.pending_floats and (frame._atTop or len(flowables) <= 1
                                    or _is_heading(flowables[0])):
            held, self.pending_floats = self.pending_floats, []
            flowables[0:0] = held  # at a fresh column, or just before a boundary
            return
        first = flowables[0]
        if not getattr(first, "floats", False) or len(flowables) <= 1 or frame._atTop:
            return
        available = frame._y - frame._y1p
        _width, height = first.wrapOn(self.canv, frame._getAvailableWidth(), available)
        height = getattr(first, "_H", height)  # a KeepTogether reports its real height here
        fresh = frame._y2 - frame._topPadding - frame._y1p
        if available < height <= fresh:
            first.floats = False  # it moves once
            self.pending_floats.append(flowables.pop(0))

    def handle_pageBegin(self) -> None:  # noqa: N802 - ReportLab's name
        super().handle_pageBegin()
        self.section_at_top = self.last_section
        self.section_on_page = None
        self.page_has_content = False

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's name
        anchor = getattr(flowable, "anchor", None)
        if isinstance(anchor, str) and anchor not in self.anchor_pages:
            self.anchor_pages[anchor] = self.page
        title = getattr(flowable, "outline_title", None)
        if title is None:
            # Frame breaks (keep-with-next inserts them) and spaces are not content: a
            # heading after them still opens the page and names it in the running head.
            if not isinstance(flowable, ActionFlowable | Spacer):
                self.page_has_content = True
            return
        self.canv.addOutlineEntry(title, flowable.anchor, level=flowable.level, closed=False)
        section = getattr(flowable, "section_title", None)
        if section and flowable.level == 0:
            if not self.page_has_content and self.section_on_page is None:
                self.section_on_page = section
            self.last_section = section

    # -- decorations -------------------------------------------------------------------

    def _first_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        canv.saveState()
        width, height = self.pagesize
        canv.setFillColor(self.styles.title.textColor)
        canv.rect(0, height - 7 * mm, width, 7 * mm, stroke=0, fill=1)
        canv.restoreState()

    def _cover_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """A band of the primary colour down the left edge and a rule of the accent."""
        canv.saveState()
        _width, height = self.pagesize
        band = self.leftMargin * 0.42
        canv.setFillColor(self.styles.title.textColor)
        canv.rect(0, 0, band, height, stroke=0, fill=1)
        canv.setFillColor(self.styles.kicker.textColor)
        canv.rect(band, 0, 1.6 * mm, height, stroke=0, fill=1)
        canv.restoreState()

    def _page_end(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Header and footer are drawn last, when the page's section is known."""
        page = canv.getPageNumber()
        section = self.section_on_page or self.section_at_top
        if page > 1:
            with artifact(canv, "Pagination", "Header"):
                self._running(canv, self.theme.header, top=True, page=page, section=section)
        with artifact(canv, "Pagination", "Footer"):
            self._running(canv, self.theme.footer, top=False, page=page, section=section)

    def _running(self, canv: Canvas, text: RunningText, *, top: bool, page: int,
                 section: str) -> None:
        values = {
            "title": self.values.title, "subtitle": self.values.subtitle,
            "date": self.values.date, "organisation": self.values.organisation,
            "section": section, "page": str(page),
        }
        height = self.pagesize[1]
        margins = self.theme.page.margins
        rule_colour = self.styles.meta.textColor
        y = height - margins.top + 7 * mm if top else margins.bottom - 11 * mm
        pieces = [(text.left, self.styles.running_left), (text.right, self.styles.running_right),
                  (text.center, self.styles.running_center)]
        drew = False
        for template, style in pieces:
            if template is None:
                continue
            if any(count in template for count in COUNTS):
                name = f"running-{'head' if top else 'foot'}-{style.name}-{page}"
                canv.saveState()
                canv.doForm(name)
                canv.restoreState()
                self.deferred.append((name, template, style, values, y))
                drew = True
                continue
            content = template.fill(**values)
            if not content:
                continue
            self._draw_piece(canv, content, style, y)
            drew = True
        if drew:
            canv.saveState()
            canv.setStrokeColor(rule_colour)
            canv.setLineWidth(0.4)
            line_y = y - 2.2 * mm if top else y + 5 * mm
            canv.line(self.leftMargin, line_y, self.leftMargin + self.width, line_y)
            canv.restoreState()

    def _draw_piece(self, canv: Canvas, content: str, style: ParagraphStyle, y: float) -> None:
        para = Paragraph(self.writer.text(content, style), style)
        para.wrap(self.width, 100)
        para.drawOn(canv, self.leftMargin, y)

    def finish(self) -> None:
        """Draw the pieces that print the page count, now that it is known; save."""
        count = str(self.page)
        for name, template, style, values, y in self.deferred:
            of = self.values.page_of_pages.format(page=values["page"], pages=count)
            self.canv.beginForm(name)
            self._draw_piece(self.canv, template.fill(**values, pages=count, page_of_pages=of),
                             style, y)
            self.canv.endForm()
        self.canv.save()


def lay_out(story_factory: Callable[[Mapping[str, int]], list[Flowable]], *, theme: Theme,
            styles: Styles, writer: MarkupWriter, values: RunningValues, metadata: Metadata,
            epoch: int, describe_link: Callable[[str, bool], str] | None = None,
            ) -> RenderedPdf:
    """Lay the story out once; with a table of contents, again until the anchor pages it
    prints are the ones measured (normally two passes).  Only the last pass is saved.

    With ``describe_link`` (which words a link annotation's target) the PDF is tagged: the
    story's flowables must have their structure assigned
    (:func:`~briefsmith.render.tagging.assign_structure`), and the file holds its
    structure tree."""
    anchor_pages: Mapping[str, int] = {}
    for passes in range(1, MAX_PASSES + 1):
        target = io.BytesIO()
        doc = BriefDocTemplate(target, theme=theme, styles=styles, writer=writer, values=values,
                               metadata=metadata)
        story = [NextPageTemplate("later"), *story_factory(anchor_pages)]
        doc.build(story, canvasmaker=_canvas_maker(epoch, describe_link))
        measured = doc.anchor_pages if theme.toc else {}
        if measured == anchor_pages:
            doc.finish()
            return RenderedPdf(target.getvalue(), doc.page, passes)
        anchor_pages = measured
    raise RuntimeError("the layout did not settle")  # pragma: no cover


def _canvas_maker(epoch: int, describe_link: Callable[[str, bool], str] | None,
                  ) -> Callable[..., Canvas]:
    """A canvas whose document dates come from ``epoch``, never from the wall clock (and
    which records the structure of what is drawn, when tagging)."""

    def make(*args: object, **kwargs: object) -> Canvas:
        with _source_date_epoch(epoch):
            if describe_link is None:
                canv = Canvas(*args, **kwargs)
            else:
                canv = TaggingCanvas(*args, **kwargs)
                canv.structure.describe = describe_link
        canv._doc._timeStamp = _timestamp(epoch)
        return canv

    return make


@contextlib.contextmanager
def _source_date_epoch(epoch: int) -> Iterator[None]:
    """ReportLab's ``TimeStamp`` reads ``SOURCE_DATE_EPOCH`` with a bare ``int()`` while the
    canvas is made: ``1.5`` or ``abc`` in the environment would crash any caller of the
    pipeline, and a huge value would write a 17-digit year.  For that moment the variable
    holds the epoch this build already validated; the caller's value is put back after."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def _source_of(flowable: Flowable | None) -> Location | None:
    """The place the content of ``flowable`` (or of a group holding it) was written."""
    where = getattr(flowable, "source_at", None)
    if where is None:
        for inner in getattr(flowable, "_content", None) or []:
            where = getattr(inner, "source_at", None)
            if where is not None:
                break
    return where


def _timestamp(epoch: int) -> SimpleNamespace:
    moment = time.gmtime(epoch)
    return SimpleNamespace(t=float(epoch), lt=tuple(moment), YMDhms=tuple(moment)[:6],
                           dhh=0, dmm=0, tzname="UTC")


def _is_heading(flowable: Flowable) -> bool:
    """A heading, alone or grouped with what it is kept with."""
    if getattr(flowable, "outline_title", None) is not None:
        return True
    content = getattr(flowable, "_content", None) or []
    return bool(content) and getattr(content[0], "outline_title", None) is not None
