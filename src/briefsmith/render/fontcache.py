"""ReportLab TrueType faces whose metrics come from a disk cache when the file is unchanged.

``reportlab.pdfbase.ttfonts.TTFont`` reads a font's character map, advance widths and
glyph locations in pure Python every time it is created: for a CJK face (30,000 glyphs)
that is ~0.2 s, more than laying out a whole brief.  Those tables are a function of the
file, so after the first parse they are kept on disk (``marshal``: plain data, no code),
keyed by the file's path, size, modification time, face index and the ReportLab version,
and a later process restores them instead of parsing.  The five large tables (character
to glyph, glyph to characters, widths, horizontal metrics, glyph positions) are kept as
marshalled bytes and decoded when first used: a family is registered with all four
styles, but a brief may never set a word in some of them (bold italic, a fallback
family's bold), and the glyph-to-characters table is only read by ReportLab's HarfBuzz
shaping, which briefsmith does not use.  The font file is mapped into memory rather than
read: subsetting copies the glyphs a brief uses out of it when the PDF is written, a few
hundred of a CJK collection's 16 MB, and it gets the glyph table as a view of the file
rather than a copy of it (10 MB, 7 ms, for every PDF set with a CJK face).

Only the metrics step is replaced: ReportLab's own ``TTFont`` constructor runs as usual
around a face class that restores or records them.  Anything unexpected (an unreadable or
foreign cache file) falls back to ReportLab's parse, so the cache can cost time, never
correctness; a test compares restored faces with freshly parsed ones attribute by
attribute.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import mmap
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import reportlab
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFont, TTFontFace

from ..fonts import FontFace, cache_dir

CACHE_VERSION = 6
_NAME_BYTES = "\0TTFNameBytes"
_NOT_KEPT = ("_pdfScale", "_pos")  # a function (rebuilt from unitsPerEm) and a read cursor
# Kept as marshalled bytes, decoded when first asked for.
LAZY_TABLES = ("charToGlyph", "glyphToChar", "charWidths", "hmetrics", "glyphPos")
_MISSING = object()


def load_ttfont(face: FontFace) -> TTFont:
    """A ReportLab font for ``face``, registered under ``face.key`` by the caller."""
    cache_file = _cache_file(face.path, face.index)
    if cache_file is None:
        return TTFont(face.key, face.path, subfontIndex=face.index)
    with _face_class(cache_file):
        return TTFont(face.key, face.path, subfontIndex=face.index)


class _CachedFace(TTFontFace):
    cache_file: Path

    def readFile(self, f: object) -> None:  # noqa: N802 - ReportLab's name
        """Map the font file instead of reading it (see the module docstring)."""
        if not hasattr(self, "_ttf_data") and isinstance(f, str) and Path(f).is_file():
            with Path(f).open("rb") as file:
                self._ttf_data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            self.filename = f
        super().readFile(f)

    def get_table(self, tag: str) -> bytes | _TableView:
        """The glyph table (which subsetting only slices, glyph by glyph) as a view of the
        mapped file; every other table as ReportLab reads it."""
        if tag == "glyf" and isinstance(self._ttf_data, mmap.mmap):
            start, length = self.get_table_pos(tag)
            return _TableView(self._ttf_data, start, length)
        return super().get_table(tag)

    def extractInfo(self, charInfo: int = 1) -> None:  # noqa: N802, N803 - ReportLab's names
        if charInfo and self._restore():
            return
        before = dict(vars(self))
        super().extractInfo(charInfo)
        if charInfo:  # record what the parse set or changed
            self._record({k: v for k, v in vars(self).items()
                          if before.get(k, _MISSING) is not v and k not in _NOT_KEPT})

    def __getattr__(self, name: str) -> Any:
        """Called only for attributes that are not set: the lazy tables of a restored face."""
        tables = vars(self).get("_lazy_tables")
        if tables is None or name not in tables:
            raise AttributeError(name)
        value = marshal.loads(tables.pop(name))
        if not tables:
            del self._lazy_tables
        setattr(self, name, value)
        return value

    def _restore(self) -> bool:
        try:
            data, lazy = marshal.loads(self.cache_file.read_bytes())
            if not isinstance(data, dict) or "unitsPerEm" not in data \
                    or not isinstance(lazy, dict) or set(lazy) != set(LAZY_TABLES):
                return False
        except (OSError, ValueError, EOFError, TypeError):
            return False
        for key, value in data.items():
            setattr(self, key, _decode(value))
        self._lazy_tables = lazy
        units = self.unitsPerEm
        self._pdfScale = (lambda x: x) if units == 1000 else (lambda x: x * (1000 / units))
        return True

    def _record(self, data: dict[str, Any]) -> None:
        try:
            lazy = {name: marshal.dumps(_shared(data.pop(name))) for name in LAZY_TABLES}
            encoded = marshal.dumps(({key: _encode(value) for key, value in data.items()}, lazy))
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(encoded)
            tmp.replace(self.cache_file)
        except (OSError, ValueError, KeyError):  # KeyError: a table the parse did not set
            pass  # no cache, no harm


class _TableView:
    """A table of a mapped font file, copied out one slice at a time."""

    __slots__ = ("_data", "_length", "_start")

    def __init__(self, data: mmap.mmap, start: int, length: int) -> None:
        self._data = data
        self._start = start
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: slice) -> bytes:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("a font table view is only sliced")
        start, stop, _ = index.indices(self._length)
        return self._data[self._start + start:self._start + max(start, stop)]


@contextlib.contextmanager
def _face_class(cache_file: Path) -> Iterator[None]:
    """Let ``TTFont.__init__`` build a :class:`_CachedFace` (it names ``TTFontFace``)."""
    face_class = type("CachedFace", (_CachedFace,), {"cache_file": cache_file})
    original = ttfonts.TTFontFace
    ttfonts.TTFontFace = face_class  # type: ignore[misc]
    try:
        yield
    finally:
        ttfonts.TTFontFace = original  # type: ignore[misc]


def _shared(table: Any) -> Any:
    """``table`` with equal values made one object, which marshal writes once and then by
    reference: a CJK face's 45,000 metric pairs are 1,249 distinct ones, so decoding
    builds those instead of a tuple per glyph (4.0 -> 0.4 ms).  Values are immutable
    numbers and tuples, so sharing them changes nothing else."""
    distinct: dict[Any, Any] = {}
    if isinstance(table, dict):
        return {key: distinct.setdefault(value, value) if _hashable(value) else value
                for key, value in table.items()}
    if isinstance(table, list):
        return [distinct.setdefault(value, value) if _hashable(value) else value
                for value in table]
    return table


def _hashable(value: Any) -> bool:
    return isinstance(value, int | float | tuple)


def _encode(value: Any) -> Any:
    if isinstance(value, TTFNameBytes):
        return (_NAME_BYTES, bytes(value), value.ustr)
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 3 and value[0] == _NAME_BYTES:
        restored = TTFNameBytes(value[1])
        restored.ustr = value[2]
        return restored
    return value


def _cache_file(path: str, index: int) -> Path | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    key = "\0".join((reportlab.Version, path, str(index), str(stat.st_size),
                     str(stat.st_mtime_ns)))
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir() / f"reportlab-metrics-v{CACHE_VERSION}" / f"{digest}.marshal"
