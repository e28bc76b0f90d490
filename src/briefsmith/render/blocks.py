"""One renderer function per block type: block record + context -> flowables.

Adding a block type is a record in :mod:`briefsmith.model` and a function here decorated
with ``@renders(ThatRecord)``; the story builder dispatches on the record's class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Table,
)

from ..model import (
    Block,
    BulletList,
    Heading,
    KeyFigures,
    Timeline,
)
from ..model import (
    Paragraph as ParagraphBlock,
)
from .context import HeadingParagraph, RenderContext, located_at

Renderer = Callable[[Any, RenderContext], list[Flowable]]
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
    return [Paragraph(ctx.body.rich(block.text), ctx.styles.body)]


@renders(Heading)
def heading(block: Heading, ctx: RenderContext) -> list[Flowable]:
    return [HeadingParagraph(ctx.headings.text(block.text), ctx.styles.h2,
                             anchor=ctx.new_anchor("h"),
                             outline_title=block.text, level=1)]


@renders(BulletList)
def bullet_list(block: BulletList, ctx: RenderContext) -> list[Flowable]:
    items = [ListItem(Paragraph(ctx.body.rich(item), ctx.styles.bullet)) for item in block.items]
    style = ctx.styles.body
    return [ListFlowable(
        items,
        bulletType="1" if block.ordered else "bullet",
        start=None if block.ordered else "\u2022",
        bulletColor=ctx.colour("accent"),
        bulletFontName=ctx.styles.h2.fontName if block.ordered else style.fontName,
        bulletFontSize=style.fontSize * (0.9 if block.ordered else 1.0),
        leftIndent=5 * mm,
        bulletDedent=4 * mm if block.ordered else 3.2 * mm,
        spaceAfter=ctx.theme.spacing.paragraph,
    )]


@renders(KeyFigures)
def key_figures(block: KeyFigures, ctx: RenderContext) -> list[Flowable]:
    """Figures as callouts in a grid of up to three columns, a coloured rule on top."""
    per_row = min(3, len(block.items)) or 1
    gap = 4 * mm
    width = (ctx.frame_width - gap * (per_row - 1)) / per_row
    cells = []
    for item in block.items:
        label = ctx.figures.rich(item.label) + ctx.body.citation(item.cite)
        cells.append([
            Paragraph(ctx.figures.text(item.value), ctx.styles.figure_value),
            Paragraph(label, ctx.styles.figure_label),
        ])
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    for row in rows:
        row.extend([""] * (per_row - len(row)))
    data = []
    widths = []
    for row in rows:
        spaced: list[Any] = []
        for index, cell in enumerate(row):
            if index:
                spaced.append("")
            spaced.append(cell)
        data.append(spaced)
    for index in range(per_row):
        if index:
            widths.append(gap)
        widths.append(width)
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
    ]
    for r, row in enumerate(rows):
        for index, cell in enumerate(row):
            if cell == "":
                continue
            col = index * 2
            commands += [
                ("BACKGROUND", (col, r), (col, r), ctx.colour("tint")),
                ("LINEABOVE", (col, r), (col, r), 2.2, ctx.colour("accent")),
            ]
    table = Table(data, colWidths=widths, style=ctx.table_style(commands), hAlign="LEFT",
                  spaceBefore=ctx.theme.spacing.block / 2, spaceAfter=ctx.theme.spacing.block)
    return [table]


@renders(Timeline)
def timeline(block: Timeline, ctx: RenderContext) -> list[Flowable]:
    """Dates on the left, events on the right of a vertical accent rule."""
    style = ctx.styles.timeline_date
    dates = [ctx.labels.date(entry.date) for entry in block.entries]
    widest = max(stringWidth(d, style.fontName, style.fontSize) for d in dates)
    date_width = min(max(widest + 4 * mm + 1, 16 * mm), 45 * mm)
    rows = []
    for entry, date in zip(block.entries, dates, strict=True):
        event = ctx.body.rich(entry.event)
        if entry.cite is not None:
            event += ctx.body.citation(entry.cite)
        rows.append([
            Paragraph(ctx.headings.text(date), style),
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
        Table(rows[start:start + TABLE_CHUNK], colWidths=[date_width, ctx.frame_width - date_width],
              style=table_style, hAlign="LEFT",
              spaceBefore=ctx.theme.spacing.block / 2 if start == 0 else 0,
              spaceAfter=ctx.theme.spacing.block if start + TABLE_CHUNK >= len(rows) else 0)
        for start in range(0, len(rows), TABLE_CHUNK)
    ]
    return [KeepTogether(tables)] if len(rows) <= 6 else tables
