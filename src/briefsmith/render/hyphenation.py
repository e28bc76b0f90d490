"""Hyphenation patterns loaded from a disk cache instead of parsed on every run.

ReportLab hyphenates through pyphen, which parses a language's ``hyph_*.dic`` the first
time a process hyphenates a word: for English ~70 ms of pure Python, a tenth of a cold
build.  The parsed patterns are plain data, so they are kept on disk (``marshal``) keyed by
the dictionary file's path, size, modification time and the pyphen version, and put into
pyphen's own per-process dictionary cache (``pyphen.hdcache``) before layout starts.  A
dictionary with patterns that are not plain numbers (nonstandard hyphenation) is left to
pyphen, as is anything unexpected: the cache saves time and never changes a break.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path

import pyphen

from ..fonts import cache_dir

CACHE_VERSION = 2


def preload(language: str) -> None:
    """Make pyphen's patterns for ``language`` (a pyphen dictionary name) ready."""
    path = pyphen.LANGUAGES.get(language)
    if path is None or path in pyphen.hdcache:
        return
    cache_file = _cache_file(Path(path))
    if cache_file is None:
        return
    try:
        patterns, maxlen = marshal.loads(cache_file.read_bytes())
        if not isinstance(patterns, dict):
            raise ValueError("not a pattern table")
    except (OSError, ValueError, EOFError, TypeError):
        pass
    else:
        hyph = pyphen.HyphDict.__new__(pyphen.HyphDict)
        hyph.patterns, hyph.cache, hyph.maxlen = patterns, {}, maxlen
        pyphen.hdcache[path] = hyph
        return
    hyph = pyphen.HyphDict(Path(path))
    pyphen.hdcache[path] = hyph
    if all(isinstance(v, int) for _start, values in hyph.patterns.values() for v in values):
        # Equal entries as one object, which marshal writes once and then by reference:
        # English has 11,015 patterns but 1,562 distinct (start, values) entries.
        distinct: dict[tuple, tuple] = {}
        patterns = {key: distinct.setdefault(entry, entry)
                    for key, entry in hyph.patterns.items()}
        _store(cache_file, marshal.dumps((patterns, hyph.maxlen)))


def _store(cache_file: Path, data: bytes) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(cache_file)
    except OSError:
        pass


def _cache_file(path: Path) -> Path | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    key = "\0".join((pyphen.__version__, str(path), str(stat.st_size), str(stat.st_mtime_ns)))
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir() / f"hyphenation-v{CACHE_VERSION}" / f"{digest}.marshal"
