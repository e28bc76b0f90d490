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
import os
import re
import string
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Protocol

from . import __version__
from .assets import Assets, asset_key, load_assets
from .batch import Shard, peak_memory, run_all
from .cite import Bibliography, CitationStyleError, build_bibliography
from .csl import style_path
from .diagnostics import PROJECT_WIDE, Location, Problem, Problems, Severity, did_you_mean
from .evidence import SourceUse, source_usage, source_usage_of
from .fontcheck import outline_problem
from .fonts import (
    FontChain,
    FontIndex,
    discover,
    embeddable_chains,
    font_dirs,
    font_files,
    resolve_chain,
)
from .i18n import Labels, labels_for
from .incremental import (
    STATE_NAME,
    BuildState,
    BuiltBrief,
    FileDigests,
    brief_inputs,
    brief_key,
    environment_key,
    selection_key,
)
from .model import Document, walk_files, walk_source_citations
from .project import (
    BRIEFS_DIR,
    CONTENT_DIR,
    DEFAULT_OUTPUT_DIR,
    FONTS_DIR,
    SCHEMAS_DIR,
    STYLES_DIR,
    Project,
    ProjectPath,
)
from .read import ContentReader
from .theme import Theme, available_themes, load_theme
from .typography import typeset_quotes
from .validate import unused_sources, validate_document, validate_sources, validate_theme
from .write import (
    MANIFEST_NAME,
    TIMINGS_NAME,
    ManifestEntry,
    foreign_files,
    read_manifest,
    remove_stale_temporaries_in,
    update_manifest,
    update_timings,
    write_atomic,
)

MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z: PDF dates have four-digit years
_EPOCH_RE = re.compile(r"^[0-9]+$")
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
    """How ``build`` and ``check`` were asked to run."""

    output_dir: Path | None = None
    theme: str | None = None
    strict: bool = False
    source_date_epoch: int | None = None
    jobs: int = 1  # worker processes for rendering
    shard: Shard | None = None  # build only this slice of the briefs
    force: bool = False  # rebuild briefs that are up to date
    pdfa: bool = False  # PDF/A-2 for every brief (a brief may ask for it itself)
    debug: bool = False  # let a bug's exception through (with its traceback)


@dataclass(frozen=True)
class BriefResult:
    """One rendered and written PDF."""

    name: str
    output: Path
    pages: int
    size: int
    sha256: str
    sources_cited: tuple[str, ...]
    seconds: float = 0.0
    peak_memory: int = 0  # bytes: the rendering process's peak resident size so far


class Progress(Protocol):
    """Hears about a build as it goes (the CLI draws a progress bar or prints lines)."""

    def planned(self, count: int) -> None:
        """``count`` briefs are about to be rendered."""

    def finished(self, result: BriefResult) -> None:
        """One brief was rendered and written."""


@dataclass
class RunReport:
    """What a run found and made."""

    problems: list[Problem] = field(default_factory=list)
    results: list[BriefResult] = field(default_factory=list)
    strict: bool = False
    up_to_date: list[Path] = field(default_factory=list)  # outputs skipped as current
    not_built: list[str] = field(default_factory=list)  # briefs blocked by problems
    crashed: list[str] = field(default_factory=list)  # briefs a bug in briefsmith stopped
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        if self.strict:
            return bool(self.problems)
        return any(p.severity is Severity.ERROR for p in self.problems)


@dataclass(frozen=True)
class BriefListing:
    """One brief as ``briefsmith list`` shows it."""

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
    if not _EPOCH_RE.match(value):  # ASCII digits: str.isdigit() also accepts "²" and "１"
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
    by_name: dict[str, list[Path]] = {}
    for path in available:
        by_name.setdefault(path.stem, []).append(path)
    chosen: list[Path] = []
    for name in names:
        # Every file of that name: two of them are an error the build reports.
        paths = by_name.get(Path(name).stem, []) if "/" not in name else []
        if not paths:
            candidate = (project.root / name).resolve()
            if candidate in available:
                paths = [candidate]
        if not paths:
            raise UsageError(f"no brief named '{name}'{did_you_mean(Path(name).stem, by_name)}; "
                             f"briefs: {', '.join(sorted(by_name)) or 'none'}")
        chosen.extend(path for path in paths if path not in chosen)
    return chosen


def check_theme_option(project: Project, theme: str | None) -> None:
    """``--theme NAME`` must name a theme: a mistake in the command, not in the content."""
    if theme is None:
        return
    names = available_themes(project)
    if not theme.strip():
        raise UsageError(f"--theme needs a theme name; available: {', '.join(names)}")
    if theme not in names:
        raise UsageError(f"unknown theme '{theme}' (--theme){did_you_mean(theme, names)}; "
                         f"available: {', '.join(names)}")


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 arrive as lone surrogates
        return False
    return True


def _same_names(project: Project) -> dict[Path, Path]:
    """Briefs that would write the same PDF: ``mini.yaml`` and ``mini.yml``, or names that
    differ only in case (one file on macOS and Windows); each mapped to another one."""
    groups: dict[str, list[Path]] = {}
    for path in project.brief_files():
        groups.setdefault(path.stem.casefold(), []).append(path)
    return {path: group[1] if index == 0 else group[0]
            for group in groups.values() if len(group) > 1
            for index, path in enumerate(group)}


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
    # Sections with typographic quotes, shared by the briefs that use them.
    quoted: dict[tuple[int, str], tuple[object, object]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.reader = ContentReader(self.project, self.problems)

    def font_index(self) -> FontIndex:
        if self._font_index is None:
            self._font_index = discover(font_dirs(self.project.root))
            read = {face.path for faces in self._font_index.by_family.values()
                    for face in faces}
            own = self.project.root / FONTS_DIR
            for path in sorted(font_files(own)) if own.is_dir() else ():
                if str(path) not in read:  # unreadable: its family would be "not installed"
                    self.problems.warning(Location(self.project.relative(path)),
                                          "cannot read this font file (not a TrueType, "
                                          "OpenType or TTC font?); it is ignored")
        return self._font_index

    def theme(self, name: str, where: Location) -> tuple[Theme | None, dict[str, FontChain] | None]:
        if name not in self._themes:
            theme = load_theme(self.project, name, self.problems, where)
            chains = self._chains(theme) if theme is not None else None
            if theme is not None:
                validate_theme(theme, chains, self.problems)
            self._themes[name] = (theme, chains)
        return self._themes[name]

    def _chains(self, theme: Theme) -> dict[str, FontChain] | None:
        chains: dict[str, FontChain] = {}

        for role, families in theme.fonts.roles().items():
            where = theme.fonts.at.of(role)

            def report(severity: str, message: str, where: Location = where) -> None:
                if severity == "error":
                    self.problems.error(where, message)
                else:
                    self.problems.warning(where, message)

            chain = resolve_chain(role, families, self.font_index(), report)
            if chain is not None and self._drawable(chain, where):
                chains[role] = chain
        return chains if len(chains) == len(theme.fonts.roles()) else None

    def _drawable(self, chain: FontChain, where: Location) -> bool:
        """The project's own font files in ``chain`` draw (see :mod:`briefsmith.fontcheck`)."""
        own = (self.project.root / FONTS_DIR).resolve()
        usable = True
        faces = {(face.path, face.index) for styles in chain.faces for face in styles.values()}
        for path, index in sorted(faces):
            if not Path(path).resolve().is_relative_to(own):
                continue  # installed fonts come from packages
            problem = outline_problem(Path(path), index)
            if problem:
                self.problems.error(where, f"fonts.{chain.role}: "
                                           f"{self.project.relative(Path(path))} {problem}; "
                                           "replace the file or remove it from fonts/")
                usable = False
        return usable


@dataclass
class _Prepared:
    """One brief read and validated, with what its PDF depends on."""

    doc: Document
    theme: Theme | None
    chains: dict[str, FontChain] | None
    inputs: tuple[str, ...]
    assets: Assets  # this brief's images and data tables


def _prepare(run: _Run, paths: Sequence[Path], theme_override: str | None,
             whole_project: bool = True, pdfa: bool = False,
             ) -> tuple[list[_Prepared], set[str]]:
    """Read and validate every selected brief; returns the documents and failed names."""
    assert run.reader is not None
    prepared: list[_Prepared] = []
    failed: set[str] = set()
    sources = run.reader.sources()
    validate_sources(sources, run.problems)
    errors_before = len(run.problems.errors)
    docs = []
    clashes = _same_names(run.project)
    for path in paths:
        if not _utf8(path.name):
            shown = run.project.relative(path).encode("utf-8", "surrogateescape").decode(
                "utf-8", "backslashreplace")
            run.problems.error(Location(shown), "the file name is not valid UTF-8 (it could "
                                                "not be named in messages or the manifest); "
                                                "rename it")
            failed.add(PurePosixPath(shown).stem)
            continue
        if path in clashes:
            other = run.project.relative(clashes[path])
            run.problems.error(Location(run.project.relative(path)),
                               f"brief name '{path.stem}' clashes with {other}: both would be "
                               f"built to {path.stem}.pdf; rename one")
            failed.add(path.stem)
            continue
        doc = run.reader.brief(path)
        if doc is None:
            failed.add(path.stem)
        else:  # typographic quotes before validation: the glyph check sees what prints
            docs.append(typeset_quotes(doc, labels_for(doc.brief.language).quotes,
                                       run.quoted))
    # A brief, section or block that failed to convert takes its citations with it, so
    # "never cited" would be a knock-on warning: only warn when everything was read whole.
    read_whole = len(run.problems.errors) == errors_before
    for doc in docs:
        theme_name = theme_override or doc.brief.theme
        theme, chains = run.theme(theme_name, doc.brief.at.of("theme"))
        files = list(walk_files(doc.sections))
        if theme is not None and theme.logo is not None:
            files.append((theme.logo, theme.at))
        load_assets(run.project, files, run.problems, run.assets)
        # Problems found here are about this brief's use of its files (its citation gate,
        # its theme's fonts, what PDF/A forbids): a section it shares with other briefs
        # does not block them.
        validate_document(doc, chains, run.problems.about(doc.name), run.project, run.assets,
                          archival=pdfa or doc.brief.pdf.pdfa,
                          logo=theme.logo if theme is not None else None)
        keys = {asset_key(f) for f, _ in files}
        inputs = {*doc.bibliography_files,
                  *(p for key, p in run.assets.paths.items() if key in keys)}
        style_file = style_path(doc.brief.citations.style, run.project) \
            if doc.brief.citations.style.endswith(".csl") else None
        if isinstance(style_file, Path):
            inputs.add(run.project.relative(style_file))
            inputs.add(f"{STYLES_DIR}/{PurePosixPath(doc.brief.citations.style)}")
        inputs.update(_as_named(doc, files))
        prepared.append(_Prepared(doc, theme, chains, brief_inputs(doc, theme, inputs),
                                  _assets_of(run.assets, keys)))
    # "Never cited" is about the whole project (a shard or one brief cannot tell), and a
    # brief, section or block that failed to convert takes its citations with it.
    if whole_project and read_whole:
        unused_sources(sources, [p.doc for p in prepared], run.problems.about(PROJECT_WIDE))
    return prepared, failed


def _as_named(doc: Document, files: Sequence[tuple[ProjectPath, Location]]) -> set[str]:
    """Every file the brief names, spelt as written (``content/intro.yaml``) rather than
    resolved: when a name is a symlink, pointing it elsewhere must make the PDF stale."""
    named = [*(ref.path for ref in doc.brief.sections),
             *(ref.file for ref in doc.brief.citations.bibliography),
             *(file for file, _where in files)]
    return {f"{file.folder}/{PurePosixPath(file.written)}" for file in named}


def _assets_of(assets: Assets, keys: set[tuple[str, str]]) -> Assets:
    """The part of the run's assets one brief uses (what a worker process is sent)."""
    return Assets(tables={k: v for k, v in assets.tables.items() if k in keys},
                  images={k: v for k, v in assets.images.items() if k in keys},
                  paths={k: v for k, v in assets.paths.items() if k in keys})


def _blocked(item: _Prepared, problems: Problems, strict: bool) -> bool:
    """A brief is not built if any of its inputs has an error (or, strictly, a warning)."""
    if item.theme is None or item.chains is None:
        return True
    for problem in problems:
        if problem.severity is Severity.WARNING and not strict:
            continue
        if problem.brief not in (None, PROJECT_WIDE, item.doc.name):
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
    check_theme_option(project, options.theme)
    _prepare(run, paths, options.theme, whole_project=not names, pdfa=options.pdfa)
    return RunReport(run.problems.sorted(), [], options.strict)


def build(project: Project, names: Sequence[str], options: BuildOptions | None = None,
          progress: Progress | None = None) -> RunReport:
    """Validate, then render and write every brief whose own inputs have no errors and
    whose PDF is not already up to date (see :mod:`briefsmith.incremental`)."""
    options = options or BuildOptions()
    started = time.perf_counter()
    output_dir = _output_dir(project, options.output_dir)
    paths = select_briefs(project, names)
    check_theme_option(project, options.theme)
    foreign = foreign_files(output_dir)
    if foreign:
        raise UsageError(f"'{_shown(project, foreign[0])}' was not written by briefsmith; "
                         "refusing to overwrite it (build into another folder with -o, or "
                         "remove it)")
    remove_stale_temporaries_in(output_dir)
    if options.shard is not None:
        paths = [p for p in paths if options.shard.contains(p.stem)]
    state = BuildState.load(output_dir, listed=read_manifest(output_dir))
    digests = FileDigests(project, state.files)
    environment = environment_key(project, digests, theme=options.theme,
                                  epoch=options.source_date_epoch, pdfa=options.pdfa)
    whole_project = not names and options.shard is None
    selection = selection_key([f"whole={whole_project}", str(options.shard),
                               *(p.stem for p in paths)])
    if not options.force:
        replayed = _replay(state, paths, environment, digests, selection)
        if replayed is not None:
            if progress is not None:
                progress.planned(0)
            written = _OutputRecords(project, output_dir)
            written.update(state, digests, [])
            return RunReport([*replayed, *written.problems], [], options.strict,
                             up_to_date=[output_dir / f"{p.stem}.pdf" for p in paths],
                             seconds=time.perf_counter() - started)

    run = _Run(project)
    prepared, failed = _prepare(run, paths, options.theme, whole_project, options.pdfa)
    report = RunReport(strict=options.strict, not_built=sorted(failed))
    keys: dict[str, str | None] = dict.fromkeys(failed)
    tasks: list[_RenderTask] = []
    for item in prepared:
        name = item.doc.name
        keys[name] = key = brief_key(environment, item.inputs, digests)
        if _blocked(item, run.problems, options.strict):
            report.not_built.append(name)
            continue
        assert item.theme is not None and item.chains is not None
        target = output_dir / f"{name}.pdf"
        if not options.force and state.up_to_date(name, key):
            report.up_to_date.append(target)
            continue
        epoch = options.source_date_epoch
        if epoch is None:
            epoch = calendar.timegm(item.doc.brief.date.timetuple())
        tasks.append(_RenderTask(project, item.doc, item.theme, item.chains, item.assets, epoch,
                                 target, options.pdfa or item.doc.brief.pdf.pdfa,
                                 options.debug))

    def finished(outcome: BriefResult | _NotRendered) -> None:
        if progress is not None and isinstance(outcome, BriefResult):
            progress.finished(outcome)

    if progress is not None:
        progress.planned(len(tasks))
    outcomes = run_all(_render_brief, tasks, jobs=options.jobs, on_done=finished,
                       before_fork=lambda: _preload_fonts(tasks))
    report.results = [o for o in outcomes if isinstance(o, BriefResult)]
    for outcome in outcomes:
        if isinstance(outcome, _NotRendered):
            run.problems.error(outcome.where, outcome.message)
            report.not_built.append(outcome.name)
            if outcome.crashed:
                report.crashed.append(outcome.name)
    problems = run.problems.sorted()
    inputs = {item.doc.name: item.inputs for item in prepared}
    for result in report.results:
        state.record_brief(result.name, BuiltBrief(
            keys[result.name] or "", inputs[result.name], result.output.name, result.sha256))
    if report.results or output_dir.is_dir():  # a build that made nothing makes no folder
        written = _OutputRecords(project, output_dir)
        written.update(state, digests, report.results, problems=problems, inputs=inputs,
                       run=(selection, keys))
        problems = sorted([*problems, *written.problems], key=Problem.sort_key)
    report.problems = problems
    report.not_built.sort()
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _OutputRecords:
    """Writes what describes an output folder (manifest, timings, build state) and turns
    a failure to write (a full disk, a read-only folder) into a located problem."""

    project: Project
    output_dir: Path
    problems: list[Problem] = field(default_factory=list)

    def update(self, state: BuildState, digests: FileDigests, results: Sequence[BriefResult],
               *, problems: Sequence[Problem] = (), inputs: dict[str, tuple[str, ...]] | None
               = None, run: tuple[str, dict[str, str | None]] | None = None) -> None:
        # The manifest lists the current briefs whose PDF is in the folder; an entry is
        # only (re)written with its PDF, with the warnings about that brief's own inputs
        # (a project-wide verdict such as an unused source belongs to no single PDF).
        current = {p.stem for p in self.project.brief_files()}
        present = {name for name in current
                   if name in {r.name for r in results}
                   or (self.output_dir / f"{name}.pdf").is_file()}
        entries = [_manifest_entry(self.project, self.output_dir, result, tuple(
            str(p) for p in problems if p.severity is Severity.WARNING
            and p.brief in (None, result.name) and p.location is not None
            and p.location.path in (inputs or {}).get(result.name, ())))
            for result in results]
        self._write(self.output_dir / MANIFEST_NAME,
                    lambda: update_manifest(self.output_dir, entries, keep=present))
        self._write(self.output_dir / TIMINGS_NAME,
                    lambda: update_timings(self.output_dir, {r.name: r.seconds for r in results},
                                           keep=present))
        state.keep_briefs(current)
        if run is not None:
            state.record_run(*run, problems)
        self._write(self.output_dir / STATE_NAME, lambda: state.save(digests))

    def _write(self, path: Path, write: Callable[[], object]) -> None:
        try:
            write()
        except OSError as exc:
            self.problems.append(Problem(Location(_shown(self.project, path)), Severity.ERROR,
                                         f"cannot write this file: {exc.strerror or exc}"))


def _replay(state: BuildState, paths: Sequence[Path], environment: str, digests: FileDigests,
            selection: str) -> list[Problem] | None:
    """The problems of the last identical run if every selected PDF is up to date, decided
    from file stamps alone (no YAML is parsed); ``None`` means "build"."""
    keys: dict[str, str | None] = {}
    for path in paths:
        key = state.recorded_key(path.stem, environment, digests)
        if key is None or not state.up_to_date(path.stem, key):
            return None
        keys[path.stem] = key
    return state.replay(selection, keys)


@dataclass(frozen=True)
class _RenderTask:
    """One brief to render: everything a worker process needs, and nothing it must read
    (except the citation style and font files, which it reads as a serial build would)."""

    project: Project
    doc: Document
    theme: Theme
    chains: dict[str, FontChain]
    assets: Assets
    epoch: int
    target: Path
    pdfa: bool = False  # make a PDF/A-2 file, or fail saying why not
    debug: bool = False  # a bug's exception propagates instead of becoming a problem


@dataclass(frozen=True)
class _NotRendered:
    """A problem only found while rendering (a citation style that fails to load, a
    block too large for any page)."""

    name: str
    where: Location
    message: str
    crashed: bool = False  # a bug in briefsmith, not a problem of the content


def _render_brief(task: _RenderTask) -> BriefResult | _NotRendered:
    """Cite, render and write one brief (runs in a worker process when ``jobs > 1``).

    An exception here is a bug in briefsmith.  It stops this brief only: the other briefs
    of the batch are still built and recorded in the manifest and build state (a nightly
    CI build of hundreds of briefs should not lose them all to one), and the run ends with
    the internal-error exit code.
    """
    if task.debug:
        return _render_brief_unguarded(task)
    try:
        return _render_brief_unguarded(task)
    except Exception as exc:  # reported as a bug, with its type and message
        return _NotRendered(task.doc.name, task.doc.brief.at,
                            f"internal error while rendering this brief: "
                            f"{type(exc).__name__}: {exc} (a bug in briefsmith, not in your "
                            "content; please report it: BRIEFSMITH_DEBUG=1 shows the "
                            "traceback)", crashed=True)


def _render_brief_unguarded(task: _RenderTask) -> BriefResult | _NotRendered:
    from .finish import finish_pdf  # pikepdf and ReportLab are imported only to draw
    from .render import RenderError, render_pdf

    started = time.perf_counter()
    doc = task.doc
    labels = labels_for(doc.brief.language)
    try:
        bibliography = build_bibliography(doc, labels, task.project)
    except CitationStyleError as exc:  # at the project's style file, if it is one
        style = doc.brief.citations.style
        path = style_path(style, task.project) if style.endswith(".csl") else None
        where = Location(task.project.relative(path)) if isinstance(path, Path) \
            else doc.brief.citations.at.of("style")
        return _NotRendered(doc.name, where, f"citations.style: {exc}")
    used = _characters(doc, labels, task.theme, task.assets, bibliography)
    chains = embeddable_chains(task.chains, used, task.theme.numerals)
    settings = doc.brief.pdf
    tagged = settings.tagged if settings.tagged is not None else task.theme.tagged
    try:
        pdf = render_pdf(doc, bibliography, task.theme, chains, task.assets, epoch=task.epoch,
                         creator=f"briefsmith {__version__}", tagged=tagged)
    except RenderError as exc:  # the previous PDF, if any, stays as it was
        return _NotRendered(doc.name, exc.location or doc.brief.at, str(exc))
    finished = finish_pdf(pdf.data, pdfa=task.pdfa, tagged=tagged)
    if finished.pdfa_violations:  # no file rather than a false claim
        return _NotRendered(doc.name, settings.at if settings.pdfa else doc.brief.at,
                            "cannot make a PDF/A-2 file: "
                            + _listed(finished.pdfa_violations))
    try:
        write_atomic(task.target, finished.data)
    except OSError as exc:  # a full disk, a folder made read-only meanwhile ...
        return _NotRendered(doc.name, Location(_shown(task.project, task.target)),
                            f"cannot write the PDF: {exc.strerror or exc}")
    digest = hashlib.sha256(finished.data).hexdigest()
    cited = tuple(source.id for source in bibliography.references)
    return BriefResult(doc.name, task.target, pdf.pages, len(finished.data), digest, cited,
                       round(time.perf_counter() - started, 3), peak_memory())


def _listed(reasons: Sequence[str], most: int = 3) -> str:
    """The distinct reasons, the first ``most`` of them in full."""
    distinct = list(dict.fromkeys(reasons))
    more = len(distinct) - most
    return "; ".join(distinct[:most]) + (f"; and {more} more" if more > 0 else "")


def _preload_fonts(tasks: Sequence[_RenderTask]) -> None:
    """Load the fonts once in the parent, so forked workers inherit them."""
    from .render import preload_fonts

    for chains in {id(t.chains): t.chains for t in tasks}.values():
        preload_fonts(chains)


def _manifest_entry(project: Project, output_dir: Path, result: BriefResult,
                    warnings: tuple[str, ...]) -> ManifestEntry:
    """The manifest names a PDF relative to the project when the output folder is inside
    it (``out/x.pdf``), else relative to the output folder: never a machine's own path."""
    inside = output_dir.is_relative_to(project.root)
    output = project.relative(result.output) if inside \
        else result.output.relative_to(output_dir).as_posix()
    return ManifestEntry(result.name, output, result.pages, result.size, result.sha256,
                         result.sources_cited, warnings)


def _shown(project: Project, path: Path) -> str:
    """A path as messages show it: project-relative when inside the project."""
    return project.relative(path)


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
    elif (names := _field_names(type(value))) is not None:
        for name in names:
            yield from _strings(getattr(value, name))


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A record class's field names, looked up once (``None``: not a record)."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls))


def write_schemas(project: Project, output_dir: Path | None = None) -> list[Path]:
    """Write the JSON Schemas for editors (see :mod:`briefsmith.schema`); returns the files."""
    from .schema import all_schemas, dumps

    folder = _output_dir(project, output_dir, default=SCHEMAS_DIR)
    written = []
    for name, schema in all_schemas().items():
        try:
            write_atomic(folder / name, dumps(schema).encode("utf-8"))
        except OSError as exc:
            raise UsageError(f"cannot write '{_shown(project, folder / name)}': "
                             f"{exc.strerror or exc}") from None
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
            raise UsageError(f"the output folder may not be the input folder '{folder}/' "
                             "or inside it")
    if output == project.root:
        raise UsageError("the output folder may not be the project folder itself; use 'out/'")
    if output.exists() and not output.is_dir():
        raise UsageError(f"output '{output}' exists and is not a folder")
    # Refuse now what would fail at the first write, for every brief, with a worse message.
    existing = output
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"cannot make the output folder '{output}': '{existing}' is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write to the output folder '{output}': '{existing}' is "
                         "not writable")
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
    errors_before = len(run.problems.errors)
    docs = [doc for path in select_briefs(project, names)
            if (doc := run.reader.brief(path)) is not None]
    # As in check: "never cited" is a verdict on the whole project read whole (a subset of
    # the briefs, or a section that failed to read, would make it a false alarm).
    if not names and len(run.problems.errors) == errors_before:
        unused_sources(registry, docs, run.problems)
    uses = source_usage(docs) if docs else source_usage_of(registry)
    today = as_of or dt.date.today()
    result = SourcesReport(uses, today, max_age, RunReport([], [], strict))
    for use in result.stale:
        accessed = use.source.accessed
        assert accessed is not None
        run.problems.error(use.source.at.of("accessed"),
                           f"{use.source.id}: last accessed {accessed.iso()}, "
                           f"{use.age_days(today)} days before {today.isoformat()} "
                           f"(more than --max-age {max_age})")
    result.report.problems.extend(run.problems.sorted())
    return result
