"""The story: the brief's flowables in reading order (title block, key messages, sections,
references).  Blocks inside sections are drawn by :mod:`briefsmith.render.blocks`."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, ListFlowable, ListItem, Paragraph, Table

from ..model import Brief, Document, Section
from .blocks import render_block
from .context import HeadingParagraph, RenderContext, located_at
from .references import evidence_appendix, reference_list


class Anchor(Flowable):
    """An invisible link target (and outline entry) at a point in the story."""

    def __init__(self, name: str, outline_title: str | None = None, level: int = 0) -> None:
        super().__init__()
        self.anchor = name
        self.outline_title = outline_title
        self.level = level
        self.section_title = outline_title

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.anchor, 0, 0)


def build_story(doc: Document, ctx: RenderContext) -> list[Flowable]:
    story = located_at(title_block(doc.brief, ctx), doc.brief.at)
    if doc.brief.key_messages:
        story += located_at(key_messages(doc.brief, ctx), doc.brief.key_messages[0].at)
    lists = {refs.section: refs for refs in ctx.bibliography.lists}
    for number, section in enumerate(doc.sections, 1):
        story += located_at(section_flowables(section, number, ctx), section.at)
        if number in lists:
            story += reference_list(lists[number], ctx, level=1)
    if doc.brief.citations.evidence:
        story += evidence_appendix(doc, ctx)
    if None in lists:
        story += reference_list(lists[None], ctx, level=0)
    return story


def title_block(brief: Brief, ctx: RenderContext) -> list[Flowable]:
    s = ctx.styles
    story: list[Flowable] = [
        Paragraph(ctx.headings.text(ctx.labels.policy_brief.upper()), s.kicker),
        Paragraph(ctx.headings.text(brief.title), s.title),
    ]
    if brief.subtitle:
        story.append(Paragraph(ctx.headings.text(brief.subtitle), s.subtitle))
    meta = [", ".join(brief.authors)] if brief.authors else []
    if brief.organisation:
        meta.append(brief.organisation)
    meta.append(ctx.labels.date(brief.date))
    story.append(HRFlowable(width="100%", thickness=1.4, color=ctx.colour("primary"),
                            spaceBefore=2 * mm, spaceAfter=1 * mm))
    story.append(Paragraph(
        "\u2002\u00b7\u2002".join(ctx.headings.text(m) for m in meta), s.meta))
    story.append(HRFlowable(width="100%", thickness=0.5, color=ctx.colour("rule"),
                            spaceBefore=1 * mm, spaceAfter=ctx.theme.spacing.block))
    return story


def key_messages(brief: Brief, ctx: RenderContext) -> list[Flowable]:
    s = ctx.styles
    items = [ListItem(Paragraph(ctx.body.rich(m), s.box_item)) for m in brief.key_messages]
    inner: list[Flowable] = [
        Paragraph(ctx.headings.text(ctx.labels.key_messages), s.box_heading),
        ListFlowable(items, bulletType="bullet", start="\u2022", bulletColor=ctx.colour("accent"),
                     bulletFontName=s.box_item.fontName, bulletFontSize=s.box_item.fontSize,
                     leftIndent=4.5 * mm, bulletDedent=4 * mm),
    ]
    box = Table([[inner]], colWidths=[ctx.frame_width], style=ctx.table_style([
        ("BACKGROUND", (0, 0), (-1, -1), ctx.colour("tint")),
        ("LINEBEFORE", (0, 0), (0, -1), 3, ctx.colour("primary")),
        ("LEFTPADDING", (0, 0), (-1, -1), 6 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 4.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5 * mm),
    ]), spaceAfter=ctx.theme.spacing.block)
    return [Anchor("key-messages", ctx.labels.key_messages), box]


def section_flowables(section: Section, number: int, ctx: RenderContext) -> list[Flowable]:
    title = ctx.headings.text(section.title)
    if ctx.theme.numbered_headings:
        accent = ctx.theme.colours.accent
        markup = f'<font color="{accent}">{number}</font>\u2003{title}'
        outline = f"{number} {section.title}"
    else:
        markup, outline = title, section.title
    story: list[Flowable] = [HeadingParagraph(
        markup, ctx.styles.h1, anchor=f"sec-{number}", outline_title=outline, level=0,
        section_title=section.title,
    )]
    if section.lead is not None:
        story.append(Paragraph(ctx.body.rich(section.lead), ctx.styles.lead))
    for block in section.blocks:
        story += render_block(block, ctx)
    return story
