"""Render stage: a validated, cited document + theme -> PDF bytes.

This package is the only place that imports ReportLab.  It gets data (records, a
bibliography, a theme, resolved font chains) and returns bytes; it never touches files
other than the fonts it was handed, and never decides anything about the content.
"""

from __future__ import annotations

from ..cite import Bibliography
from ..fonts import FontChain
from ..i18n import labels_for
from ..model import Document
from ..theme import Theme
from .context import RenderContext
from .fonts import register_chain
from .markup import MarkupWriter
from .page import (
    Metadata,
    RenderedPdf,
    RenderError,
    RunningValues,
    lay_out,
    page_frame_width,
)
from .story import build_story
from .styles import build_styles

__all__ = ["RenderError", "RenderedPdf", "render_pdf"]


def render_pdf(doc: Document, bibliography: Bibliography, theme: Theme,
               chains: dict[str, FontChain], *, epoch: int, creator: str) -> RenderedPdf:
    brief = doc.brief
    fonts = {role: register_chain(chain) for role, chain in chains.items()}
    labels = labels_for(brief.language)
    styles = build_styles(theme, fonts, brief.language)
    link = theme.colours.link
    body = MarkupWriter(fonts["body"], link_colour=link, marker=bibliography.marker)
    headings = MarkupWriter(fonts["headings"], link_colour=link, marker=bibliography.marker)
    figures = MarkupWriter(fonts["figures"], link_colour=link, marker=bibliography.marker)

    def story() -> list:
        ctx = RenderContext(theme=theme, styles=styles, labels=labels,
                            bibliography=bibliography, body=body, headings=headings,
                            figures=figures, frame_width=page_frame_width(theme))
        return build_story(doc, ctx)

    values = RunningValues(
        title=brief.title,
        subtitle=brief.subtitle or "",
        date=labels.date(brief.date),
        organisation=brief.organisation or "",
    )
    metadata = Metadata(
        title=brief.title,
        author=", ".join(brief.authors) or brief.organisation or "",
        subject=brief.subject or brief.subtitle or "",
        keywords=", ".join(brief.keywords),
        creator=creator,
        language=brief.language,
    )
    return lay_out(story, theme=theme, styles=styles, writer=headings, values=values,
                   metadata=metadata, epoch=epoch)
