"""Pages: paper, frames, running header and footer, bookmarks, and the one layout pass.

"Page X of Y" needs Y before the last page is laid out.  The well-known ``NumberedCanvas``
recipe defers page output and sends every bookmark and link to page 1; laying the story
out twice (once to count) doubles the cost of every build.  Instead, a header or footer
piece that prints ``{pages}`` is placed on its page as a PDF form XObject (a named,
reusable drawing) that is only *referenced* there; the forms are drawn once the last page
is done and the count is known, just before the file is written.  Everything else on the
page, links and bookmarks included, is drawn in the one pass as usual.  A decoration never
changes the page breaks, so nothing else depends on the count.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from reportlab.lib.pagesizes import A4, A5, LEGAL, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
)

from ..theme import RunningText, Template, Theme
from .markup import MarkupWriter
from .styles import Styles

PAGE_SIZES = {"A4": A4, "Letter": LETTER, "Legal": LEGAL, "A5": A5}
COUNT = "{pages}"


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


def page_frame_width(theme: Theme) -> float:
    width, _height = PAGE_SIZES[theme.page.size]
    return width - theme.page.margins.left - theme.page.margins.right


class BriefDocTemplate(BaseDocTemplate):
    def __init__(self, target: io.BytesIO, *, theme: Theme, styles: Styles,
                 writer: MarkupWriter, values: RunningValues, metadata: Metadata) -> None:
        self.theme = theme
        self.styles = styles
        self.writer = writer
        self.values = values
        # Pieces that print the page count: (form name, template, style, values, y).
        self.deferred: list[tuple[str, Template, ParagraphStyle, dict[str, str], float]] = []
        self._doSave = 0  # ReportLab's switch: we save after drawing the deferred forms
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
            if COUNT in template:
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
        para = Paragraph(self.writer.text(content), style)
        para.wrap(self.width, 100)
        para.drawOn(canv, self.leftMargin, y)

    def finish(self) -> None:
        """Draw the pieces that print the page count, now that it is known; save."""
        count = str(self.page)
        for name, template, style, values, y in self.deferred:
            self.canv.beginForm(name)
            self._draw_piece(self.canv, template.fill(**values, pages=count), style, y)
            self.canv.endForm()
        self.canv.save()


def lay_out(story_factory: Callable[[], list[Flowable]], *, theme: Theme, styles: Styles,
            writer: MarkupWriter, values: RunningValues, metadata: Metadata,
            epoch: int) -> RenderedPdf:
    """Lay the story out once and write the PDF."""
    target = io.BytesIO()
    doc = BriefDocTemplate(target, theme=theme, styles=styles, writer=writer, values=values,
                           metadata=metadata)
    doc.build([NextPageTemplate("later"), *story_factory()], canvasmaker=_canvas_maker(epoch))
    doc.finish()
    return RenderedPdf(target.getvalue(), doc.page)


def _canvas_maker(epoch: int) -> Callable[..., Canvas]:
    """A canvas whose document dates come from ``epoch``, never from the wall clock."""

    def make(*args: object, **kwargs: object) -> Canvas:
        canv = Canvas(*args, **kwargs)
        canv._doc._timeStamp = _timestamp(epoch)
        return canv

    return make


def _timestamp(epoch: int) -> SimpleNamespace:
    moment = time.gmtime(epoch)
    return SimpleNamespace(t=float(epoch), lt=tuple(moment), YMDhms=tuple(moment)[:6],
                           dhh=0, dmm=0, tzname="UTC")
