"""The content model: typed, immutable records for briefs, sections, blocks and sources.

Records are plain frozen dataclasses.  Their fields *are* the YAML schema: the generic
converter in :mod:`briefsmith.convert` reads the type hints and the ``spec()`` metadata, so a
field added here is a key accepted (and validated, and documented in error messages) there.

A new block type is one record here, decorated with :func:`block`, plus one renderer
function in :mod:`briefsmith.render.blocks`; nothing else needs to change.  The citation
stage finds citations in any record by walking its fields (:func:`walk_citations`).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar, Literal

from .diagnostics import Location
from .project import CONTENT_DIR, STYLES_DIR, ProjectPath, project_file

NOWHERE = Location("")
# Citation ids with these prefixes name figures, tables and sections of the brief itself
# (cross-references, ``[@fig:jobs]`` -> "Figure 2"), never sources.
CROSS_REFERENCE_KINDS = {"fig": "figure", "tbl": "table", "sec": "section"}
CROSS_REFERENCE_PREFIXES = tuple(f"{prefix}:" for prefix in CROSS_REFERENCE_KINDS)


def is_cross_reference(target: str) -> bool:
    """True for ``fig:...``, ``tbl:...`` and ``sec:...`` ids."""
    prefix, colon, rest = target.partition(":")
    return bool(colon and rest) and prefix in CROSS_REFERENCE_KINDS

ContentFile = project_file(CONTENT_DIR, suffixes=(".yaml", ".yml"), what="section file",
                           name="ContentFile")
BibliographyPath = project_file(CONTENT_DIR, what="bibliography file", name="BibliographyPath")


def spec(
    *,
    yaml: str | None = None,
    doc: str = "",
    default: Any = dataclasses.MISSING,
    default_factory: Any = dataclasses.MISSING,
    role: str = "body",
) -> Any:
    """A dataclass field with its YAML key and a one-line description for messages.

    ``role`` names the theme's font role the text is set in ("body", "headings",
    "figures"; ``""``: never printed), so the glyph-coverage check tests each text against
    the fonts that set it: the renderer must write the field with that role's markup
    writer (the evidence appendix, which sets key figures and section titles in the body
    font, is checked on its own).
    """
    metadata = {"yaml": yaml, "doc": doc, "role": role}
    if default_factory is not dataclasses.MISSING:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def located() -> Any:
    """The record's own position in its file; filled in by the converter, never read from YAML."""
    return field(default=NOWHERE, compare=False, repr=False, kw_only=True,
                 metadata={"yaml": False})


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True, order=True)
class PartialDate:
    """An ISO date with optional month and day (``2020``, ``2020-07``, ``2020-07-15``).

    Sources are often dated only by month or year; CSL calls these date-parts.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def date_parts(self) -> list[int]:
        return [p for p in (self.year, self.month, self.day) if p is not None]


# --------------------------------------------------------------------------- files


# Files that blocks and themes name.  Path-typed fields are resolved by the converter inside
# the project (see :func:`briefsmith.project.project_file`), and :func:`walk_files` finds
# them all, so the build knows every file a brief depends on.
DataFile = project_file(CONTENT_DIR, suffixes=(".csv",), what="CSV file", name="DataFile")
ImageFile = project_file(CONTENT_DIR, suffixes=(".png", ".jpg", ".jpeg", ".svg"), what="image",
                         name="ImageFile")
StyleImageFile = project_file(STYLES_DIR, suffixes=(".png", ".jpg", ".jpeg", ".svg"),
                              what="image", name="StyleImageFile")


class Cell(str):
    """A table or chart cell: any text, the empty text included."""

    __slots__ = ()
    expected = "text"

    @classmethod
    def parse(cls, text: str) -> Cell:
        return cls(text)


# --------------------------------------------------------------------------- inline text


@dataclass(frozen=True)
class Text:
    """Plain inline text."""

    text: str


@dataclass(frozen=True)
class Strong:
    """Inline text set in bold (``**...**``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Emphasis:
    """Inline text set in italic (``*...*``)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Link:
    """An inline link to a web or mail address (``[text](url)``)."""

    children: tuple[Inline, ...]
    url: str
    at: Location = located()


@dataclass(frozen=True)
class CiteItem:
    """One source named in a citation: ``@id``, with an optional locator (``p. 12``).

    ``suppress_author`` is the ``-@id`` form of author-date styles.
    """

    id: str = field(metadata={"role": ""})
    locator: str | None = None
    suppress_author: bool = False
    at: Location = located()


@dataclass(frozen=True)
class Citation:
    """One or more citations in running text (``[@source, p. 3; @other]``)."""

    items: tuple[CiteItem, ...]
    at: Location = located()


Inline = Text | Strong | Emphasis | Link | Citation


@dataclass(frozen=True)
class RichText:
    """Text with the tool's inline syntax parsed: bold, italic, links and citations."""

    spans: tuple[Inline, ...]
    at: Location = located()
    # Where a piece of the text was written (exact line and column), for messages about
    # single characters; filled in by the converter, never compared.
    find: Callable[[str], Location] | None = field(
        default=None, compare=False, repr=False, kw_only=True, metadata={"yaml": False})

    def locate(self, needle: str) -> Location:
        return self.find(needle) if self.find is not None else self.at

    def plain(self) -> str:
        """The text a reader sees, without markup and without citation markers."""
        return "".join(_plain(s) for s in self.spans).strip()

    def has_citation(self) -> bool:
        return any(True for _ in walk_citations(self))


def _plain(span: Inline) -> str:
    if isinstance(span, Text):
        return span.text
    if isinstance(span, Citation):
        return ""
    return "".join(_plain(c) for c in span.children)


# --------------------------------------------------------------------------- blocks

BLOCK_TYPES: dict[str, type] = {}


def block(name: str, *, shorthand: str | None = None) -> Any:
    """Register a block record under its YAML name.

    In a section a block is written as a one-key mapping, ``- paragraph: ...``.  The value
    is either a mapping of the record's fields or, when the record names a ``shorthand``
    field, just that field's value (``- paragraph: Some text``).
    """

    def register(cls: type) -> type:
        if name in BLOCK_TYPES:
            raise ValueError(f"block type {name!r} registered twice")
        cls.block_name = name
        cls.shorthand = shorthand
        BLOCK_TYPES[name] = cls
        return cls

    return register


class Block:
    """Marker base class of every block record (used as the field type for ``blocks``)."""

    block_name: ClassVar[str]
    shorthand: ClassVar[str | None]


@block("paragraph", shorthand="text")
@dataclass(frozen=True, kw_only=True)
class Paragraph(Block):
    """A paragraph of running text."""

    text: RichText = spec(doc="the paragraph, with **bold**, *italic*, [links](url) and [@cites]")
    uncited: str | None = spec(default=None, role="",
                               doc="why the paragraph needs no citation when citations are "
                                   "required, e.g. 'our recommendation'")
    at: Location = located()


@block("heading", shorthand="text")
@dataclass(frozen=True, kw_only=True)
class Heading(Block):
    """A sub-heading inside a section (the section title is the first-level heading)."""

    text: str = spec(doc="the sub-heading", role="headings")
    id: str | None = spec(default=None, doc="a label for cross-references, e.g. 'sec:programmes'",
                          role="")
    at: Location = located()


@block("list", shorthand="items")
@dataclass(frozen=True, kw_only=True)
class BulletList(Block):
    """A bulleted or numbered list."""

    items: tuple[RichText, ...] = spec(doc="the list items")
    ordered: bool = spec(default=False, doc="number the items instead of bulleting them")
    uncited: str | None = spec(default=None, role="",
                               doc="why the items need no citations when citations are required")
    at: Location = located()


@dataclass(frozen=True, kw_only=True)
class KeyFigure:
    """One headline number with what it measures and its source."""

    # (The evidence appendix sets both in the body font: checked when there is one.)
    value: str = spec(doc="the figure as it should be printed, e.g. '70 million'",
                      role="figures")
    label: RichText = spec(doc="what the figure measures", role="headings")
    cite: Citation = spec(doc="the source(s) the figure rests on, e.g. 'renmin-2020, p. 3'")
    at: Location = located()


@block("key_figures", shorthand="items")
@dataclass(frozen=True, kw_only=True)
class KeyFigures(Block):
    """A grid of key figures."""

    items: tuple[KeyFigure, ...] = spec(doc="the figures, shown as callouts in a grid")
    at: Location = located()


@dataclass(frozen=True, kw_only=True)
class TimelineEntry:
    """One dated event of a timeline."""

    date: PartialDate = spec(doc="when: YYYY, YYYY-MM or YYYY-MM-DD")
    event: RichText = spec(doc="what happened")
    cite: Citation | None = spec(default=None, doc="the source(s) for the entry")
    at: Location = located()


@block("timeline", shorthand="entries")
@dataclass(frozen=True, kw_only=True)
class Timeline(Block):
    """Dated events in order."""

    entries: tuple[TimelineEntry, ...] = spec(doc="the dated events, oldest first")
    at: Location = located()


@block("quote", shorthand="text")
@dataclass(frozen=True, kw_only=True)
class Quote(Block):
    """A quotation, with who said it."""

    text: RichText = spec(doc="the quoted words")
    attribution: RichText | None = spec(default=None, doc="who said it, with a citation",
                                        role="headings")
    at: Location = located()


@block("callout")
@dataclass(frozen=True, kw_only=True)
class Callout(Block):
    """A boxed aside: a note, a definition, a warning."""

    text: RichText = spec(doc="the box's text")
    title: str | None = spec(default=None, doc="a short heading inside the box", role="headings")
    kind: Literal["note", "info", "warning"] = spec(
        default="note", yaml="type", doc="the box's look: note, info or warning", role="")
    at: Location = located()


@block("table")
@dataclass(frozen=True, kw_only=True)
class Table(Block):
    """Rows from YAML (``columns`` + ``rows``) or from a CSV file (first row = header)."""

    caption: RichText = spec(doc="the numbered caption, 'Table N: ...'", role="headings")
    id: str | None = spec(default=None, doc="a label for cross-references, e.g. 'tbl:jobs'",
                          role="")
    columns: tuple[Cell, ...] = spec(default=(), doc="the header cells (with rows)",
                                     role="headings")
    rows: tuple[tuple[Cell, ...], ...] = spec(default=(), doc="the body rows, lists of cells")
    csv: DataFile | None = spec(default=None, doc="a CSV file in content/ instead of rows",
                                role="")
    source: Citation | None = spec(default=None, doc="the source of the data, e.g. 'renmin-2020'")
    note: RichText | None = spec(default=None, doc="a note printed under the table",
                                 role="headings")
    at: Location = located()


@dataclass(frozen=True, kw_only=True)
class Series:
    """One series of a chart: a name and a number per category."""

    name: str = spec(doc="the series' name, shown in the legend", role="figures")
    values: tuple[float, ...] = spec(doc="one number per category")
    at: Location = located()


@block("chart")
@dataclass(frozen=True, kw_only=True)
class Chart(Block):
    """A bar, line or pie chart from YAML data or a CSV file, in the theme's palette."""

    kind: Literal["bar", "line", "pie"] = spec(yaml="type", doc="bar, line or pie", role="")
    caption: RichText = spec(doc="the numbered caption, 'Figure N: ...'", role="headings")
    source: Citation = spec(doc="the source of the data, printed under the chart")
    id: str | None = spec(default=None, doc="a label for cross-references, e.g. 'fig:jobs'",
                          role="")
    categories: tuple[Cell, ...] = spec(default=(), doc="the category labels (x axis, slices)",
                                        role="figures")
    series: tuple[Series, ...] = spec(default=(), doc="the data series, each a name and values")
    csv: DataFile | None = spec(default=None, doc="a CSV file in content/: categories in the "
                                "first column, one series per further column", role="")
    x_label: str | None = spec(default=None, doc="the category axis title", role="figures")
    y_label: str | None = spec(default=None, doc="the value axis title", role="figures")
    alt: str | None = spec(default=None, role="",
                           doc="what the chart shows, for readers who cannot see it "
                               "(default: its kind and every value, from the data)")
    at: Location = located()


@block("image")
@dataclass(frozen=True, kw_only=True)
class Image(Block):
    """A picture from content/, with a numbered caption when it has one."""

    file: ImageFile = spec(doc="a PNG, JPEG or SVG file in content/", role="")
    alt: str = spec(doc="what the image shows, for readers who cannot see it", role="")
    caption: RichText | None = spec(default=None, doc="the numbered caption, 'Figure N: ...'",
                                    role="headings")
    id: str | None = spec(default=None, doc="a label for cross-references, e.g. 'fig:map'",
                          role="")
    width: float = spec(default=1.0, doc="the share of the text width, from 0.1 to 1")
    source: Citation | None = spec(default=None, doc="where the image comes from")
    at: Location = located()


# --------------------------------------------------------------------------- sections, briefs


@dataclass(frozen=True, kw_only=True)
class Section:
    """A section file: a heading and its blocks."""

    title: str = spec(doc="the section heading", role="headings")
    id: str | None = spec(default=None, doc="a label for cross-references, e.g. 'sec:jobs'",
                          role="")
    lead: RichText | None = spec(default=None, doc="an introductory sentence set larger",
                                 role="headings")
    blocks: tuple[Block, ...] = spec(doc="the section's content, in order")
    uncited: str | None = spec(default=None, role="",
                               doc="why the section's text needs no citations when citations "
                                   "are required, e.g. 'recommendations'")
    path: str = field(default="", compare=False, metadata={"yaml": False})
    at: Location = located()


@dataclass(frozen=True)
class SectionRef:
    """A brief's pointer to a section file inside ``content/`` (written as just the name)."""

    path: ContentFile = field(metadata={"role": "", "doc": "a section file inside content/"})
    at: Location = located()

    text_field: ClassVar[str] = "path"


BibliographyFormat = Literal["csl-json", "csl-yaml", "hayagriva", "bibtex"]


@dataclass(frozen=True, kw_only=True)
class BibliographyFile:
    """A bibliography file inside ``content/`` whose entries the brief may cite."""

    file: BibliographyPath = spec(doc="a file inside content/, e.g. 'library.bib'", role="")
    format: BibliographyFormat | None = spec(
        default=None, role="",
        doc="csl-json, csl-yaml, hayagriva or bibtex (default: from the file extension)")
    at: Location = located()

    text_field: ClassVar[str] = "file"


@dataclass(frozen=True, kw_only=True)
class CitationSettings:
    """How a brief cites: the style, where reference lists go, and the evidence gates."""

    style: str = spec(default="numeric", role="",
                      doc="numeric, author-date, a CSL style name such as 'apa', 'ieee', "
                          "'chicago-author-date' or 'vancouver', or a .csl file in the project")
    references: Literal["end", "section"] = spec(
        default="end", role="", doc="one reference list at the end, or one per section")
    required: bool = spec(default=False,
                          doc="every paragraph, list item, key figure and timeline entry "
                              "must cite a source")
    evidence: bool = spec(default=False,
                          doc="add an appendix listing every key figure with its source")
    bibliography: tuple[BibliographyFile, ...] = spec(
        default=(), doc="extra bibliography files inside content/ (CSL-JSON, CSL-YAML, "
                        "Hayagriva YAML, BibTeX)")
    at: Location = located()


@dataclass(frozen=True, kw_only=True)
class PdfSettings:
    """What kind of PDF a brief becomes: tagged for assistive technology, PDF/A for archives."""

    tagged: bool | None = spec(default=None,
                               doc="tag the structure for screen readers (default: the "
                                   "theme's 'tagged', which is true)")
    pdfa: bool = spec(default=False, doc="make a PDF/A-2 archival file (2a when tagged, else "
                                         "2b), or fail saying why it cannot be one")
    at: Location = located()


@dataclass(frozen=True, kw_only=True)
class Brief:
    """A brief file: the title page's facts, the section files and the citation settings."""

    title: str = spec(doc="the brief's title", role="headings")
    date: dt.date = spec(doc="the publication date, YYYY-MM-DD")
    sections: tuple[SectionRef, ...] = spec(doc="section files inside content/, in order")
    subtitle: str | None = spec(default=None, doc="a line under the title",
                                role="headings")
    authors: tuple[str, ...] = spec(default=(), doc="the people who wrote the brief",
                                    role="headings")
    organisation: str | None = spec(default=None, doc="the publishing organisation",
                                    role="headings")
    language: str = spec(default="en", doc="BCP 47 language tag, e.g. 'en' or 'zh-CN'", role="")
    theme: str = spec(default="default", doc="a theme name from styles/", role="")
    subject: str | None = spec(default=None, doc="the PDF subject; defaults to the subtitle",
                               role="")
    keywords: tuple[str, ...] = spec(default=(), doc="PDF keywords", role="")
    key_messages: tuple[RichText, ...] = spec(default=(), doc="the summary shown first")
    citations: CitationSettings = spec(default_factory=CitationSettings,
                                       doc="citation style, reference lists and evidence gates")
    pdf: PdfSettings = spec(default_factory=PdfSettings,
                            doc="tagged (accessible) and PDF/A (archival) output")
    at: Location = located()


# --------------------------------------------------------------------------- sources

CslType = Literal[
    "article", "article-journal", "article-magazine", "article-newspaper", "book",
    "chapter", "dataset", "document", "entry-encyclopedia", "interview", "legislation",
    "manuscript", "paper-conference", "post", "post-weblog", "report", "speech", "thesis",
    "webpage", "periodical", "software", "standard", "map", "motion_picture", "broadcast",
    "graphic", "personal_communication", "review", "bill", "regulation", "treaty", "patent",
    "legal_case", "song",
]


@dataclass(frozen=True, kw_only=True)
class Name:
    """A CSL name: ``family``/``given`` for people, ``literal`` for organisations."""

    family: str | None = spec(default=None, doc="family name")
    given: str | None = spec(default=None, doc="given name(s)")
    literal: str | None = spec(default=None, doc="an organisation or a name not to be split")
    at: Location = located()

    text_field: ClassVar[str] = "literal"

    def display(self) -> str:
        if self.literal:
            return self.literal
        return " ".join(p for p in (self.given, self.family) if p)


@dataclass(frozen=True, kw_only=True)
class Source:
    """A bibliography entry, with CSL-YAML field names so entries paste from Zotero."""

    title: str = spec(doc="the work's title")
    type: CslType = spec(default="document", doc="the CSL item type", role="")
    author: tuple[Name, ...] = spec(default=(), doc="authors, people or organisations")
    editor: tuple[Name, ...] = spec(default=(), doc="editors, people or organisations")
    publisher: str | None = spec(default=None, doc="the publisher")
    publisher_place: str | None = spec(default=None, yaml="publisher-place",
                                       doc="where the publisher is, e.g. 'Beijing'")
    container_title: str | None = spec(
        default=None, yaml="container-title", doc="the periodical, site or book it appears in"
    )
    collection_title: str | None = spec(default=None, yaml="collection-title",
                                        doc="the series the work belongs to")
    volume: str | None = spec(default=None, doc="volume number")
    issue: str | None = spec(default=None, doc="issue number")
    page: str | None = spec(default=None, doc="page range, e.g. 102-118")
    edition: str | None = spec(default=None, doc="edition, e.g. 2")
    number: str | None = spec(default=None, doc="report or document number")
    genre: str | None = spec(default=None, doc="kind of work, e.g. 'Working paper'")
    issued: PartialDate | None = spec(default=None, doc="publication date")
    url: str | None = spec(default=None, yaml="URL", doc="where to read it (http or https)")
    accessed: PartialDate | None = spec(default=None, doc="when the URL was last read")
    doi: str | None = spec(default=None, yaml="DOI", doc="a DOI, e.g. 10.1000/xyz")
    isbn: str | None = spec(default=None, yaml="ISBN", doc="an ISBN")
    issn: str | None = spec(default=None, yaml="ISSN", doc="an ISSN")
    language: str | None = spec(default=None, role="", doc="the work's language, e.g. 'zh'")
    note: str | None = spec(default=None, doc="a note printed after the entry")
    id: str = field(default="", metadata={"yaml": False})
    at: Location = located()


# --------------------------------------------------------------------------- a whole brief


@dataclass(frozen=True)
class Document:
    """Everything one brief needs, loaded and converted: the unit the later stages take."""

    name: str
    path: str
    brief: Brief
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]
    bibliography_files: tuple[str, ...] = ()
    # Ids defined in a sources or bibliography file whose entry had errors (reported):
    # citations of them are not "unknown".
    unusable_sources: frozenset[str] = frozenset()

    def source(self, source_id: str) -> Source | None:
        for s in self.sources:
            if s.id == source_id:
                return s
        return None


# --------------------------------------------------------------------------- walking


@cache
def _walked_fields(cls: type) -> tuple[str, ...] | None:
    """The fields a walk descends into (all but the record's position); ``None`` for a
    type that is not a record.  Looked up once per class: walks run many times a build."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls) if f.name != "at")


def _has_records(value: object) -> bool:
    """Whether a walk must look inside ``value`` (a tuple or a record, not a leaf)."""
    return isinstance(value, tuple) or _walked_fields(type(value)) is not None


def walk_citations(value: object) -> Iterator[CiteItem]:
    """Every citation item in a record tree, in reading order."""
    if isinstance(value, CiteItem):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            if _has_records(item):
                yield from walk_citations(item)
    elif (names := _walked_fields(type(value))) is not None:
        for name in names:
            child = getattr(value, name)
            if _has_records(child):
                yield from walk_citations(child)


def walk_source_citations(value: object) -> Iterator[CiteItem]:
    """Every citation item that names a source (not a cross-reference), in reading order."""
    return (item for item in walk_citations(value) if not is_cross_reference(item.id))


def walk_records(value: object) -> Iterator[object]:
    """Every dataclass record in a tree, parents before children, in reading order."""
    if type(value) is Section:
        yield from _section_records(value)
    elif isinstance(value, tuple):
        for item in value:
            if _has_records(item):
                yield from walk_records(item)
    elif (names := _walked_fields(type(value))) is not None:
        yield value
        for name in names:
            child = getattr(value, name)
            if _has_records(child):
                yield from walk_records(child)


# A section's records, walked once: the validator, the citation stage and the renderer
# walk every section of every brief several times, and the briefs of a batch share their
# sections (records are immutable, so the walk cannot change).  By the section object
# (kept, so its id stays its own); the oldest forgotten first, so memory stays flat.
_WALKED: dict[int, tuple[Section, tuple[object, ...]]] = {}
_WALKED_KEPT = 256


def _section_records(section: Section) -> tuple[object, ...]:
    kept = _WALKED.get(id(section))
    if kept is None or kept[0] is not section:
        if len(_WALKED) >= _WALKED_KEPT:
            del _WALKED[next(iter(_WALKED))]
        kept = _WALKED[id(section)] = (section, (section, *(
            record for name in _walked_fields(Section) or ()
            for record in walk_records(getattr(section, name)))))
    return kept[1]


def walk_files(value: object) -> Iterator[tuple[ProjectPath, Location]]:
    """Every project file a record tree names (CSV data, images), with where it was named.

    The build's list of inputs: a brief is stale when any of these files changes.
    """
    for record in walk_records(value):
        for f in dataclasses.fields(record):
            item = getattr(record, f.name)
            if isinstance(item, ProjectPath):
                yield item, getattr(record, "at", NOWHERE).of(f.name)
