"""What every renderer function gets: the theme, its styles and the markup writers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, TableStyle

from ..cite import Bibliography
from ..diagnostics import Location
from ..i18n import Labels
from ..theme import Theme
from .markup import MarkupWriter
from .styles import Styles


@dataclass(frozen=True)
class RenderContext:
    theme: Theme
    styles: Styles
    labels: Labels
    bibliography: Bibliography
    body: MarkupWriter
    headings: MarkupWriter
    figures: MarkupWriter
    frame_width: float
    _anchors: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_anchor(self, prefix: str) -> str:
        """A document-unique link target name, numbered in story order (deterministic)."""
        return f"{prefix}-{next(self._anchors)}"

    def colour(self, name: str) -> colors.Color:
        return colors.HexColor(getattr(self.theme.colours, name))

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
            flowable.source_at = where
    return flowables


class HeadingParagraph(Paragraph):
    """A heading that becomes a bookmark, a link target and the running-head section name."""

    def __init__(self, markup: str, style: object, *, anchor: str, outline_title: str,
                 level: int, section_title: str | None = None) -> None:
        super().__init__(f'<a name="{anchor}"/>{markup}', style)
        self.anchor = anchor
        self.outline_title = outline_title
        self.level = level
        self.section_title = section_title
