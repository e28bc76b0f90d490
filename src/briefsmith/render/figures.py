"""Figures and tables: numbered captions, source lines, data tables and pictures.

A figure (a chart or a captioned image) keeps its link target, drawing, caption and source
line together on one page; a table's caption sits above it and stays with its first rows,
and its header row repeats on every page it runs over.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence

from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table
from reportlab.platypus import Image as ImageFlowable

from ..assets import ImageData
from ..model import Citation, RichText
from ..xref import Target
from .context import Anchor, AnchoredParagraph, RenderContext, tag
from .paragraph import Paragraph
from .tagging import Node

# A cell counts as a number when it is digits with grouping, a decimal part, a sign, a
# currency or percent sign, or one of the usual "no value" marks.
_NUMERIC = re.compile(r"^[+\-−]?[$€£¥]?\s?\d[\d,.\u00a0\u202f ]*\s?(%|[kKmMbB]n?)?$")
_NO_VALUE = frozenset({"", "-", "–", "—", "n/a", "n.a.", "..", "…"})


def caption_paragraph(caption: RichText, target: Target, ctx: RenderContext, *,
                      keep_with_next: bool = False, parent: Node | None = None) -> Paragraph:
    """"**Figure 2:** Jobs by sector", the target of cross-references to it (tables)."""
    label = ctx.labels.caption(target.kind, target.number)
    style = ctx.styles.caption
    markup = (f"{ctx.headings.strong(label, style)}"
              f"{ctx.headings.text(ctx.labels.caption_separator, style)}"
              f"{ctx.headings.rich(caption, style)}")
    para = AnchoredParagraph(markup, style,
                             anchor=target.anchor if target.kind == "table" else None)
    if keep_with_next:
        para.keepWithNext = 1
    return tag(para, "Caption", parent=parent)


def figure_flowables(drawing: Flowable, caption: RichText, target: Target,
                     source: Citation | None, ctx: RenderContext) -> list[Flowable]:
    """Anchor, drawing, caption and source line, kept on one page."""
    parts: list[Flowable] = [Spacer(1, ctx.theme.spacing.block / 2), Anchor(target.anchor),
                             drawing, caption_paragraph(caption, target, ctx)]
    if source is not None:
        parts.append(Paragraph(ctx.source_line(source), ctx.styles.source_line))
    else:
        parts[-1].spaceAfter = ctx.theme.spacing.block
    figure = KeepTogether(parts)
    figure.floats = True  # may move past the text that follows it (see render/page.py)
    return [figure]


def image_flowable(image: ImageData | None, max_width: float, max_height: float, *,
                   alt: str, font: Callable[[str, str], str],
                   align: str = "CENTER") -> Flowable | None:
    """A PNG, JPEG or SVG scaled to fit, keeping its proportions.

    ``font(text, style)`` names the theme face that draws an SVG's text (every face is
    embedded; svglib alone would name the standard, unembedded Helvetica or a system font
    fontconfig finds).  It also gives the drawing's initial font: without one ReportLab's
    graphics state starts in Helvetica, which would then be named in the PDF.
    """
    if image is None:
        return None
    if image.kind == "svg":
        drawing = svg_drawing(image, font)
        if drawing is None or not drawing.width or not drawing.height:
            return None
        scale = min(max_width / drawing.width, max_height / drawing.height)
        drawing.scale(scale, scale)
        drawing.width *= scale
        drawing.height *= scale
        drawing.hAlign = align
        drawing.initialFontName = font("0", "regular")
        return tag(drawing, "Figure", alt=alt)
    width, height = ImageReader(io.BytesIO(image.data)).getSize()
    scale = min(max_width / width, max_height / height)
    picture = ImageFlowable(io.BytesIO(image.data), width=width * scale, height=height * scale)
    picture.hAlign = align
    return tag(picture, "Figure", alt=alt)


class _ThemeFontMap:
    """svglib's font map, answering every font-family with a theme face of the asked
    weight and style (svglib lays the text out with it), and remembering the style of
    each name it gave, so each string can then be moved to the face that has all of its
    characters (see :func:`svg_drawing`)."""

    def __init__(self, font: Callable[[str, str], str]) -> None:
        self._font = font
        self.styles: dict[str, str] = {}

    def find_font(self, font_name: str, weight: str = "normal",
                  style: str = "normal") -> tuple[str, bool]:
        weight = str(weight).strip()
        bold = int(weight) >= 600 if weight.isdigit() else weight in ("bold", "bolder")
        italic = str(style).strip() in ("italic", "oblique")
        face_style = ("bold" if bold else "") + ("italic" if italic else "") or "regular"
        name = self._font("", face_style)
        self.styles.setdefault(name, face_style)
        return name, True


def svg_drawing(image: ImageData, font: Callable[[str, str], str]) -> Drawing | None:
    """The SVG as a drawing whose strings are all set in theme faces (which are embedded):
    each in the first face that has every character of it (the validator made sure one
    has), in the style svglib worked out from the SVG's font-weight and font-style."""
    from svglib.svglib import svg2rlg  # only needed when a brief has an SVG

    fonts = _ThemeFontMap(font)
    drawing = svg2rlg(io.BytesIO(image.data), font_map=fonts)
    if drawing is None:
        return None
    for shape in _strings(drawing):
        style = fonts.styles.get(shape.fontName) or _style_of(shape.fontName)
        shape.fontName = font(shape.text, style)
    return drawing


def _strings(group: Group) -> Iterator[String]:
    for item in group.contents:
        if isinstance(item, String):
            yield item
        elif isinstance(item, Group):
            yield from _strings(item)


def _style_of(name: str) -> str:
    """The style of a standard font name svglib fell back to (``Helvetica-BoldOblique``)."""
    bold = "Bold" in name
    italic = "Italic" in name or "Oblique" in name
    return ("bold" if bold else "") + ("italic" if italic else "") or "regular"


def is_numeric_column(cells: Sequence[str]) -> bool:
    values = [c.strip() for c in cells if c.strip().lower() not in _NO_VALUE]
    return bool(values) and all(_NUMERIC.match(v) for v in values)


def data_table(rows: Sequence[Sequence[str]], ctx: RenderContext, *,
               node: Node | None = None) -> Table:
    s = ctx.styles
    header, body = rows[0], rows[1:]
    numeric = [is_numeric_column([r[i] for r in body]) for i in range(len(header))]
    widths = column_widths(rows, numeric, ctx)
    data = []
    for r, row in enumerate(rows):
        out = []
        for i, cell in enumerate(row):
            if r == 0:
                style = s.table_head_right if numeric[i] else s.table_head
            else:
                style = s.table_cell_right if numeric[i] else s.table_cell
            writer = ctx.headings if r == 0 else ctx.tables
            out.append(Paragraph(writer.text(cell, style), style))
        data.append(out)
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LINEBELOW", (0, 0), (-1, 0), 1.1, ctx.colour("primary")),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, ctx.colour("rule")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, ctx.colour("tint")]),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.2 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.2 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 1.3 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
    ]
    table = Table(data, colWidths=widths, repeatRows=1, style=ctx.table_style(commands),
                  hAlign="LEFT", spaceBefore=1 * mm, spaceAfter=1.5 * mm)
    return tag(table, "Table", header_rows=1, node=node)


def column_widths(rows: Sequence[Sequence[str]], numeric: list[bool],
                   ctx: RenderContext) -> list[float]:
    """Column widths the way browsers lay out automatic tables.

    Each column needs at least its longest word (a column never breaks inside a word when
    the table can avoid it) and would like its longest cell on one line.  When everything
    fits on one line, text columns share the spare width; otherwise every column gets its
    minimum and the rest is shared in proportion to how much more each would like.
    Numbers are never wrapped when that can be helped.
    """
    padding = 4.4 * mm + 1
    size = ctx.styles.table_cell.fontSize
    least, most = [], []
    for i in range(len(rows[0])):
        words, lines = 0.0, 0.0
        for r, row in enumerate(rows):
            role, style = ("headings", "bold") if r == 0 else ("tables", "regular")
            width = ctx.text_width(row[i], size, role, style)
            lines = max(lines, width)
            if numeric[i] and r:
                words = max(words, width)  # a number is one word
            for word in row[i].split():
                words = max(words, ctx.text_width(word, size, role, style))
        most.append(lines + padding)
        least.append(words + padding)
    total = ctx.frame_width
    if sum(most) <= total:
        spare = total - sum(most)
        text_columns = [i for i, n in enumerate(numeric) if not n] or list(range(len(most)))
        return [w + (spare / len(text_columns) if i in text_columns else 0)
                for i, w in enumerate(most)]
    if sum(least) >= total:  # even the longest words do not fit: share by them
        return [total * w / sum(least) for w in least]
    wanted = [m - w for m, w in zip(most, least, strict=True)]
    spare = total - sum(least)
    return [w + spare * extra / sum(wanted) for w, extra in zip(least, wanted, strict=True)]
