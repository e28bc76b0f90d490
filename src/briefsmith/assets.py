"""Asset stage: the files that blocks and themes name (CSV data, images), read and checked.

Blocks name files with path-typed fields (:func:`briefsmith.project.project_file`), which
the converter already resolved inside the project (never outside it, not through a
symlink) and found to exist; the build finds every one by walking the records.  Each is
read once and checked here: a CSV file must
be UTF-8 with the same number of cells in every row, an image must really be the PNG, JPEG
or SVG its name says, and an SVG may not pull in other files or URLs.  The renderer gets the
bytes and rows, so it never opens a file a user named.  Problems point into the data file
(``content/data/jobs.csv:4:2``) or at the field that named it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .diagnostics import Location, Problems
from .model import Cell, Chart, DataFile, ImageFile, StyleImageFile
from .project import Project, ProjectPath
from .svgfile import SvgText, read_svg

MAX_ASSET_BYTES = 20 * 1024 * 1024
_SVG_OUTSIDE_REFERENCE = re.compile(
    r"""(?:href\s*=\s*["']\s*(?!#|data:)[^"'\s]|url\(\s*["']?\s*(?!#|data:)[^)'"\s]"""
    r"""|@import|<!ENTITY|<\?xml-stylesheet)""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ImageData:
    """An image file's bytes and kind (and an SVG's text, for the glyph checks)."""

    data: bytes
    kind: str  # "png", "jpeg" or "svg"
    path: str  # project-relative, for messages
    texts: tuple[SvgText, ...] = ()


@dataclass
class Assets:
    """What the files named by a brief and its theme hold, by :func:`asset_key`."""

    tables: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    images: dict[tuple[str, str], ImageData] = field(default_factory=dict)
    paths: dict[tuple[str, str], str] = field(default_factory=dict)

    def rows(self, file: ProjectPath) -> tuple[tuple[str, ...], ...] | None:
        return self.tables.get(asset_key(file))

    def image(self, file: ProjectPath) -> ImageData | None:
        return self.images.get(asset_key(file))


def asset_key(file: ProjectPath) -> tuple[str, str]:
    return (file.folder, file.written)


def load_assets(project: Project, files: Iterable[tuple[ProjectPath, Location]],
                problems: Problems, assets: Assets | None = None) -> Assets:
    """Read every named file once (into ``assets``, shared by the briefs of a run)."""
    assets = assets if assets is not None else Assets()
    for file, where in files:
        key = asset_key(file)
        if key in assets.paths:
            continue
        if not isinstance(file, DataFile | ImageFile | StyleImageFile):
            continue  # not an asset (e.g. a section or bibliography file)
        path = file.file
        display = project.relative(path)
        if not path.is_file():  # removed since it was named
            problems.error(where, f"file '{file.folder}/{file.written}' not found")
            continue
        if path.stat().st_size > MAX_ASSET_BYTES:
            problems.error(where, f"'{display}' is larger than "
                                  f"{MAX_ASSET_BYTES // (1024 * 1024)} MB")
            continue
        data = path.read_bytes()
        assets.paths[key] = display
        if isinstance(file, DataFile):
            rows = read_csv(data, display, problems)
            if rows is not None:
                assets.tables[key] = rows
        else:
            image = read_image(data, display, problems)
            if image is not None:
                assets.images[key] = image
    return assets


def read_csv(data: bytes, display: str, problems: Problems) -> tuple[tuple[str, ...], ...] | None:
    """Rows of a CSV file (header first), or ``None`` after reporting what is wrong."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(Location(display, line, 1), "CSV file is not UTF-8 text")
        return None
    try:
        rows = [tuple(cell.strip() for cell in row)
                for row in csv.reader(io.StringIO(text, newline=""), strict=True)]
    except csv.Error as exc:
        problems.error(Location(display), f"cannot read CSV: {exc}")
        return None
    rows = [row for row in rows if any(row)]
    if len(rows) < 2:
        problems.error(Location(display, 1, 1), "a CSV file needs a header row and at least "
                                                "one data row")
        return None
    width = len(rows[0])
    ok = True
    lines = _row_lines(text)
    for index, row in enumerate(rows[1:], 1):
        if len(row) != width:
            line = lines[index] if index < len(lines) else 0
            problems.error(Location(display, line, 1),
                           f"row has {len(row)} cells, the header has {width}")
            ok = False
    return tuple(rows) if ok else None


def _row_lines(text: str) -> list[int]:
    """The 1-based line each non-empty CSV record starts on (quoted cells may span lines)."""
    lines = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for row in reader:
        if any(cell.strip() for cell in row):
            lines.append(start)
        start = reader.line_num + 1
    return lines


def read_image(data: bytes, display: str, problems: Problems) -> ImageData | None:
    where = Location(display)
    lowered = display.lower()
    if lowered.endswith(".png"):
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            problems.error(where, "not a PNG image")
            return None
        return ImageData(data, "png", display)
    if lowered.endswith((".jpg", ".jpeg")):
        if not data.startswith(b"\xff\xd8\xff"):
            problems.error(where, "not a JPEG image")
            return None
        return ImageData(data, "jpeg", display)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.error(where, "an SVG file must be UTF-8 text")
        return None
    if "<svg" not in text:
        problems.error(where, "not an SVG image (no <svg> element)")
        return None
    outside = _SVG_OUTSIDE_REFERENCE.search(text)
    if outside:
        line = text.count("\n", 0, outside.start()) + 1
        col = outside.start() - text.rfind("\n", 0, outside.start())
        problems.error(Location(display, line, col),
                       "the SVG refers to another file, a URL or an entity; embed everything "
                       "it needs (briefsmith reads no file the project does not name)")
        return None
    texts = read_svg(text, display, problems)
    if texts is None:
        return None
    return ImageData(data, "svg", display, texts)


# --------------------------------------------------------------------------- chart data

_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class ChartData:
    """A chart's categories and series, read from a CSV file."""

    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]


def chart_data(chart: Chart, assets: Assets) -> tuple[ChartData | None, list[tuple[Location, str]]]:
    """The chart's categories and series from YAML or its CSV file, and what is wrong."""
    problems: list[tuple[Location, str]] = []
    if chart.csv is not None and (chart.series or chart.categories):
        problems.append((chart.at.of("csv"), "give the data either as categories and series "
                                             "or as csv, not both"))
        return None, problems
    if chart.at.failed("csv") or chart.at.failed("categories") \
            or (chart.at.failed("series") and not chart.series):
        return None, problems  # reported: counting values now would only echo it
    if chart.csv is not None:
        rows = assets.rows(chart.csv)
        if rows is None:
            return None, problems  # reported when the file was read
        display = assets.paths.get(asset_key(chart.csv), str(chart.csv))
        header, body = rows[0], rows[1:]
        if len(header) < 2:
            problems.append((Location(display, 1, 1), "a chart's CSV needs a category column "
                                                       "and at least one value column"))
            return None, problems
        columns: list[list[float]] = [[] for _ in header[1:]]
        for line, row in enumerate(body, 2):
            for col, cell in enumerate(row[1:], 1):
                value = cell.replace(",", "").replace("_", "")
                if not _NUMBER_RE.match(value):
                    problems.append((Location(display, line, col + 1),
                                     f"'{cell}' in column '{header[col]}' is not a number"))
                    continue
                if not math.isfinite(float(value)):
                    problems.append((Location(display, line, col + 1),
                                     f"'{cell}' in column '{header[col]}' is not a finite "
                                     "number (it is too large to compute with)"))
                    continue
                columns[col - 1].append(float(value))
        if problems:
            return None, problems
        data = ChartData(tuple(Cell(r[0]) for r in body),
                         tuple((name, tuple(values))
                               for name, values in zip(header[1:], columns, strict=True)))
    else:
        if not chart.categories or not chart.series:
            problems.append((chart.at, "a chart needs data: categories and series, or csv"))
            return None, problems
        incomplete = False
        for series in chart.series:
            if series.at.failed("values") or series.at.failed("name"):
                incomplete = True  # a bad value or name, reported: not also a count
                continue
            if len(series.values) != len(chart.categories):
                problems.append((series.at.of("values"), f"series '{series.name}' has "
                                                         f"{len(series.values)} values for "
                                                         f"{len(chart.categories)} categories"))
        if problems or incomplete:
            return None, problems
        data = ChartData(tuple(chart.categories),
                         tuple((s.name, s.values) for s in chart.series))
    if chart.kind == "pie":
        where = chart.at.of("csv" if chart.csv is not None else "series")
        if len(data.series) != 1:
            problems.append((where, "a pie chart shows exactly one series"))
        elif any(v < 0 for v in data.series[0][1]) or not any(data.series[0][1]):
            problems.append((where, "a pie chart needs positive values"))
    if problems:
        return None, problems
    return data, problems
