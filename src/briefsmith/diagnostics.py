"""Problems found in a project, each with a place a person can jump to.

Every stage reports into a :class:`Problems` collector instead of raising on the first
failure, so one run shows everything that is wrong (MkDocs' ``Config.validate()`` and
Pelican's ``is_valid()`` do the same).  Only the CLI decides how to print them and which
exit code they mean; this module knows nothing about terminals.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@functools.total_ordering
@dataclass(frozen=True, eq=False)
class Location:
    """A place in a project file: a project-relative POSIX path, 1-based line and column.

    ``line == 0`` means the problem concerns the file as a whole.  Locations are equal
    when they name the same place, whatever extra a subclass carries.
    """

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.col}"

    def _key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.col)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Location):
            return NotImplemented
        return self._key() == other._key()

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Location):
            return NotImplemented
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def of(self, _field: str) -> Location:
        """Where the record's field was written; a plain location knows only itself."""
        return self

    def failed(self, _field: str) -> bool:
        """True if the field was given but had a problem (see :class:`RecordLocation`)."""
        return False

    def plain(self) -> Location:
        return self if type(self) is Location else Location(self.path, self.line, self.col)


@dataclass(frozen=True, eq=False)
class RecordLocation(Location):
    """Where a record was written, and where each of its fields was (the converter fills
    it in), so a message can point at the value that is wrong rather than at the record.

    ``invalid`` names the fields that were given but reported as wrong while converting
    (a bad optional field keeps its default; a list keeps its good items): the checks
    after conversion skip what depends on them, so one mistake gives one message.
    Field locations are keyed by field name, and list items as ``name[1]``, ``name[2]``.
    """

    fields: Mapping[str, Location] = field(default_factory=dict, repr=False)
    invalid: frozenset[str] = frozenset()

    def of(self, name: str) -> Location:
        return self.fields.get(name) or self.plain()

    def failed(self, name: str) -> bool:
        return name in self.invalid

    def moved(self, to: Location) -> RecordLocation:
        """The same fields, the record itself placed at ``to`` (a block at its type key,
        a source at its id)."""
        return RecordLocation(to.path, to.line, to.col, self.fields, self.invalid)


# ``Problem.brief`` of a verdict on the whole project (a source no brief cites): it concerns
# every brief, yet belongs to no single brief's output.
PROJECT_WIDE = "*"


@dataclass(frozen=True)
class Problem:
    """One error or warning, where it was found and what to do about it."""

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
        self.items.append(Problem(_plain(location), Severity.ERROR, message, self.brief))

    def warning(self, location: Location | None, message: str) -> None:
        self.items.append(Problem(_plain(location), Severity.WARNING, message, self.brief))

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


def _plain(location: Location | None) -> Location | None:
    return location.plain() if location is not None else None


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


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``word`` is most likely a misspelling of, if any is close."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ``" (did you mean 'x'?)"`` suffix, or ``""`` when nothing is close."""
    close = closest(word, candidates)
    return f" (did you mean '{close}'?)" if close else ""


def one_of(candidates: Iterable[str]) -> str:
    """``"'a', 'b' or 'c'"`` for messages that list the valid choices."""
    names = [f"'{c}'" for c in sorted(set(candidates))]
    if not names:
        return "nothing"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]
