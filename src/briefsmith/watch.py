"""``briefsmith watch``: build, then build again whenever an input changes.

Changes are noticed by watchfiles (the operating system's file events, with polling as a
fallback) in the folders inputs live in (``briefs/``, ``content/``, ``styles/``,
``fonts/``) and at any other file the last build read (a content file may be a symlink to
a file elsewhere in the project); never in the output folder, nor hidden or
editor-temporary files, nor anything else in the project (``watch > build.log`` must not
trigger itself).  Every rebuild is an ordinary incremental build, so editing one section
re-renders only the briefs that include it.

A mistake in the command (an unknown brief, an output folder inside an input folder) ends
the first build with :class:`~briefsmith.pipeline.UsageError` (exit code 2); a broken input
is a report like any other, and a later usage error (a brief renamed away while watching)
or even an unexpected failure is handed over as a message: the watcher keeps running
until stopped.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .incremental import BuildState
from .pipeline import BuildOptions, Progress, RunReport, UsageError, build
from .project import BRIEFS_DIR, CONTENT_DIR, DEFAULT_OUTPUT_DIR, FONTS_DIR, STYLES_DIR, Project

DEBOUNCE_MS = 400  # group the several writes of one save (editors write, rename, chmod)
READY_TIMEOUT_MS = 200


@dataclass(frozen=True)
class Rebuild:
    """The outcome of one build: a report, or why there could be none."""

    changed: tuple[str, ...]  # project-relative paths that triggered it (none at start)
    report: RunReport | None = None
    error: str | None = None


def rebuilds(project: Project, names: Sequence[str], options: BuildOptions, *,
             progress: Progress | None = None, stop_event: object | None = None,
             on_change: Callable[[tuple[str, ...]], None] | None = None,
             ) -> Iterator[Rebuild]:
    """Yield the first build, then one rebuild per batch of changes, until stopped.

    ``on_change`` hears which files changed before the rebuild starts, so a caller that
    shows the rebuild's progress can say why it happens first."""
    from watchfiles import DefaultFilter, watch

    output = options.output_dir or project.root / DEFAULT_OUTPUT_DIR
    output = (output if output.is_absolute() else Path.cwd() / output).resolve()
    ignore = DefaultFilter(ignore_paths=[str(output)])
    read_last: set[Path] = set()  # files the last build read, wherever they lie

    def relevant(change: object, path: str) -> bool:
        try:
            parts = Path(path).relative_to(project.root).parts
        except ValueError:
            return False
        if not parts or any(part.startswith(".") for part in parts):
            return False
        if parts[0] not in INPUT_FOLDERS and Path(path) not in read_last:
            return False
        return ignore(change, path)  # type: ignore[arg-type]

    changes = watch(project.root, watch_filter=relevant, debounce=DEBOUNCE_MS,
                    stop_event=stop_event, raise_interrupt=False,  # type: ignore[arg-type]
                    yield_on_timeout=True, rust_timeout=READY_TIMEOUT_MS)
    # The first step starts the watcher, so an edit made during the first build is seen.
    next(changes, None)
    first = _attempt(project, names, options, (), progress, first=True)
    read_last.update(_inputs(project, output))
    yield first
    for batch in changes:
        if batch:
            changed = tuple(sorted({project.relative(Path(path)) for _change, path in batch}))
            if on_change is not None:
                on_change(changed)
            rebuild = _attempt(project, names, options, changed, progress)
            read_last.clear()
            read_last.update(_inputs(project, output))
            yield rebuild


INPUT_FOLDERS = frozenset({BRIEFS_DIR, CONTENT_DIR, STYLES_DIR, FONTS_DIR})


def _inputs(project: Project, output: Path) -> set[Path]:
    """The files the builds recorded as read (their resolved paths, as events name them)."""
    found = set()
    for name in BuildState.load(output).files:
        path = project.root / name
        found.add(path)
        with contextlib.suppress(OSError, RuntimeError):
            found.add(path.resolve())
    return found


def _attempt(project: Project, names: Sequence[str], options: BuildOptions,
             changed: tuple[str, ...], progress: Progress | None, *,
             first: bool = False) -> Rebuild:
    try:
        return Rebuild(changed, report=build(project, names, options, progress))
    except UsageError as exc:
        if first:  # a mistake in the command: watching could never succeed
            raise
        # a brief was renamed away, the output folder vanished ...: fixable while watching
        return Rebuild(changed, error=str(exc))
    except Exception:  # a bug must not end the session; say what happened
        return Rebuild(changed, error="internal error, please report:\n"
                                      + traceback.format_exc().rstrip())
