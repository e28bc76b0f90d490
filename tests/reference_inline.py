"""The inline parser as it was before it was made linear (test-only reference).

Its results define the syntax; tests/test_inline.py checks that the linear parser gives
the same spans and problems for any text.  It rescanned to the end of the text for every
unmatched '*' or '[', so it is quadratic: never use it for real input.
"""

from __future__ import annotations

import re

from briefsmith.inline import _CITE_OPEN, ESCAPABLE, SOURCE_ID, Locate
from briefsmith.model import Citation, CiteItem, Emphasis, Inline, Link, Strong, Text

_CITE_ITEM = re.compile(
    rf"^\s*(?P<suppress>-)?(?P<at>@)?(?P<id>{SOURCE_ID})\s*(?:,\s*(?P<locator>.*?))?\s*$", re.S
)


def parse_spans(text: str) -> tuple[tuple[Inline, ...], list[tuple[int, str]]]:
    parser = ReferenceParser(text, lambda _offset: None)  # type: ignore[arg-type,return-value]
    return parser.parse(0, len(text), allow_links=True), parser.problems


def _parse_citation_body(body: str, offset: int, locate: Locate,
                         problems: list[tuple[int, str]], *, require_at: bool) -> Citation | None:
    items: list[CiteItem] = []
    position = offset
    if not body.strip():
        problems.append((offset, "empty citation: name at least one source id"))
        return None
    stray_reported = False
    for part in body.split(";"):
        match = _CITE_ITEM.match(part)
        if not part.strip():
            if not stray_reported:
                problems.append((position, "empty item in citation (a stray ';'?)"))
                stray_reported = True
        elif not match or (require_at and not match.group("at")):
            problems.append((
                position + len(part) - len(part.lstrip()),
                f"cannot read citation item '{part.strip()}'; write it as @source-id or "
                "@source-id, p. 12",
            ))
        else:
            locator = (match.group("locator") or "").strip() or None
            items.append(CiteItem(
                id=match.group("id"),
                locator=locator,
                suppress_author=bool(match.group("suppress")),
                at=locate(position + match.start("id")),
            ))
        position += len(part) + 1
    if not items:
        return None
    return Citation(tuple(items), at=locate(offset))


class ReferenceParser:
    def __init__(self, text: str, locate: Locate) -> None:
        self.text = text
        self.locate = locate
        self.problems: list[tuple[int, str]] = []

    def parse(self, start: int, end: int, *, allow_links: bool) -> tuple[Inline, ...]:
        out: list[Inline] = []
        buf: list[str] = []
        s = self.text
        i = start

        def flush() -> None:
            if buf:
                out.append(Text("".join(buf)))
                buf.clear()

        while i < end:
            ch = s[i]
            if ch == "\\" and i + 1 < end and s[i + 1] in ESCAPABLE:
                buf.append(s[i + 1])
                i += 2
                continue
            if ch == "[" and allow_links:
                if _CITE_OPEN.match(s, i, end):
                    consumed = self.citation(i, end)
                    if consumed is not None:
                        node, i = consumed
                        flush()
                        if node is not None:
                            out.append(node)
                        continue
                else:
                    link = self.link(i, end)
                    if link is not None:
                        node, i = link
                        flush()
                        out.append(node)
                        continue
            if ch == "*":
                width = 2 if s.startswith("**", i) and i + 1 < end else 1
                close = self.closing(i + width, end, width)
                if close is not None:
                    flush()
                    inner = self.parse(i + width, close, allow_links=allow_links)
                    out.append(Strong(inner) if width == 2 else Emphasis(inner))
                    i = close + width
                    continue
                buf.append(s[i : i + width])
                i += width
                continue
            buf.append(ch)
            i += 1
        flush()
        return tuple(out)

    def closing(self, start: int, end: int, width: int) -> int | None:
        """Index of the delimiter of ``width`` stars that closes one opened before ``start``."""
        s = self.text
        if start >= end or s[start].isspace():
            return None
        i = start
        while i < end:
            ch = s[i]
            if ch == "\\" and i + 1 < end:
                i += 2
                continue
            if ch == "*":
                run = 2 if s.startswith("**", i) and i + 1 < end else 1
                if run == width and i > start and not s[i - 1].isspace():
                    return i
                i += run
                continue
            i += 1
        return None

    def citation(self, start: int, end: int) -> tuple[Citation | None, int] | None:
        s = self.text
        close = s.find("]", start, end)
        if close < 0:
            self.problems.append((start, "unclosed citation: '[@' has no matching ']'"))
            return None
        citation = _parse_citation_body(
            s[start + 1 : close], start + 1, self.locate, self.problems, require_at=True
        )
        return citation, close + 1

    def link(self, start: int, end: int) -> tuple[Link, int] | None:
        s = self.text
        depth = 0
        i = start
        close = -1
        while i < end:
            ch = s[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
                if depth == 0:
                    close = i
                    break
            i += 1
        if close < 0 or close + 1 >= end or s[close + 1] != "(":
            return None
        url_start = close + 2
        depth = 1
        j = url_start
        while j < end:
            if s[j] == "(":
                depth += 1
            elif s[j] == ")":
                depth -= 1
                if depth == 0:
                    break
            elif s[j].isspace():
                return None
            j += 1
        if j >= end or depth:
            return None
        url = s[url_start:j]
        if not url or close == start + 1:
            return None
        children = self.parse(start + 1, close, allow_links=False)
        return Link(children, url, at=self.locate(url_start)), j + 1
