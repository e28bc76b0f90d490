"""Read a brief and everything it names (sections, sources) into a :class:`Document`.

Files are loaded with positions (:mod:`briefsmith.load`) and converted into records
(:mod:`briefsmith.convert`).  Each section file is read once per run even when several
briefs include it.  Problems are collected, never raised.  Files the tool finds by itself
(briefs, the sources file) are fenced like the ones YAML names: a symlink that leads out of
the project is an error, never a read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .bibfiles import FORMAT_BY_SUFFIX, read_bibliography
from .convert import INVALID, Converter
from .diagnostics import Location, Problems
from .inline import is_source_id
from .load import Mapping, load_yaml
from .model import (
    BibliographyFile,
    Brief,
    ContentFile,
    Document,
    Section,
    Source,
    is_cross_reference,
)
from .project import SOURCES_FILE, Project


@dataclass
class ContentReader:
    """Reads project files, remembering what it has read (sections are shared by briefs)."""

    project: Project
    problems: Problems
    _sections: dict[Path, Section | None] = field(default_factory=dict)
    _sources: tuple[Source, ...] | None = None
    _bibliographies: dict[Path, tuple[Source, ...]] = field(default_factory=dict)
    # Ids of entries that are defined but failed to convert (their problems are reported),
    # in the registry and per bibliography file: citing one is not also an "unknown source".
    _unusable: set[str] = field(default_factory=set)
    _unusable_in: dict[Path, set[str]] = field(default_factory=dict)

    def sources(self) -> tuple[Source, ...]:
        if self._sources is None:
            self._sources = self._read_sources()
        return self._sources

    def _read_sources(self) -> tuple[Source, ...]:
        path = self.project.root / SOURCES_FILE
        if not path.exists() and not path.is_symlink():
            return ()
        if not self._fenced(path, SOURCES_FILE):
            return ()
        node = load_yaml(path, SOURCES_FILE, self.problems)
        if node is None:
            return ()
        if not isinstance(node, Mapping):
            self.problems.error(
                node.location, "the sources file maps source ids to entries: 'my-id: {title: ...}'")
            return ()
        converter = Converter(self.problems, self.project)
        sources = []
        for key, value in node:
            source_id = key.value
            if is_cross_reference(source_id):
                self.problems.error(
                    key.location,
                    f"'{source_id}': the prefixes fig:, tbl: and sec: are reserved for "
                    "cross-references to figures, tables and sections",
                )
                continue
            if not is_source_id(source_id):
                self.problems.error(
                    key.location,
                    f"'{source_id}' cannot be a source id: use letters, digits and - _ . : /, "
                    "starting and ending with a letter or digit",
                )
                continue
            source = converter.record(Source, value, context=source_id, partial=True)
            if source is INVALID:
                self._unusable.add(source_id)
            else:
                sources.append(replace(source, id=source_id, at=source.at.moved(key.location)))
        return tuple(sources)

    def brief(self, path: Path) -> Document | None:
        display = self.project.relative(path)
        if not self._fenced(path, display):
            return None
        node = load_yaml(path, display, self.problems)
        if node is None:
            return None
        brief = Converter(self.problems, self.project).record(Brief, node, partial=True,
                                                              container=True)
        if brief is INVALID:
            return None
        sections = []
        complete = True
        for ref in brief.sections:
            if ref.path is None:  # reported: a {path: ...} entry without a usable path
                complete = False
                continue
            section = self.section(ref.path, ref.at)
            if section is None:
                complete = False
            else:
                sections.append(section)
        sources = self.sources()
        unusable = set(self._unusable)
        files: list[str] = []
        for ref in brief.citations.bibliography:
            if ref.file is None:  # reported: a {file: ...} entry without a usable file
                complete = False
                continue
            read = self.bibliography(ref)
            if read is None:
                complete = False
                continue
            file_display, entries = read
            files.append(file_display)
            unusable.update(self._unusable_in[ref.file.file])
            sources = self._merge(sources, entries)
        if not complete:
            return None
        return Document(name=path.stem, path=display, brief=brief,
                        sections=tuple(sections), sources=sources,
                        bibliography_files=tuple(files),
                        unusable_sources=frozenset(unusable))

    def bibliography(self, ref: BibliographyFile) -> tuple[str, tuple[Source, ...]] | None:
        """The entries of one bibliography file the brief names (read once per run)."""
        path = ref.file.file  # resolved inside the project by the converter
        display = self.project.relative(path)
        fmt = ref.format or FORMAT_BY_SUFFIX.get(path.suffix.lower())
        if fmt is None:
            self.problems.error(
                ref.at, f"cannot tell the format of '{ref.file}' from its extension; add "
                        "'format:' (csl-json, csl-yaml, hayagriva or bibtex)")
            return None
        if path not in self._bibliographies:
            self._bibliographies[path], self._unusable_in[path] = read_bibliography(
                path, display, fmt, self.problems)
        return display, self._bibliographies[path]

    def _merge(self, known: tuple[Source, ...], more: tuple[Source, ...]) -> tuple[Source, ...]:
        """One id namespace for every source of a brief: a clash names both places."""
        by_id = {s.id: s for s in known}
        merged = list(known)
        for source in more:
            first = by_id.get(source.id)
            if first is not None:
                if first.at != source.at:
                    self.problems.error(source.at, f"source id '{source.id}' is also defined "
                                                   f"at {first.at}")
                continue
            by_id[source.id] = source
            merged.append(source)
        return tuple(merged)

    def section(self, name: ContentFile, where: Location) -> Section | None:
        """The section a brief names (already resolved inside ``content/`` by the converter)."""
        path = name.file
        display = self.project.relative(path)
        if display == SOURCES_FILE:
            self.problems.error(where, f"'{name}' is the sources file, not a section")
            return None
        if path in self._sections:
            return self._sections[path]
        node = load_yaml(path, display, self.problems)
        section = None
        if node is not None:
            record = Converter(self.problems, self.project).record(Section, node,
                                                                    partial=True,
                                                                    container=True)
            if record is not INVALID:
                section = replace(record, path=display)
        self._sections[path] = section
        return section

    def _fenced(self, path: Path, display: str) -> bool:
        """False (with an error) for a file that is a symlink leading out of the project."""
        if self.project.contains(path):
            return True
        self.problems.error(Location(display), "is a symlink to a file outside the project; "
                                               "copy the file into the project instead")
        return False
