"""What every renderer function gets: the theme, its styles, the markup writers, the
cross-reference targets and the assets (file contents) the blocks name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, TableStyle

from ..assets import Assets
from ..cite import Bibliography
from ..diagnostics import Location
from ..fonts import TABLES
from ..i18n import Labels
from ..model import Citation
from ..theme import Theme
from ..xref import Targets
from .markup import MarkupWriter
from .paragraph import Paragraph
from .styles import Styles


def tag(flowable: Flowable, role: str, **facts: object) -> Flowable:
    """Note a flowable's structure role ("H1", "P", "L", "Table", "Figure", "Caption",
    "BlockQuote", "Note", "TOCI"...) and facts for the tagged PDF: ``alt`` (pictures),
    ``header_rows``/``header_columns`` (tables), ``parent`` (the
    :class:`~briefsmith.render.tagging.Node` the element goes under) or ``node`` (the
    element itself, shared with other flowables).  See :mod:`briefsmith.render.tagging`."""
    # Through __dict__: graphics Drawings refuse attributes they do not know.
    vars(flowable)["structure_role"] = role
    for name, value in facts.items():
        vars(flowable)[f"structure_{name}"] = value
    return flowable


@dataclass(frozen=True)
class RenderContext:
    """What every block renderer needs: theme, styles, labels, fonts."""

    theme: Theme
    styles: Styles
    labels: Labels
    bibliography: Bibliography
    body: MarkupWriter
    headings: MarkupWriter
    figures: MarkupWriter
    tables: MarkupWriter  # table cells: the body fonts with tabular figures
    frame_width: float
    frame_height: float
    targets: Targets
    assets: Assets
    # Link targets of the key-figure callouts (by the figure record's id), so the evidence
    # appendix can link each figure back to where it is shown.
    figure_anchors: Mapping[int, str] = field(default_factory=dict)

    def colour(self, name: str) -> colors.Color:
        return colors.HexColor(getattr(self.theme.colours, name))

    def palette(self, index: int) -> colors.Color:
        """The colour of a chart's ``index``-th series or slice.  Past the end of the
        theme's palette the colours come round again lighter (mixed with 40 % white, then
        60 %...), so a pie of twelve slices never shows two slices, and two legend
        entries, in one colour."""
        palette = self.theme.colours.palette or (self.theme.colours.primary,)
        lap, position = divmod(index, len(palette))
        colour = colors.HexColor(palette[position])
        if lap == 0:
            return colour
        white = min(0.2 + 0.2 * lap, 0.8)
        return colors.linearlyInterpolatedColor(colour, colors.white, 0, 1, white)

    def font_for(self, text: str, role: str = "figures", style: str = "regular") -> str:
        """One face for a whole string drawn outside a paragraph (chart labels): the first
        face of the role's chain that has every character of it (in ``style``, else in the
        regular style: a whole string in a regular face beats a bold one missing a glyph),
        else the one that has the most."""
        chain = self._writer(role).chain
        found = chain.coverage.whole(text, style)
        if found is None and style != "regular":
            found = chain.coverage.whole(text, "regular")
        if found is None:  # reported by the validator; never built
            entries, sets = chain.coverage.fallback_entries(style)
            needed = {ord(c) for c in text}
            found = entries[max(range(len(sets)), key=lambda i: (len(needed & sets[i]), -i))]
        return chain.face(*found)

    def text_width(self, text: str, size: float, role: str = "headings",
                   style: str = "regular") -> float:
        """The width of ``text`` as set with per-glyph fallback along the role's chain."""
        chain = self._writer(role).chain
        return sum(stringWidth(run, chain.face(max(family, 0), face_style), size)
                   for run, family, face_style in chain.coverage.runs(text, style))

    def _writer(self, role: str) -> MarkupWriter:
        return {"figures": self.figures, "headings": self.headings, "body": self.body,
                TABLES: self.tables}[role]

    def source_line(self, citation: Citation | None) -> str:
        """"Source: Renmin University of China (2020) [2]" as paragraph markup; with
        several sources, named in the order the marker numbers them ("A; B [1, 2]")."""
        if citation is None:
            return ""
        cited = {source.id: source for source in self.bibliography.cited}
        known = [cited[i.id] for i in self.bibliography.items_in_marker_order(citation)
                 if i.id in cited]
        names: list[str] = []
        for source in known:
            who = ", ".join(n.display() for n in source.author[:2]) or source.publisher \
                or source.container_title or source.title
            year = f" ({source.issued.year})" if source.issued else ""
            if f"{who}{year}" not in names:
                names.append(f"{who}{year}")
        label = self.labels.sources if len(known) > 1 else self.labels.source
        text = f"{label}: " + "; ".join(names)
        style = self.styles.source_line
        return self.headings.text(text, style) + self.headings.citation(citation, style)

    def table_style(self, commands: list[tuple]) -> TableStyle:
        """A table style whose cell font is the body font (ReportLab's default is the
        unembedded Helvetica, which would be referenced even by cells holding paragraphs)."""
        body = self.styles.body
        return TableStyle([("FONT", (0, 0), (-1, -1), body.fontName, body.fontSize),
                           *commands])


def located_at(flowables: list[Flowable], where: Location | None) -> list[Flowable]:
    """Tag flowables with the place their content was written, so a layout failure (a
    table row taller than a page) is reported there instead of as a ReportLab traceback."""
    for flowable in flowables:
        if getattr(flowable, "source_at", None) is None:
            # Through __dict__: ReportLab's Drawing refuses attributes it does not know.
            vars(flowable)["source_at"] = where
    return flowables


class Anchor(Flowable):
    """An invisible link target (and, with a title, outline entry) at a point in the story."""

    def __init__(self, name: str, outline_title: str | None = None, level: int = 0) -> None:
        super().__init__()
        self.anchor = name
        self.outline_title = outline_title
        self.level = level
        self.section_title = outline_title

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.anchor, 0, 0)


class AnchoredParagraph(Paragraph):
    """A paragraph that is a link target: the destination is the top of its first line.

    The target is set while drawing, not with an ``<a name>`` tag in the markup, because
    ReportLab's CJK line breaking fails on such tags (TypeError in ``cjkFragSplit``).
    A heading is one too, with an outline entry and the section name for running heads.
    """

    anchor: str | None = None
    outline_title: str | None = None
    level: int = 0
    section_title: str | None = None

    def __init__(self, text: str | None, style: object = None,
                 bulletText: str | None = None,  # noqa: N803 - the name Paragraph.split passes
                 frags: list | None = None, *, anchor: str | None = None) -> None:
        super().__init__(text, style, bulletText=bulletText, frags=frags)
        self.anchor = anchor

    def split(self, available_width: float, available_height: float) -> list:
        parts = super().split(available_width, available_height)
        for index, part in enumerate(parts):
            part.level = self.level
            # Only the first part is the link target and the outline entry.
            part.anchor = self.anchor if index == 0 else None
            part.outline_title = self.outline_title if index == 0 else None
            part.section_title = self.section_title if index == 0 else None
        return parts

    def draw(self) -> None:
        if self.anchor:
            self.canv.bookmarkHorizontal(self.anchor, 0, self.height)
        super().draw()


def heading_paragraph(markup: str, style: object, *, anchor: str, outline_title: str,
                      level: int, section_title: str | None = None) -> AnchoredParagraph:
    """A heading: a bookmark, a link target and (level 0) the running-head section name."""
    para = AnchoredParagraph(markup, style, anchor=anchor)
    para.outline_title = outline_title
    para.level = level
    para.section_title = section_title
    tag(para, f"H{level + 1}")
    return para
