"""The project folder: where briefs, content and styles live, and the fence around them.

Every path a YAML file names is resolved here and must stay inside the project root, so a
brief can never make the tool read (and embed) ``/etc/passwd`` or a file reached through a
symlink that points outside.

A record field that names a file is typed with a :func:`project_file` class (sections use
``ContentFile``; images, data files and fonts make their own with one line).  The converter
resolves every such field through :meth:`Project.named_file`, so each path-typed field gets
the same fence, the same existence check and the same located messages for free.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import ClassVar

from .diagnostics import did_you_mean

BRIEFS_DIR = "briefs"
CONTENT_DIR = "content"
STYLES_DIR = "styles"
FONTS_DIR = "fonts"
DEFAULT_OUTPUT_DIR = "out"
SCHEMAS_DIR = "schemas"
SOURCES_FILE = "content/sources.yaml"


class ProjectPathError(ValueError):
    """A named path that cannot be used; the message is fit for the user."""


class PathOutsideProjectError(ProjectPathError):
    """A named path that is absolute, climbs out with ``..`` or links outside the root."""


class ProjectPath:
    """A file named in YAML: the text as written and the file it resolved to.

    Never build one by hand: the converter makes them through :meth:`Project.named_file`,
    so holding a ``ProjectPath`` means the file exists and lies inside the project.
    Subclasses made by :func:`project_file` say where names are looked up.
    """

    __slots__ = ("file", "written")
    folder: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]] = ()
    what: ClassVar[str] = "file"
    expected: ClassVar[str] = "a file name"

    def __init__(self, written: str, file: Path) -> None:
        self.written = written
        self.file = file

    def __str__(self) -> str:
        return self.written

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.written!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.file == self.file  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.file))


@cache
def project_file(folder: str, *, suffixes: tuple[str, ...] = (), what: str = "file",
                 name: str | None = None) -> type[ProjectPath]:
    """The field type for a file named relative to ``folder`` of the project.

    ``suffixes`` (lower case, with the dot) restricts the kind of file; ``what`` names it
    in messages ("section file", "image"); ``name`` names the class (and its JSON Schema
    definition).
    """
    kinds = f" ({', '.join(suffixes)})" if suffixes else ""
    name = name or "".join(part.capitalize() for part in folder.split("/")) + "File"
    # Like namedtuple: the class belongs to the module that made it, so pickle (build
    # --jobs sends records to worker processes) finds it there by its name.
    module = sys._getframe(1).f_globals.get("__name__", __name__)
    return type(name, (ProjectPath,), {
        "__module__": module,
        "__qualname__": name,
        "__slots__": (),
        "folder": folder,
        "suffixes": suffixes,
        "what": what,
        "expected": f"a {what} name inside '{folder}/'{kinds}",
    })


@dataclass(frozen=True)
class Project:
    """A project folder: briefs/, content/, styles/ and fonts/."""

    root: Path

    @classmethod
    def at(cls, folder: str | Path) -> Project:
        return cls(Path(folder).resolve())

    def relative(self, path: Path) -> str:
        """The project-relative POSIX spelling used in every message."""
        # The folder is resolved, not the file: a symlink is named by where it lies.
        for candidate in (path.parent.resolve() / path.name, path.resolve()):
            try:
                return candidate.relative_to(self.root).as_posix()
            except ValueError:
                continue
        return path.as_posix()

    def inside(self, folder: str, name: str) -> Path:
        """Resolve ``name`` (as written in YAML) within ``folder`` of the project.

        Raises :class:`PathOutsideProjectError` with a message fit for the user.
        """
        if not name or "\0" in name:
            raise PathOutsideProjectError("a path must be a non-empty file name")
        if "\\" in name:
            raise PathOutsideProjectError(f"use '/' to separate folders, not '\\' in '{name}'")
        written = PurePosixPath(name)
        if written.is_absolute() or (len(name) > 1 and name[1] == ":"):
            raise PathOutsideProjectError(f"'{name}' is absolute; name a file inside '{folder}/'")
        if ".." in written.parts:
            raise PathOutsideProjectError(f"'{name}' climbs out of '{folder}/' with '..'")
        base = (self.root / folder).resolve()
        target = (base / written).resolve()
        if not target.is_relative_to(self.root):
            raise PathOutsideProjectError(
                f"'{name}' resolves outside the project (through a symlink)")
        return target

    def named_file(self, kind: type[ProjectPath], written: str) -> ProjectPath:
        """Resolve a path-typed YAML value; raises :class:`ProjectPathError` for the user."""
        target = self.inside(kind.folder, written)
        if kind.suffixes and target.suffix.lower() not in kind.suffixes:
            article = "an" if kind.what[:1].lower() in "aeiou" else "a"
            raise ProjectPathError(f"'{written}' is not {article} {kind.what} "
                                   f"(expected {' or '.join(kind.suffixes)})")
        if target.is_dir():
            raise ProjectPathError(f"'{kind.folder}/{written}' is a folder, not a {kind.what}")
        if not target.is_file():
            raise ProjectPathError(f"{kind.what} '{kind.folder}/{written}' not found"
                                   f"{did_you_mean(written, self.files_in(kind))}")
        return kind(written, target)

    def files_in(self, kind: type[ProjectPath]) -> list[str]:
        """The names a ``kind`` field could take, for did-you-mean hints."""
        base = self.root / kind.folder
        if not base.is_dir():
            return []
        return sorted(
            p.relative_to(base).as_posix() for p in base.rglob("*")
            if p.is_file() and (not kind.suffixes or p.suffix.lower() in kind.suffixes)
        )

    def contains(self, path: Path) -> bool:
        """True if ``path``, with every symlink followed, lies inside the project."""
        return path.resolve().is_relative_to(self.root)

    @property
    def briefs_dir(self) -> Path:
        return self.root / BRIEFS_DIR

    def brief_files(self) -> list[Path]:
        """Every brief definition, in a stable (sorted) order."""
        if not self.briefs_dir.is_dir():
            return []
        return sorted(
            p for p in self.briefs_dir.iterdir()
            if p.suffix in (".yaml", ".yml") and p.is_file()
        )
