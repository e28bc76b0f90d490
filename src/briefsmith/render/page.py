"""Pages: paper, frames, running header and footer, bookmarks, and the layout passes.

"Page X of Y" needs Y before the last page is laid out.  The well-known ``NumberedCanvas``
recipe defers page output and sends every bookmark and link to page 1, so instead we lay
the story out again when a pass learns a fact the page decorations print (the page count):
pass one counts, pass two prints the count.  Only facts that change the *decorations* feed
back, so the second pass has the same page breaks and the loop ends there.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from reportlab.lib.pagesizes import A4, A5, LEGAL, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    LayoutError,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
)

from ..diagnostics import Location
from ..theme import RunningText, Theme
from .markup import MarkupWriter
from .styles import Styles

PAGE_SIZES = {"A4": A4, "Letter": LETTER, "Legal": LEGAL, "A5": A5}
MAX_PASSES = 4


class RenderError(Exception):
    """Content that cannot be laid out (a box or table row taller than a page), with the
    place it was written; the pipeline reports it like any other problem."""

    def __init__(self, location: Location | None, message: str) -> None:
        super().__init__(message)
        self.location = location


@dataclass(frozen=True)
class Metadata:
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


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    passes: int


def page_frame_width(theme: Theme) -> float:
    width, _height = PAGE_SIZES[theme.page.size]
    return width - theme.page.margins.left - theme.page.margins.right


class BriefDocTemplate(BaseDocTemplate):
    def __init__(self, target: io.BytesIO, *, theme: Theme, styles: Styles,
                 writer: MarkupWriter, values: RunningValues, known_pages: int | None,
                 metadata: Metadata) -> None:
        self.theme = theme
        self.styles = styles
        self.writer = writer
        self.values = values
        self.known_pages = known_pages
        # The running head names the section in force at the top of the page: the one
        # continuing from the previous page, or the one whose heading opens this page.
        self.section_at_top = ""
        self.section_on_page: str | None = None
        self.last_section = ""
        self.page_has_content = False
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
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate("first", [frame], onPage=self._first_page, onPageEnd=self._page_end),
            PageTemplate("later", [frame], onPageEnd=self._page_end),
        ])

    # -- hooks -------------------------------------------------------------------------

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        first = flowables[0] if flowables else None
        try:
            super().handle_flowable(flowables)
        except LayoutError:
            raise RenderError(
                _source_of(first),
                "this content is taller than a page and cannot be split across pages "
                "(a box, table row or cell that long); shorten it or split it up",
            ) from None

    def handle_pageBegin(self) -> None:  # noqa: N802 - ReportLab's name
        super().handle_pageBegin()
        self.section_at_top = self.last_section
        self.section_on_page = None
        self.page_has_content = False

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's name
        title = getattr(flowable, "outline_title", None)
        if title is None:
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

    def _page_end(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Header and footer are drawn last, when the page's section is known."""
        page = canv.getPageNumber()
        section = self.section_on_page or self.section_at_top
        if page > 1:
            self._running(canv, self.theme.header, top=True, page=page, section=section)
        self._running(canv, self.theme.footer, top=False, page=page, section=section)

    def _running(self, canv: Canvas, text: RunningText, *, top: bool, page: int,
                 section: str) -> None:
        values = {
            "title": self.values.title, "subtitle": self.values.subtitle,
            "date": self.values.date, "organisation": self.values.organisation,
            "section": section, "page": str(page),
            "pages": str(self.known_pages) if self.known_pages else "",
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
            content = template.fill(**values)
            if not content:
                continue
            para = Paragraph(self.writer.text(content), style)
            para.wrap(self.width, 100)
            para.drawOn(canv, self.leftMargin, y)
            drew = True
        if drew:
            canv.saveState()
            canv.setStrokeColor(rule_colour)
            canv.setLineWidth(0.4)
            line_y = y - 2.2 * mm if top else y + 5 * mm
            canv.line(self.leftMargin, line_y, self.leftMargin + self.width, line_y)
            canv.restoreState()


def lay_out(story_factory: Callable[[], list[Flowable]], *, theme: Theme, styles: Styles,
            writer: MarkupWriter, values: RunningValues, metadata: Metadata,
            epoch: int) -> RenderedPdf:
    """Build until the facts printed in decorations are stable (normally two passes)."""
    needs_count = any(
        "{pages}" in (t or "")
        for running in (theme.header, theme.footer)
        for t in (running.left, running.center, running.right)
    )
    known_pages: int | None = None
    for passes in range(1, MAX_PASSES + 1):
        target = io.BytesIO()
        doc = BriefDocTemplate(target, theme=theme, styles=styles, writer=writer, values=values,
                               known_pages=known_pages, metadata=metadata)
        story = [NextPageTemplate("later"), *story_factory()]
        doc.build(story, canvasmaker=_canvas_maker(epoch))
        pages = doc.page
        if not needs_count or pages == known_pages:
            return RenderedPdf(target.getvalue(), pages, passes)
        known_pages = pages
    raise RuntimeError("page count did not settle")  # pragma: no cover


def _canvas_maker(epoch: int) -> Callable[..., Canvas]:
    """A canvas whose document dates come from ``epoch``, never from the wall clock."""

    def make(*args: object, **kwargs: object) -> Canvas:
        with _source_date_epoch(epoch):
            canv = Canvas(*args, **kwargs)
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
