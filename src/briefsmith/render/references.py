"""Reference lists (with back-links to every citation) and the evidence appendix.

An entry starts with its link target; numeric styles put the label (``[1]``, ``1.``) in a
column of its own, author-date styles use a hanging indent.  After the entry come the
back-links: ``↑`` when the source is cited once, ``↑ a b c`` (Wikipedia's convention)
when it is cited several times, each letter linking to one citation, in reading order.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Table

from ..cite import Entry, ReferenceList
from ..model import Document, KeyFigures
from .context import AnchoredParagraph, RenderContext, heading_paragraph, tag
from .figures import column_widths
from .paragraph import Paragraph
from .tagging import Node

UP = "\u2191"


def reference_list(refs: ReferenceList, ctx: RenderContext, *, level: int) -> list[Flowable]:
    """The list under a heading: a top-level "References", or a section's own list."""
    label = ctx.labels.references
    anchor = "references" if refs.section is None else f"references-{refs.section}"
    style = ctx.styles.h1 if level == 0 else ctx.styles.h2
    story: list[Flowable] = [
        CondPageBreak(style.fontSize * 4),
        heading_paragraph(ctx.headings.text(label, style), style, anchor=anchor,
                          outline_title=label, level=level,
                          section_title=label if level == 0 else None),
    ]
    hanging = ctx.bibliography.engine.hanging
    entries = Node("L")  # the list is read as one: L > LI > LBody > BibEntry
    entry_style = ctx.styles.reference_hanging if hanging else ctx.styles.reference
    for entry in refs.entries:
        # The target is set while drawing (no <a name> tag: CJK line breaking fails on it).
        story.append(tag(AnchoredParagraph(
            f"{ctx.body.rich(entry.spans, entry_style)}{backlinks(entry, ctx)}", entry_style,
            bulletText=None if hanging else entry.label, anchor=entry.anchor,
        ), "BibEntry", parent=Node("LBody", Node("LI", entries))))
    return story


def backlinks(entry: Entry, ctx: RenderContext) -> str:
    if not entry.backlinks:
        return ""
    arrow = ctx.body.text(UP if ctx.body.covers(UP) else "^")
    if len(entry.backlinks) == 1:
        return "\u2002" + ctx.body.link("#" + entry.backlinks[0], arrow)
    letters = [ctx.body.link("#" + anchor, _letters(index))
               for index, anchor in enumerate(entry.backlinks)]
    return f"\u2002{arrow}\u00a0" + " ".join(letters)


def _letters(index: int) -> str:
    """a, b, ..., z, aa, ab, ...: Wikipedia's back-link labels."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def evidence_appendix(doc: Document, ctx: RenderContext) -> list[Flowable]:
    """Every key figure with the sources and locators it rests on, linked both ways."""
    labels = ctx.labels
    s = ctx.styles
    header = [Paragraph(ctx.headings.text(text, s.evidence_header), s.evidence_header)
              for text in (labels.figure, labels.section, labels.source, labels.locator)]
    rows: list[list] = [header]
    texts: list[list[str]] = [[labels.figure, labels.section, labels.source, labels.locator]]
    spans: list[tuple] = []
    for number, section in enumerate(doc.sections, 1):
        for block in section.blocks:
            if not isinstance(block, KeyFigures):
                continue
            for figure in block.items:
                anchor = ctx.figure_anchors.get(id(figure))
                # In the table's (body) font: the value, label and section title are
                # checked against the body fonts too when there is an evidence appendix.
                value = ctx.body.strong(figure.value, s.evidence_cell)
                if anchor:
                    value = ctx.body.link("#" + anchor, value)
                first = len(rows)
                figure_cell = Paragraph(
                    f"{value} {ctx.body.rich(figure.label, s.evidence_cell)}", s.evidence_cell)
                section_cell = Paragraph(ctx.body.link(
                    f"#sec-{number}", ctx.body.text(section.title, s.evidence_cell)),
                    s.evidence_cell)
                for item in ctx.bibliography.items_in_marker_order(figure.cite):
                    source = doc.source(item.id)
                    if source is None:
                        continue
                    marker = ctx.body.pieces(ctx.bibliography.marker(
                        figure.cite, define=False, only=item, locators=False),
                        s.evidence_cell).lstrip("\u00a0")
                    texts.append([f"{figure.value} {figure.label.plain()}", section.title,
                                  f"[00] {source.title}", item.locator or "\u2014"])
                    rows.append([
                        figure_cell if len(rows) == first else "",
                        section_cell if len(rows) == first else "",
                        Paragraph(f"{marker} {ctx.body.text(source.title, s.evidence_cell)}",
                                  s.evidence_cell),
                        Paragraph(ctx.body.text(item.locator or "\u2014", s.evidence_cell),
                                  s.evidence_cell),
                    ])
                if len(rows) - first > 1:
                    spans += [("SPAN", (0, first), (0, len(rows) - 1)),
                              ("SPAN", (1, first), (1, len(rows) - 1)),
                              ("LINEBELOW", (2, first), (-1, len(rows) - 2), 0.3,
                               ctx.colour("tint"))]
                spans.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.3,
                              ctx.colour("rule")))
    if len(rows) == 1:
        return []
    if all(text[3] == "\u2014" for text in texts[1:]):  # no figure names a locator
        rows = [row[:3] for row in rows]
        texts = [text[:3] for text in texts]
    table = Table(rows, colWidths=column_widths(texts, [False] * len(texts[0]), ctx),
                  repeatRows=1, hAlign="LEFT", style=ctx.table_style([
                      ("VALIGN", (0, 0), (-1, -1), "TOP"),
                      ("LINEBELOW", (0, 0), (-1, 0), 0.8, ctx.colour("primary")),
                      ("LEFTPADDING", (0, 0), (-1, -1), 1.5 * mm),
                      ("RIGHTPADDING", (0, 0), (-1, -1), 1.5 * mm),
                      ("TOPPADDING", (0, 0), (-1, -1), 1.2 * mm),
                      ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 * mm),
                      *spans,
                  ]))
    return [heading_paragraph(ctx.headings.text(labels.evidence, s.h1), s.h1, anchor="evidence",
                              outline_title=labels.evidence, level=0,
                              section_title=labels.evidence),
            tag(table, "Table", header_rows=1)]
