"""The floor: a minimal hand-written ReportLab script that typesets the sample brief.

    python bench/floor_reportlab.py CONTENT.json OUT.pdf

It draws what briefsmith draws for the sample (same fonts with the CJK fallback, title
block, key-messages box, numbered sections with leads, paragraphs, lists, key-figure
grids, timelines, a captioned table and bar chart with source lines, cross-references,
linked citations, the evidence appendix, references, bookmarks, running header and footer
with "page / pages" in one layout pass, hyphenated justified text, compressed output) and
nothing else: no YAML, no validation, no font discovery (font files come in the content
file), no CLI.  Its cold run time is the least our stack can cost for this document.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from content import cite_ids
from content import rich as inline
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

PRIMARY, ACCENT, TEXT, MUTED = "#17375E", "#2A7AB0", "#1B1F24", "#5B6672"
RULE, TINT, LINK = "#C8D0D9", "#EEF3F8", "#1F5FA8"


def register(fonts: dict) -> None:
    for family, files in (("Serif", fonts["serif"]), ("Sans", fonts["sans"])):
        for style, path in files.items():
            pdfmetrics.registerFont(TTFont(f"{family}-{style}", path))
        for style in ("regular", "bold", "italic", "bolditalic"):
            addMapping(f"{family}-regular", "bold" in style, "italic" in style,
                       f"{family}-{style}")
    pdfmetrics.registerFont(TTFont("CJK", fonts["cjk"], subfontIndex=0))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping("CJK", bold, italic, "CJK")


def text(value: str) -> str:
    """Escaped text, with CJK runs in the fallback font."""
    out, run, cjk = [], [], False
    for char in value:
        wide = ord(char) >= 0x2E80
        if run and wide != cjk:
            out.append(_run("".join(run), cjk))
            run = []
        run.append(char)
        cjk = wide
    if run:
        out.append(_run("".join(run), cjk))
    return "".join(out)


def _run(value: str, cjk: bool) -> str:
    return f'<font name="CJK">{escape(value)}</font>' if cjk else escape(value)


MARKUP = {"strong": "<b>{body}</b>", "em": "<i>{body}</i>",
          "link": '<a href="{url}" color="' + LINK + '">{body}</a>'}


XREFS: dict[str, str] = {}


def rich(value: str, numbers: dict[str, int]) -> str:
    return inline(value, numbers, text, MARKUP, cite, XREFS)


def cite(ids: list[str], numbers: dict[str, int]) -> str:
    links = ", ".join(f'<a href="#ref-{numbers[i]}" color="{LINK}">{numbers[i]}</a>'
                      for i in sorted(set(ids), key=numbers.__getitem__))
    return f"\u00a0[{links}]"


def styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName="Serif-regular", fontSize=10.5, leading=15.2,
                          textColor=colors.HexColor(TEXT), alignment=TA_JUSTIFY, spaceAfter=6,
                          hyphenationLang="en_US", embeddedHyphenation=1, uriWasteReduce=0.3)
    sans = {"fontName": "Sans-regular", "hyphenationLang": ""}
    return {
        "body": body,
        "lead": ParagraphStyle("lead", parent=body, **sans, fontSize=12.4, leading=17.4,
                               textColor=colors.HexColor(PRIMARY), alignment=TA_LEFT,
                               spaceAfter=9),
        "bullet": ParagraphStyle("bullet", parent=body, spaceAfter=3),
        "kicker": ParagraphStyle("kicker", fontName="Sans-bold", fontSize=8.5, leading=11,
                                 textColor=colors.HexColor(ACCENT), spaceAfter=8.5),
        "title": ParagraphStyle("title", fontName="Sans-bold", fontSize=25, leading=28.75,
                                textColor=colors.HexColor(PRIMARY), spaceAfter=7.5),
        "subtitle": ParagraphStyle("subtitle", fontName="Sans-regular", fontSize=13,
                                   leading=16.9, textColor=colors.HexColor(MUTED),
                                   spaceAfter=10.4),
        "meta": ParagraphStyle("meta", fontName="Sans-regular", fontSize=9, leading=12.6,
                               textColor=colors.HexColor(MUTED), spaceBefore=6.8),
        "h1": ParagraphStyle("h1", fontName="Sans-bold", fontSize=15, leading=18.75,
                             textColor=colors.HexColor(PRIMARY), spaceBefore=20,
                             spaceAfter=8.25, keepWithNext=1),
        "h2": ParagraphStyle("h2", fontName="Sans-bold", fontSize=12, leading=15.6,
                             textColor=colors.HexColor(PRIMARY), spaceBefore=12,
                             spaceAfter=4.8, keepWithNext=1),
        "box_item": ParagraphStyle("box_item", parent=body, alignment=TA_LEFT, spaceAfter=3,
                                   hyphenationLang=""),
        "value": ParagraphStyle("value", fontName="Sans-bold", fontSize=22, leading=25.3,
                                textColor=colors.HexColor(PRIMARY), spaceAfter=4.4),
        "label": ParagraphStyle("label", fontName="Sans-regular", fontSize=9, leading=12.2,
                                textColor=colors.HexColor(TEXT)),
        "date": ParagraphStyle("date", fontName="Sans-bold", fontSize=10, leading=15.2,
                               textColor=colors.HexColor(PRIMARY), alignment=TA_RIGHT),
        "event": ParagraphStyle("event", parent=body, alignment=TA_LEFT, spaceAfter=0),
        "reference": ParagraphStyle("reference", parent=body, fontSize=9, leading=12.6,
                                    alignment=TA_LEFT, leftIndent=22, spaceAfter=4.25,
                                    bulletFontName="Serif-regular", bulletFontSize=9,
                                    hyphenationLang=""),
        "caption": ParagraphStyle("caption", fontName="Sans-regular", fontSize=8.5,
                                  leading=11, textColor=colors.HexColor(TEXT), spaceBefore=6,
                                  spaceAfter=4),
        "cell": ParagraphStyle("cell", fontName="Serif-regular", fontSize=8.5, leading=11,
                               textColor=colors.HexColor(TEXT)),
        "head": ParagraphStyle("head", fontName="Sans-bold", fontSize=8.5, leading=11,
                               textColor=colors.HexColor(PRIMARY)),
        "source": ParagraphStyle("source", fontName="Sans-regular", fontSize=7.5, leading=10,
                                 textColor=colors.HexColor(MUTED), spaceBefore=3,
                                 spaceAfter=12),
        "running": ParagraphStyle("running", fontName="Sans-regular", fontSize=8, leading=9.6,
                                  textColor=colors.HexColor(MUTED)),
        "running_right": ParagraphStyle("running_right", fontName="Sans-regular", fontSize=8,
                                        leading=9.6, textColor=colors.HexColor(MUTED),
                                        alignment=TA_RIGHT),
    }


class Heading(Paragraph):
    def __init__(self, markup: str, style: ParagraphStyle, key: str, title: str,
                 level: int) -> None:
        super().__init__(f'<a name="{key}"/>{markup}', style)
        self.key, self.title, self.level = key, title, level


class Doc(BaseDocTemplate):
    def __init__(self, path: str, content: dict, s: dict[str, ParagraphStyle]) -> None:
        super().__init__(path, pagesize=A4, leftMargin=24 * mm, rightMargin=24 * mm,
                         topMargin=26 * mm, bottomMargin=24 * mm, title=content["title"],
                         author=content["organisation"], subject=content["subtitle"],
                         keywords=", ".join(content["keywords"]), lang="en", invariant=1,
                         pageCompression=1)
        self.content, self.s, self.section, self.counts = content, s, "", []
        self._doSave = 0
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("first", [frame], onPage=self.band,
                                            onPageEnd=self.running),
                               PageTemplate("later", [frame], onPageEnd=self.running)])

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
        if isinstance(flowable, Heading):
            self.canv.bookmarkHorizontal(flowable.key, 0, 0)
            self.canv.addOutlineEntry(flowable.title, flowable.key, level=flowable.level)
            if flowable.level == 0:
                self.section = flowable.title

    def band(self, canv, doc) -> None:
        canv.setFillColor(colors.HexColor(PRIMARY))
        canv.rect(0, A4[1] - 7 * mm, A4[0], 7 * mm, stroke=0, fill=1)

    def running(self, canv, doc) -> None:
        page = canv.getPageNumber()
        if page > 1:
            y = A4[1] - 26 * mm + 7 * mm
            self.piece(canv, text(self.content["title"]), "running", y)
            self.piece(canv, text(self.section), "running_right", y)
            self.rule(canv, y - 2.2 * mm)
        y = 24 * mm - 11 * mm
        self.piece(canv, text(self.content["organisation"]), "running", y)
        canv.doForm(f"count-{page}")  # "page / pages", drawn once the count is known
        self.counts.append((f"count-{page}", page, y))
        self.rule(canv, y + 5 * mm)

    def piece(self, canv, markup: str, style: str, y: float) -> None:
        para = Paragraph(markup, self.s[style])
        para.wrap(self.width, 100)
        para.drawOn(canv, self.leftMargin, y)

    def rule(self, canv, y: float) -> None:
        canv.setStrokeColor(colors.HexColor(RULE))
        canv.setLineWidth(0.4)
        canv.line(self.leftMargin, y, self.leftMargin + self.width, y)

    def finish(self) -> None:
        for name, page, y in self.counts:
            self.canv.beginForm(name)
            self.piece(self.canv, f"{page} / {self.page}", "running_right", y)
            self.canv.endForm()
        self.canv.save()


def story(content: dict, s: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    numbers = content["numbers"]
    meta = [*content["authors"], content["organisation"], content["date"]]
    flow: list[Flowable] = [
        NextPageTemplate("later"),
        Paragraph("POLICY BRIEF", s["kicker"]),
        Paragraph(text(content["title"]), s["title"]),
        Paragraph(text(content["subtitle"]), s["subtitle"]),
        HRFlowable(width="100%", thickness=1.4, color=colors.HexColor(PRIMARY),
                   spaceBefore=2 * mm, spaceAfter=1 * mm),
        Paragraph("\u2002\u00b7\u2002".join(text(m) for m in meta if m), s["meta"]),
        HRFlowable(width="100%", thickness=0.5, color=colors.HexColor(RULE),
                   spaceBefore=1 * mm, spaceAfter=12),
    ]
    items = [ListItem(Paragraph(rich(m, numbers), s["box_item"]))
             for m in content["key_messages"]]
    box = Table([[[Paragraph("Key messages", s["h2"]),
                   ListFlowable(items, bulletType="bullet", start="\u2022",
                                bulletColor=colors.HexColor(ACCENT), leftIndent=4.5 * mm,
                                bulletDedent=4 * mm)]]],
                colWidths=[width], spaceAfter=12, style=TableStyle([
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(TINT)),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, colors.HexColor(PRIMARY)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 4.5 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5 * mm)]))
    flow.append(box)
    anchors = 0
    for number, section in enumerate(content["sections"], 1):
        flow.append(Heading(f'<font color="{ACCENT}">{number}</font>\u2003'
                            f'{text(section["title"])}', s["h1"], f"sec-{number}",
                            f'{number} {section["title"]}', 0))
        if section["lead"]:
            flow.append(Paragraph(rich(section["lead"], numbers), s["lead"]))
        for block in section["blocks"]:
            kind, value = block["type"], block["value"]
            if kind == "paragraph":
                flow.append(Paragraph(rich(value, numbers), s["body"]))
            elif kind == "heading":
                anchors += 1
                flow.append(Heading(text(value), s["h2"], f"h-{anchors}", value, 1))
            elif kind == "list":
                flow.append(ListFlowable(
                    [ListItem(Paragraph(rich(item, numbers), s["bullet"])) for item in value],
                    bulletType="bullet", start="\u2022", bulletColor=colors.HexColor(ACCENT),
                    leftIndent=5 * mm, bulletDedent=3.2 * mm, spaceAfter=6))
            elif kind == "key_figures":
                flow.append(figures(value, s, width, numbers))
            elif kind == "timeline":
                flow.append(timeline(value, s, width, numbers))
            elif kind == "table":
                flow += table(block["label"], value, s, width, numbers, content)
            elif kind == "chart":
                flow += chart(block["label"], value, s, width, numbers, content)
    if content["evidence"]:
        flow.append(Heading("Evidence", s["h1"], "evidence", "Evidence", 0))
        rows = [[Paragraph(h, s["head"]) for h in ("Figure", "Section", "Source")]]
        for item in content["evidence"]:
            ids = cite_ids(item["cite"])
            rows.append([Paragraph(f"<b>{text(item['value'])}</b> {rich(item['label'], numbers)}",
                                   s["cell"]),
                         Paragraph(text(item["section"]), s["cell"]),
                         Paragraph(cite(ids, numbers), s["cell"])])
        flow.append(grid(rows, [0.45 * width, 0.2 * width, 0.35 * width]))
    flow.append(Heading("References", s["h1"], "references", "References", 0))
    for number, entry in enumerate(content["references"], 1):
        flow.append(Paragraph(f'<a name="ref-{number}"/>{rich(entry, numbers)}',
                              s["reference"], bulletText=f"[{number}]"))
    return flow


def grid(rows: list, widths: list[float]) -> Table:
    return Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT", style=TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.HexColor(PRIMARY)),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor(RULE)),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor(TINT)])]))


def source_line(value: dict, s: dict, numbers: dict, content: dict) -> Paragraph:
    ids = cite_ids(value.get("source", ""))
    names = "; ".join(content["references"][numbers[i] - 1].split(".")[0] for i in ids)
    return Paragraph(f"Source: {text(names)}{cite(ids, numbers)}", s["source"])


def table(label: str, value: dict, s: dict, width: float, numbers: dict,
          content: dict) -> list[Flowable]:
    columns = value["columns"]
    share = [1.0] * len(columns)
    share[-1] = 2.0
    widths = [width * x / sum(share) for x in share]
    rows = [[Paragraph(text(c), s["head"]) for c in columns]]
    rows += [[Paragraph(rich(str(cell), numbers), s["cell"]) for cell in row]
             for row in value["rows"]]
    return [Paragraph(f"<b>{label}</b>: {text(value['caption'])}", s["caption"]),
            grid(rows, widths), source_line(value, s, numbers, content)]


def chart(label: str, value: dict, s: dict, width: float, numbers: dict,
          content: dict) -> list[Flowable]:
    drawing = Drawing(width, 62 * mm)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 12 * mm, 8 * mm, width - 16 * mm, 50 * mm
    bars.data = [tuple(series["values"]) for series in value["series"]]
    bars.categoryAxis.categoryNames = list(value["categories"])
    bars.categoryAxis.labels.fontName = "Sans-regular"
    bars.valueAxis.labels.fontName = "Sans-regular"
    bars.valueAxis.valueMin = 0
    bars.bars[0].fillColor = colors.HexColor(PRIMARY)
    bars.barLabelFormat = "%d"
    bars.barLabels.fontName = "Sans-regular"
    bars.barLabels.nudge = 6
    drawing.add(bars)
    return [drawing, Paragraph(f"<b>{label}</b>: {text(value['caption'])}", s["caption"]),
            source_line(value, s, numbers, content)]


def figures(items: list, s: dict, width: float, numbers: dict) -> Table:
    per_row = min(3, len(items))
    gap = 4 * mm
    cell = (width - gap * (per_row - 1)) / per_row
    row: list = []
    commands: list = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                      ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
                      ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
                      ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
                      ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)]
    for index, item in enumerate(items):
        if index:
            row.append("")
        label = rich(item["label"], numbers) + cite(cite_ids(item["cite"]), numbers)
        row.append([Paragraph(text(str(item["value"])), s["value"]),
                    Paragraph(label, s["label"])])
        col = index * 2
        commands += [("BACKGROUND", (col, 0), (col, 0), colors.HexColor(TINT)),
                     ("LINEABOVE", (col, 0), (col, 0), 2.2, colors.HexColor(ACCENT))]
    widths = [w for i in range(len(items)) for w in ((gap, cell) if i else (cell,))]
    return Table([row], colWidths=widths, hAlign="LEFT", style=TableStyle(commands),
                 spaceBefore=6, spaceAfter=12)


def timeline(entries: list, s: dict, width: float, numbers: dict) -> KeepTogether:
    rows = []
    for entry in entries:
        event = rich(entry["event"], numbers)
        if "cite" in entry:
            event += cite(cite_ids(entry["cite"]), numbers)
        rows.append([Paragraph(text(_month(str(entry["date"]))), s["date"]),
                     Paragraph(event, s["event"])])
    table = Table(rows, colWidths=[30 * mm, width - 30 * mm], hAlign="LEFT",
                  spaceBefore=6, spaceAfter=12, style=TableStyle([
                      ("VALIGN", (0, 0), (-1, -1), "TOP"),
                      ("LINEAFTER", (0, 0), (0, -1), 1.6, colors.HexColor(ACCENT)),
                      ("RIGHTPADDING", (0, 0), (0, -1), 4 * mm),
                      ("LEFTPADDING", (1, 0), (1, -1), 4 * mm)]))
    return KeepTogether([table])


def _month(value: str) -> str:
    months = "January February March April May June July August September October " \
             "November December"
    parts = value.split("-")
    return parts[0] if len(parts) == 1 else f"{months.split()[int(parts[1]) - 1]} {parts[0]}"


def main(content_path: str, output: str) -> None:
    content = json.loads(Path(content_path).read_text(encoding="utf-8"))
    XREFS.update(content["xrefs"])
    register(content["fonts"])
    s = styles()
    doc = Doc(output, content, s)
    doc.build(story(content, s, doc.width))
    doc.finish()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
