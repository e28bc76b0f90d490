"""Themes: design tokens read from YAML, resolved through an ``extends:`` chain.

A theme is data (``styles/<name>.yaml`` in the project, or one shipped in
``briefsmith/themes/``), never constants in code.  Every theme implicitly extends the
shipped ``base`` theme, which holds the one default of every token; a theme names only what
it changes.  Inheritance is a deep merge of YAML nodes, done *before* conversion, so each
value keeps the file and line it came from and a misspelt key is reported where it was
written.  The merged tree converts into the typed :class:`Theme` record with the same
generic converter as the content, so unknown keys are errors that list the valid ones:
raw dicts never reach ReportLab (whose ``ParagraphStyle`` silently ignores typos).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from .convert import INVALID, Converter, register_scalar
from .diagnostics import Location, Problems, did_you_mean, one_of
from .load import Mapping, Node, Scalar, load_yaml
from .model import StyleImageFile, located, spec
from .project import STYLES_DIR, Project

BASE_THEME = "base"
PACKAGED_THEMES = Path(__file__).parent / "themes"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_LENGTH_RE = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)\s*(pt|mm|cm|in)?$")
_UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, None: 1.0}
_COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
TEMPLATE_FIELDS = ("title", "subtitle", "section", "page", "pages", "page_of_pages", "date",
                   "organisation")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class Length(float):
    """A length in points, written with a unit: ``12pt``, ``20mm``, ``2cm``, ``0.75in``."""

    expected = "a length such as '12pt', '20mm' or '0.75in'"

    @classmethod
    def parse(cls, text: str) -> Length:
        match = _LENGTH_RE.match(text)
        if not match:
            raise ValueError(f"expected {cls.expected}, found '{text}'")
        value = float(match.group(1)) * _UNITS[match.group(2)]
        if not math.isfinite(value):
            raise ValueError(f"'{text}' is too large a length")
        return cls(value)


class Colour(str):
    """An sRGB colour written ``#RRGGBB``."""

    expected = "a colour written '#RRGGBB'"

    __slots__ = ()

    @classmethod
    def parse(cls, text: str) -> Colour:
        if not _COLOUR_RE.match(text):
            raise ValueError(f"expected {cls.expected}, found '{text}'")
        return cls(text.upper())


class Template(str):
    """Header/footer text with ``{title}``, ``{section}``, ``{page}``, ``{pages}``, ``{date}``."""

    expected = "text with placeholders such as '{page}'"

    __slots__ = ()

    @classmethod
    def parse(cls, text: str) -> Template:
        for name in PLACEHOLDER.findall(text):
            if name not in TEMPLATE_FIELDS:
                raise ValueError(
                    f"unknown placeholder '{{{name}}}'{did_you_mean(name, TEMPLATE_FIELDS)}; "
                    f"use {one_of('{' + f + '}' for f in TEMPLATE_FIELDS)}"
                )
        stripped = PLACEHOLDER.sub("", text)
        if "{" in stripped or "}" in stripped:
            raise ValueError(f"unbalanced '{{' or '}}' in '{text}'")
        return cls(unicodedata.normalize("NFC", text))  # as content text is

    def fill(self, **values: str) -> str:
        return PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), self)


register_scalar(Length, Length.parse, schema={"anyOf": [
    {"type": "number", "minimum": 0}, {"type": "string", "pattern": _LENGTH_RE.pattern}]})
register_scalar(Colour, Colour.parse, schema={"type": "string", "pattern": _COLOUR_RE.pattern})
register_scalar(Template, Template.parse, schema={
    "type": ["string", "number", "boolean"],
    "pattern": "^([^{}]|\\{(" + "|".join(TEMPLATE_FIELDS) + ")\\})*$"})


@dataclass(frozen=True, kw_only=True)
class Margins:
    """The page margins."""

    top: Length = spec(doc="space above the text block")
    bottom: Length = spec(doc="space below the text block")
    left: Length = spec(doc="space left of the text block")
    right: Length = spec(doc="space right of the text block")
    at: Location = located()


@dataclass(frozen=True, kw_only=True)
class PageTheme:
    """Paper, margins and columns."""

    size: Literal["A4", "Letter", "Legal", "A5"] = spec(doc="the paper size")
    margins: Margins = spec(doc="page margins")
    columns: Literal["1", "2"] = spec(doc="text columns after the title block: 1 or 2")
    column_gap: Length = spec(doc="space between columns")
    at: Location = located()

    @property
    def column_count(self) -> int:
        return int(self.columns)


@dataclass(frozen=True, kw_only=True)
class Colours:
    """The theme's palette."""

    primary: Colour = spec(doc="headings, title band, figure values")
    accent: Colour = spec(doc="highlights and rules under headings")
    text: Colour = spec(doc="body text")
    muted: Colour = spec(doc="secondary text: subtitles, captions, running heads")
    rule: Colour = spec(doc="thin lines and table borders")
    tint: Colour = spec(doc="background of boxes such as key messages")
    link: Colour = spec(doc="links and citation numbers")
    warning: Colour = spec(doc="the edge of warning call-out boxes")
    palette: tuple[Colour, ...] = spec(doc="chart series colours, in order of use")
    at: Location = located()


@dataclass(frozen=True, kw_only=True)
class FontRoles:
    """The font fallback chain of each role."""

    body: tuple[str, ...] = spec(doc="font families for running text, first match wins")
    headings: tuple[str, ...] = spec(doc="font families for headings and the title")
    figures: tuple[str, ...] = spec(doc="font families for key-figure values")
    mono: tuple[str, ...] = spec(doc="font families for code and identifiers")
    at: Location = located()

    def roles(self) -> dict[str, tuple[str, ...]]:
        return {"body": self.body, "headings": self.headings, "figures": self.figures,
                "mono": self.mono}


@dataclass(frozen=True, kw_only=True)
class TypeScale:
    """Type sizes and line height."""

    body: float = spec(doc="body text size in points")
    leading: float = spec(doc="line height as a multiple of the size, e.g. 1.4")
    small: float = spec(doc="size of captions, notes, references, running heads")
    title: float = spec(doc="size of the brief's title")
    subtitle: float = spec(doc="size of the subtitle")
    h1: float = spec(doc="size of section headings")
    h2: float = spec(doc="size of sub-headings")
    figure: float = spec(doc="size of key-figure values")
    table: float = spec(doc="size of table cells and chart labels")
    at: Location = located()


@dataclass(frozen=True, kw_only=True)
class Spacing:
    """Vertical space between paragraphs, blocks and sections."""

    paragraph: Length = spec(doc="space after a paragraph")
    block: Length = spec(doc="space around boxes, grids and timelines")
    section: Length = spec(doc="space above a section heading")
    at: Location = located()


@dataclass(frozen=True, kw_only=True)
class RunningText:
    """A running head or foot: text at the left, middle and right."""

    left: Template | None = spec(default=None, doc="text at the left")
    center: Template | None = spec(default=None, doc="text in the middle")
    right: Template | None = spec(default=None, doc="text at the right")
    at: Location = located()


@dataclass(frozen=True, kw_only=True)
class Theme:
    """A theme file: the look of the PDF."""

    page: PageTheme = spec(doc="paper and margins")
    colours: Colours = spec(doc="the palette")
    fonts: FontRoles = spec(doc="font fallback chains per role")
    type: TypeScale = spec(doc="type sizes")
    spacing: Spacing = spec(doc="vertical rhythm")
    header: RunningText = spec(doc="running header on pages after the first")
    footer: RunningText = spec(doc="running footer on every page")
    numbered_headings: bool = spec(doc="number section headings 1, 2, 3 (sub-headings 1.1)")
    justify: bool = spec(doc="justify body text (with hyphenation)")
    numerals: Literal["lining", "oldstyle"] = spec(
        doc="digits as lining figures (1234, like capitals) or old-style ones (like lower "
            "case), where the font has both; tables always get tabular figures")
    cover: bool = spec(doc="give the title, subtitle and authors a page of their own")
    toc: bool = spec(doc="print a table of contents with page numbers after the title")
    logo: StyleImageFile | None = spec(default=None, doc="an image in styles/ (PNG, JPEG or "
                                       "SVG) printed on the title page")
    logo_height: Length = spec(doc="the logo's height on the title page")
    chart_height: Length = spec(doc="the height of charts (at most half the text width)")
    tagged: bool = spec(doc="tag the PDF's structure for screen readers (a brief's "
                            "pdf.tagged wins)")
    extends: str | None = spec(default=None, doc="the theme this one builds on")
    name: str = spec(default="", yaml=False)
    path: str = spec(default="", yaml=False)
    files: tuple[str, ...] = spec(default=(), yaml=False)  # the whole extends chain
    at: Location = located()


def load_theme(project: Project, name: str, problems: Problems,
               where: Location | None = None) -> Theme | None:
    """Resolve ``name`` through its ``extends`` chain and convert it to a :class:`Theme`."""
    chain: list[tuple[str, Mapping]] = []
    seen: list[str] = []
    current: str | None = name
    current_where = where
    while current is not None:
        if current in seen:
            cycle = " -> ".join([*seen, current])
            problems.error(current_where, f"theme inheritance cycle: {cycle}")
            return None
        seen.append(current)
        found = _find_theme(project, current)
        if found is None:
            problems.error(current_where, f"unknown theme '{current}'"
                           f"{did_you_mean(current, available_themes(project))}; "
                           f"available: {', '.join(available_themes(project))}")
            return None
        if isinstance(found, _Unusable):
            problems.error(found.location, found.message)
            return None
        path, display = found
        node = load_yaml(path, display, problems)
        if node is None:
            return None
        if not isinstance(node, Mapping):
            problems.error(node.location, "a theme file must be a mapping of keys")
            return None
        chain.append((display, node))
        parent = node.get("extends")
        if parent is None:
            current = None if current == BASE_THEME else BASE_THEME
            current_where = node.location
        elif isinstance(parent, Scalar) and not parent.is_null():
            current = parent.value.strip()
            current_where = parent.location
        else:
            problems.error(parent.location, "extends: expected a theme name")
            return None
    merged: Node = chain[-1][1]
    for _display, node in reversed(chain[:-1]):
        merged = merge_nodes(merged, node)
    theme = Converter(problems, project).record(Theme, merged)
    if theme is INVALID or not _in_range(theme, problems):
        return None
    return replace(theme, name=name, path=chain[0][0],
                   files=tuple(display for display, _node in chain))


# Paper sizes in points (ISO 216 A4 and A5; US Letter and Legal).
PAPER_POINTS = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0), "Legal": (612.0, 1008.0),
                "A5": (419.53, 595.28)}
TYPE_SIZES = (4.0, 144.0)  # points: smaller is unreadable, larger does not fit a column
LEADING = (1.0, 3.0)  # below 1 lines overlap
MIN_TEXT = 72.0  # points (an inch) of text width and height the margins must leave
MIN_COLUMN = 72.0


def _in_range(theme: Theme, problems: Problems) -> bool:
    """Values a type can hold but a page cannot: negative or zero sizes (text drawn
    mirrored), overlapping lines, margins wider than the paper.  Each is an error where
    it was written (the theme file, or the theme it extends)."""
    found: list[tuple[Location, str]] = []
    sizes = theme.type
    for name in ("body", "small", "title", "subtitle", "h1", "h2", "figure", "table"):
        value = getattr(sizes, name)
        if not TYPE_SIZES[0] <= value <= TYPE_SIZES[1]:
            found.append((sizes.at.of(name), f"type.{name}: {value:g} pt is not a usable size; "
                                             f"write {TYPE_SIZES[0]:g} to {TYPE_SIZES[1]:g}"))
    if not LEADING[0] <= sizes.leading <= LEADING[1]:
        found.append((sizes.at.of("leading"), f"type.leading: {sizes.leading:g} times the "
                                              "size is no usable line height; write "
                                              f"{LEADING[0]:g} to {LEADING[1]:g} (1.2 to 1.5 "
                                              "reads well)"))
    page = theme.page
    width, height = PAPER_POINTS[page.size]
    margins = page.margins
    text_width = width - margins.left - margins.right
    text_height = height - margins.top - margins.bottom
    if text_width < MIN_TEXT:
        found.append((margins.at.of("left"), f"page.margins: left and right leave "
                                             f"{max(text_width, 0):.0f} pt of the {page.size} "
                                             f"page's {width:.0f} pt for text; leave at least "
                                             f"{MIN_TEXT:.0f} pt"))
    if text_height < MIN_TEXT:
        found.append((margins.at.of("top"), f"page.margins: top and bottom leave "
                                            f"{max(text_height, 0):.0f} pt of the {page.size} "
                                            f"page's {height:.0f} pt for text; leave at least "
                                            f"{MIN_TEXT:.0f} pt"))
    columns = page.column_count
    if columns > 1 and text_width >= MIN_TEXT \
            and (text_width - page.column_gap * (columns - 1)) / columns < MIN_COLUMN:
        found.append((page.at.of("column_gap"), f"page.column_gap: {columns} columns with this "
                                                f"gap would be narrower than {MIN_COLUMN:.0f} "
                                                "pt each"))
    for name in ("logo_height", "chart_height"):
        value = getattr(theme, name)
        if not 0 < value <= height:
            found.append((theme.at.of(name), f"{name}: {value:g} pt must be more than 0 and "
                                             "at most the page height"))
    for where, message in found:
        problems.error(where, message)
    return not found


THEME_SUFFIXES = (".yaml", ".yml")


def available_themes(project: Project) -> list[str]:
    names = {p.stem for p in PACKAGED_THEMES.glob("*.yaml")}
    styles = project.root / STYLES_DIR
    if styles.is_dir():
        names.update(p.stem for p in styles.iterdir()
                     if p.suffix in THEME_SUFFIXES and _NAME_RE.match(p.stem))
    return sorted(names)


@dataclass(frozen=True)
class _Unusable:
    """A project theme file that exists but must not be used (and must not silently give
    way to a shipped theme of the same name)."""

    location: Location
    message: str


def _find_theme(project: Project, name: str) -> tuple[Path, str] | _Unusable | None:
    """The project's ``styles/<name>.yaml`` (or ``.yml``), else the shipped theme."""
    if not _NAME_RE.match(name):
        return None
    own = [path for suffix in THEME_SUFFIXES
           if (path := project.root / STYLES_DIR / f"{name}{suffix}").exists()
           or path.is_symlink()]
    if len(own) > 1:
        return _Unusable(Location(project.relative(own[1])),
                         f"theme '{name}' is defined twice, here and in "
                         f"{project.relative(own[0])}; remove one")
    if own:
        display = project.relative(own[0])
        if not own[0].exists():
            return _Unusable(Location(display), "is a symlink to a file that does not exist")
        if not project.contains(own[0]):
            return _Unusable(Location(display), "is a symlink to a file outside the project; "
                                                "copy the file into the project instead")
        return own[0].resolve(), display
    packaged = PACKAGED_THEMES / f"{name}.yaml"
    if packaged.is_file():
        return packaged, f"<briefsmith>/themes/{name}.yaml"
    return None


def merge_nodes(base: Node, override: Node) -> Node:
    """Deep-merge two YAML mappings: keys of ``override`` win, nested mappings merge,
    lists and scalars are replaced whole.  ``extends`` itself is not inherited."""
    if not (isinstance(base, Mapping) and isinstance(override, Mapping)):
        return override
    entries = {k.value: (k, v) for k, v in base.entries if k.value != "extends"}
    for key, value in override.entries:
        if key.value in entries:
            entries[key.value] = (key, merge_nodes(entries[key.value][1], value))
        else:
            entries[key.value] = (key, value)
    return Mapping(override.location, tuple(entries.values()))
