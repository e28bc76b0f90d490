"""Reading a tagged PDF back, for assertions: the structure tree, the marked content of
every page, and poppler's reading of the structure (``pdfinfo -struct-text``)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

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

    def walk(self):  # type: ignore[no-untyped-def]
        yield self
        for kid in self.kids:
            yield from kid.walk()

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
                    str(node.ID) if "/ID" in node else None, objgen=node.objgen)
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
    """One element of ``pdfinfo -struct-text``: its role and the text it reads."""

    role: str
    text: str = ""
    kids: list[ReadNode] = field(default_factory=list)

    def walk(self):  # type: ignore[no-untyped-def]
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def all_text(self) -> str:
        return "".join(node.text for node in self.walk())


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
            parent.text += body[1:-1]
            continue
        node = ReadNode(body.split()[0].rstrip(":"))
        parent.kids.append(node)
        stack.append((depth, node))
    assert len(root.kids) == 1, "one Document element"
    return root.kids[0]
