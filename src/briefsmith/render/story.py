"""The story: the brief's flowables in reading order (cover or title block, contents, key
messages, sections, references).  Blocks inside sections are drawn by
:mod:`briefsmith.render.blocks`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    ListFlowable,
    ListItem,
    PageBreak,
    Spacer,
    Table,
)

from ..model import Brief, Document, Heading, KeyFigures, Section
from .blocks import image_flowable, render_block
from .context import Anchor, RenderContext, heading_paragraph, located_at, tag
from .page import ColumnStart, column_width
from .paragraph import Paragraph
from .references import evidence_appendix, reference_list
from .tagging import Node, artifact, link_area


class BalancedParagraph(Paragraph):
    """A title whose lines are about equally long ("Every Block in One / Brief" becomes
    "Every Block / in One Brief"): the narrowest measure that needs no extra line, as CSS
    ``text-wrap: balance`` does.  It still takes the full width of the frame."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        _width, height = super().wrap(available_width, available_height)
        lines = len(self.blPara.lines)
        if lines < 2:
            return available_width, height
        narrow, wide = available_width / 2, available_width
        for _ in range(10):  # bisect to within 0.1 % of the width
            middle = (narrow + wide) / 2
            super().wrap(middle, available_height)
            if len(self.blPara.lines) > lines:
                narrow = middle
            else:
                wide = middle
        _width, height = super().wrap(wide, available_height)
        return available_width, height


class TocEntry(Flowable):
    """One line of the table of contents: linked title, dot leaders, linked page number."""

    def __init__(self, markup: str, style: object, anchor: str, page: str,
                 number_style: object) -> None:
        super().__init__()
        self.link_target = anchor  # not ``anchor``: that names targets this flowable defines
        self.page = page
        self.para = Paragraph(markup, style)
        self.number = Paragraph(page, number_style)
        self.number_width = 12 * mm
        self.style = style

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        _w, height = self.para.wrap(available_width - self.number_width - 4 * mm,
                                    available_height)
        self.number.wrap(self.number_width, available_height)
        self.height = height
        return available_width, height

    def getSpaceBefore(self) -> float:  # noqa: N802 - ReportLab's name
        return self.style.spaceBefore

    def draw(self) -> None:
        canv = self.canv
        with link_area(canv):  # the entry's text (and number) is its link's, tagged
            self.para.drawOn(canv, 0, 0)
            self.number.drawOn(canv, self.width - self.number_width, 0)
            # The line widths already count the entry's indent; the last line's baseline
            # sits one leading minus the font size above the bottom, whatever the number of
            # lines.
            widths = self.para.getActualLineWidths0() or [0]
            last_line_end = widths[-1] + 2 * mm
            baseline = self.style.leading - self.style.fontSize
            dots_end = self.width - self.number_width + 1 * mm
            if dots_end - last_line_end > 4 * mm:
                with artifact(canv, "Layout"):
                    self._leader_dots(last_line_end, dots_end, baseline)
            canv.linkRect("", self.link_target, (0, 0, self.width, self.height),
                          relative=1, thickness=0)

    def _leader_dots(self, start: float, end: float, baseline: float) -> None:
        canv = self.canv
        canv.saveState()
        canv.setFillColor(self.style.textColor)
        canv.setFont(self.style.fontName, self.style.fontSize)
        step = self.style.fontSize * 0.55
        x = end - step
        while x > start:
            canv.drawCentredString(x, baseline, ".")
            x -= step
        canv.restoreState()


def build_story(doc: Document, ctx: RenderContext,
                anchor_pages: Mapping[str, int]) -> list[Flowable]:
    """``anchor_pages`` are the pages the previous layout pass put each anchor on.

    Every flowable is tagged with the place its content was written (``located_at``), so
    a layout failure is reported there.  The opening (cover or title block, contents, key
    messages) spans the page; what follows is set in the theme's columns, so it is built
    for the column width.
    """
    opening = cover(doc.brief, ctx) if ctx.theme.cover else title_block(doc.brief, ctx)
    story = located_at(opening, doc.brief.at)
    if ctx.theme.toc:
        story += located_at(contents(doc, ctx, anchor_pages), doc.brief.at)
    if doc.brief.key_messages:
        story += located_at(key_messages(doc.brief, ctx), doc.brief.key_messages[0].at)
    story.append(ColumnStart())
    figures = (item for section in doc.sections for block in section.blocks
               if isinstance(block, KeyFigures) for item in block.items)
    ctx = replace(ctx, frame_width=column_width(ctx.theme),
                  figure_anchors={id(item): f"figure-{n}" for n, item in enumerate(figures, 1)})
    lists = {refs.section: refs for refs in ctx.bibliography.lists}
    for number, section in enumerate(doc.sections, 1):
        story += located_at(section_flowables(section, ctx), section.at)
        if number in lists:
            story += reference_list(lists[number], ctx, level=1)
    if doc.brief.citations.evidence:
        story += evidence_appendix(doc, ctx)
    if None in lists:
        story += reference_list(lists[None], ctx, level=0)
    return story


def _meta(brief: Brief, ctx: RenderContext) -> list[str]:
    meta = [", ".join(brief.authors)] if brief.authors else []
    if brief.organisation:
        meta.append(brief.organisation)
    meta.append(ctx.labels.date(brief.date))
    return meta


def _logo_alt(brief: Brief, ctx: RenderContext) -> str:
    return f"{ctx.labels.logo}: {brief.organisation}" if brief.organisation else ctx.labels.logo


def title_block(brief: Brief, ctx: RenderContext) -> list[Flowable]:
    s = ctx.styles
    story: list[Flowable] = []
    if ctx.theme.logo is not None:
        logo = image_flowable(ctx.assets.image(ctx.theme.logo), ctx.frame_width,
                              ctx.theme.logo_height, alt=_logo_alt(brief, ctx),
                              font=lambda text, style: ctx.font_for(text, "figures", style),
                              align="LEFT")
        if logo is not None:
            story += [logo, Spacer(1, 3 * mm)]
    story += [
        Paragraph(ctx.headings.text(ctx.labels.policy_brief.upper(), s.kicker), s.kicker),
        tag(BalancedParagraph(ctx.headings.text(brief.title, s.title), s.title), "Title"),
    ]
    if brief.subtitle:
        story.append(Paragraph(ctx.headings.text(brief.subtitle, s.subtitle), s.subtitle))
    story.append(HRFlowable(width="100%", thickness=1.4, color=ctx.colour("primary"),
                            spaceBefore=2 * mm, spaceAfter=1 * mm))
    story.append(Paragraph(
        "\u2002\u00b7\u2002".join(ctx.headings.text(m, s.meta) for m in _meta(brief, ctx)),
        s.meta))
    story.append(HRFlowable(width="100%", thickness=0.5, color=ctx.colour("rule"),
                            spaceBefore=1 * mm, spaceAfter=ctx.theme.spacing.block))
    return story


def cover(brief: Brief, ctx: RenderContext) -> list[Flowable]:
    """A title page of its own: logo, kicker, title, subtitle, then who and when."""
    s = ctx.styles
    story: list[Flowable] = []
    if ctx.theme.logo is not None:
        logo = image_flowable(ctx.assets.image(ctx.theme.logo), ctx.frame_width,
                              ctx.theme.logo_height * 1.3, alt=_logo_alt(brief, ctx),
                              font=lambda text, style: ctx.font_for(text, "figures", style),
                              align="LEFT")
        if logo is not None:
            story.append(logo)
    story += [
        Spacer(1, ctx.frame_height * 0.22),
        Paragraph(ctx.headings.text(ctx.labels.policy_brief.upper(), s.kicker), s.kicker),
        tag(BalancedParagraph(ctx.headings.text(brief.title, s.cover_title), s.cover_title),
            "Title"),
    ]
    if brief.subtitle:
        story.append(Paragraph(ctx.headings.text(brief.subtitle, s.cover_subtitle),
                               s.cover_subtitle))
    story.append(HRFlowable(width="35%", thickness=2.2, color=ctx.colour("accent"),
                            hAlign="LEFT", spaceBefore=3 * mm, spaceAfter=6 * mm))
    for line in _meta(brief, ctx):
        story.append(Paragraph(ctx.headings.text(line, s.cover_meta), s.cover_meta))
    story.append(PageBreak())
    return story


def contents(doc: Document, ctx: RenderContext,
             anchor_pages: Mapping[str, int]) -> list[Flowable]:
    s = ctx.styles
    toc = Node("TOC")
    story: list[Flowable] = [tag(Paragraph(ctx.headings.text(ctx.labels.contents, s.toc_title),
                                           s.toc_title),
                                 "Caption", parent=toc)]
    entries: list[tuple[str, str, int]] = []
    for target in ctx.targets.sections():
        number = f"{target.number}\u2002" if ctx.theme.numbered_headings else ""
        entries.append((number + target.title, target.anchor, target.level))
    # In the order build_story sets them: the evidence appendix, then the references.
    if doc.brief.citations.evidence:
        entries.append((ctx.labels.evidence, "evidence", 0))
    if any(refs.section is None for refs in ctx.bibliography.lists):
        entries.append((ctx.labels.references, "references", 0))
    number_style = s.toc_0.clone("toc_number", alignment=2, leftIndent=0)
    for title, anchor, level in entries:
        style = s.toc_0 if level == 0 else s.toc_1
        page = anchor_pages.get(anchor)
        story.append(tag(TocEntry(ctx.headings.text(title, style), style, anchor,
                                  str(page) if page else "", number_style.clone(
                                      "n", fontSize=style.fontSize, leading=style.leading,
                                      textColor=style.textColor)),
                         "TOCI", parent=toc))
    story.append(HRFlowable(width="100%", thickness=0.5, color=ctx.colour("rule"),
                            spaceBefore=ctx.theme.spacing.block / 2,
                            spaceAfter=ctx.theme.spacing.block))
    return story


def key_messages(brief: Brief, ctx: RenderContext) -> list[Flowable]:
    s = ctx.styles
    items = [ListItem(Paragraph(ctx.body.rich(m, s.box_item), s.box_item))
             for m in brief.key_messages]
    inner: list[Flowable] = [
        tag(Paragraph(ctx.headings.text(ctx.labels.key_messages, s.box_heading), s.box_heading),
            "H1"),
        tag(ListFlowable(items, bulletType="bullet", start="\u2022",
                         bulletColor=ctx.colour("accent"),
                         bulletFontName=ctx.font_for("\u2022", "body"),
                         bulletFontSize=s.box_item.fontSize, leftIndent=4.5 * mm,
                         bulletDedent=4 * mm), "L"),
    ]
    box = Table([[inner]], colWidths=[ctx.frame_width], style=ctx.table_style([
        ("BACKGROUND", (0, 0), (-1, -1), ctx.colour("tint")),
        ("LINEBEFORE", (0, 0), (0, -1), 3, ctx.colour("primary")),
        ("LEFTPADDING", (0, 0), (-1, -1), 6 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 4.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5 * mm),
    ]), spaceAfter=ctx.theme.spacing.block)
    return [Anchor("key-messages", ctx.labels.key_messages), tag(box, "Sect")]


def section_title_markup(title: str, number: str, ctx: RenderContext) -> tuple[str, str]:
    """Heading markup and outline text, numbered when the theme says so."""
    markup = ctx.headings.text(title, ctx.styles.h1)
    if not ctx.theme.numbered_headings:
        return markup, title
    accent = ctx.theme.colours.accent
    return f'<font color="{accent}">{number}</font>\u2003{markup}', f"{number} {title}"


def section_flowables(section: Section, ctx: RenderContext) -> list[Flowable]:
    target = ctx.targets.of(section)
    assert target is not None  # every section was numbered
    markup, outline = section_title_markup(section.title, target.number, ctx)
    story: list[Flowable] = [
        # A heading starts a page rather than end one with too little room below it.
        CondPageBreak(ctx.styles.h1.fontSize * 4),
        heading_paragraph(markup, ctx.styles.h1, anchor=target.anchor, outline_title=outline,
                          level=0, section_title=section.title),
    ]
    if section.lead is not None:
        lead = ctx.styles.lead
        story.append(tag(Paragraph(ctx.headings.rich(section.lead, lead), lead), "P"))
    for block in section.blocks:
        if isinstance(block, Heading):
            story.append(CondPageBreak(ctx.styles.h2.fontSize * 5))
        story += render_block(block, ctx)
    return story
