"""Problems found in a project, each with a place a person can jump to.

Every stage reports into a :class:`Problems` collector instead of raising on the first
failure, so one run shows everything that is wrong (MkDocs' ``Config.validate()`` and
Pelican's ``is_valid()`` do the same).  Only the CLI decides how to print them and which
exit code they mean; this module knows nothing about terminals.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a project file: a project-relative POSIX path, 1-based line and column.

    ``line == 0`` means the problem concerns the file as a whole.
    """

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.col}"


# ``Problem.brief`` of a verdict on the whole project (a source no brief cites): it concerns
# every brief, yet belongs to no single brief's output.
PROJECT_WIDE = "*"


@dataclass(frozen=True)
class Problem:
    location: Location | None
    severity: Severity
    message: str
    # The brief a problem concerns when it is about one brief's use of a shared file (a
    # gate that brief sets, the fonts of its theme); None when the file itself is wrong;
    # PROJECT_WIDE for a verdict on the whole project.
    brief: str | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, int, str]:
        loc = self.location or Location("")
        return (loc.path, loc.line, loc.col, 0 if self.severity is Severity.ERROR else 1,
                self.message)

    def __str__(self) -> str:
        place = f"{self.location}: " if self.location else ""
        return f"{place}{self.severity.value}: {self.message}"


@dataclass
class Problems:
    """An append-only collector shared by the stages of one build."""

    items: list[Problem] = field(default_factory=list)
    brief: str | None = None

    def error(self, location: Location | None, message: str) -> None:
        self.items.append(Problem(location, Severity.ERROR, message, self.brief))

    def warning(self, location: Location | None, message: str) -> None:
        self.items.append(Problem(location, Severity.WARNING, message, self.brief))

    def about(self, brief: str) -> Problems:
        """A view of this collector whose problems are marked as concerning ``brief``."""
        return Problems(self.items, brief)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.items)

    def sorted(self) -> list[Problem]:
        """Unique problems in file order, so output is stable and diffable in CI."""
        return sorted(set(self.items), key=Problem.sort_key)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def summary(problems: Iterable[Problem]) -> str:
    """``"2 errors, 1 warning"``: the count line printed after the problems."""
    problems = list(problems)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    parts = [_plural(errors, "error")]
    if warnings:
        parts.append(_plural(warnings, "warning"))
    return ", ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ``" (did you mean 'x'?)"`` suffix, or ``""`` when nothing is close."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def one_of(candidates: Iterable[str]) -> str:
    """``"'a', 'b' or 'c'"`` for messages that list the valid choices."""
    names = [f"'{c}'" for c in sorted(set(candidates))]
    if not names:
        return "nothing"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]
