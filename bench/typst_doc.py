"""The sample brief as a Typst document: the same content and design, for the peer timing.

Text reaches Typst only as string literals (``#"..."``), so nothing in the content can be
read as markup.  The page design follows briefsmith's base theme: fonts with the CJK
fallback, the title band, key-messages box, numbered headings, key-figure grids, timelines,
a captioned table and bar chart with source lines, cross-references, linked citations, the
evidence appendix, references, bookmarks (Typst makes them from headings), the running
header with the current section and the "page / pages" footer.
"""

from __future__ import annotations

import json
from typing import Any

from content import cite_ids
from content import rich as inline

PREAMBLE = """
#let primary = rgb("#17375E")
#let accent = rgb("#2A7AB0")
#let muted = rgb("#5B6672")
#let rule = rgb("#C8D0D9")
#let tint = rgb("#EEF3F8")
#let linkc = rgb("#1F5FA8")
#let serif = ("Noto Serif", "WenQuanYi Zen Hei")
#let sans = ("Noto Sans", "WenQuanYi Zen Hei")
#set document(title: TITLE, author: AUTHOR, keywords: KEYWORDS)
#set text(font: serif, size: 10.5pt, lang: "en", hyphenate: true, fill: rgb("#1B1F24"))
#set par(justify: true, leading: 0.74em, spacing: 13.8pt)
#set page(paper: "a4", margin: (top: 26mm, bottom: 24mm, left: 24mm, right: 24mm),
  background: context if here().page() == 1 {
    place(top, rect(width: 100%, height: 7mm, fill: primary))
  },
  header: context if here().page() > 1 {
    let before = query(heading.where(level: 1).before(here()))
    set text(font: sans, size: 8pt, fill: muted)
    grid(columns: (1fr, auto), TITLE, if before.len() > 0 { before.last().body })
    v(-1mm)
    line(length: 100%, stroke: 0.4pt + rule)
  },
  footer: context {
    set text(font: sans, size: 8pt, fill: muted)
    line(length: 100%, stroke: 0.4pt + rule)
    v(-1mm)
    grid(columns: (1fr, auto), ORGANISATION,
         [#counter(page).display() / #counter(page).final().first()])
  })
#set heading(numbering: "1")
#show heading: set text(font: sans, fill: primary)
#show heading.where(level: 1): it => block(above: 20pt, below: 8pt, sticky: true)[
  #set text(size: 15pt)
  #if it.numbering != none { text(fill: accent, counter(heading).display()); h(0.8em) }
  #it.body]
#show heading.where(level: 2): it => block(above: 12pt, below: 5pt, sticky: true,
  text(size: 12pt, it.body))
#set list(marker: text(fill: accent)[•], indent: 1mm, body-indent: 3mm)
#let cite(..ids) = [~\\[#ids.pos().map(((n, label)) =>
  link(label, text(fill: linkc, str(n)))).join(", ")\\]]
#let figure-cell(value, label) = block(width: 100%, fill: tint, inset: 3mm, breakable: false,
  stroke: (top: 2.2pt + accent))[
  #text(font: sans, size: 22pt, weight: "bold", fill: primary, value)
  #v(-2pt)
  #text(font: sans, size: 9pt, label)]
"""


def text(value: str) -> str:
    return '#"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


MARKUP = {"strong": "#strong[{body}]", "em": "#emph[{body}]",
          "link": '#link("{url}")[#text(fill: linkc)[{body}]]'}


XREFS: dict[str, str] = {}


def rich(value: str, numbers: dict[str, int]) -> str:
    return inline(value, numbers, text, MARKUP, cite, XREFS)


def cite(ids: list[str], numbers: dict[str, int]) -> str:
    ordered = sorted(set(ids), key=numbers.__getitem__)
    return "#cite(" + ", ".join(f"({numbers[i]}, <ref-{numbers[i]}>)" for i in ordered) + ")"


def document(content: dict[str, Any]) -> str:
    numbers = content["numbers"]
    XREFS.clear()
    XREFS.update(content["xrefs"])
    preamble = (PREAMBLE.replace("TITLE", f'"{_string(content["title"])}"')
                .replace("AUTHOR", f'"{_string(content["organisation"])}"')
                .replace("ORGANISATION", f'"{_string(content["organisation"])}"')
                .replace("KEYWORDS", "(" + ", ".join(f'"{_string(k)}"'
                                                     for k in content["keywords"]) + ",)"))
    meta = [*content["authors"], content["organisation"], content["date"]]
    out = [preamble, f"""
#text(font: sans, size: 8.5pt, weight: "bold", fill: accent)[POLICY BRIEF]
#v(6pt)
#text(font: sans, size: 25pt, weight: "bold", fill: primary)[{text(content["title"])}]
#v(8pt)
#text(font: sans, size: 13pt, fill: muted)[{text(content["subtitle"])}]
#v(8pt)
#line(length: 100%, stroke: 1.4pt + primary)
#v(4pt)
#text(font: sans, size: 9pt, fill: muted)[{" · ".join(text(m) for m in meta if m)}]
#v(2pt)
#line(length: 100%, stroke: 0.5pt + rule)
#v(10pt)
#block(width: 100%, fill: tint, stroke: (left: 3pt + primary), inset: (x: 6mm, y: 4mm))[
  #text(font: sans, size: 12pt, weight: "bold", fill: primary)[Key messages]
  #set par(justify: false)
"""]
    out += [f"  - {rich(m, numbers)}" for m in content["key_messages"]]
    out.append("]")
    for section in content["sections"]:
        out.append(f"= {text(section['title'])}")
        if section["lead"]:
            out.append(f"#text(font: sans, size: 12.4pt, fill: primary)"
                       f"[{rich(section['lead'], numbers)}]\n")
        for block in section["blocks"]:
            if block["type"] in ("table", "chart"):
                out.append(_figure(block, numbers, content))
            else:
                out.append(_block(block["type"], block["value"], numbers))
    if content["evidence"]:
        out.append("#heading(numbering: none)[Evidence]")
        cells = ["[*Figure*]", "[*Section*]", "[*Source*]"]
        for item in content["evidence"]:
            cells += [f"[#strong[{text(item['value'])}] {rich(item['label'], numbers)}]",
                      f"[{text(item['section'])}]",
                      f"[{cite(cite_ids(item['cite']), numbers)}]"]
        out.append(_table("(45%, 20%, 35%)", cells))
    out.append("#heading(numbering: none)[References]")
    out.append("#set text(size: 9pt)\n#set par(justify: false)")
    for number, entry in enumerate(content["references"], 1):
        out.append(f"#grid(columns: (8mm, 1fr), [\\[{number}\\]], "
                   f"[{rich(entry, numbers)}]) <ref-{number}>")
    return "\n".join(out) + "\n"


def _block(kind: str, value: Any, numbers: dict[str, int]) -> str:
    if kind == "paragraph":
        return rich(value, numbers) + "\n"
    if kind == "heading":
        return f"== {text(value)}\n"
    if kind == "list":
        return "\n".join(f"- {rich(item, numbers)}" for item in value) + "\n"
    if kind == "key_figures":
        cells = ", ".join(
            f"figure-cell[{text(str(item['value']))}]"
            f"[{rich(item['label'], numbers)}{cite(cite_ids(item['cite']), numbers)}]"
            for item in value)
        columns = min(3, len(value))
        return (f"#block(above: 10pt, below: 14pt, grid(columns: ({', '.join(['1fr'] * columns)}),"
                f" column-gutter: 4mm, {cells}))\n")
    if kind == "timeline":
        rows = []
        for entry in value:
            event = rich(entry["event"], numbers)
            if "cite" in entry:
                event += cite(cite_ids(entry["cite"]), numbers)
            rows.append(f"align(right, text(font: sans, weight: \"bold\", fill: primary)"
                        f"[{text(_month(str(entry['date'])))}]), [{event}]")
        return ("#block(breakable: false, grid(columns: (30mm, 1fr), inset: (x: 4mm, y: 1.5mm),"
                " stroke: (x, y) => if x == 0 { (right: 1.6pt + accent) }, "
                + ", ".join(rows) + "))\n")
    raise SystemExit(f"bench: no Typst for block type '{kind}'")


def _table(columns: str, cells: list[str]) -> str:
    return (f"#block(above: 6pt, below: 6pt, text(size: 8.5pt, table(columns: {columns}, "
            "inset: 4pt, stroke: (x, y) => (bottom: if y == 0 { 1pt + primary } else "
            "{ 0.4pt + rule }), fill: (x, y) => if y > 0 and calc.even(y) { tint }, "
            + ", ".join(cells) + ")))\n")


def _figure(block: dict, numbers: dict[str, int], content: dict[str, Any]) -> str:
    value = block["value"]
    caption = (f"#text(font: sans, size: 8.5pt)[#strong[{text(block['label'])}]: "
               f"{text(value['caption'])}]\n")
    ids = cite_ids(value.get("source", ""))
    names = "; ".join(content["references"][numbers[i] - 1].split(".")[0] for i in ids)
    source = (f"#text(font: sans, size: 7.5pt, fill: muted)[Source: {text(names)}"
              f"{cite(ids, numbers)}]\n")
    if block["type"] == "table":
        columns = value["columns"]
        widths = "(" + ", ".join(["1fr"] * (len(columns) - 1) + ["2fr"]) + ")"
        cells = [f"[#text(font: sans, weight: \"bold\", fill: primary)[{text(c)}]]"
                 for c in columns]
        cells += [f"[{rich(str(cell), numbers)}]" for row in value["rows"] for cell in row]
        return caption + _table(widths, cells) + source
    values = value["series"][0]["values"]
    top = max(values) * 1.15
    bars = ", ".join(
        f"align(bottom, stack(spacing: 2pt, align(center, text(size: 7pt)[{v}]), "
        f"rect(width: 60%, height: {50 * v / top:.2f}mm, fill: primary)))" for v in values)
    labels = ", ".join(f"align(center, text(font: sans, size: 7.5pt)[{text(c)}])"
                       for c in value["categories"])
    columns = ", ".join(["1fr"] * len(values))
    chart = (f"#block(height: 62mm, width: 100%, stroke: (left: 0.5pt + muted, bottom: 0.5pt "
             f"+ muted), inset: (left: 4mm), grid(columns: ({columns}), rows: (54mm, auto), "
             f"column-gutter: 8mm, {bars}, {labels}))\n")
    return chart + caption + source


def _month(value: str) -> str:
    months = "January February March April May June July August September October " \
             "November December"
    parts = value.split("-")
    return parts[0] if len(parts) == 1 else f"{months.split()[int(parts[1]) - 1]} {parts[0]}"


def _string(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


if __name__ == "__main__":
    import sys
    from pathlib import Path

    print(document(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
