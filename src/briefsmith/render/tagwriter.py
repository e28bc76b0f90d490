"""Tagged PDF, the writing half: the recorded structure as objects of ReportLab's document.

Called by the tagging canvas just before the document is saved, when every page is done:

- ``StructTreeRoot`` holds the ``Document`` element; every element is a ``StructElem`` with
  its kids in reading order: marked-content ids (with ``/Pg``, or an ``MCR`` dictionary when
  the content sits on another page than the element's first), child elements, and ``OBJR``
  references to link annotations, and ``/Lang`` where its content is in another language
  than the document's.
- The ``ParentTree`` maps each page's ``/StructParents`` key to the elements of its
  marked-content ids, and each link annotation's ``/StructParent`` key to its ``Link``
  element, so an assistive technology can go from content to structure.  Annotations get
  their ``/Contents`` description; pages tab through them in structure order (``/Tabs /S``).
- The catalog gets ``/MarkInfo << /Marked true >>`` and XMP metadata mirroring the
  document information (a title for readers that look there, as PDF/UA asks).

These are ReportLab's own low-level PDF objects, written in the same pass as the pages:
no second PDF library is loaded and the file is not parsed and written again (which cost
about a tenth of a second per build).  The bytes stay a function of the input, like every
ReportLab file made with ``invariant=1``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import ClassVar

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFDocument,
    PDFName,
    PDFObjectReference,
    PDFPage,
    PDFStream,
    PDFString,
)

from ..structure import Content, Element, LinkAnnotation, StructureTree


class _TaggedPage(PDFPage):
    """ReportLab's page dictionary with the two keys tagged PDF adds to every page."""

    __NoDefault__: ClassVar[list[str]] = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]


def write_structure(doc: PDFDocument, tree: StructureTree) -> None:
    """Add the structure tree of ``tree``, and what ties pages and annotations to it."""
    pages: list[PDFPage] = list(doc.Pages.pages)
    if len(pages) != tree.pages:
        raise ValueError(f"the structure covers {tree.pages} pages, the PDF has {len(pages)}")
    _check_annotations(pages, tree)
    writer = _TreeWriter(doc, pages)
    root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
    root["K"] = writer.element(tree.root, doc.Reference(root))
    root["ParentTree"] = writer.parent_tree()
    root["ParentTreeNextKey"] = writer.next_key
    if tree.role_map:
        root["RoleMap"] = PDFDictionary({k: PDFName(v) for k, v in tree.role_map.items()})
    if writer.ids:
        root["IDTree"] = PDFDictionary({"Names": PDFArray(
            [item for key in sorted(writer.ids) for item in (PDFString(key), writer.ids[key])])})
    for index, page in enumerate(pages):
        page.__class__ = _TaggedPage
        page.StructParents = index
        page.Tabs = PDFName("S")  # tab through annotations in structure order (PDF/UA)
    doc.Catalog.StructTreeRoot = root
    doc.Catalog.MarkInfo = PDFDictionary({"Marked": "true"})


def write_metadata(doc: PDFDocument) -> None:
    """XMP metadata mirroring the document information ReportLab writes."""
    info = doc.info
    stamp = doc._timeStamp
    year, month, day, hour, minute, second = stamp.YMDhms
    sign = "-" if stamp.dhh < 0 else "+"
    date = (f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
            f"{sign}{abs(stamp.dhh):02d}:{stamp.dmm:02d}")
    properties = [
        ("dc:title", _alternative(info.title)),
        ("dc:creator", _sequence(info.author)),
        ("dc:description", _alternative(info.subject)),
        ("pdf:Keywords", _text(info.keywords)),
        ("pdf:Producer", _text(info.producer)),
        ("xmp:CreatorTool", _text(info.creator)),
        ("xmp:CreateDate", date),
        ("xmp:ModifyDate", date),
    ]
    lines = "".join(f"   <{name}>{value}</{name}>\n" for name, value in properties if value)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/">\n'
        f"{lines}"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    # Not compressed: tools read the packet without decoding the stream.
    doc.Catalog.Metadata = PDFStream(
        PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        content=packet.encode("utf-8"))


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _alternative(value: str) -> str:
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{_text(value)}</rdf:li></rdf:Alt>' \
        if value else ""


def _sequence(value: str) -> str:
    return f"<rdf:Seq><rdf:li>{_text(value)}</rdf:li></rdf:Seq>" if value else ""


def _check_annotations(pages: list[PDFPage], tree: StructureTree) -> None:
    """Every annotation of the PDF must be one the structure recorded, in the same order:
    a mismatch would tie links to the wrong elements, so it is a programming error."""
    recorded = tree.annotations()
    for index, page in enumerate(pages):
        count = len(page.Annots or ())
        if count != recorded.get(index, 0):
            raise ValueError(f"page {index + 1} has {count} annotations, the structure "
                             f"recorded {recorded.get(index, 0)}")


class _TreeWriter:
    def __init__(self, doc: PDFDocument, pages: list[PDFPage]) -> None:
        self.doc = doc
        self.pages = pages
        self.page_refs = [doc.Reference(page) for page in pages]
        self.by_mcid: list[dict[int, PDFObjectReference]] = [{} for _ in pages]
        self.annotations: list[tuple[int, PDFObjectReference]] = []
        self.next_key = len(pages)
        self.ids: dict[str, PDFObjectReference] = {}

    def element(self, element: Element, parent: PDFObjectReference) -> PDFObjectReference:
        node = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName(element.role),
                              "P": parent})
        ref = self.doc.Reference(node)
        page = _first_page(element)
        if page is not None:
            node["Pg"] = self.page_refs[page]
        kids: list[object] = []
        for kid in element.kids:
            if isinstance(kid, Element):
                kids.append(self.element(kid, ref))
            elif isinstance(kid, Content):
                self.by_mcid[kid.page][kid.mcid] = ref
                if kid.page == page:
                    kids.append(kid.mcid)
                else:
                    kids.append(PDFDictionary({"Type": PDFName("MCR"), "MCID": kid.mcid,
                                               "Pg": self.page_refs[kid.page]}))
            elif isinstance(kid, LinkAnnotation):
                kids.append(self._link(kid, ref))
        if len(kids) == 1 and not isinstance(kids[0], PDFDictionary):
            node["K"] = kids[0]
        elif kids:
            node["K"] = PDFArray(kids)
        if element.alt:
            node["Alt"] = PDFString(element.alt)
        if element.lang:
            node["Lang"] = PDFString(element.lang)
        if element.id:
            node["ID"] = PDFString(element.id)
            self.ids[element.id] = ref
        if element.attributes:
            node["A"] = _attributes(element.attributes)
        return ref

    def _link(self, link: LinkAnnotation, node: PDFObjectReference) -> PDFDictionary:
        reference = self.pages[link.page].Annots[link.index]
        _describe(self.doc.idToObject[reference.name], link.description, self.next_key)
        self.annotations.append((self.next_key, node))
        self.next_key += 1
        return PDFDictionary({"Type": PDFName("OBJR"), "Obj": reference,
                              "Pg": self.page_refs[link.page]})

    def parent_tree(self) -> PDFObjectReference:
        nums: list[object] = []
        for index, contents in enumerate(self.by_mcid):
            if sorted(contents) != list(range(len(contents))):
                raise ValueError(f"page {index + 1}: marked-content ids are not 0..n-1")
            nums.append(index)
            nums.append(self.doc.Reference(PDFArray([contents[m] for m in sorted(contents)])))
        for key, node in self.annotations:
            nums.append(key)
            nums.append(node)
        return self.doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}))


def _describe(annotation: object, description: str, key: int) -> None:
    """Give a link annotation its ``/Contents`` and ``/StructParent``.  ReportLab makes a
    URL link as a plain dictionary and an internal link as a ``LinkAnnotation``, whose
    dictionary is built when the file is written from its attributes."""
    if isinstance(annotation, PDFDictionary):
        annotation["Contents"] = PDFString(description)
        annotation["StructParent"] = key
        return
    annotation.Contents = description  # type: ignore[attr-defined]
    annotation.otherkw["StructParent"] = key  # type: ignore[attr-defined]
    annotation.permitted = (*annotation.permitted, "StructParent")  # type: ignore[attr-defined]


def _first_page(element: Element) -> int | None:
    for kid in element.kids:
        if isinstance(kid, Content | LinkAnnotation):
            return kid.page
    return None


def _attributes(attributes: list[tuple[str, str, object]]) -> PDFDictionary | PDFArray:
    """``(owner, key, value)`` triples -> one attribute dictionary per owner."""
    owners: dict[str, PDFDictionary] = {}
    for owner, key, value in attributes:
        target = owners.setdefault(owner, PDFDictionary({"O": PDFName(owner)}))
        target[key] = _value(value)
    values = list(owners.values())
    return values[0] if len(values) == 1 else PDFArray(values)


def _value(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return PDFName(value)
    if isinstance(value, Iterable):
        return PDFArray([_value(v) for v in value])
    return value
