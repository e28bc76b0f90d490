"""Render stage: a validated, cited document + theme -> PDF bytes.

This package is the only place that imports ReportLab.  It gets data (records, a
bibliography, a theme, resolved font chains, the contents of the files blocks name) and
returns bytes; it never opens a file other than the fonts it was handed, and never decides
anything about the content.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..assets import Assets
from ..cite import Bibliography
from ..fonts import TABLES, FontChain
from ..i18n import Labels, labels_for
from ..model import Document
from ..theme import Theme
from ..xref import Targets, number_targets
from .context import RenderContext
from .fonts import register_chain
from .markup import MarkupWriter
from .page import Metadata, RenderedPdf, RenderError, RunningValues, frame_size, lay_out
from .story import build_story
from .styles import build_styles
from .tagging import assign_structure

__all__ = ["RenderError", "RenderedPdf", "preload_fonts", "render_pdf"]


def preload_fonts(chains: dict[str, FontChain]) -> None:
    """Register a theme's primary fonts now (before worker processes fork and inherit
    them); fallback families are registered where a brief's text needs them."""
    for chain in chains.values():
        # CFF faces are converted per brief (for the characters it uses): not preloadable.
        if all(face.outlines == "truetype" for face in chain.faces[0].values()):
            register_chain(chain).font()


def render_pdf(doc: Document, bibliography: Bibliography, theme: Theme,
               chains: dict[str, FontChain], assets: Assets, *, epoch: int,
               creator: str, tagged: bool = True) -> RenderedPdf:
    """The brief as PDF bytes; ``tagged``: a tagged PDF, with its logical structure."""
    brief = doc.brief
    fonts = {role: register_chain(chain) for role, chain in chains.items()}
    fonts.setdefault(TABLES, fonts["body"])  # table cells: the body fonts, tabular figures
    labels = labels_for(brief.language)
    styles = build_styles(theme, fonts, brief.language)
    targets = number_targets(doc)
    link = theme.colours.link

    def xref(label: str) -> tuple[str, str] | None:
        target = targets.get(label)
        if target is None:
            return None
        if target.kind == "section" and not theme.numbered_headings:
            return f"\u201c{target.title}\u201d", target.anchor
        return labels.caption(target.kind, target.number), target.anchor

    def writer(role: str) -> MarkupWriter:
        return MarkupWriter(fonts[role], link_colour=link, marker=bibliography.marker,
                            xref=xref)

    body, headings, figures = writer("body"), writer("headings"), writer("figures")
    tables = writer(TABLES)
    width, height = frame_size(theme)

    def story(anchor_pages: Mapping[str, int]) -> list:
        ctx = RenderContext(theme=theme, styles=styles, labels=labels,
                            bibliography=bibliography, body=body, headings=headings,
                            figures=figures, tables=tables, frame_width=width,
                            frame_height=height,
                            targets=targets, assets=assets)
        flowables = build_story(doc, ctx, anchor_pages)
        if tagged:
            assign_structure(flowables)
        return flowables

    values = RunningValues(
        title=brief.title,
        subtitle=brief.subtitle or "",
        date=labels.date(brief.date),
        organisation=brief.organisation or "",
        page_of_pages=labels.page_of_pages,
    )
    metadata = Metadata(
        title=brief.title,
        author=", ".join(brief.authors) or brief.organisation or "",
        subject=brief.subject or brief.subtitle or "",
        keywords=", ".join(brief.keywords),
        creator=creator,
        language=brief.language,
    )
    describe = link_descriptions(targets, bibliography, labels) if tagged else None
    return lay_out(story, theme=theme, styles=styles, writer=headings, values=values,
                   metadata=metadata, epoch=epoch, describe_link=describe)


def link_descriptions(targets: Targets, bibliography: Bibliography, labels: Labels,
                      ) -> Callable[[str, bool], str]:
    """Words for each link annotation's ``/Contents`` (what a screen reader announces):
    "Link to https://...", "Go to Figure 2", "Go to References: [3] Title"."""
    names: dict[str, str] = {"references": labels.references,
                             "key-messages": labels.key_messages,
                             "evidence": labels.evidence}
    for target in targets.ordered:
        label = labels.caption(target.kind, target.number)
        names[target.anchor] = f"{label}: {target.title}" if target.kind != "section" \
            else f"{target.number} {target.title}".strip()
    for refs in bibliography.lists:
        for entry in refs.entries:
            names[entry.anchor] = " ".join(
                part for part in (labels.references + ":", entry.label, entry.source.title)
                if part)
            for anchor in entry.backlinks:
                names[anchor] = labels.citation_in_text

    def describe(target: str, external: bool) -> str:
        if external:
            return labels.link_to.format(target=target)
        return labels.go_to.format(target=names.get(target, target))

    return describe
