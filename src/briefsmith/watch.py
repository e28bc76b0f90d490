"""``briefsmith watch``: build, then build again whenever an input changes.

Changes are noticed by watchfiles (the operating system's file events, with polling as a
fallback) anywhere in the project except the output folder and hidden or editor-temporary
files.  Every rebuild is an ordinary incremental build, so editing one section re-renders
only the briefs that include it.  A broken input is a report like any other, and even an
unexpected failure is handed over as a message: the watcher keeps running until stopped.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .pipeline import BuildOptions, Progress, RunReport, UsageError, build
from .project import DEFAULT_OUTPUT_DIR, Project

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
             ) -> Iterator[Rebuild]:
    """Yield the first build, then one rebuild per batch of changes, until stopped."""
    from watchfiles import DefaultFilter, watch

    output = options.output_dir or project.root / DEFAULT_OUTPUT_DIR
    output = (output if output.is_absolute() else Path.cwd() / output).resolve()
    ignore = DefaultFilter(ignore_paths=[str(output)])

    def relevant(change: object, path: str) -> bool:
        try:
            parts = Path(path).relative_to(project.root).parts
        except ValueError:
            return False
        hidden = any(part.startswith(".") for part in parts)
        return not hidden and ignore(change, path)  # type: ignore[arg-type]

    changes = watch(project.root, watch_filter=relevant, debounce=DEBOUNCE_MS,
                    stop_event=stop_event, raise_interrupt=False,  # type: ignore[arg-type]
                    yield_on_timeout=True, rust_timeout=READY_TIMEOUT_MS)
    # The first step starts the watcher, so an edit made during the first build is seen.
    next(changes, None)
    yield _attempt(project, names, options, (), progress)
    for batch in changes:
        if batch:
            changed = tuple(sorted({project.relative(Path(path)) for _change, path in batch}))
            yield _attempt(project, names, options, changed, progress)


def _attempt(project: Project, names: Sequence[str], options: BuildOptions,
             changed: tuple[str, ...], progress: Progress | None) -> Rebuild:
    try:
        return Rebuild(changed, report=build(project, names, options, progress))
    except UsageError as exc:  # a brief was renamed away, the output folder vanished ...
        return Rebuild(changed, error=str(exc))
    except Exception:  # a bug must not end the session; say what happened
        return Rebuild(changed, error="internal error, please report:\n"
                                      + traceback.format_exc().rstrip())
