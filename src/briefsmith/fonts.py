"""Fonts by family name: discovery, style matching and per-character coverage.

Themes name font *families* in fallback chains (``[Noto Serif, WenQuanYi Zen Hei]``).  This
module finds the files behind those names in the project's ``fonts/`` folder and the
system's font folders, picks the face for each style, and answers "which face of the chain
has a glyph for this character, in this style?".  ReportLab does no per-glyph fallback
(Chinese in a Latin font silently becomes boxes), so the renderer splits text into runs
with :class:`ChainCoverage` and the validator refuses characters no face covers, naming
them and where they occur.

Coverage is per *face*, not per family: a family's bold may have far fewer glyphs than its
regular (Debian's EB Garamond bold has ASCII only), so bold text is split by what the bold
faces have.  The fallback rule is CSS's, per style: a character is set in the first family
whose face *of the text's style* has it, families with a real and complete face of that
style first (a family whose bold is a stand-in or lacks most letters yields bold text to
the next real bold, so a bold phrase is one design); failing that, in the first family
that has it in the nearest other style (a bold "ó" no bold face has is better in regular
than a box); failing that, it is reported.  A word is not pieced together from two
designs: when one of its letters needs a fallback and a face of the text's style has the
whole word, the whole word is set in it.

ReportLab embeds only TrueType-outline fonts; CFF-outline OpenType (Noto CJK, Source Han,
EB Garamond) it rejects.  :func:`embeddable_chain` makes those usable: each CFF face is cut
down to the characters the brief may set in it and its cubic outlines are converted to
quadratic TrueType ones (fontTools' ``cu2qu``), cached on disk by content, so a 20 MB CJK
collection costs a second once and nothing after; a copy is made only when the renderer
first uses the face (:func:`make_file`).

ReportLab does no shaping, so OpenType features never apply: a font whose default digits
are old-style (EB Garamond) would print "[1]" like "[ɪ]".  The theme's ``numerals``
(lining or old-style) and tabular figures for tables are applied by rewriting the digits'
character map from the font's single substitutions ('lnum', 'onum', 'tnum') in the cached
copy, made only for fonts whose digits it changes (see :func:`embeddable_chains`).

It reads fonts with fontTools only; registering them with ReportLab is the renderer's job.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import io
import json
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # fontTools is imported only when a font file must really be read
    from fontTools.ttLib import TTFont

STYLES = ("regular", "bold", "italic", "bolditalic")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
SYSTEM_FONT_DIRS = (
    "~/.local/share/fonts",
    "~/.fonts",
    "/usr/local/share/fonts",
    "/usr/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
_CACHE_VERSION = 1  # coverage ranges
_INDEX_VERSION = 2  # the face index: bump when FontFace gains a field
_TRUETYPE_VERSION = 2  # bump when the conversion changes, to rebuild cached fonts
# Largest distance (in font units, usually 1/1000 or 1/2048 em) between a converted
# quadratic outline and the original cubic one: far below what any printer resolves.
_CU2QU_MAX_ERROR = 1.0
# Characters that never need a glyph of their own: they shape or join their neighbours.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufe0e\ufe0f\ufeff")


@dataclass(frozen=True)
class FontFace:
    """One face in one font file (TTC files hold several, told apart by ``index``)."""

    family: str
    subfamily: str
    path: str
    index: int
    weight: int
    italic: bool
    postscript_name: str
    outlines: str  # "truetype" or "cff"
    # The style-linked group (the name table's legacy family, ID 1): the up to four faces
    # designed as one regular/bold/italic/bold-italic set, e.g. "EB Garamond 12" as
    # against "EB Garamond 08" (an optical size) or "DejaVu Sans Condensed" (a width).
    group: str = ""
    width: int = 5  # OS/2 width class: 5 is normal, lower is condensed
    # A converted copy not made yet: (source path, face index, code points, digits); see
    # truetype_face and make_file.
    recipe: tuple | None = field(default=None, compare=False, repr=False)

    @property
    def style(self) -> str:
        bold = self.weight >= 600
        return ("bold" if bold else "") + ("italic" if self.italic else "") or "regular"

    @property
    def key(self) -> str:
        """A stable, file-independent name to register the face under."""
        base = re.sub(r"[^A-Za-z0-9-]", "", self.postscript_name) or "Font"
        return f"{base}-{self.index}" if self.index else base


class FontIndex:
    """Every face found, grouped by case-insensitive family name."""

    def __init__(self, faces: Iterable[FontFace]) -> None:
        self.by_family: dict[str, list[FontFace]] = {}
        for face in faces:
            self.by_family.setdefault(_fold(face.family), []).append(face)
        for faces_of_family in self.by_family.values():
            faces_of_family.sort(key=lambda f: (f.path, f.index))

    def families(self) -> list[str]:
        return sorted({faces[0].family for faces in self.by_family.values()})

    def family(self, name: str) -> dict[str, FontFace] | None:
        """The face for each of the four styles, or ``None`` if the family is unknown.

        A family often holds more than one set of faces: optical sizes (EB Garamond 08 for
        small text, 12 for text), widths (DejaVu Sans Condensed), extra weights (Light).
        Mixing sets gives a paragraph whose bold and italic come from different designs,
        so the four styles are taken from one *group* (the faces sharing a legacy family
        name, which fonts use to link regular, bold, italic and bold italic) when possible:

        1. the group is the one with an upright face of normal width and a weight nearest
           400, then the most of the four styles, then the widest character coverage of its
           regular face (then the file path, for determinism): for EB Garamond that is the
           "12" cut, which has regular, italic and bold;
        2. each style is that group's face of the style; a style the group lacks is taken
           from another group of the family that has it (a bold from another optical size
           beats no bold; a condensed italic does not: widths are not mixed), else the
           group's nearest face (italic before weight), so a CJK family with one weight
           serves bold and italic with its regular face rather than dropping to another
           font.
        """
        faces = self.by_family.get(_fold(name))
        if not faces:
            return None
        groups: dict[str, list[FontFace]] = {}
        for face in faces:
            groups.setdefault(face.group or face.family, []).append(face)
        ranked = _ranked_groups(list(groups.values()))
        chosen_group = ranked[0]
        width = _regular(chosen_group).width
        chosen: dict[str, FontFace] = {}
        for style in STYLES:
            target = 700 if "bold" in style else 400
            exact = [f for f in chosen_group if f.style == style]
            if not exact:  # the best-ranked other group of the same width that has it
                exact = next((found for group in ranked[1:] if (found := [
                    f for f in group if f.style == style and f.width == width])), [])
            if exact:
                chosen[style] = min(exact, key=lambda f, t=target: (
                    abs(f.weight - t), f.path, f.index))
                continue
            italic = "italic" in style
            chosen[style] = min(chosen_group, key=lambda f, i=italic, t=target: (
                f.italic != i, abs(f.weight - t), f.path, f.index))
        return chosen


def _regular(group: list[FontFace]) -> FontFace:
    upright = [f for f in group if not f.italic] or group
    return min(upright, key=lambda f: (abs(f.width - 5), abs(f.weight - 400), f.path, f.index))


def _ranked_groups(groups: list[list[FontFace]]) -> list[list[FontFace]]:
    """A family's style-linked groups, best first (the rule is in FontIndex.family).
    Coverage is read only to break a tie, as reading a character map costs time."""

    def shape(group: list[FontFace]) -> tuple:
        face = _regular(group)
        return (face.italic, abs(face.width - 5), abs(face.weight - 400),
                -len({f.style for f in group}))

    def tie_break(group: list[FontFace]) -> tuple:
        face = _regular(group)
        return (-len(coverage(face.path, face.index)), face.path, face.index)

    ranked = sorted(groups, key=lambda g: (shape(g), _regular(g).path, _regular(g).index))
    tied = [g for g in ranked if shape(g) == shape(ranked[0])]
    if len(tied) > 1:
        tied.sort(key=tie_break)
        ranked = tied + [g for g in ranked if g not in tied]
    return ranked


def _fold(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


# --------------------------------------------------------------------------- discovery


def font_dirs(project_root: Path | None) -> list[Path]:
    """Project fonts first (they win over system fonts of the same family), then the system."""
    dirs = []
    if project_root is not None:
        dirs.append(project_root / "fonts")
    extra = os.environ.get("BRIEFSMITH_FONT_PATH", "")
    dirs.extend(Path(p) for p in extra.split(os.pathsep) if p)
    dirs.extend(Path(p).expanduser() for p in SYSTEM_FONT_DIRS)
    return [d for d in dirs if d.is_dir()]


def discover(dirs: Sequence[Path]) -> FontIndex:
    """Index every font file under ``dirs``, reading name tables through an on-disk cache.

    The cache (keyed by path, size and modification time) only saves time: a stale or
    unreadable cache is ignored, and its content never changes which face is chosen.
    """
    cache_file = _cache_file()
    old = _read_cache(cache_file)
    new: dict[str, dict] = {}
    faces: list[FontFace] = []
    seen_families: set[str] = set()
    for folder in dirs:
        folder_faces: list[FontFace] = []
        for path in sorted(font_files(folder)):
            try:
                stat = path.stat()
            except OSError:
                continue
            key = str(path)
            stamp = [stat.st_size, stat.st_mtime_ns]
            entry = old.get(key)
            if entry is None or entry.get("stamp") != stamp:
                entry = {"stamp": stamp, "faces": [asdict(f) for f in _read_faces(path)]}
            new[key] = entry
            folder_faces.extend(FontFace(**f) for f in entry["faces"])
        # A family found in an earlier folder (the project's) shadows the same family later.
        faces.extend(f for f in folder_faces if _fold(f.family) not in seen_families)
        seen_families.update(_fold(f.family) for f in folder_faces)
    if new != old:
        _write_cache(cache_file, new)
    return FontIndex(faces)


def font_files(folder: Path) -> Iterable[Path]:
    for dirpath, _dirnames, filenames in os.walk(folder, followlinks=False):
        for name in filenames:
            if name.lower().endswith(FONT_SUFFIXES):
                yield Path(dirpath) / name


def _read_faces(path: Path) -> list[FontFace]:
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        handle = path.open("rb")  # ours to close: fontTools leaves it open when it fails
    except OSError:
        return []
    try:
        if path.suffix.lower() == ".ttc":
            container = TTCollection(handle, lazy=True)
            fonts = list(enumerate(container.fonts))
        else:
            container = TTFont(handle, lazy=True)
            fonts = [(0, container)]
    except (TTLibError, OSError, ValueError, AssertionError, KeyError):
        handle.close()
        return []
    faces = []
    with container:
        for index, font in fonts:
            try:
                faces.append(_face(path, index, font))
            except (TTLibError, KeyError, AttributeError, ValueError, AssertionError):
                continue
    return faces


def _face(path: Path, index: int, font: TTFont) -> FontFace:
    name = font["name"]
    family = name.getBestFamilyName() or path.stem
    subfamily = name.getBestSubFamilyName() or "Regular"
    os2 = font.get("OS/2")
    weight = os2.usWeightClass if os2 is not None else 400
    italic = bool(os2.fsSelection & 1) if os2 is not None else "italic" in subfamily.lower()
    if "oblique" in subfamily.lower() or "italic" in subfamily.lower():
        italic = True
    if "bold" in subfamily.lower() and weight < 600:
        weight = 700
    psname = name.getDebugName(6) or f"{family}-{subfamily}"
    outlines = "cff" if ("CFF " in font or "CFF2" in font) else "truetype"
    group = name.getDebugName(1) or family
    width = os2.usWidthClass if os2 is not None and 1 <= os2.usWidthClass <= 9 else 5
    return FontFace(family, subfamily, str(path), index, int(weight), italic, psname, outlines,
                    group, int(width))


def cache_dir() -> Path:
    """Where briefsmith keeps what it learnt about font files (safe to delete)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    return Path(base) / "briefsmith"


def _cache_file() -> Path:
    return cache_dir() / f"fonts-v{_INDEX_VERSION}.json"


def _read_cache(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(path: Path, data: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only home just means no cache


# --------------------------------------------------------------------------- coverage


@cache
def coverage(path: str, index: int) -> frozenset[int]:
    """The code points a face has glyphs for (read once per process).

    Reading a CJK font's character map takes longer than laying out a brief, so the
    answer is kept on disk as ranges, keyed by the file's path, size and modification time.
    Questions about a few code points (:func:`covered_among`) are answered from the ranges,
    without making the set: for a CJK face that is tens of thousands of numbers.
    """
    planned = _PLANNED.get((path, index))
    if planned is not None:  # a converted copy not made yet: it will hold exactly these
        return planned
    starts, ends = _read_ranges(path, index)
    found = frozenset(chain.from_iterable(map(range, starts, ends)))
    _LOADED[path, index] = found
    return found


# More code points than this, asked of a face with at most _SMALL_FACE, make its set
# (kept for the process); otherwise they are looked up in its ranges.  Making the set of
# a Latin face costs about as much as looking up a few hundred code points; a CJK face's
# costs ten times more.
_FEW = 64
_SMALL_FACE = 10_000
# The faces whose code points :func:`coverage` has made into a set in this process.
_LOADED: dict[tuple[str, int], frozenset[int]] = {}


def covered_among(path: str, index: int, cps: frozenset[int]) -> frozenset[int]:
    """The code points of ``cps`` the face has: ``cps & coverage(path, index)``, from the
    face's ranges when its set has not been made."""
    known = _PLANNED.get((path, index)) or _LOADED.get((path, index))
    if known is not None:
        return cps & known
    starts, ends = _ranges_of(path, index)
    if len(cps) > _FEW and _size_of(path, index) <= _SMALL_FACE:
        return cps & coverage(path, index)  # many questions: the set is worth making
    return frozenset(cp for cp in cps
                     if (at := bisect.bisect_right(starts, cp) - 1) >= 0 and cp < ends[at])


@cache
def _ranges_of(path: str, index: int) -> tuple[list[int], list[int]]:
    return _read_ranges(path, index)


@cache
def _size_of(path: str, index: int) -> int:
    starts, ends = _ranges_of(path, index)
    return sum(ends) - sum(starts)


def _first_code_point(path: str, index: int) -> int:
    known = _PLANNED.get((path, index)) or _LOADED.get((path, index))
    return min(known) if known is not None else _ranges_of(path, index)[0][0]


def _read_ranges(path: str, index: int) -> tuple[list[int], list[int]]:
    """The face's runs of code points as ``(starts, ends)``, ends exclusive: from the disk
    cache, or read from the font (and cached)."""
    cache_file = _coverage_cache_file(path, index)
    if cache_file is not None:
        try:
            flat = json.loads(cache_file.read_text(encoding="utf-8"))
            if len(flat) % 2:
                raise ValueError("unpaired range")
            return flat[::2], [end + 1 for end in flat[1::2]]
        except (OSError, ValueError, TypeError):
            pass
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        flat = _ranges(frozenset(font.getBestCmap() or {}))
    if cache_file is not None:
        _write_cache(cache_file, flat)
    return flat[::2], [end + 1 for end in flat[1::2]]


def _ranges(codepoints: frozenset[int]) -> list[int]:
    """``[start, end, start, end, ...]`` runs of consecutive code points."""
    flat: list[int] = []
    for cp in sorted(codepoints):
        if flat and cp == flat[-1] + 1:
            flat[-1] = cp
        else:
            flat += [cp, cp]
    return flat


def _coverage_cache_file(path: str, index: int, kind: str = "coverage") -> Path | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    key = f"{path}\0{index}\0{stat.st_size}\0{stat.st_mtime_ns}"
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir() / f"{kind}-v{_CACHE_VERSION}" / f"{digest}.json"


def inks_all_but_spaces(text: str) -> bool:
    """Whether every character of ``text`` except the ASCII space takes ink (see
    :func:`needs_glyph`), decided at C speed: printable text has no control or format
    characters and no spaces other than U+0020."""
    return text.isprintable() and _INVISIBLE.isdisjoint(text)


def needs_glyph(char: str) -> bool:
    """False for characters that take no ink of their own (spaces, joiners, controls)."""
    if char in _INVISIBLE or char.isspace():
        return False
    return unicodedata.category(char) not in ("Cc", "Cf")


def split_runs(text: str, chain: Sequence[frozenset[int]]) -> list[tuple[str, int]]:
    """Split ``text`` into ``(run, font_index)`` pieces, each set in the first font of the
    chain that has the glyph.  Spaces, joiners and combining marks stay with the run they
    follow, so a Chinese name inside an English sentence switches font only for the name.

    A character no font covers gets index ``-1``; the validator reports those first.
    """
    if _all_in_first(text, chain):  # the common case, decided by one set operation
        return [(text, 0)] if text else []
    return _split_each(text, chain)


def _split_each(text: str, chain: Sequence[frozenset[int]]) -> list[tuple[str, int]]:
    runs: list[tuple[list[str], int]] = []
    for char in text:
        if runs and _stays_in_run(char, runs[-1][1], chain):
            runs[-1][0].append(char)
            continue
        font = next((i for i, cps in enumerate(chain) if ord(char) in cps), -1)
        if font == -1 and not needs_glyph(char):
            font = runs[-1][1] if runs else 0
        if runs and runs[-1][1] == font:
            runs[-1][0].append(char)
        else:
            runs.append(([char], font))
    return [("".join(chars), font) for chars, font in runs]


def _stays_in_run(char: str, font: int, chain: Sequence[frozenset[int]]) -> bool:
    if not needs_glyph(char):
        return True
    if unicodedata.combining(char):
        return font == -1 or ord(char) in chain[font]
    return False


def _all_in_first(text: str, chain: Sequence[frozenset[int]]) -> bool:
    first = chain[0] if chain else None
    return isinstance(first, frozenset | set) and first.issuperset(map(ord, text))


def describe_char(char: str) -> str:
    """``'魔' (U+9B54 CJK UNIFIED IDEOGRAPH-9B54)`` for error messages."""
    name = unicodedata.name(char, "unnamed character")
    return f"'{char}' (U+{ord(char):04X} {name})"


def style_order(style: str) -> tuple[str, ...]:
    """``style`` first, then the others nearest first: posture before weight, as CSS
    matches them (bold -> regular, bold italic, italic)."""
    bold, italic = "bold" in style, "italic" in style
    return tuple(sorted(STYLES, key=lambda s: (("italic" in s) != italic, ("bold" in s) != bold)))


Run = tuple[str, int, str]  # (text, family index or -1 if no face has it, face style)


class ChainCoverage:
    """Which face of a chain sets each character of a text in a given style.

    ``sets(style)`` gives the code points of each family's face of that style.  A style's
    *entries* are, in order: the faces of that style that are real (``real(style)[i]``: a
    bold face, not a one-weight family's regular standing in for it) and complete, in chain
    order; then the other families' faces of that style; then the families' faces of the
    other styles, nearest style first (see :func:`style_order`).  Per-glyph fallback along
    the entries is the module's fallback rule.  Character maps are read when first needed.
    """

    def __init__(self, sets: Callable[[str], tuple[frozenset[int], ...]],
                 real: Callable[[str], tuple[bool, ...]] | None = None, *,
                 face: Callable[[int, str], frozenset[int]] | None = None,
                 has: Callable[[int, str, int], bool] | None = None,
                 families: int | None = None) -> None:
        """``face(family, style)``, when given, reads one face's code points (``sets``
        reads all families' of a style), ``has(family, style, code)`` answers for one
        character without making the face's set, and ``families`` is how many there are:
        then a text the first face can set reads no other face's character map."""
        self._sets = sets
        self._real = real
        self._face = face
        self._has = has
        self._families = families
        self._cache: dict[str, tuple[frozenset[int], ...]] = {}
        self._entries: dict[str, tuple[tuple[tuple[int, str], ...], Sequence[frozenset[int]]]] = {}

    @classmethod
    def uniform(cls, sets: tuple[frozenset[int], ...]) -> ChainCoverage:
        """Every style of family ``i`` covers ``sets[i]`` (tests; one-face families)."""
        return cls(lambda _style: sets)

    def sets(self, style: str = "regular") -> tuple[frozenset[int], ...]:
        if style not in self._cache:
            self._cache[style] = self._sets(style)
        return self._cache[style]

    def face_set(self, family: int, style: str) -> frozenset[int]:
        if self._face is not None and style not in self._cache:
            return self._face(family, style)
        return self.sets(style)[family]

    def __len__(self) -> int:
        return self._families if self._families is not None else len(self.sets())

    def fallback_entries(self, style: str) -> tuple[tuple[tuple[int, str], ...],
                                                    Sequence[frozenset[int]]]:
        """The ``(family, face style)`` entries for text in ``style`` (see the class), and
        their code points (read when first looked at)."""
        if style not in self._entries:
            families = range(len(self))
            real = self._real(style) if self._real is not None else (True,) * len(self)
            entries = ([(f, style) for f in families if real[f]]
                       + [(f, style) for f in families if not real[f]]
                       + [(f, other) for other in style_order(style)[1:] for f in families])
            self._entries[style] = (tuple(entries), _LazySets(self, entries))
        return self._entries[style]

    def runs(self, text: str, style: str = "regular") -> list[Run]:
        """``text`` as ``(run, family, face style)`` pieces (see the module docstring)."""
        entries, sets = self.fallback_entries(style)
        if _all_in_first(text, sets):  # the common case, decided by one set operation
            return [(text, *entries[0])] if text else []
        picks = _whole_words(text, _per_character(text, sets), sets, len(self))
        runs: list[Run] = []
        for char, pick in zip(text, picks, strict=True):
            family, face_style = entries[pick] if pick >= 0 else (-1, style)
            if runs and runs[-1][1:] == (family, face_style):
                runs[-1] = (runs[-1][0] + char, family, face_style)
            else:
                runs.append((char, family, face_style))
        return runs

    def whole(self, text: str, style: str = "regular") -> tuple[int, str] | None:
        """The first ``(family, face style)`` entry whose face has every character of
        ``text`` (for strings drawn in one font, such as chart labels), or ``None``."""
        needed = {ord(c) for c in text if needs_glyph(c)}
        entries, sets = self.fallback_entries(style)
        return next((entry for entry, cps in zip(entries, sets, strict=True)
                     if needed <= cps), None)

    def covers(self, char: str) -> bool:
        """Whether some face of the chain, in any style, has a glyph for ``char``."""
        code = ord(char)
        if self._has is not None:
            return any(self._has(family, style, code)
                       for style in STYLES for family in range(len(self)))
        return any(code in cps for style in STYLES for cps in self.sets(style))

    def uncovered(self, text: str) -> list[str]:
        """The distinct characters of ``text`` no face of the chain can draw, in order."""
        if len(self) and _all_in_first(text, (self.face_set(0, "regular"),)):
            return []
        return [char for char in dict.fromkeys(text) if needs_glyph(char)
                and not self.covers(char)]


class _LazySets(Sequence[frozenset[int]]):
    """The code points of a list of ``(family, style)`` entries, read when looked at."""

    def __init__(self, coverage: ChainCoverage, entries: list[tuple[int, str]]) -> None:
        self._coverage = coverage
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index: int) -> frozenset[int]:  # type: ignore[override]
        family, style = self._entries[index]
        return self._coverage.face_set(family, style)


def _per_character(text: str, chain: Sequence[frozenset[int]]) -> list[int]:
    """The font index of each character, as :func:`split_runs` assigns them."""
    picks: list[int] = []
    for run, font in split_runs(text, chain):
        picks.extend([font] * len(run))
    return picks


def _whole_words(text: str, picks: list[int], chain: Sequence[frozenset[int]],
                 candidates: int) -> list[int]:
    """Set a word whose letters come from two fonts wholly in the first of the chain's
    first ``candidates`` fonts (those of the text's style) that has all of it:
    "Información" in one design, not "Informaci" + "ó" + "n" from two.

    A word is a run of characters between spaces; East Asian wide characters (Chinese)
    stand alone, as they do not make words with their neighbours.  Punctuation and
    figures are not letters: a fallback dash in "2017–2020" leaves the digits alone."""
    start = 0
    for end in [*(i for i, c in enumerate(text) if _breaks_word(c)), len(text)]:
        letters = {picks[i] for i in range(start, end)
                   if unicodedata.category(text[i])[0] in "LM"}
        if len(letters) > 1 and -1 not in letters:
            needed = {ord(c) for c in text[start:end] if needs_glyph(c)}
            whole = next((f for f in range(candidates) if needed <= chain[f]), None)
            if whole is not None:
                picks[start:end] = [whole] * (end - start)
        start = end + 1
    return picks


def _breaks_word(char: str) -> bool:
    return char.isspace() or unicodedata.east_asian_width(char) in ("W", "F")


# --------------------------------------------------------------------------- chains


@dataclass(frozen=True)
class FontChain:
    """A role's fallback chain, resolved to faces: ``faces[i][style]``."""

    role: str
    families: tuple[str, ...]
    faces: tuple[dict[str, FontFace], ...]
    # Per family, the styles its face really serves (see real_styles); worked out from
    # the original faces before CFF faces are swapped for their converted subsets.
    real: tuple[frozenset[str], ...] | None = None

    def coverage(self, style: str = "regular") -> tuple[frozenset[int], ...]:
        """The code points of each family's face for ``style``."""
        return tuple(coverage(f[style].path, f[style].index) for f in self.faces)

    def real_styles(self) -> tuple[frozenset[str], ...]:
        """Per family, the styles whose face is a real face of that style (not a one-weight
        family's regular standing in for bold) with at least half the letters of the
        family's regular face.  Debian's EB Garamond bold has ASCII only: bold text is then
        set in the next family's real bold, so a bold phrase is in one design rather than
        a mix of words from two."""
        if self.real is not None:
            return self.real
        return tuple(frozenset(style for style, face in faces.items()
                               if _serves(face, faces["regular"], style))
                     for faces in self.faces)

    def styled_coverage(self) -> ChainCoverage:
        real = self.real_styles()
        return ChainCoverage(self.coverage,
                             lambda style: tuple(style in styles for styles in real),
                             face=self.face_coverage, has=self.face_has,
                             families=len(self.faces))

    def face_coverage(self, family: int, style: str) -> frozenset[int]:
        """The code points of one family's face for ``style``."""
        face = self.faces[family][style]
        return coverage(face.path, face.index)

    def face_has(self, family: int, style: str, code: int) -> bool:
        """Whether one family's face for ``style`` has ``code``."""
        face = self.faces[family][style]
        return bool(covered_among(face.path, face.index, frozenset((code,))))


def _serves(face: FontFace, regular: FontFace, style: str) -> bool:
    if face.style != style:
        return False  # a stand-in: a one-weight family's regular face serving bold
    if face == regular:
        return True
    return _has_most_letters(face.path, face.index, regular.path, regular.index)


@cache
def _has_most_letters(path: str, index: int, regular_path: str, regular_index: int) -> bool:
    """Whether a face has at least half the letters of alphabetic scripts (below U+2000)
    that its family's regular face has."""
    letters = _letters_of(regular_path, regular_index)
    return len(letters & _letters_of(path, index)) * 2 >= len(letters)


def _letters_of(path: str, index: int) -> frozenset[int]:
    """The face's letters below U+2000 (from its ranges: a CJK face's set is not made)."""
    known = _PLANNED.get((path, index)) or _LOADED.get((path, index))
    if known is not None:
        return known & _letters_below_2000()
    starts, ends = _ranges_of(path, index)
    return _letters_below_2000().intersection(chain.from_iterable(
        range(start, min(end, 0x2000)) for start, end in zip(starts, ends, strict=True)
        if start < 0x2000))


@cache
def _letters_below_2000() -> frozenset[int]:
    return frozenset(cp for cp in range(0x2000) if unicodedata.category(chr(cp))[0] == "L")


def resolve_chain(role: str, families: Sequence[str], index: FontIndex,
                  report: Callable[[str, str], None]) -> FontChain | None:
    """Look up each family of a chain; ``report(severity, message)`` hears about gaps.

    A family that is not installed is skipped with a warning (the next one takes over).
    CFF-outline faces are kept: :func:`embeddable_chain` converts them before rendering.
    A chain with nothing usable is an error.
    """
    found_names: list[str] = []
    found: list[dict[str, FontFace]] = []
    for name in families:
        faces = index.family(name)
        if faces is None:
            report("warning", f"fonts.{role}: font family '{name}' is not installed"
                   f"{_close_family(name, index)}; skipping it")
            continue
        found_names.append(faces["regular"].family)
        found.append(faces)
    if not found:
        report("error", f"fonts.{role}: none of the font families {list(families)} is "
               "installed; install one (see README) or put a TrueType file in fonts/")
        return None
    return FontChain(role, tuple(found_names), tuple(found))


def _close_family(name: str, index: FontIndex) -> str:
    close = difflib.get_close_matches(name, index.families(), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


# --------------------------------------------------------------------------- CFF -> TrueType


# The OpenType features that set digits in each ``numerals`` style of a theme.
NUMERAL_FEATURES = {"lining": ("lnum",), "oldstyle": ("onum",)}
TABULAR = "tnum"
TABLES = "tables"  # the body chain with tabular figures, for table cells
_DIGITS = frozenset(range(ord("0"), ord("9") + 1))


def embeddable_chains(chains: dict[str, FontChain], chars: Iterable[str],
                      numerals: str = "lining") -> dict[str, FontChain]:
    """Every role's chain ready to embed (see :func:`embeddable_chain`), digits in the
    ``numerals`` style, and the :data:`TABLES` chain: the body fonts with tabular figures,
    so a table's number columns line up."""
    features = NUMERAL_FEATURES[numerals]
    chars = frozenset(chars)
    ready = {role: embeddable_chain(chain, chars, features) for role, chain in chains.items()}
    if "body" in chains:
        ready[TABLES] = embeddable_chain(replace(chains["body"], role=TABLES), chars,
                                         (*features, TABULAR))
    return ready


def embeddable_chain(chain: FontChain, chars: Iterable[str],
                     features: tuple[str, ...] = ()) -> FontChain:
    """``chain`` with every CFF-outline face replaced by a TrueType copy of the characters
    of ``chars`` it may have to draw, and every face whose digits ``features`` change
    (``("lnum",)``: lining figures) by a copy with those digits.

    ``chars`` must hold every character the renderer may set in this role.  A face gets
    only those that no face before it in some style's fallback order has (see
    :func:`_needed_by_face`): a Chinese fallback font behind Noto Serif gets no Latin, so
    English briefs share one small cached copy instead of converting one per character
    set.  The first face that has a character in each fallback order keeps it, so the
    renderer's choice of face is the same as with the whole fonts.
    """
    wanted = _code_points(chars if isinstance(chars, frozenset) else frozenset(chars))
    real = chain.real_styles()
    needed = _needed_by_face(chain, wanted)
    # Only faces that may draw digits are asked for their substitutions (reading a CJK
    # font's substitutions takes a second).
    digits = {key: digit_substitutions(*key, features) for key, chars in needed.items()
              if features and not chars.isdisjoint(_DIGITS)}
    if not any(face.outlines == "cff" or digits.get((face.path, face.index))
               for styles in chain.faces for face in styles.values()):
        return replace(chain, real=real)
    faces = []
    for styles in chain.faces:
        copies = {}
        for style, face in styles.items():
            key = (face.path, face.index)
            remap = digits.get(key, ())
            copies[style] = truetype_face(face, needed[key], remap) \
                if face.outlines == "cff" or remap else face
        faces.append(copies)
    return replace(chain, faces=tuple(faces), real=real)


@cache
def digit_substitutions(path: str, index: int,
                        features: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """``(code point, glyph)`` for each digit 0-9 whose glyph the font's single
    substitutions for ``features`` (applied in order) change; kept on disk like coverage,
    and read once per process (every brief of a batch asks)."""
    cache_file = _coverage_cache_file(path, index, "digits-" + "-".join(features))
    if cache_file is not None:
        try:
            return tuple((int(cp), str(glyph)) for cp, glyph in
                         json.loads(cache_file.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            pass
    found = _read_digit_substitutions(path, index, features)
    if cache_file is not None:
        _write_cache(cache_file, [list(pair) for pair in found])
    return found


def _read_digit_substitutions(path: str, index: int,
                              features: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        cmap = font.getBestCmap() or {}
        if "GSUB" not in font:
            return ()
        gsub = font["GSUB"].table
        if gsub.FeatureList is None or gsub.LookupList is None:
            return ()
        steps = [mapping for tag in features for mapping in _single_substitutions(gsub, tag)]
        found = []
        for cp in sorted(_DIGITS):
            glyph = original = cmap.get(cp)
            if glyph is None:
                continue
            for mapping in steps:
                glyph = mapping.get(glyph, glyph)
            if glyph != original:
                found.append((cp, glyph))
        return tuple(found)


def _single_substitutions(gsub: object, tag: str) -> list[dict[str, str]]:
    """The glyph mappings of the feature's single-substitution lookups, in lookup order."""
    indices = sorted({i for record in gsub.FeatureList.FeatureRecord  # type: ignore[attr-defined]
                      if record.FeatureTag == tag for i in record.Feature.LookupListIndex})
    mappings = []
    for i in indices:
        lookup = gsub.LookupList.Lookup[i]  # type: ignore[attr-defined]
        for sub in lookup.SubTable:
            if lookup.LookupType == 7:  # an extension wrapping the real subtable
                sub = sub.ExtSubTable
            mapping = getattr(sub, "mapping", None)
            if getattr(sub, "LookupType", lookup.LookupType) == 1 and mapping:
                mappings.append(dict(mapping))
    return mappings


def _needed_by_face(chain: FontChain, wanted: frozenset[int]) -> dict[tuple[str, int],
                                                                       frozenset[int]]:
    """Per face (path, index), the characters of ``wanted`` it may draw: in the fallback
    order of some style, no entry before it has them.  Spaces and combining marks are
    kept everywhere: they stay in the run of the character before them, whatever its
    face."""
    coverage = chain.styled_coverage()
    marks = frozenset(filter(_kept_everywhere, wanted))
    # What is left for each face, per style; ``left`` is a new set only when a face took
    # something, so a face gets few distinct sets to unite (not one per fallback entry).
    parts: dict[tuple[str, int], dict[int, frozenset[int]]] = {}
    for style in STYLES:
        entries, _ = coverage.fallback_entries(style)
        left = wanted
        for family, face_style in entries:
            face = chain.faces[family][face_style]
            parts.setdefault((face.path, face.index), {})[id(left)] = left
            # Once every character has a face, the fallbacks' maps are not read; a few
            # characters left for a CJK face are looked up without making its whole set.
            taken = covered_among(face.path, face.index, left) if left else left
            if taken:
                left = left - taken
    return {key: marks.union(*kept.values()) for key, kept in parts.items()}


@lru_cache(maxsize=16)
def _code_points(chars: frozenset[str]) -> frozenset[int]:
    """The code points of ``chars`` (every role's chain of a brief asks for the same)."""
    return frozenset(map(ord, chars))


@cache
def _kept_everywhere(cp: int) -> bool:
    """Spaces and combining marks: every face gets them (see :func:`_needed_by_face`);
    asked of the same few hundred characters by every brief of a batch."""
    return bool(unicodedata.combining(chr(cp))) or not needs_glyph(chr(cp))


# The code points of converted copies planned but not made yet, by (path, index).
_PLANNED: dict[tuple[str, int], frozenset[int]] = {}


def truetype_face(face: FontFace, wanted: frozenset[int],
                  digits: tuple[tuple[int, str], ...] = ()) -> FontFace:
    """A TrueType-outline subset of a face (converted from CFF outlines, with ``digits``
    mapped to other glyphs), cached by content.

    The copy is only planned here (its name, path and coverage are known from the
    content); :func:`make_file` makes it when the renderer first registers the face, so a
    fallback font a brief never uses (Chinese in an English brief) costs nothing."""
    source = Path(face.path)
    stat = source.stat()
    # ReportLab refuses an empty cmap: a copy for no character keeps the face's first.
    covered = tuple(sorted(covered_among(face.path, face.index, wanted))) \
        or (_first_code_point(face.path, face.index),)
    digest = hashlib.sha256(json.dumps(
        [_TRUETYPE_VERSION, face.path, face.index, stat.st_size, stat.st_mtime_ns, covered,
         [list(pair) for pair in digits]],
    ).encode()).hexdigest()[:16]
    target = str(_truetype_cache_dir() / f"{face.key}-{digest}.ttf")
    _PLANNED[target, 0] = frozenset(covered)
    # Each cut gets its own PostScript name: ReportLab keeps one face per name, so two
    # cuts of one font sharing a name would mix up their glyphs (empty boxes).
    return replace(face, path=target, index=0, outlines="truetype",
                   postscript_name=f"{face.postscript_name}-{digest[:6]}",
                   recipe=(face.path, face.index, covered, digits))


def make_file(face: FontFace) -> None:
    """Make a planned converted copy's file, unless it was made already (by this or an
    earlier build: the name is a digest of what it holds)."""
    target = Path(face.path)
    if face.recipe is None or target.is_file():
        return
    source, index, covered, digits = face.recipe
    data = _convert_to_truetype(Path(source), index, covered, face.postscript_name, digits)
    _write_atomic(target, data)


def _convert_to_truetype(path: Path, index: int, unicodes: Sequence[int],
                         postscript_name: str,
                         digits: tuple[tuple[int, str], ...] = ()) -> bytes:
    from fontTools.subset import Options, Subsetter
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), fontNumber=index, lazy=False, recalcTimestamp=False)
    options = Options()
    options.layout_features = []  # ReportLab does no shaping: GSUB/GPOS would be dead weight
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.desubroutinize = True
    options.recalc_timestamp = False
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=unicodes, glyphs=[glyph for _cp, glyph in digits])
    quiet = logging.getLogger("fontTools.subset")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "FFTM NOT subset" and the like are not the user's business
    try:
        subsetter.subset(font)
    finally:
        quiet.setLevel(level)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update((cp, glyph) for cp, glyph in digits if cp in table.cmap)
    if "CFF " in font or "CFF2" in font:
        _cff_to_glyf(font)
    for record in font["name"].names:
        if record.nameID == 6:
            record.string = postscript_name
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _cff_to_glyf(font: TTFont) -> None:
    """Replace the CFF table by quadratic ``glyf`` outlines (the fontTools otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, _CU2QU_MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for table in ("CFF ", "CFF2", "VORG"):
        if table in font:
            del font[table]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for name in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, name, 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _truetype_cache_dir() -> Path:
    return _usable_folder(_cache_file().parent / f"truetype-v{_TRUETYPE_VERSION}")


@cache
def _usable_folder(folder: Path) -> Path:
    """``folder``, made if need be, or a temporary one if it cannot be; decided once per
    process and folder (every face of every brief asks)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        fallback = Path(tempfile.gettempdir()) / f"briefsmith-{os.getuid()}-truetype"
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)  # removed since it was first made?
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
