"""The project folder: where briefs, content and styles live, and the fence around them.

Every path a YAML file names is resolved here and must stay inside the project root, so a
brief can never make the tool read (and embed) ``/etc/passwd`` or a file reached through a
symlink that points outside.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

BRIEFS_DIR = "briefs"
CONTENT_DIR = "content"
STYLES_DIR = "styles"
FONTS_DIR = "fonts"
DEFAULT_OUTPUT_DIR = "out"
SOURCES_FILE = "content/sources.yaml"


class PathOutsideProjectError(ValueError):
    """A named path that is absolute, climbs out with ``..`` or links outside the root."""


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def at(cls, folder: str | Path) -> Project:
        return cls(Path(folder).resolve())

    def relative(self, path: Path) -> str:
        """The project-relative POSIX spelling used in every message."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
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
