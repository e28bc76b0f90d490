"""Charts: bar, line and pie drawings from a chart block's data, in the theme's palette.

Drawn with ``reportlab.graphics`` as vector graphics (crisp at any zoom, text that can be
searched), with the theme's figure fonts, axis titles, value labels written the brief's
way (``1,234`` or ``1.234``) and a legend whenever there is more than one series.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..assets import ChartData, chart_data
from ..model import Chart
from .context import RenderContext


def chart_drawing(block: Chart, ctx: RenderContext) -> Drawing:
    data, _problems = chart_data(block, ctx.assets)
    assert data is not None  # bad data was reported and blocked the build
    width = ctx.frame_width
    height = min(width * 0.5, ctx.theme.chart_height)
    drawing = Drawing(width, height)
    # The graphics state starts in this font instead of the unembedded standard Helvetica.
    drawing.initialFontName = ctx.font_for("0")
    drawing.initialFontSize = _font_size(ctx)
    if block.kind == "pie":
        _pie(drawing, data, ctx)
    else:
        _axes_chart(drawing, block, data, ctx)
    return drawing


def chart_description(block: Chart, ctx: RenderContext) -> str:
    """The chart's text alternative: the block's ``alt``, else its kind and every value
    ("Bar chart. Jobs (millions): Entire ecosystem 70, Retail marketplaces 50.")."""
    if block.alt:
        return block.alt
    data, _problems = chart_data(block, ctx.assets)
    assert data is not None  # bad data was reported and blocked the build
    number = ctx.labels.number
    kind = ctx.labels.chart_kinds[("bar", "line", "pie").index(block.kind)]
    if block.kind == "pie":
        _name, values = data.series[0]
        total = sum(values) or 1
        return f"{kind}. " + ", ".join(
            f"{c} {number(v)} ({number(100 * v / total, 0)}%)"
            for c, v in zip(data.categories, values, strict=True)) + "."
    parts = [f"{kind}."]
    for name, values in data.series:
        pairs = ", ".join(f"{c} {number(v)}" for c, v in zip(data.categories, values,
                                                              strict=True))
        parts.append(f"{name}: {pairs}.")
    return " ".join(parts)


def _font_size(ctx: RenderContext) -> float:
    return ctx.theme.type.table


def _string(ctx: RenderContext, x: float, y: float, text: str, *, size: float | None = None,
            anchor: str = "start", colour: str = "muted", bold: bool = False) -> String:
    return String(x, y, text, fontName=ctx.font_for(text, style="bold" if bold else "regular"),
                  fontSize=size or _font_size(ctx), fillColor=ctx.colour(colour),
                  textAnchor=anchor)


def _legend(drawing: Drawing, names: Sequence[str], ctx: RenderContext, *, x: float, y: float,
            vertical: bool = False, values: Sequence[str] = ()) -> None:
    """Colour swatches with series names, in a row (or a column beside a pie)."""
    size = _font_size(ctx)
    swatch = size * 0.9
    for index, name in enumerate(names):
        label = f"{name}  {values[index]}" if values else name
        drawing.add(Rect(x, y - swatch * 0.1, swatch, swatch, fillColor=ctx.palette(index),
                         strokeColor=None))
        drawing.add(_string(ctx, x + swatch + 1.6 * mm, y, label, colour="text"))
        if vertical:
            y -= size * 1.7
        else:
            x += swatch + 1.6 * mm + stringWidth(label, ctx.font_for(label), size) + 5 * mm


def _axes_chart(drawing: Drawing, block: Chart, data: ChartData, ctx: RenderContext) -> None:
    size = _font_size(ctx)
    number = ctx.labels.number
    values = [v for _name, series in data.series for v in series]
    widest_value = max(stringWidth(number(v), ctx.font_for("0"), size) for v in [*values, 0])
    left = widest_value + 3 * mm + (size * 1.6 if block.y_label else 0)
    legend_height = size * 2.6 if len(data.series) > 1 else size * 0.6
    plot_width = drawing.width - left - 2 * mm
    slot = plot_width / max(len(data.categories), 1)
    category_font = ctx.font_for(" ".join(data.categories))
    widest_category = max(stringWidth(c, category_font, size) for c in data.categories)
    angle = 0 if widest_category <= slot - 1.5 * mm else 35
    label_depth = size * 1.8 if angle == 0 else widest_category * 0.6 + size
    if angle:
        # A slanted label hangs left of its category: the first one must not run off the
        # drawing (into the margin), so the plot moves right as far as the longest needs;
        # and the drawing grows by the labels' depth instead of squashing the plot.
        reach = widest_category * math.cos(math.radians(angle)) + 2
        if reach > left + slot / 2:
            left = reach - slot / 2 + 1 * mm
            plot_width = drawing.width - left - 2 * mm
            slot = plot_width / max(len(data.categories), 1)
        drawing.height += label_depth - size * 1.8
    bottom = label_depth + (size * 2 if block.x_label else 0)
    # Values are printed on the bars when there are few bars and each label fits its bar.
    count = len(data.series)
    group = min(slot * 0.7, count * 16 * mm + (count - 1) * 1.5)
    bar_width = (group - 1.5 * (count - 1)) / count
    decimals = max((_decimals(v) for v in values), default=0)
    widest_label = max(stringWidth(number(v, decimals), ctx.font_for("0"), size * 0.92)
                       for v in values)
    bar_labels = block.kind == "bar" and len(values) <= 14 and widest_label <= bar_width + 1
    plot_height = drawing.height - bottom - legend_height - (size * 1.4 if bar_labels else 0)

    chart = VerticalBarChart() if block.kind == "bar" else HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = left, bottom, plot_width, plot_height
    chart.data = [list(series) for _name, series in data.series]
    axis = chart.categoryAxis
    axis.categoryNames = list(data.categories)
    axis.labels.fontName = category_font
    axis.labels.fontSize = size
    axis.labels.fillColor = ctx.colour("text")
    axis.strokeColor = ctx.colour("muted")
    axis.strokeWidth = 0.6
    axis.tickDown = 0
    if angle:
        axis.labels.angle = angle
        axis.labels.boxAnchor = "ne"
        axis.labels.dx, axis.labels.dy = 2, -3
    else:
        axis.labels.boxAnchor = "n"
        axis.labels.dy = -3
    value_axis = chart.valueAxis
    low, high, step = nice_scale(min(0.0, *values), max(0.0, *values))
    value_axis.valueMin, value_axis.valueMax, value_axis.valueStep = low, high, step
    value_axis.labelTextFormat = number
    value_axis.labels.fontName = ctx.font_for("0")
    value_axis.labels.fontSize = size
    value_axis.labels.fillColor = ctx.colour("muted")
    value_axis.visibleAxis = 0
    value_axis.visibleTicks = 0
    value_axis.visibleGrid = 1
    value_axis.gridStrokeColor = ctx.colour("rule")
    value_axis.gridStrokeWidth = 0.5
    value_axis.labels.dx = -2
    if isinstance(chart, VerticalBarChart):
        for index in range(len(data.series)):
            chart.bars[index].fillColor = ctx.palette(index)
            chart.bars[index].strokeColor = None
        # Bar widths and gaps are relative weights: a group fills at most 70 % of its slot
        # and a bar is at most 16 mm wide, so two categories do not make two slabs.
        chart.barWidth = 10
        chart.barSpacing = 1.5 if count > 1 else 0
        chart.groupSpacing = (chart.barWidth * count + chart.barSpacing * (count - 1)) \
            * (slot - group) / group
        if bar_labels:
            # One number of decimals for every label (41.0 beside 40.2, never 41).
            chart.barLabelFormat = lambda v, d=decimals: number(v, d)
            chart.barLabels.fontName = value_axis.labels.fontName
            chart.barLabels.fontSize = size * 0.92
            chart.barLabels.fillColor = ctx.colour("text")
            chart.barLabels.nudge = 3
            chart.barLabels.boxAnchor = "s"
    else:
        chart.joinedLines = 1
        for index in range(len(data.series)):
            line = chart.lines[index]
            line.strokeColor = ctx.palette(index)
            line.strokeWidth = 1.8
            line.symbol = makeMarker("FilledCircle", size=4.5, fillColor=ctx.palette(index),
                                     strokeColor=colors.white, strokeWidth=0.6)
    drawing.add(chart)
    if block.x_label:
        drawing.add(_string(ctx, left + plot_width / 2, size * 0.3, block.x_label,
                            anchor="middle", colour="muted"))
    if block.y_label:
        title = Group(_string(ctx, 0, 0, block.y_label, anchor="middle", colour="muted"))
        title.transform = (0, 1, -1, 0, size * 0.9, bottom + plot_height / 2)
        drawing.add(title)
    if len(data.series) > 1:
        _legend(drawing, [name for name, _ in data.series], ctx, x=left,
                y=drawing.height - size * 1.1)


def nice_scale(low: float, high: float, ticks: int = 5) -> tuple[float, float, float]:
    """An axis from ``low`` to ``high`` in round steps (1, 2, 2.5 or 5 times a power of ten),
    with the top a step above the largest value when it would touch the frame."""
    span = (high - low) or abs(high) or 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    top = math.ceil(high / step) * step
    bottom = math.floor(low / step) * step
    return bottom, top if top > bottom else bottom + step, step


def _pie(drawing: Drawing, data: ChartData, ctx: RenderContext) -> None:
    size = _font_size(ctx)
    _name, values = data.series[0]
    total = sum(values)
    diameter = drawing.height - 6 * mm
    pie = Pie()
    pie.x, pie.y = 4 * mm, 3 * mm
    pie.width = pie.height = diameter
    pie.data = list(values)
    pie.labels = None
    pie.startAngle = 90
    pie.direction = "clockwise"
    pie.sideLabels = 0
    for index in range(len(values)):
        pie.slices[index].fillColor = ctx.palette(index)
        pie.slices[index].strokeColor = colors.white
        pie.slices[index].strokeWidth = 1.2
    drawing.add(pie)
    shares = [f"{ctx.labels.number(v)} ({ctx.labels.number(100 * v / total, 0)}%)"
              for v in values]
    rows = len(values)
    top = drawing.height / 2 + (rows - 1) * size * 1.7 / 2
    _legend(drawing, list(data.categories), ctx, x=diameter + 14 * mm, y=top, vertical=True,
            values=shares)


def _decimals(value: float) -> int:
    """How many decimals ``value`` needs (up to two, as printed elsewhere)."""
    text = f"{value:.2f}".rstrip("0")
    return len(text.partition(".")[2])
