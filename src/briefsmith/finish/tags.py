"""Writes the recorded structure into the PDF: the tagged-PDF objects ReportLab cannot make.

``StructTreeRoot`` holds the ``Document`` element; every element is a ``StructElem`` with
its kids in reading order: marked-content ids (with ``/Pg``, or an ``MCR`` dictionary when
the content sits on another page than the element's first), child elements, and ``OBJR``
references to link annotations.  The ``ParentTree`` maps each page's ``/StructParents``
key to the elements of its marked-content ids, and each annotation's ``/StructParent``
key to its ``Link`` element, so an assistive technology can go from content to structure.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..structure import Content, Element, LinkAnnotation, StructureTree


def write_structure(pdf: pikepdf.Pdf, tree: StructureTree) -> None:
    pages = list(pdf.pages)
    if len(pages) != tree.pages:
        raise ValueError(f"the structure covers {tree.pages} pages, the PDF has {len(pages)}")
    _check_annotations(pages, tree)
    writer = _TreeWriter(pdf, pages)
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = writer.element(tree.root, root)
    root.K = document
    root.ParentTree = writer.parent_tree()
    root.ParentTreeNextKey = writer.next_key
    if tree.role_map:
        root.RoleMap = Dictionary({f"/{k}": Name(f"/{v}") for k, v in tree.role_map.items()})
    if writer.ids:
        root.IDTree = Dictionary(Names=Array(
            [item for key in sorted(writer.ids) for item in (String(key), writer.ids[key])]))
    for index, page in enumerate(pages):
        page.obj.StructParents = index
        page.obj.Tabs = Name.S  # tab through annotations in structure order (PDF/UA)
    catalog = pdf.Root
    catalog.StructTreeRoot = root
    catalog.MarkInfo = Dictionary(Marked=True)


def _check_annotations(pages: list[pikepdf.Page], tree: StructureTree) -> None:
    """Every annotation of the PDF must be one the structure recorded, in the same order:
    a mismatch would tie links to the wrong elements, so it is a programming error."""
    recorded = tree.annotations()
    for index, page in enumerate(pages):
        count = len(page.obj.get("/Annots", Array()))
        if count != recorded.get(index, 0):
            raise ValueError(f"page {index + 1} has {count} annotations, the structure "
                             f"recorded {recorded.get(index, 0)}")


class _TreeWriter:
    def __init__(self, pdf: pikepdf.Pdf, pages: list[pikepdf.Page]) -> None:
        self.pdf = pdf
        self.pages = pages
        self.by_mcid: list[dict[int, pikepdf.Object]] = [{} for _ in pages]
        self.annotations: list[tuple[int, pikepdf.Object]] = []
        self.next_key = len(pages)
        self.ids: dict[str, pikepdf.Object] = {}

    def element(self, element: Element, parent: pikepdf.Object) -> pikepdf.Object:
        node = self.pdf.make_indirect(Dictionary(Type=Name.StructElem,
                                                 S=Name(f"/{element.role}"), P=parent))
        page = _first_page(element)
        if page is not None:
            node.Pg = self.pages[page].obj
        kids = Array()
        for kid in element.kids:
            if isinstance(kid, Element):
                kids.append(self.element(kid, node))
            elif isinstance(kid, Content):
                self.by_mcid[kid.page][kid.mcid] = node
                if kid.page == page:
                    kids.append(kid.mcid)
                else:
                    kids.append(Dictionary(Type=Name.MCR, Pg=self.pages[kid.page].obj,
                                           MCID=kid.mcid))
            elif isinstance(kid, LinkAnnotation):
                kids.append(self._link(kid, node))
        node.K = kids[0] if len(kids) == 1 and not isinstance(kids[0], Dictionary) else kids
        if element.alt:
            node.Alt = String(element.alt)
        if element.id:
            node.ID = String(element.id)
            self.ids[element.id] = node
        if element.attributes:
            node.A = _attributes(element.attributes)
        return node

    def _link(self, link: LinkAnnotation, node: pikepdf.Object) -> Dictionary:
        page = self.pages[link.page].obj
        annotation = page.Annots[link.index]
        annotation.Contents = String(link.description)
        annotation.StructParent = self.next_key
        self.annotations.append((self.next_key, node))
        self.next_key += 1
        return Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page)

    def parent_tree(self) -> pikepdf.Object:
        nums = Array()
        for index, contents in enumerate(self.by_mcid):
            if sorted(contents) != list(range(len(contents))):
                raise ValueError(f"page {index + 1}: marked-content ids are not 0..n-1")
            nums.append(index)
            nums.append(self.pdf.make_indirect(Array([contents[m] for m in sorted(contents)])))
        for key, node in self.annotations:
            nums.append(key)
            nums.append(node)
        return self.pdf.make_indirect(Dictionary(Nums=nums))


def _first_page(element: Element) -> int | None:
    for kid in element.kids:
        if isinstance(kid, Content | LinkAnnotation):
            return kid.page
    return None


def _attributes(attributes: list[tuple[str, str, object]]) -> pikepdf.Object:
    """``(owner, key, value)`` triples -> one attribute dictionary per owner."""
    owners: dict[str, Dictionary] = {}
    for owner, key, value in attributes:
        target = owners.setdefault(owner, Dictionary(O=Name(f"/{owner}")))
        target[f"/{key}"] = _value(value)
    values = list(owners.values())
    return values[0] if len(values) == 1 else Array(values)


def _value(value: object) -> object:
    if isinstance(value, str):
        return Name(f"/{value}")
    if isinstance(value, tuple | list):
        return Array([_value(v) for v in value])
    return value
