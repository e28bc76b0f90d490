"""One renderer function per block type: block record + context -> flowables.

Adding a block type is a record in :mod:`briefsmith.model` and a function here decorated
with ``@renders(ThatRecord)``; the story builder dispatches on the record's class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Spacer,
    Table,
)

from ..model import (
    Block,
    BulletList,
    Callout,
    Chart,
    Heading,
    Image,
    KeyFigures,
    Quote,
    Timeline,
)
from ..model import (
    Paragraph as ParagraphBlock,
)
from ..model import (
    Table as TableBlock,
)
from .charts import chart_description, chart_drawing
from .context import AnchoredParagraph, RenderContext, heading_paragraph, located_at, tag
from .figures import caption_paragraph, data_table, figure_flowables, image_flowable
from .paragraph import Paragraph
from .tagging import Node

__all__ = ["RENDERERS", "image_flowable", "render_block", "renders"]

Renderer = Callable[[Any, RenderContext], list[Flowable]]
MIN_CALLOUT = 38 * mm  # the narrowest key-figure callout
SHORT_TABLE_ROWS = 6  # tables with at most this many body rows are kept on one page
TABLE_CHUNK = 50  # rows per Table flowable in long tables (see timeline)
RENDERERS: dict[type, Renderer] = {}


def renders(block_type: type) -> Callable[[Renderer], Renderer]:
    def register(func: Renderer) -> Renderer:
        RENDERERS[block_type] = func
        return func

    return register


def render_block(block: Block, ctx: RenderContext) -> list[Flowable]:
    try:
        renderer = RENDERERS[type(block)]
    except KeyError:  # a record without a renderer is a programming error
        raise TypeError(f"no renderer for block type {type(block).__name__}") from None
    return located_at(renderer(block, ctx), getattr(block, "at", None))


@renders(ParagraphBlock)
def paragraph(block: ParagraphBlock, ctx: RenderContext) -> list[Flowable]:
    return [tag(Paragraph(ctx.body.rich(block.text, ctx.styles.body), ctx.styles.body), "P")]


@renders(Heading)
def heading(block: Heading, ctx: RenderContext) -> list[Flowable]:
    target = ctx.targets.of(block)
    assert target is not None  # every heading was numbered
    markup = ctx.headings.text(block.text, ctx.styles.h2)
    outline = block.text
    if ctx.theme.numbered_headings:
        markup = f'<font color="{ctx.theme.colours.accent}">{target.number}</font>\u2002{markup}'
        outline = f"{target.number} {block.text}"
    return [heading_paragraph(markup, ctx.styles.h2, anchor=target.anchor,
                              outline_title=outline, level=1)]


@renders(BulletList)
def bullet_list(block: BulletList, ctx: RenderContext) -> list[Flowable]:
    items = [ListItem(Paragraph(ctx.body.rich(item, ctx.styles.bullet), ctx.styles.bullet))
             for item in block.items]
    style = ctx.styles.body
    return [tag(ListFlowable(
        items,
        bulletType="1" if block.ordered else "bullet",
        bulletFormat="%s." if block.ordered else None,
        start=None if block.ordered else "\u2022",
        bulletColor=ctx.colour("accent"),
        bulletFontName=(ctx.styles.h2.fontName if block.ordered
                        else ctx.font_for("\u2022", "body")),
        bulletFontSize=style.fontSize * (0.9 if block.ordered else 1.0),
        leftIndent=5 * mm,
        bulletDedent=4 * mm if block.ordered else 3.2 * mm,
        spaceAfter=ctx.theme.spacing.paragraph,
    ), "L")]


@renders(KeyFigures)
def key_figures(block: KeyFigures, ctx: RenderContext) -> list[Flowable]:
    """Figures as callouts in a grid of up to three columns (fewer in a narrow text
    column: a callout is never narrower than MIN_CALLOUT), a coloured rule on top."""
    gap = 4 * mm
    fits = int((ctx.frame_width + gap) // (MIN_CALLOUT + gap))
    per_row = max(1, min(3, len(block.items), fits))
    width = (ctx.frame_width - gap * (per_row - 1)) / per_row
    cells = []
    value_style, label_style = ctx.styles.figure_value, ctx.styles.figure_label
    for item in block.items:
        label = (ctx.headings.rich(item.label, label_style)
                 + ctx.headings.citation(item.cite, label_style))
        cells.append([
            AnchoredParagraph(ctx.figures.text(item.value, value_style), value_style,
                              anchor=ctx.figure_anchors.get(id(item))),
            Paragraph(label, label_style),
        ])
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    for row in rows:
        row.extend([""] * (per_row - len(row)))
    # Callouts sit in the even columns and rows; the odd ones are gutters of ``gap``.
    widths: list[float] = []
    for index in range(per_row):
        widths += [gap, width] if index else [width]
    data: list[list[Any]] = []
    heights: list[float | None] = []
    for r, row in enumerate(rows):
        if r:
            data.append([""] * len(widths))
            heights.append(gap)
        spaced: list[Any] = []
        for index, cell in enumerate(row):
            spaced += ["", cell] if index else [cell]
        data.append(spaced)
        heights.append(None)
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
    ]
    for r, row in enumerate(rows):
        if r:
            commands += [("TOPPADDING", (0, 2 * r - 1), (-1, 2 * r - 1), 0),
                         ("BOTTOMPADDING", (0, 2 * r - 1), (-1, 2 * r - 1), 0)]
        for index, cell in enumerate(row):
            if cell == "":
                continue
            cell_at = (index * 2, r * 2)
            commands += [
                ("BACKGROUND", cell_at, cell_at, ctx.colour("tint")),
                ("LINEABOVE", cell_at, cell_at, 2.2, ctx.colour("accent")),
            ]
    table = Table(data, colWidths=widths, rowHeights=heights, style=ctx.table_style(commands),
                  hAlign="LEFT", spaceBefore=ctx.theme.spacing.block / 2,
                  spaceAfter=ctx.theme.spacing.block)
    return [tag(table, "Div")]


@renders(Timeline)
def timeline(block: Timeline, ctx: RenderContext) -> list[Flowable]:
    """Dates on the left, events on the right of a vertical accent rule."""
    style = ctx.styles.timeline_date
    dates = [ctx.labels.date(entry.date) for entry in block.entries]
    widest = max(ctx.text_width(d, style.fontSize, "headings", "bold") for d in dates)
    # Wide enough for the longest date ("15 de febrero de 2024"), but never more than a
    # third of the text column.
    date_width = min(max(widest + 4 * mm + 1, 16 * mm), ctx.frame_width / 3)
    rows = []
    for entry, date in zip(block.entries, dates, strict=True):
        event = ctx.body.rich(entry.event, ctx.styles.timeline_event)
        if entry.cite is not None:
            event += ctx.body.citation(entry.cite, ctx.styles.timeline_event)
        rows.append([
            Paragraph(ctx.headings.text(date, style), style),
            Paragraph(event, ctx.styles.timeline_event),
        ])
    table_style = ctx.table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEAFTER", (0, 0), (0, -1), 1.6, ctx.colour("accent")),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), 4 * mm),
        ("LEFTPADDING", (1, 0), (1, -1), 4 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
    ])
    # ReportLab re-measures every remaining row each time a table breaks across a page, so
    # one long table lays out in quadratic time; runs of TABLE_CHUNK rows keep it linear
    # (4,000 entries: 9.0 s as one table).  The style has no row-specific commands, so the
    # pieces look exactly like one table.
    tables = [
        Table(rows[start:start + TABLE_CHUNK],
              colWidths=[date_width, ctx.frame_width - date_width], style=table_style,
              hAlign="LEFT",
              spaceBefore=ctx.theme.spacing.block / 2 if start == 0 else 0,
              spaceAfter=ctx.theme.spacing.block if start + TABLE_CHUNK >= len(rows) else 0)
        for start in range(0, len(rows), TABLE_CHUNK)
    ]
    element = Node("Table")  # one table to a reader; the dates head their rows
    for piece in tables:
        tag(piece, "Table", node=element, header_columns=1)
    return [KeepTogether(tables)] if len(rows) <= 6 else tables


@renders(Quote)
def quote(block: Quote, ctx: RenderContext) -> list[Flowable]:
    """A pull quote: large primary-coloured text beside an accent bar, the speaker below."""
    quotes = ctx.labels.quotes
    inner: list[Flowable] = [Paragraph(
        ctx.body.text(quotes[0], ctx.styles.quote) + ctx.body.rich(block.text, ctx.styles.quote)
        + ctx.body.text(quotes[1], ctx.styles.quote), ctx.styles.quote)]
    if block.attribution is not None:
        attribution = ctx.styles.quote_attribution
        inner.append(Paragraph("\u2014\u2002" + ctx.headings.rich(block.attribution, attribution),
                               attribution))
    box = Table([[inner]], colWidths=[ctx.frame_width - 8 * mm], hAlign="RIGHT",
                style=ctx.table_style([
                    ("LINEBEFORE", (0, 0), (0, -1), 2.5, ctx.colour("accent")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
                ]), spaceBefore=ctx.theme.spacing.block / 2, spaceAfter=ctx.theme.spacing.block)
    return [tag(box, "BlockQuote")]


_CALLOUT_EDGE = {"note": "accent", "info": "primary", "warning": "warning"}


@renders(Callout)
def callout(block: Callout, ctx: RenderContext) -> list[Flowable]:
    """A tinted box with a coloured edge: notes, definitions, warnings."""
    inner: list[Flowable] = []
    if block.title:
        title_style = ctx.styles.callout_title
        if block.kind == "warning":
            title_style = title_style.clone("callout_warning", textColor=ctx.colour("warning"))
        inner.append(Paragraph(ctx.headings.text(block.title, title_style), title_style))
    inner.append(Paragraph(ctx.body.rich(block.text, ctx.styles.callout_text),
                           ctx.styles.callout_text))
    box = Table([[inner]], colWidths=[ctx.frame_width], style=ctx.table_style([
        ("BACKGROUND", (0, 0), (-1, -1), ctx.colour("tint")),
        ("LINEBEFORE", (0, 0), (0, -1), 3, ctx.colour(_CALLOUT_EDGE[block.kind])),
        ("LEFTPADDING", (0, 0), (-1, -1), 5 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5 * mm),
    ]), spaceBefore=ctx.theme.spacing.block / 2, spaceAfter=ctx.theme.spacing.block)
    return [tag(box, "Aside")]


@renders(TableBlock)
def table(block: TableBlock, ctx: RenderContext) -> list[Flowable]:
    """Caption above, header row repeated on every page, numbers right-aligned, zebra rows."""
    rows = ctx.assets.rows(block.csv) if block.csv is not None else (block.columns, *block.rows)
    assert rows is not None  # a missing or broken file blocked the build
    target = ctx.targets.of(block)
    assert target is not None
    # The caption stays with the header and the first rows; the rest may run on.
    # The caption is the first child of the Table element.
    element = Node("Table")
    story: list[Flowable] = [caption_paragraph(block.caption, target, ctx, keep_with_next=True,
                                               parent=element),
                             data_table(rows, ctx, node=element)]
    if block.note is not None:
        note = ctx.styles.source_line.clone("note", spaceAfter=0)
        story.append(tag(Paragraph(
            f"{ctx.headings.text(ctx.labels.note, note)}: {ctx.headings.rich(block.note, note)}",
            note), "Note"))
    if block.source is not None:
        story.append(Paragraph(ctx.source_line(block.source), ctx.styles.source_line))
    else:
        story[-1].spaceAfter = ctx.theme.spacing.block
    if len(rows) <= SHORT_TABLE_ROWS + 1:  # a short table is never split (2 rows + 1 row)
        return [KeepTogether(story)]
    return story


@renders(Chart)
def chart(block: Chart, ctx: RenderContext) -> list[Flowable]:
    target = ctx.targets.of(block)
    assert target is not None
    drawing = chart_drawing(block, ctx)
    tag(drawing, "Figure", alt=chart_description(block, ctx))
    return figure_flowables(drawing, block.caption, target, block.source, ctx)


@renders(Image)
def image(block: Image, ctx: RenderContext) -> list[Flowable]:
    picture = image_flowable(ctx.assets.image(block.file), ctx.frame_width * block.width,
                             ctx.frame_height * 0.6, alt=block.alt,
                             font=lambda text, style: ctx.font_for(text, "figures", style))
    assert picture is not None  # an unreadable or unsized image blocked the build
    target = ctx.targets.of(block)
    if target is None or block.caption is None:  # an uncaptioned picture, not a figure
        gap = ctx.theme.spacing.block / 2
        return [Spacer(1, gap), picture, Spacer(1, gap * 2)]
    return figure_flowables(picture, block.caption, target, block.source, ctx)
