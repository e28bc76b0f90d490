"""The orchestrator: the only module that knows the order of the stages.

    read (load + convert) -> validate -> cite -> render -> write

Everything is read first, then everything is checked (so one run reports every problem in
every brief), then each brief without errors of its own is rendered and written.  The
pipeline never prints and never exits: it returns a :class:`RunReport` and raises
:class:`UsageError` for mistakes in how it was called, and the CLI decides what to show.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .assets import Assets, load_assets
from .cite import Bibliography, CitationStyleError, build_bibliography
from .csl import style_path
from .diagnostics import Location, Problem, Problems, Severity, did_you_mean
from .evidence import SourceUse, source_usage, source_usage_of
from .fonts import FontChain, FontIndex, discover, embeddable_chain, font_dirs, resolve_chain
from .i18n import Labels, labels_for
from .model import Document, walk_files, walk_source_citations
from .project import (
    BRIEFS_DIR,
    CONTENT_DIR,
    DEFAULT_OUTPUT_DIR,
    FONTS_DIR,
    SCHEMAS_DIR,
    SOURCES_FILE,
    STYLES_DIR,
    Project,
)
from .read import ContentReader
from .theme import Theme, load_theme
from .validate import unused_sources, validate_document, validate_sources
from .write import ManifestEntry, update_manifest, write_atomic

MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z: PDF dates have four-digit years
# Characters the renderer writes itself (numbers, bullets, quotes, leaders, spaces).
# Reference entries and markers come from the citation style, so whole blocks of Latin
# letters and punctuation are kept too (each font keeps only what it has).
_RENDERER_CHARACTERS = (
    string.printable.strip() + " " + "".join(map(chr, range(0xA0, 0x180)))
    + "".join(map(chr, range(0x2000, 0x2070))) + "\u2191\u2192\u2190\u3000\u3001\u3002"
    "\uff08\uff09\uff0c\uff1a\uff1b")


class UsageError(Exception):
    """The command was called wrongly (unknown brief, bad option): exit code 2."""


@dataclass(frozen=True)
class BuildOptions:
    output_dir: Path | None = None
    theme: str | None = None
    strict: bool = False
    source_date_epoch: int | None = None


@dataclass(frozen=True)
class BriefResult:
    name: str
    output: Path
    pages: int
    size: int
    sha256: str
    sources_cited: tuple[str, ...]


@dataclass
class RunReport:
    problems: list[Problem] = field(default_factory=list)
    results: list[BriefResult] = field(default_factory=list)
    strict: bool = False

    @property
    def failed(self) -> bool:
        if self.strict:
            return bool(self.problems)
        return any(p.severity is Severity.ERROR for p in self.problems)


@dataclass(frozen=True)
class BriefListing:
    name: str
    path: str
    title: str | None
    sections: tuple[str, ...]
    sources: tuple[str, ...]


def parse_source_date_epoch(text: str | None) -> int | None:
    """``SOURCE_DATE_EPOCH`` as whole seconds, or a :class:`UsageError` saying why not."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    if not value.isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got '{value}'")
    epoch = int(value)
    if epoch > MAX_EPOCH:
        raise UsageError(f"SOURCE_DATE_EPOCH {value} is after the year 9999")
    return epoch


def select_briefs(project: Project, names: Sequence[str]) -> list[Path]:
    """Brief files by name (``sample``), file name or path; all briefs when none given."""
    if not project.root.is_dir():
        raise UsageError(f"project folder '{project.root}' does not exist")
    available = project.brief_files()
    if not names:
        if not available:
            raise UsageError(f"no briefs found in '{project.relative(project.briefs_dir)}/'")
        return available
    by_name = {p.stem: p for p in available}
    chosen: list[Path] = []
    for name in names:
        path = by_name.get(Path(name).stem) if "/" not in name else None
        if path is None:
            candidate = (project.root / name).resolve()
            if candidate in available:
                path = candidate
        if path is None:
            raise UsageError(f"no brief named '{name}'{did_you_mean(Path(name).stem, by_name)}; "
                             f"briefs: {', '.join(sorted(by_name)) or 'none'}")
        if path not in chosen:
            chosen.append(path)
    return chosen


@dataclass
class _Run:
    """State shared by the briefs of one run: files are read and fonts scanned once."""

    project: Project
    problems: Problems = field(default_factory=Problems)
    reader: ContentReader | None = None
    assets: Assets = field(default_factory=Assets)
    _font_index: FontIndex | None = None
    _themes: dict[str, tuple[Theme | None, dict[str, FontChain] | None]] = field(
        default_factory=dict)

    def __post_init__(self) -> None:
        self.reader = ContentReader(self.project, self.problems)

    def font_index(self) -> FontIndex:
        if self._font_index is None:
            self._font_index = discover(font_dirs(self.project.root))
        return self._font_index

    def theme(self, name: str, where: Location) -> tuple[Theme | None, dict[str, FontChain] | None]:
        if name not in self._themes:
            theme = load_theme(self.project, name, self.problems, where)
            chains = self._chains(theme) if theme is not None else None
            self._themes[name] = (theme, chains)
        return self._themes[name]

    def _chains(self, theme: Theme) -> dict[str, FontChain] | None:
        chains: dict[str, FontChain] = {}
        where = theme.fonts.at

        def report(severity: str, message: str) -> None:
            if severity == "error":
                self.problems.error(where, message)
            else:
                self.problems.warning(where, message)

        for role, families in theme.fonts.roles().items():
            chain = resolve_chain(role, families, self.font_index(), report)
            if chain is not None:
                chains[role] = chain
        return chains if len(chains) == len(theme.fonts.roles()) else None


@dataclass
class _Prepared:
    doc: Document
    theme: Theme | None
    chains: dict[str, FontChain] | None
    inputs: frozenset[str]
    assets: Assets


def _prepare(run: _Run, paths: Sequence[Path], theme_override: str | None,
             ) -> tuple[list[_Prepared], set[str]]:
    """Read and validate every selected brief; returns the documents and failed names."""
    assert run.reader is not None
    prepared: list[_Prepared] = []
    failed: set[str] = set()
    sources = run.reader.sources()
    validate_sources(sources, run.problems)
    errors_before = len(run.problems.errors)
    docs = []
    for path in paths:
        doc = run.reader.brief(path)
        if doc is None:
            failed.add(path.stem)
        else:
            docs.append(doc)
    # A brief, section or block that failed to convert takes its citations with it, so
    # "never cited" would be a knock-on warning: only warn when everything was read whole.
    read_whole = len(run.problems.errors) == errors_before
    for doc in docs:
        theme_name = theme_override or doc.brief.theme
        theme, chains = run.theme(theme_name, doc.brief.at)
        files = list(walk_files(doc.sections))
        if theme is not None and theme.logo is not None:
            files.append((theme.logo, theme.at))
        load_assets(run.project, files, run.problems, run.assets)
        validate_document(doc, chains, run.problems, run.project, run.assets)
        inputs = {doc.path, SOURCES_FILE, *(s.path for s in doc.sections),
                  *doc.bibliography_files}
        inputs.update(p for key, p in run.assets.paths.items()
                      if key in {(f.folder, f.written) for f, _ in files})
        style_file = style_path(doc.brief.citations.style, run.project) \
            if doc.brief.citations.style.endswith(".csl") else None
        if isinstance(style_file, Path):
            inputs.add(run.project.relative(style_file))
        if theme is not None:
            inputs.add(theme.path)
        prepared.append(_Prepared(doc, theme, chains, frozenset(inputs), run.assets))
    if read_whole:
        unused_sources(sources, [p.doc for p in prepared], run.problems)
    return prepared, failed


def _blocked(item: _Prepared, problems: Problems, strict: bool) -> bool:
    """A brief is not built if any of its inputs has an error (or, strictly, a warning)."""
    if item.theme is None or item.chains is None:
        return True
    for problem in problems:
        if problem.severity is Severity.WARNING and not strict:
            continue
        if problem.location is None or problem.location.path in item.inputs \
                or problem.location.path.startswith("<briefsmith>"):
            return True
    return False


def check(project: Project, names: Sequence[str], options: BuildOptions | None = None,
          ) -> RunReport:
    """Validate without rendering."""
    options = options or BuildOptions()
    run = _Run(project)
    paths = select_briefs(project, names)
    _prepare(run, paths, options.theme)
    return RunReport(run.problems.sorted(), [], options.strict)


def build(project: Project, names: Sequence[str], options: BuildOptions | None = None,
          ) -> RunReport:
    """Validate, then render and write every brief whose own inputs have no errors."""
    from .render import RenderError, render_pdf  # ReportLab is imported only to draw

    options = options or BuildOptions()
    output_dir = _output_dir(project, options.output_dir)
    run = _Run(project)
    paths = select_briefs(project, names)
    prepared, _failed = _prepare(run, paths, options.theme)
    results: list[BriefResult] = []
    entries: list[ManifestEntry] = []
    for item in prepared:
        if _blocked(item, run.problems, options.strict):
            continue
        assert item.theme is not None and item.chains is not None
        doc = item.doc
        labels = labels_for(doc.brief.language)
        try:
            bibliography = build_bibliography(doc, labels, project)
        except CitationStyleError as exc:
            run.problems.error(doc.brief.citations.at, f"citations.style: {exc}")
            continue
        used = _characters(doc, labels, item.theme, item.assets, bibliography)
        chains = {role: embeddable_chain(chain, used) for role, chain in item.chains.items()}
        epoch = options.source_date_epoch
        if epoch is None:
            epoch = calendar.timegm(doc.brief.date.timetuple())
        try:
            pdf = render_pdf(doc, bibliography, item.theme, chains, item.assets, epoch=epoch,
                             creator=f"briefsmith {__version__}")
        except RenderError as exc:  # the previous PDF, if any, stays as it was
            run.problems.error(exc.location or doc.brief.at, str(exc))
            continue
        target = output_dir / f"{doc.name}.pdf"
        write_atomic(target, pdf.data)
        digest = hashlib.sha256(pdf.data).hexdigest()
        cited = tuple(source.id for source in bibliography.references)
        results.append(BriefResult(doc.name, target, pdf.pages, len(pdf.data), digest, cited))
        warnings = sum(1 for p in run.problems
                       if p.severity is Severity.WARNING and p.location
                       and p.location.path in item.inputs)
        entries.append(ManifestEntry(doc.name, project.relative(target), pdf.pages,
                                     len(pdf.data), digest, cited, warnings))
    if entries:
        update_manifest(output_dir, entries)
    return RunReport(run.problems.sorted(), results, options.strict)


def _characters(doc: Document, labels: Labels, theme: Theme, assets: Assets,
                bibliography: Bibliography) -> set[str]:
    """Every character the PDF may contain: fonts converted for a brief cover these."""
    chars = set(_RENDERER_CHARACTERS)
    for text in _strings((doc.brief, doc.sections, doc.sources, labels, theme.header,
                          theme.footer, tuple(assets.tables.values()), bibliography.lists)):
        chars.update(text)
        chars.update(text.upper())  # the kicker is set in capitals
    return chars


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))


def write_schemas(project: Project, output_dir: Path | None = None) -> list[Path]:
    """Write the JSON Schemas for editors (see :mod:`briefsmith.schema`); returns the files."""
    from .schema import all_schemas, dumps

    folder = _output_dir(project, output_dir, default=SCHEMAS_DIR)
    written = []
    for name, schema in all_schemas().items():
        write_atomic(folder / name, dumps(schema).encode("utf-8"))
        written.append(folder / name)
    return written


def _output_dir(project: Project, requested: Path | None,
                default: str = DEFAULT_OUTPUT_DIR) -> Path:
    output = (requested if requested is not None else project.root / default)
    output = output if output.is_absolute() else Path.cwd() / output
    output = output.resolve()
    for folder in (BRIEFS_DIR, CONTENT_DIR, STYLES_DIR, FONTS_DIR):
        guarded = (project.root / folder).resolve()
        if output == guarded or output.is_relative_to(guarded):
            raise UsageError(f"the output folder may not be the input folder '{folder}/'")
    if output == project.root:
        raise UsageError("the output folder may not be the project folder itself; use 'out/'")
    if output.exists() and not output.is_dir():
        raise UsageError(f"output '{output}' exists and is not a folder")
    return output


def list_project(project: Project) -> tuple[list[BriefListing], RunReport]:
    """The briefs, the sections they include and the sources they cite."""
    run = _Run(project)
    assert run.reader is not None
    listings = []
    for path in select_briefs(project, ()):
        doc = run.reader.brief(path)
        if doc is None:
            listings.append(BriefListing(path.stem, project.relative(path), None, (), ()))
            continue
        cited = []
        for item in walk_source_citations((doc.brief, doc.sections)):
            if item.id not in cited:
                cited.append(item.id)
        listings.append(BriefListing(doc.name, doc.path, doc.brief.title,
                                     tuple(s.path for s in doc.sections), tuple(cited)))
    return listings, RunReport(run.problems.sorted(), [])


@dataclass(frozen=True)
class SourcesReport:
    """``briefsmith sources``: how each source is used, and which are unused or stale."""

    uses: list[SourceUse]
    as_of: dt.date
    max_age: int | None
    report: RunReport

    @property
    def unused(self) -> list[SourceUse]:
        return [u for u in self.uses if not u.count]

    @property
    def stale(self) -> list[SourceUse]:
        if self.max_age is None:
            return []
        return [u for u in self.uses if (age := u.age_days(self.as_of)) is not None
                and age > self.max_age]


def source_report(project: Project, names: Sequence[str], *, max_age: int | None = None,
                  as_of: dt.date | None = None, strict: bool = False) -> SourcesReport:
    """Every source the briefs can cite, where each is cited, and which are unused or stale.

    Staleness is measured from ``as_of`` (default: today, or ``SOURCE_DATE_EPOCH``'s day),
    so a scheduled build can fail when evidence has not been re-read for ``max_age`` days.
    """
    if max_age is not None and max_age < 0:
        raise UsageError("--max-age must be zero or more days")
    run = _Run(project)
    assert run.reader is not None
    registry = run.reader.sources()
    validate_sources(registry, run.problems)
    docs = [doc for path in select_briefs(project, names)
            if (doc := run.reader.brief(path)) is not None]
    unused_sources(registry, docs, run.problems)
    uses = source_usage(docs) if docs else source_usage_of(registry)
    today = as_of or dt.date.today()
    result = SourcesReport(uses, today, max_age, RunReport([], [], strict))
    for use in result.stale:
        accessed = use.source.accessed
        assert accessed is not None
        run.problems.error(use.source.at, f"{use.source.id}: last accessed {accessed.iso()}, "
                                          f"{use.age_days(today)} days before "
                                          f"{today.isoformat()} (more than --max-age "
                                          f"{max_age})")
    result.report.problems.extend(run.problems.sorted())
    return result
