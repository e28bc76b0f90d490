"""Reading a produced PDF back, for assertions: text, links, outline, fonts, metadata."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pdfplumber
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


@dataclass(frozen=True)
class InternalLink:
    page: int  # 0-based page holding the link
    rect: tuple[float, float, float, float]
    target_page: int
    target_top: float
    text: str  # the text under the link rectangle


@dataclass(frozen=True)
class TextPiece:
    page: int
    x: float
    y: float
    text: str


class Pdf:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = path.read_bytes()  # read once: no file handle stays open
        self.reader = PdfReader(io.BytesIO(self.data))
        self._pieces: list[TextPiece] | None = None
        self._plumber: pdfplumber.PDF | None = None

    def __enter__(self) -> Pdf:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pages(self) -> int:
        return len(self.reader.pages)

    def text(self) -> str:
        return "\n".join(page.extract_text() or "" for page in self.reader.pages)

    def page_text(self, index: int) -> str:
        return self.reader.pages[index].extract_text() or ""

    def pieces(self) -> list[TextPiece]:
        """Text runs with their positions (baseline origin in PDF user space)."""
        if self._pieces is None:
            pieces: list[TextPiece] = []
            for index, page in enumerate(self.reader.pages):
                def visit(text, cm, tm, _font, _size, index=index):
                    if text.strip():
                        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                        pieces.append(TextPiece(index, x, y, text))
                page.extract_text(visitor_text=visit)
            self._pieces = pieces
        return self._pieces

    def page_index(self, ref: IndirectObject | DictionaryObject) -> int:
        target = ref.get_object() if isinstance(ref, IndirectObject) else ref
        for index, page in enumerate(self.reader.pages):
            if page.get_object() == target or page.indirect_reference == ref:
                return index
        raise AssertionError(f"link target {ref!r} is not a page of this document")

    def internal_links(self) -> list[InternalLink]:
        links = []
        for index, page in enumerate(self.reader.pages):
            for annot in page.get("/Annots", []) or []:
                annot = annot.get_object()
                if annot.get("/Subtype") != "/Link" or "/Dest" not in annot:
                    continue
                dest = annot["/Dest"]
                assert isinstance(dest, ArrayObject), dest
                rect = tuple(float(v) for v in annot["/Rect"])
                links.append(InternalLink(index, rect, self.page_index(dest[0]),
                                          float(dest[3]), self.text_in(index, rect)))
        return links

    def joined_internal_links(self) -> list[InternalLink]:
        """Internal links, with link text hyphenated across a line break (two rectangles
        to the same target, the first ending in '-') joined back into one."""
        joined: list[InternalLink] = []
        for link in self.internal_links():
            previous = joined[-1] if joined else None
            if previous is not None and previous.text.endswith("-") and (
                    (previous.page, previous.target_page, previous.target_top)
                    == (link.page, link.target_page, link.target_top)):
                joined[-1] = replace(previous, text=previous.text[:-1] + link.text)
            else:
                joined.append(link)
        return joined

    def uri_links(self) -> list[str]:
        uris = []
        for page in self.reader.pages:
            for annot in page.get("/Annots", []) or []:
                action = annot.get_object().get("/A")
                if action is not None and action.get("/S") == "/URI":
                    uris.append(str(action["/URI"]))
        return uris

    def text_in(self, page: int, rect: tuple[float, float, float, float]) -> str:
        """The characters whose centres lie inside ``rect`` (PDF coordinates)."""
        x0, y0, x1, y1 = rect
        plumber_page = self.plumber.pages[page]
        height = float(plumber_page.height)
        chars = [
            c["text"] for c in plumber_page.chars
            if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
            and y0 <= height - (c["top"] + c["bottom"]) / 2 <= y1
        ]
        return "".join(chars).strip()

    @property
    def plumber(self) -> pdfplumber.PDF:
        if self._plumber is None:
            self._plumber = pdfplumber.open(io.BytesIO(self.data))
        return self._plumber

    def close(self) -> None:
        if self._plumber is not None:
            self._plumber.close()

    def outline(self) -> list[tuple[int, str]]:
        """``(level, title)`` for every bookmark, in order."""
        result: list[tuple[int, str]] = []

        def walk(items: list, level: int) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item, level + 1)
                else:
                    result.append((level, str(item["/Title"])))

        walk(self.reader.outline, 0)
        return result

    def outline_pages(self) -> list[tuple[int, str, int, float]]:
        """``(level, title, 0-based page, top)`` for every bookmark, in order."""
        result: list[tuple[int, str, int, float]] = []

        def walk(items: list, level: int) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item, level + 1)
                else:
                    page = self.reader.get_destination_page_number(item)
                    top = float(item.top) if item.top is not None else 0.0
                    result.append((level, str(item["/Title"]), page, top))

        walk(self.reader.outline, 0)
        return result

    def chars(self, page: int) -> list[dict]:
        """pdfplumber's characters of a page, with ``y`` = baseline-ish height from the bottom."""
        plumber_page = self.plumber.pages[page]
        height = float(plumber_page.height)
        return [{**c, "y": height - c["bottom"]} for c in plumber_page.chars]

    def missing_glyphs(self) -> list[tuple[int, str, str]]:
        """``(page, font, context)`` for every character drawn with a face that lacks it.

        ReportLab draws a character its TrueType face has no glyph for as code 0 of the
        subset, the .notdef box, which reads back as U+0000: so a U+0000 in the page's
        characters is an empty box on paper, and the font that drew it is known."""
        found = []
        for index in range(self.pages):
            chars = self.plumber.pages[index].chars
            for at, char in enumerate(chars):
                if char["text"] == "\x00":
                    context = "".join(c["text"] for c in chars[max(0, at - 10):at + 10])
                    found.append((index, char["fontname"].split("+")[-1],
                                  context.replace("\x00", "\u25a1")))
        return found

    def fonts_of(self, phrase: str) -> list[str]:
        """The faces (base names without subset tags) that draw each character of the first
        place ``phrase`` occurs, spaces included; fails if it does not occur on one page."""
        for index in range(self.pages):
            chars = self.plumber.pages[index].chars
            at = "".join(c["text"] for c in chars).find(phrase)
            if at >= 0:
                return [c["fontname"].split("+")[-1] for c in chars[at:at + len(phrase)]]
        raise AssertionError(f"{phrase!r} is not drawn on any page of {self.path}")

    def glyph_metrics(self, font_name: str) -> dict[str, tuple[float, float]]:
        """``{character: (advance width, top of the glyph)}`` in thousandths of an em, for
        every character the embedded (TrueType subset) font ``font_name`` draws; the name
        without its subset tag, as :meth:`fonts_of` gives it."""
        font = next(f for name, f in self.fonts().items() if name.endswith("+" + font_name))
        program = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
        tt = TTFont(io.BytesIO(program))
        scale = 1000 / tt["head"].unitsPerEm
        glyphs = {code: glyph for table in tt["cmap"].tables for code, glyph in table.cmap.items()}
        first = int(font["/FirstChar"])
        widths = [float(w) for w in font["/Widths"]]
        metrics = {}
        for code, char in _to_unicode(font).items():
            glyph = glyphs.get(code)
            if glyph is None or not char.strip() or not first <= code < first + len(widths):
                continue
            outline = tt["glyf"][glyph]
            top = getattr(outline, "yMax", 0) if outline.numberOfContours else 0
            metrics[char] = (widths[code - first], top * scale)
        return metrics

    def fonts(self) -> dict[str, DictionaryObject]:
        """Every font dictionary used by any page, by base font name."""
        found: dict[str, DictionaryObject] = {}
        for page in self.reader.pages:
            resources = page.get("/Resources", {})
            fonts = resources.get("/Font", {}) if resources else {}
            for font in fonts.values():
                font = font.get_object()
                found[str(font["/BaseFont"])] = font
        return found

    def is_embedded(self, font: DictionaryObject) -> bool:
        descriptor = font.get("/FontDescriptor")
        if descriptor is None and "/DescendantFonts" in font:
            descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        if descriptor is None:
            return False
        descriptor = descriptor.get_object()
        return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))

    @property
    def metadata(self) -> dict[str, str]:
        info = self.reader.metadata or {}
        return {str(k): str(v) for k, v in info.items()}

    @property
    def language(self) -> str | None:
        lang = self.reader.trailer["/Root"].get("/Lang")
        return str(lang) if lang is not None else None


def _to_unicode(font: DictionaryObject) -> dict[int, str]:
    """A simple font's ToUnicode map (``bfchar`` and ``bfrange`` entries)."""
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    found: dict[int, str] = {}
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, first in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                found[code] = chr(int(first, 16) + offset)
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(r"<(\w+)>\s*<(\w+)>", block):
            found[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    return found


def normalise(text: str) -> str:
    """Collapse whitespace and undo line-end hyphenation, for substring checks."""
    text = re.sub(r"-\n(?=[a-z])", "", text)
    return re.sub(r"\s+", " ", text)
