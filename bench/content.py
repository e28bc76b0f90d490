"""The sample brief's content as plain data, for the comparison documents of the benchmark.

The floor (a hand-written ReportLab script) and the Typst document must say what the
sample brief says, so they are generated from the same YAML rather than copied by hand:
this module reads it with plain PyYAML (no briefsmith code, no validation) into a small
JSON-able dict.  Inline text keeps the brief's light markup (``**bold**``, ``*italic*``,
``[text](url)``, ``[@id; @id, p. 3]``); :func:`spans` splits it for each writer.

Supported: paragraph, heading, list, key_figures, timeline, table (inline rows), bar chart
(inline series), cross-references to them (``[@tbl:x]``, ``[@fig:x]``) and the evidence
appendix.  A block type added to briefsmith later needs a case here and in both writers,
or the comparison stops being like for like: ``run.py`` fails loudly on an unknown block
rather than measuring a smaller document.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

BLOCKS = ("paragraph", "heading", "list", "key_figures", "timeline", "table", "chart")
XREF_KINDS = {"tbl": "Table", "fig": "Figure"}
_INLINE = re.compile(
    r"(?P<cite>\[@[^\]]+\])|(?P<link>\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\))"
    r"|(?P<strong>\*\*(?P<strong_text>.+?)\*\*)|(?P<em>\*(?P<em_text>[^*]+?)\*)")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def load(project: Path, brief: str) -> dict[str, Any]:
    """The brief, its sections and numbered references, with citations resolved."""
    import yaml  # only here: the floor script imports this module for spans() alone

    data = yaml.safe_load((project / "briefs" / f"{brief}.yaml").read_text(encoding="utf-8"))
    sources = yaml.safe_load((project / "content" / "sources.yaml").read_text(encoding="utf-8"))
    sections = []
    for name in data["sections"]:
        section = yaml.safe_load((project / "content" / name).read_text(encoding="utf-8"))
        blocks = []
        for block in section.get("blocks", []):
            [(kind, value)] = block.items()
            if kind not in BLOCKS:
                raise SystemExit(f"bench: block type '{kind}' is not in the comparison "
                                 "documents yet; add it to bench/content.py and the writers")
            blocks.append({"type": kind, "value": value})
        sections.append({"title": section["title"], "lead": section.get("lead"),
                         "blocks": blocks})
    xrefs: dict[str, str] = {}
    counts = dict.fromkeys(XREF_KINDS.values(), 0)
    evidence = []
    for section in sections:
        for block in section["blocks"]:
            value = block["value"]
            if block["type"] in ("table", "chart"):
                kind = "Table" if block["type"] == "table" else "Figure"
                counts[kind] += 1
                block["label"] = f"{kind} {counts[kind]}"
                if value.get("id"):
                    xrefs[value["id"]] = block["label"]
            if block["type"] == "key_figures":
                evidence += [{"value": str(i["value"]), "label": i["label"], "cite": i["cite"],
                              "section": section["title"]} for i in value]
    doc = {
        "title": data["title"], "subtitle": data.get("subtitle", ""),
        "date": _date(str(data["date"])), "organisation": data.get("organisation", ""),
        "authors": data.get("authors", []), "keywords": data.get("keywords", []),
        "key_messages": [m.strip() for m in data.get("key_messages", [])],
        "sections": sections, "xrefs": xrefs,
        "evidence": evidence if data.get("citations", {}).get("evidence") else [],
    }
    order: list[str] = []
    _number_citations(doc, order)
    doc["references"] = [_reference(sources[source_id]) for source_id in order]
    doc["numbers"] = {source_id: n for n, source_id in enumerate(order, 1)}
    return doc


def spans(text: str) -> list[tuple[str, Any]]:
    """``text`` as ``(kind, value)`` pieces: text, strong, em, link (label, url), cite ids."""
    out: list[tuple[str, Any]] = []
    position = 0
    text = " ".join(text.split())
    for match in _INLINE.finditer(text):
        if match.start() > position:
            out.append(("text", text[position:match.start()]))
        if match.group("cite"):
            ids = [part.strip().lstrip("@").split(",")[0].strip()
                   for part in match.group("cite")[1:-1].split(";")]
            if ids[0].split(":")[0] in XREF_KINDS:
                out.append(("xref", ids[0]))
            else:
                out.append(("cite", ids))
        elif match.group("link"):
            out.append(("link", (match.group("label"), match.group("url"))))
        elif match.group("strong"):
            out.append(("strong", match.group("strong_text")))
        else:
            out.append(("em", match.group("em_text")))
        position = match.end()
    if position < len(text):
        out.append(("text", text[position:]))
    return out


def rich(value: str, numbers: dict[str, int], text: Any, templates: dict[str, str],
         cite: Any, xrefs: dict[str, str] | None = None) -> str:
    """Inline text in a writer's markup: ``text(s)`` escapes, ``templates`` wrap strong,
    em and link pieces (``{body}``, ``{url}``), ``cite(ids, numbers)`` writes a marker;
    a cross-reference becomes its label ("Table 1")."""
    out: list[str] = []
    for kind, piece in spans(value):
        if kind == "text":
            out.append(text(piece))
        elif kind == "xref":
            out.append(text((xrefs or {}).get(piece, piece)))
        elif kind == "link":
            out.append(templates["link"].format(body=text(piece[0]), url=piece[1]))
        elif kind == "cite":
            if out:
                out[-1] = out[-1].rstrip()
            out.append(cite(piece, numbers))
        else:
            out.append(templates[kind].format(body=text(piece)))
    return "".join(out)


def cite_ids(value: Any) -> list[str]:
    """The source ids of a ``cite:`` field (``a, p. 3; b``)."""
    return [part.strip().split(",")[0].strip() for part in str(value).split(";")
            if part.strip()]


def _number_citations(doc: dict[str, Any], order: list[str]) -> None:
    def visit(text: str | None) -> None:
        for kind, value in spans(text or ""):
            if kind == "cite":
                order.extend(i for i in value if i not in order)

    for message in doc["key_messages"]:
        visit(message)
    for section in doc["sections"]:
        visit(section["lead"])
        for block in section["blocks"]:
            value = block["value"]
            if block["type"] in ("paragraph", "heading"):
                visit(value)
            elif block["type"] == "list":
                for item in value:
                    visit(item)
            elif block["type"] in ("table", "chart"):
                for row in value.get("rows", []):
                    for cell in row:
                        visit(str(cell))
                order.extend(i for i in cite_ids(value.get("source", "")) if i and i not in order)
            else:
                for item in value:
                    visit(item.get("label") or item.get("event"))
                    if "cite" in item:
                        order.extend(i for i in cite_ids(item["cite"]) if i not in order)


def _reference(source: dict[str, Any]) -> str:
    authors = "; ".join(a.get("literal") or f"{a.get('family')}, {a.get('given')}"
                        for a in source.get("author", []))
    parts = [authors, f"“{source['title']}.”" if source.get("container-title")
             else f"*{source['title']}*."]
    if source.get("container-title"):
        parts.append(f"{source['container-title']}.")
    parts.append(_date(str(source["issued"])) + "." if source.get("issued") else "n.d.")
    if source.get("note"):
        parts.append(source["note"])
    return " ".join(p for p in parts if p)


def _date(text: str) -> str:
    pieces = text.split("-")
    if len(pieces) == 1:
        return pieces[0]
    month = _MONTHS[int(pieces[1]) - 1]
    return f"{month} {pieces[0]}" if len(pieces) == 2 else f"{int(pieces[2])} {month} {pieces[0]}"
