"""Reading a tagged PDF back, for assertions: the structure tree, the marked content of
every page, and poppler's reading of the structure (``pdfinfo -struct-text``)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pikepdf

# Operators that put marks on a page (text, paths, XObjects, shadings, inline images).
PAINTING = frozenset({"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*",
                      "Do", "sh", "BI", "INLINE IMAGE"})


@dataclass
class Elem:
    role: str  # as written (before the role map)
    alt: str | None = None
    id: str | None = None
    attributes: dict[str, object] = field(default_factory=dict)
    mcids: list[tuple[int, int]] = field(default_factory=list)  # (0-based page, mcid)
    annotations: list[pikepdf.Object] = field(default_factory=list)
    kids: list[Elem] = field(default_factory=list)
    objgen: tuple[int, int] = (0, 0)
    lang: str | None = None

    def walk(self):  # type: ignore[no-untyped-def]
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def all_mcids(self) -> list[tuple[int, int]]:
        """The marked content of this element and of every element below it."""
        return [mcid for element in self.walk() for mcid in element.mcids]

    def roles(self) -> list[str]:
        return [kid.role for kid in self.kids]


@dataclass(frozen=True)
class PageMarks:
    """What a page's content stream marks: the mcids in order, with the role of each, and
    the painting operators outside any marked-content sequence or nested in another."""

    mcids: list[tuple[str, int]]
    unmarked: list[str]
    nested: list[str]
    artifacts: int


class TaggedPdf:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.pdf = pikepdf.open(path)
        self.pages = [page.obj for page in self.pdf.pages]

    def close(self) -> None:
        self.pdf.close()

    def __enter__(self) -> TaggedPdf:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def root(self) -> pikepdf.Object:
        return self.pdf.Root.StructTreeRoot

    def page_index(self, page: pikepdf.Object) -> int:
        for index, candidate in enumerate(self.pages):
            if candidate.objgen == page.objgen:
                return index
        raise AssertionError(f"{page!r} is not a page")

    def tree(self) -> Elem:
        """The ``Document`` element and everything below it."""
        kids = self.root.K
        return self._element(kids if isinstance(kids, pikepdf.Dictionary) else kids[0])

    def _element(self, node: pikepdf.Object) -> Elem:
        elem = Elem(str(node.S)[1:], str(node.Alt) if "/Alt" in node else None,
                    str(node.ID) if "/ID" in node else None, objgen=node.objgen,
                    lang=str(node.Lang) if "/Lang" in node else None)
        for attributes in _as_list(node.get("/A")):
            for key, value in attributes.items():
                if key != "/O":
                    elem.attributes[f"{str(attributes.O)[1:]}:{key[1:]}"] = value
        page = self.page_index(node.Pg) if "/Pg" in node else None
        for kid in _as_list(node.get("/K")):
            if isinstance(kid, int):
                assert page is not None, f"{elem.role}: an mcid without /Pg"
                elem.mcids.append((page, kid))
            elif kid.get("/Type") == "/MCR":
                elem.mcids.append((self.page_index(kid.Pg), int(kid.MCID)))
            elif kid.get("/Type") == "/OBJR":
                elem.annotations.append(kid.Obj)
            else:
                elem.kids.append(self._element(kid))
        return elem

    def annotation_pages(self) -> dict[tuple[int, int], int]:
        """Each annotation's 0-based page, by its object number and generation."""
        return {annotation.objgen: index for index, page in enumerate(self.pages)
                for annotation in page.get("/Annots", [])}

    def marked_text(self) -> dict[tuple[int, int], str]:
        """The glyphs each marked-content sequence shows, as pdfplumber reads them, by
        (0-based page, mcid)."""
        texts: dict[tuple[int, int], str] = {}
        for page, chars in enumerate(self._chars()):
            for char in chars:
                if char["mcid"] is not None:
                    key = (page, char["mcid"])
                    texts[key] = texts.get(key, "") + char["text"]
        return texts

    def text_under(self, annotation: pikepdf.Object,
                   mcids: list[tuple[int, int]] | None = None) -> str:
        """The glyphs whose centres lie inside an annotation's rectangle, in content order:
        those of the marked content ``mcids`` ((page, mcid) pairs), or else all tagged ones
        (artifacts such as leader dots left out)."""
        page = self.annotation_pages()[annotation.objgen]
        x0, y0, x1, y1 = (float(v) for v in annotation.Rect)
        return "".join(char["text"] for char in self._chars()[page]
                       if char["mcid"] is not None
                       and (mcids is None or (page, char["mcid"]) in mcids)
                       and x0 <= (char["x0"] + char["x1"]) / 2 <= x1
                       and y0 <= (char["y0"] + char["y1"]) / 2 <= y1)

    def _chars(self) -> list[list[dict]]:
        if not hasattr(self, "_plumbed"):
            with pdfplumber.open(self.path) as plumber:
                self._plumbed = [page.chars for page in plumber.pages]
        return self._plumbed

    def parent_tree(self) -> dict[int, pikepdf.Object]:
        nums = self.root.ParentTree.Nums
        return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}

    def marks(self, index: int) -> PageMarks:
        mcids: list[tuple[str, int]] = []
        unmarked: list[str] = []
        nested: list[str] = []
        artifacts = 0
        stack: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(self.pdf.pages[index]):
            op = str(operator)
            if op in ("BDC", "BMC"):
                tag = str(operands[0])[1:]
                if stack:
                    nested.append(f"{tag} inside {stack[-1]}")
                if tag == "Artifact":
                    artifacts += 1
                elif op == "BDC" and "/MCID" in operands[1]:
                    mcids.append((tag, int(operands[1].MCID)))
                stack.append(tag)
            elif op == "EMC":
                stack.pop()
            elif op in PAINTING and not stack:
                unmarked.append(op)
        assert not stack, f"page {index + 1}: unbalanced marked content"
        return PageMarks(mcids, unmarked, nested, artifacts)


def _as_list(value: object) -> list:
    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return list(value)
    return [value]


@dataclass
class ReadNode:
    """One element of ``pdfinfo -struct-text``: its role, its child elements, and its
    pieces of text and child elements in the order they are read (``parts``: a link's
    text comes between the pieces of its paragraph's text)."""

    role: str
    kids: list[ReadNode] = field(default_factory=list)
    parts: list[str | ReadNode] = field(default_factory=list)

    def walk(self):  # type: ignore[no-untyped-def]
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def all_text(self) -> str:
        """Everything this element reads, its kids' text in its place."""
        return "".join(part if isinstance(part, str) else part.all_text()
                       for part in self.parts)


_LINE = re.compile(r"^( *)(.*)$")


def struct_text(path: Path) -> ReadNode:
    """Poppler's reading of the structure tree, as a tree of roles and their text."""
    out = subprocess.run(["pdfinfo", "-struct-text", str(path)], check=True,
                         capture_output=True, text=True).stdout
    root = ReadNode("")
    stack: list[tuple[int, ReadNode]] = [(-1, root)]
    for line in out.splitlines():
        indent, body = _LINE.match(line).groups()  # type: ignore[union-attr]
        depth = len(indent)
        if not body.strip() or body.startswith("/") or body.startswith("Object "):
            continue
        while stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1]
        if body.startswith('"'):
            parent.parts.append(body[1:-1])
            continue
        node = ReadNode(body.split()[0].rstrip(":"))
        parent.kids.append(node)
        parent.parts.append(node)
        stack.append((depth, node))
    assert len(root.kids) == 1, "one Document element"
    return root.kids[0]
