"""Validate stage: the checks that need a whole brief (or project) in hand.

Types, required fields and unknown keys were checked while converting; what is left are
cross-references and facts about the output: every citation names a known source, links
and URLs use safe schemes, dates agree with the brief's date, and every character has a
glyph in the fonts that will set it (no empty boxes, ever) and belongs to a script
ReportLab can lay out (:mod:`briefsmith.scripts`: no backwards Hebrew, ever).  Every check
runs; every problem is reported with its place.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from .assets import Assets, asset_key, chart_data
from .convert import fields_of
from .csl import check_style, style_file_problems, style_path
from .diagnostics import Location, Problems, did_you_mean
from .evidence import uncited_claims
from .fonts import ChainCoverage, FontChain, describe_char
from .i18n import is_supported, labels_for
from .model import (
    CROSS_REFERENCE_KINDS,
    Chart,
    Citation,
    CiteItem,
    Document,
    Emphasis,
    Image,
    KeyFigures,
    Link,
    RichText,
    Source,
    Strong,
    Table,
    Text,
    is_cross_reference,
    walk_files,
    walk_records,
    walk_source_citations,
)
from .project import Project, ProjectPath
from .scripts import cannot_set, unsupported
from .theme import PLACEHOLDER, Theme
from .xref import PREFIX_OF_KIND, labelled, number_targets

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
SOURCE_URL_SCHEMES = frozenset({"http", "https"})


def validate_sources(sources: Iterable[Source], problems: Problems) -> None:
    """Checks on the registry itself, independent of any brief."""
    for source in sources:
        check_source(source, problems)


def check_source(source: Source, problems: Problems) -> None:
    """Safe URLs, a real DOI, and the fields a reader needs to find this kind of work."""
    if source.url is not None and not _has_scheme(source.url, SOURCE_URL_SCHEMES):
        problems.error(source.at.of("url"), f"{source.id}: URL must start with http:// or "
                                            f"https://, found '{_shorten(source.url)}'")
    if source.doi is not None and not _DOI.match(source.doi):
        problems.error(source.at.of("doi"), f"{source.id}: DOI '{_shorten(source.doi)}' is not "
                                            "a DOI; write it as 10.NNNN/suffix, without "
                                            "https://doi.org/")
    if source.issued is not None and source.accessed is not None \
            and source.accessed.latest() < source.issued.earliest():
        problems.error(source.at.of("accessed"), f"{source.id}: accessed "
                                                 f"{source.accessed.iso()} is before it was "
                                                 f"issued ({source.issued.iso()})")
    rule = REQUIRED_BY_TYPE.get(source.type)
    if rule is None:
        if not source.author and not source.publisher and not source.container_title:
            problems.warning(source.at, f"{source.id}: names no author, publisher or "
                                        "container-title; readers cannot tell who stands behind it")
        return
    bibtex = source.at.path.lower().endswith(".bib")
    for alternatives in rule:
        if not any(_has_field(source, name) for name in alternatives):
            fields = " or ".join(f"'{name}'" for name in alternatives)
            article = "an" if source.type[0] in "aeiou" else "a"
            hint = ""
            if bibtex:  # name the fields as the BibTeX user writes them
                hint = " (in BibTeX: " + " or ".join(
                    BIBTEX_FIELDS.get(name, name) for name in alternatives) + ")"
            problems.error(source.at,
                           f"{source.id}: {article} {source.type} needs {fields}{hint}")


# The BibTeX fields that become each CSL field (see bibfiles.py), for messages.
BIBTEX_FIELDS = {"container-title": "journal or booktitle",
                 "publisher": "publisher, institution or school", "URL": "url"}


# Per CSL type: each tuple is a set of alternatives, one of which must be given (the title
# is required for every type by the schema).  What a reader needs to find the work again.
REQUIRED_BY_TYPE: dict[str, tuple[tuple[str, ...], ...]] = {
    "article-journal": (("author",), ("container-title",)),
    "article-magazine": (("container-title",),),
    "article-newspaper": (("container-title",),),
    "book": (("author", "editor", "publisher"),),
    "chapter": (("container-title",), ("author", "editor")),
    "paper-conference": (("author",), ("container-title", "publisher")),
    "report": (("author", "publisher"),),
    "thesis": (("author",), ("publisher",)),
    "dataset": (("author", "publisher"),),
    "webpage": (("URL", "publisher", "container-title"),),
    "post": (("URL", "container-title"),),
    "post-weblog": (("URL", "container-title"),),
    "legislation": (),
}


def _has_field(source: Source, key: str) -> bool:
    """Given, or given wrongly (that problem is reported already: no "needs" on top)."""
    for info in fields_of(Source):
        if info.key == key:
            return bool(getattr(source, info.name)) or source.at.failed(info.name)
    raise KeyError(key)  # a typo in REQUIRED_BY_TYPE, caught by the tests


def validate_document(doc: Document, chains: dict[str, FontChain] | None,
                      problems: Problems, project: Project | None = None,
                      assets: Assets | None = None, *, archival: bool = False,
                      logo: ProjectPath | None = None) -> None:
    """Every problem of one brief; ``archival``: also what PDF/A forbids (checked again,
    completely, on the finished file: this only names the cause where it was written);
    ``logo``: the theme's logo, whose SVG text is drawn in the brief's figures fonts."""
    brief = doc.brief
    if archival and assets is not None:
        _check_archival(doc, assets, problems)
    if not is_supported(brief.language):
        problems.warning(brief.at.of("language"), f"language '{brief.language}' has no "
                                                  "built-in labels; using English "
                                                  "(supported: en, es, zh)")
    _check_section_list(doc, problems)
    _check_cross_references(doc, problems)
    _check_blocks(doc, assets, problems)
    known = {s.id for s in doc.sources}
    for item in walk_source_citations((brief, doc.sections)):
        if item.id not in known and item.id not in doc.unusable_sources:
            hint = did_you_mean(item.id, known)
            if not known:
                hint = " (content/sources.yaml has no sources)"
            problems.error(item.at, f"unknown source '{item.id}'{hint}")
    settings = brief.citations
    style_problem = check_style(settings.style, project)
    if style_problem:
        problems.error(settings.at.of("style"), f"citations.style: {style_problem}")
    elif project is not None and settings.style.endswith(".csl"):
        _check_style_file(settings.style, project, problems)
    if settings.required:
        for where, what in uncited_claims(doc):
            problems.error(where, f"{what} cites no source, and {doc.path} requires citations "
                                  "(citations.required); cite one with [@source-id], or say why "
                                  "not with 'uncited: <reason>'")
    for link, where in _links((brief, doc.sections)):
        if not _has_scheme(link.url, LINK_SCHEMES):
            problems.error(where, f"link target '{_shorten(link.url)}' is not allowed; "
                                  "use an http, https or mailto address")
    cited = {item.id for item in walk_source_citations((brief, doc.sections))}
    for source in doc.sources:
        if source.id not in cited:
            continue
        if source.at.path in doc.bibliography_files:
            check_source(source, problems)  # libraries are checked where they are used
        if source.accessed is not None and brief.date is not None \
                and source.accessed.earliest() > brief.date:  # None: a reported problem
            problems.error(source.at.of("accessed"), f"{source.id}: accessed "
                                                     f"{source.accessed.iso()} is after the "
                                                     f"brief's date {brief.date.isoformat()}")
    if chains is not None:
        _check_glyphs(doc, cited, chains, problems, assets, logo)


def _check_style_file(style: str, project: Project, problems: Problems) -> None:
    """A project's own CSL file: what would make the processor fail while building, found
    now (check passed and build failed) and located in the file."""
    path = style_path(style, project)
    if isinstance(path, Path):
        display = project.relative(path)
        for line, message in style_file_problems(path):
            problems.error(Location(display, line, 1 if line else 0), message)


def _check_cross_references(doc: Document, problems: Problems) -> None:
    """Labels carry the prefix of their kind and are unique; every reference has a target."""
    first: dict[str, Location] = {}
    for label, kind, where in labelled(doc):
        prefix = PREFIX_OF_KIND[kind]
        if not label.startswith(prefix + ":") or len(label) == len(prefix) + 1:
            problems.error(where, f"id '{label}' of a {kind} must start with '{prefix}:', "
                                  f"e.g. '{prefix}:{label.partition(':')[2] or label}'")
        elif label in first:
            problems.error(where, f"id '{label}' is used twice (first at "
                                  f"{first[label].path}:{first[label].line})")
        else:
            first[label] = where
    targets = number_targets(doc)
    for record in walk_records((doc.brief, doc.sections)):
        if isinstance(record, Image) and record.id and record.caption is None \
                and not record.at.failed("caption"):
            problems.error(record.at.of("id"), f"image '{record.id}' has an id but no caption: "
                                               "only captioned images are numbered figures")
    for citation in (r for r in walk_records((doc.brief, doc.sections))
                     if isinstance(r, Citation)):
        kinds = {is_cross_reference(item.id) for item in citation.items}
        if len(kinds) > 1:
            problems.error(citation.at, "a citation mixes sources and cross-references; "
                                        "write them in separate brackets")
        for item in citation.items:
            if not is_cross_reference(item.id):
                continue
            if targets.get(item.id) is None:
                prefix = item.id.partition(":")[0]
                same_kind = [i for i in targets.ids() if i.startswith(prefix + ":")]
                hint = did_you_mean(item.id, same_kind)
                if not hint:
                    kind = CROSS_REFERENCE_KINDS[prefix]
                    hint = (f"; {kind} ids: {', '.join(same_kind)}" if same_kind
                            else f"; no {kind} in this brief has that id")
                problems.error(item.at, f"unknown cross-reference target '{item.id}'{hint}")


def _check_blocks(doc: Document, assets: Assets | None, problems: Problems) -> None:
    """What the schema alone cannot say about tables, charts and images."""
    for record in walk_records(doc.sections):
        if isinstance(record, Table):
            _check_table(record, problems)
        elif isinstance(record, Chart) and assets is not None:
            _data, found = chart_data(record, assets)
            for where, message in found:
                problems.error(where, message)
        elif isinstance(record, Image):
            if not 0.1 <= record.width <= 1:
                problems.error(record.at.of("width"), f"image width {record.width:g} must be "
                                                      "between 0.1 and 1 (a share of the text "
                                                      "width)")
            if record.alt is not None and not record.alt.strip():
                problems.error(record.at.of("alt"), "an image needs alt text saying what it "
                                                    "shows")


def _check_table(table: Table, problems: Problems) -> None:
    if table.csv is not None:
        if table.rows or table.columns:
            problems.error(table.at.of("csv"), "give a table either columns and rows or csv, "
                                               "not both")
        return
    if any(table.at.failed(name) for name in ("csv", "columns", "rows")):
        return  # a bad csv, column or row was reported: counting now would only echo it
    if not table.columns or not table.rows:
        problems.error(table.at, "a table needs columns and rows, or a csv file")
        return
    for index, row in enumerate(table.rows, 1):
        if len(row) != len(table.columns):
            problems.error(table.at.of(f"rows[{index}]"), f"row {index} has {len(row)} cells "
                                                          f"for {len(table.columns)} columns")


def unused_sources(sources: Iterable[Source], docs: Iterable[Document],
                   problems: Problems) -> None:
    """Warn about registry entries that none of the given briefs cites."""
    cited = {item.id for doc in docs
             for item in walk_source_citations((doc.brief, doc.sections))}
    for source in sources:
        if source.id not in cited:
            problems.warning(source.at, f"source '{source.id}' is never cited")


def _check_section_list(doc: Document, problems: Problems) -> None:
    seen: dict[Path, Location] = {}
    for ref in doc.brief.sections:
        if ref.path.file in seen:
            problems.error(ref.at, f"section '{ref.path}' is included twice "
                                   f"(first at line {seen[ref.path.file].line})")
        seen.setdefault(ref.path.file, ref.at)


def _links(value: object) -> Iterator[tuple[Link, Location]]:
    for record in walk_records(value):
        if isinstance(record, RichText):
            yield from _links_in(record.spans)


def _links_in(spans: tuple) -> Iterator[tuple[Link, Location]]:
    for span in spans:
        if isinstance(span, Link):
            yield span, span.at
        if isinstance(span, Link | Strong | Emphasis):
            yield from _links_in(span.children)


def _has_scheme(url: str, schemes: frozenset[str]) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme.lower() not in schemes:
        return False
    if parts.scheme.lower() in ("http", "https"):
        return bool(parts.netloc) and not any(c.isspace() for c in url)
    return len(url) > len("mailto:")


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- glyphs


def _check_glyphs(doc: Document, cited: set[str], chains: dict[str, FontChain],
                  problems: Problems, assets: Assets | None = None,
                  logo: ProjectPath | None = None) -> None:
    """Every character must have a glyph in the fonts of each role it is set in: no empty
    boxes, ever.  A face of any style counts (bold text falls back to a regular glyph
    before a box, see :mod:`briefsmith.fonts`)."""
    coverage = {role: chain.styled_coverage() for role, chain in chains.items()}
    reported: set[tuple[str, Location]] = set()

    def families(role: str) -> str:
        return ", ".join(chains[role].families) if role in chains else "body fonts"

    def check(text: str, roles: tuple[str, ...], where: Location | RichText) -> None:
        for char, run, reason in unsupported(text):
            problems.error(_place(where, char), _cannot_set(char, run, reason))
        for role in roles:
            for char in (coverage.get(role) or coverage["body"]).uncovered(text):
                place = _place(where, char)
                if (char, place) in reported or cannot_set(char):
                    continue  # already reported, or refused for a better reason above
                reported.add((char, place))
                problems.error(place, _no_glyph(char, role, chains))

    for text, roles, where in _texts((doc.brief, doc.sections)):
        check(text, roles, where)
    if doc.brief.citations.evidence:  # its table sets these in the body font
        for section in doc.sections:
            if section.title is not None:  # None: a reported problem
                check(section.title, ("body",), section.at)
            for figure in (f for block in section.blocks if isinstance(block, KeyFigures)
                           for f in block.items or ()):  # None: a reported problem
                if figure.value is not None:
                    check(figure.value, ("body",), figure.at)
                for text in _rich_strings(figure.label.spans) if figure.label else ():
                    check(text, ("body",), figure.label)
    # Sources are listed in body text, and named in source lines and markers set in the
    # headings font (under figures, tables, key figures).
    for text, _roles, where in _texts(tuple(s for s in doc.sources if s.id in cited)):
        check(text, ("body", "headings"), where)
    # The words briefsmith prints itself ("Contents", dates): one problem per role.
    printed = "".join(labels_for(doc.brief.language).printed())
    for role in ("body", "headings"):
        missing = (coverage.get(role) or coverage["body"]).uncovered(printed)
        if missing:
            shown = ", ".join(describe_char(c) for c in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            problems.error(doc.brief.at, f"the built-in labels for language "
                                         f"'{doc.brief.language}' need characters no {role} "
                                         f"font has ({families(role)}): {shown}{more}; add a "
                                         f"font that covers them to fonts.{role} in the theme")
    _check_data_glyphs(doc, assets, check, coverage.get("figures"), problems)
    if logo is not None and assets is not None and "figures" in coverage:
        _check_svg_text(logo, assets, coverage["figures"], problems, check)


def _check_data_glyphs(doc: Document, assets: Assets | None,
                       check: Callable[[str, tuple[str, ...], Location], None],
                       coverage: ChainCoverage | None, problems: Problems) -> None:
    """CSV text (table headers are set in the headings font, cells in the body font, chart
    labels in the figures font), and chart labels, which are drawn in one font each: some
    figures face must have every character of a label (of all the categories together,
    as an axis draws its labels in one font)."""
    for record in walk_records(doc.sections):
        if isinstance(record, Table) and record.csv is not None and assets is not None:
            rows = assets.rows(record.csv) or ()
            display = assets.paths.get(asset_key(record.csv), str(record.csv))
            for line, row in enumerate(rows, 1):
                for column, cell in enumerate(row, 1):
                    check(cell, ("headings",) if line == 1 else ("body",),
                          Location(display, line, column))
        if isinstance(record, Image) and record.file is not None and assets is not None \
                and coverage is not None:
            _check_svg_text(record.file, assets, coverage, problems, check)
        if not isinstance(record, Chart) or assets is None or coverage is None:
            continue
        data, _found = chart_data(record, assets)
        if data is None:
            continue  # reported by the block checks
        where = record.at
        if record.csv is not None:
            where = Location(assets.paths.get(asset_key(record.csv), str(record.csv)))
            for text in (*data.categories, *(name for name, _values in data.series)):
                check(text, ("figures",), where)
        labels = (" ".join(data.categories), *(name for name, _values in data.series),
                  record.x_label or "", record.y_label or "")
        for text in labels:
            if coverage.whole(text) is None and not coverage.uncovered(text):
                problems.error(where, f"no figures font has every character of the chart "
                                      f"label '{_shorten(text, 40)}', and a chart draws each "
                                      "label (the categories together) in one font; add a "
                                      "font that has them all to fonts.figures in the theme")


def _check_svg_text(file: ProjectPath, assets: Assets, coverage: ChainCoverage,
                    problems: Problems,
                    check: Callable[[str, tuple[str, ...], Location], None]) -> None:
    """An SVG's text is drawn in the figures fonts, each run in one face (svglib has no
    per-glyph fallback): some figures face must have every character of the run.  A
    regular face is enough: a bold run no bold face has whole is drawn in it (see
    ``RenderContext.font_for``), so a weight set by CSS this does not read is no risk."""
    picture = assets.image(file)
    if picture is None:
        return  # reported when the file was read
    for run in picture.texts:
        where = Location(picture.path, run.line, run.column)
        check(run.text, ("figures",), where)
        if coverage.whole(run.text) is None and not coverage.uncovered(run.text):
            problems.error(where, f"no figures font has every character of the SVG text "
                                  f"'{_shorten(run.text, 40)}', and an SVG's text is drawn "
                                  "in one font per run; add a font that has them all to "
                                  "fonts.figures in the theme, or convert the text to paths")


def _cannot_set(char: str, run: str, reason: str) -> str:
    shown = f" in '{_shorten(run, 30)}'" if run != char else ""
    return f"character {describe_char(char)}{shown} {reason}"


def _no_glyph(char: str, role: str, chains: dict[str, FontChain]) -> str:
    families = ", ".join(chains[role].families) if role in chains else "body fonts"
    return (f"character {describe_char(char)} has no glyph in any {role} font ({families}); "
            f"add a font that covers it to fonts.{role} in the theme")


def validate_theme(theme: Theme, chains: dict[str, FontChain] | None,
                   problems: Problems) -> None:
    """The text a theme writes itself (running heads and feet): the script and glyph
    checks the content gets (placeholders are filled with content, checked there)."""
    coverage = chains["body"].styled_coverage() if chains and "body" in chains else None
    for part in (theme.header, theme.footer):
        for side in ("left", "center", "right"):
            template = getattr(part, side)
            if template is None:
                continue
            text = PLACEHOLDER.sub("", template)
            where = part.at.of(side)
            for char, run, reason in unsupported(text):
                problems.error(where, _cannot_set(char, run, reason))
            for char in coverage.uncovered(text) if coverage is not None else ():
                if not cannot_set(char):
                    problems.error(where, _no_glyph(char, "body", chains or {}))


def _place(where: Location | RichText, char: str) -> Location:
    """Where ``char`` was written: exactly, when the rich text can say; else the record."""
    return where.locate(char) if isinstance(where, RichText) else where


def _texts(value: object) -> Iterator[tuple[str, tuple[str, ...], Location | RichText]]:
    """``(text, font roles, where)`` for every piece of user text that gets printed (a
    field's ``role`` metadata names the role it is set in); ``where`` is the rich text
    itself when it can say exactly where each character was written."""
    for record in walk_records(value):
        if isinstance(record, RichText | Text | Strong | Emphasis | Link | Citation | CiteItem):
            continue  # inline pieces: their text is read through the rich text that holds them
        where = getattr(record, "at", None)
        if where is None:
            continue
        for name, role in _printed_fields(type(record)):
            yield from _field_texts(getattr(record, name), (role,), where)


@cache
def _printed_fields(cls: type) -> tuple[tuple[str, str], ...]:
    """``(field, font role)`` for each YAML field of a record class that gets printed
    (not ids, paths or settings, whose role is empty)."""
    roles = {f.name: f.metadata.get("role", "body") for f in dataclasses.fields(cls)}
    return tuple((info.name, roles.get(info.name, "body")) for info in fields_of(cls)
                 if roles.get(info.name, "body"))


def _field_texts(value: object, roles: tuple[str, ...],
                 where: Location) -> Iterator[tuple[str, tuple[str, ...], Location | RichText]]:
    if isinstance(value, str):
        yield value, roles, where
    elif isinstance(value, RichText):
        yield from ((t, roles, value) for t in _rich_strings(value.spans))
    elif isinstance(value, tuple):  # lists of texts, and table rows (lists of lists)
        for item in value:
            if isinstance(item, str | RichText | tuple):
                yield from _field_texts(item, roles, where)


def _rich_strings(spans: tuple) -> Iterator[str]:
    for span in spans:
        text = getattr(span, "text", None)
        if isinstance(text, str):
            yield text
        children = getattr(span, "children", None)
        if children:
            yield from _rich_strings(children)


def _check_archival(doc: Document, assets: Assets, problems: Problems) -> None:
    """PDF/A-2 with an sRGB output intent admits no CMYK colours: a CMYK JPEG would be
    embedded as it is, so say which image to convert."""
    from PIL import Image as PillowImage  # only needed for PDF/A builds

    for file, where in walk_files(doc.sections):
        image = assets.image(file)
        if image is None or image.kind != "jpeg":
            continue
        try:
            mode = PillowImage.open(io.BytesIO(image.data)).mode
        except OSError:  # reported when the image was read
            continue
        if mode == "CMYK":
            problems.error(where, f"{image.path} is a CMYK image, which a PDF/A file (sRGB "
                                  "output intent) cannot contain; save it as RGB")
