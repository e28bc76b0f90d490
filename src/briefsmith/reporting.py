"""How a run's outcome is written down: problem lines, GitHub annotations, a JSON summary.

Pure formatting (strings and dicts): the CLI decides where they go.  Paths in problems are
project-relative; ``prefix`` (the project folder as seen from where the command runs, e.g.
``docs/briefs/``) makes them point at the right file when the project is a subfolder of
the repository, which GitHub needs to put an annotation on the pull request's line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import Problem, Severity

if TYPE_CHECKING:
    from .pipeline import RunReport

ERROR_FORMATS = ("text", "github")


def format_problem(problem: Problem, error_format: str = "text", prefix: str = "") -> str:
    if error_format == "github":
        return github_annotation(problem, prefix)
    if prefix and problem.location is not None and _in_project(problem.location.path):
        return f"{prefix}{problem}"
    return str(problem)


def github_annotation(problem: Problem, prefix: str = "") -> str:
    """``::error file=F,line=L,col=C,title=briefsmith::message`` with GitHub's escaping.

    Property values escape ``%``, CR, LF, ``:`` and ``,``; the message escapes ``%``, CR and
    LF (as ``@actions/core`` does), so a message can never end the command early or
    smuggle in a second one.
    """
    properties: list[tuple[str, str]] = []
    loc = problem.location
    if loc is not None and loc.path and _in_project(loc.path):
        properties.append(("file", prefix + loc.path))
        if loc.line > 0:
            properties.append(("line", str(loc.line)))
            if loc.col > 0:
                properties.append(("col", str(loc.col)))
    properties.append(("title", "briefsmith"))
    message = problem.message
    if loc is not None and loc.path and not _in_project(loc.path):
        message = f"{loc}: {message}"  # a shipped file: say where, but annotate no file
    props = ",".join(f"{key}={_escape_property(value)}" for key, value in properties)
    return f"::{problem.severity.value} {props}::{_escape_data(message)}"


def _in_project(path: str) -> bool:
    return not path.startswith("<")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def path_prefix(project_root: Path, cwd: Path) -> str:
    """The project folder relative to ``cwd``, as a prefix for project-relative paths."""
    try:
        relative = project_root.resolve().relative_to(cwd.resolve())
    except ValueError:
        return ""  # the project is elsewhere: keep paths project-relative
    text = relative.as_posix()
    return "" if text == "." else text + "/"


def problem_json(problem: Problem) -> dict[str, Any]:
    loc = problem.location
    return {
        "path": loc.path if loc else None,
        "line": loc.line if loc else 0,
        "col": loc.col if loc else 0,
        "severity": problem.severity.value,
        "message": problem.message,
    }


def counts(problems: Sequence[Problem]) -> dict[str, int]:
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return {"errors": errors, "warnings": len(problems) - errors}


def build_summary(report: RunReport, relative: Callable[[Path], str]) -> dict[str, Any]:
    """``build --json``: what was built, skipped and blocked, and every problem."""
    return {
        "ok": not report.failed,
        "built": [{
            "brief": r.name,
            "output": relative(r.output),
            "pages": r.pages,
            "bytes": r.size,
            "sha256": r.sha256,
            "sources_cited": list(r.sources_cited),
            "seconds": r.seconds,
        } for r in sorted(report.results, key=lambda r: r.name)],
        "up_to_date": sorted(relative(p) for p in report.up_to_date),
        "peak_worker_memory_mib": round(max((r.peak_memory for r in report.results),
                                            default=0) / 2**20, 1),
        "not_built": sorted(report.not_built),
        **counts(report.problems),
        "problems": [problem_json(p) for p in report.problems],
        "seconds": round(report.seconds, 3),
    }


def check_summary(report: RunReport) -> dict[str, Any]:
    """``check --json``."""
    return {"ok": not report.failed, **counts(report.problems),
            "problems": [problem_json(p) for p in report.problems]}
