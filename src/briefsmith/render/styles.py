"""Theme tokens -> ReportLab paragraph styles, built field by field.

The typed :class:`~briefsmith.theme.Theme` is the only input, so a misspelt theme key was
already an error at load time; nothing here passes a user dict to ``ParagraphStyle``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyphen
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from ..fonts import TABLES
from ..theme import Theme
from .cjk import teach_chinese_line_breaking
from .fonts import RegisteredChain
from .hyphenation import preload as preload_hyphenation


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of every kind of text, made from the theme."""

    body: ParagraphStyle
    lead: ParagraphStyle
    bullet: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    kicker: ParagraphStyle
    meta: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    box_heading: ParagraphStyle
    box_item: ParagraphStyle
    figure_value: ParagraphStyle
    figure_label: ParagraphStyle
    timeline_date: ParagraphStyle
    timeline_event: ParagraphStyle
    reference: ParagraphStyle
    reference_hanging: ParagraphStyle
    evidence_header: ParagraphStyle
    evidence_cell: ParagraphStyle
    running_left: ParagraphStyle
    running_center: ParagraphStyle
    running_right: ParagraphStyle
    caption: ParagraphStyle
    source_line: ParagraphStyle
    table_head: ParagraphStyle
    table_head_right: ParagraphStyle
    table_cell: ParagraphStyle
    table_cell_right: ParagraphStyle
    quote: ParagraphStyle
    quote_attribution: ParagraphStyle
    callout_title: ParagraphStyle
    callout_text: ParagraphStyle
    toc_title: ParagraphStyle
    toc_0: ParagraphStyle
    toc_1: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_meta: ParagraphStyle


# A bare language tag means its most common variety, as in TeX and Typst: pyphen's own
# "en" is the British dictionary, which finds far fewer breaks in American spellings.
_DEFAULT_VARIETY = {"en": "en_US", "pt": "pt_PT", "de": "de_DE"}


def hyphenation_language(tag: str) -> str:
    """The pyphen dictionary for a BCP 47 tag, or ``""`` where words do not hyphenate."""
    name = tag.replace("-", "_")
    name = _DEFAULT_VARIETY.get(name.lower(), name)
    return pyphen.language_fallback(name) or ""


def build_styles(theme: Theme, fonts: dict[str, RegisteredChain], language: str) -> Styles:
    t = theme.type
    c = theme.colours
    body_font = fonts["body"].font()
    head_font = fonts["headings"].font("bold")
    head_regular = fonts["headings"].font()
    figure_font = fonts["figures"].font("bold")
    hyphenate = hyphenation_language(language)
    if hyphenate:
        preload_hyphenation(hyphenate)
    cjk = language.lower().startswith(("zh", "ja", "ko"))
    if cjk:
        teach_chinese_line_breaking()

    def colour(value: str) -> colors.Color:
        return colors.HexColor(value)

    body = ParagraphStyle(
        "body",
        fontName=body_font,
        fontSize=t.body,
        leading=t.body * t.leading,
        textColor=colour(c.text),
        # ReportLab's CJK line breaking mis-measures justified lines that mix scripts set in
        # different fonts (a line ran 26 pt into the margin): CJK text is set flush left.
        alignment=TA_JUSTIFY if theme.justify and not cjk else TA_LEFT,
        spaceAfter=theme.spacing.paragraph,
        hyphenationLang=hyphenate,
        embeddedHyphenation=1,
        uriWasteReduce=0.3,
        wordWrap="CJK" if cjk else None,
        allowWidows=0,
        allowOrphans=0,
    )
    small = t.small
    cell = ParagraphStyle(
        "table_cell", fontName=fonts.get(TABLES, fonts["body"]).font(), fontSize=t.table,
        leading=t.table * 1.3,
        textColor=colour(c.text), alignment=TA_LEFT, hyphenationLang="",
        wordWrap="CJK" if cjk else None,
    )
    head = ParagraphStyle("table_head", parent=cell, fontName=head_font,
                          textColor=colour(c.primary))
    caption = ParagraphStyle(
        "caption", fontName=head_regular, fontSize=small + 0.5, leading=(small + 0.5) * 1.35,
        textColor=colour(c.text), alignment=TA_LEFT, spaceBefore=small * 0.5,
        spaceAfter=small * 0.6, hyphenationLang="", wordWrap="CJK" if cjk else None,
    )
    toc_0 = ParagraphStyle(
        "toc_0", fontName=head_regular, fontSize=t.body, leading=t.body * 1.35,
        textColor=colour(c.text), spaceBefore=t.body * 0.45, hyphenationLang="",
        wordWrap="CJK" if cjk else None,
    )
    return Styles(
        body=body,
        lead=ParagraphStyle(
            "lead", parent=body, fontName=fonts["headings"].font(), fontSize=t.body * 1.18,
            leading=t.body * 1.18 * 1.4, textColor=colour(c.primary), alignment=TA_LEFT,
            spaceAfter=theme.spacing.paragraph * 1.5, hyphenationLang="",
        ),
        bullet=ParagraphStyle("bullet", parent=body, spaceAfter=theme.spacing.paragraph / 2),
        title=ParagraphStyle(
            "title", fontName=head_font, fontSize=t.title, leading=t.title * 1.15,
            textColor=colour(c.primary), spaceAfter=t.title * 0.3,
            wordWrap="CJK" if cjk else None,
        ),
        subtitle=ParagraphStyle(
            "subtitle", fontName=head_regular, fontSize=t.subtitle, leading=t.subtitle * 1.3,
            textColor=colour(c.muted), spaceAfter=t.subtitle * 0.8,
        ),
        kicker=ParagraphStyle(
            "kicker", fontName=head_font, fontSize=small, leading=small * 1.3,
            textColor=colour(c.accent), spaceAfter=small, hyphenationLang="",
        ),
        meta=ParagraphStyle(
            "meta", fontName=head_regular, fontSize=small + 0.5, leading=(small + 0.5) * 1.4,
            textColor=colour(c.muted), spaceBefore=small * 0.8,
        ),
        h1=ParagraphStyle(
            "h1", fontName=head_font, fontSize=t.h1, leading=t.h1 * 1.25,
            textColor=colour(c.primary), spaceBefore=theme.spacing.section,
            spaceAfter=t.h1 * 0.55, keepWithNext=1, hyphenationLang="",
        ),
        h2=ParagraphStyle(
            "h2", fontName=head_font, fontSize=t.h2, leading=t.h2 * 1.3,
            textColor=colour(c.primary), spaceBefore=theme.spacing.block,
            spaceAfter=t.h2 * 0.4, keepWithNext=1, hyphenationLang="",
        ),
        box_heading=ParagraphStyle(
            "box_heading", fontName=head_font, fontSize=t.h2, leading=t.h2 * 1.3,
            textColor=colour(c.primary), spaceAfter=t.h2 * 0.5, hyphenationLang="",
        ),
        box_item=ParagraphStyle(
            "box_item", parent=body, alignment=TA_LEFT, spaceAfter=theme.spacing.paragraph / 2,
            hyphenationLang="",
        ),
        figure_value=ParagraphStyle(
            "figure_value", fontName=figure_font, fontSize=t.figure, leading=t.figure * 1.15,
            textColor=colour(c.primary), spaceAfter=t.figure * 0.2, hyphenationLang="",
        ),
        figure_label=ParagraphStyle(
            "figure_label", fontName=head_regular, fontSize=small + 0.5,
            leading=(small + 0.5) * 1.35, textColor=colour(c.text), alignment=TA_LEFT,
            hyphenationLang="",
        ),
        timeline_date=ParagraphStyle(
            "timeline_date", fontName=head_font, fontSize=t.body - 0.5,
            leading=t.body * t.leading, textColor=colour(c.primary), alignment=TA_RIGHT,
        ),
        timeline_event=ParagraphStyle(
            "timeline_event", parent=body, alignment=TA_LEFT, spaceAfter=0,
        ),
        reference=ParagraphStyle(
            "reference", parent=body, fontSize=small + 0.5, leading=(small + 0.5) * 1.4,
            alignment=TA_LEFT, leftIndent=22, bulletIndent=0, spaceAfter=small * 0.5,
            bulletFontName=body_font, bulletFontSize=small + 0.5,
            hyphenationLang="", uriWasteReduce=0.0,
        ),
        reference_hanging=ParagraphStyle(
            "reference_hanging", parent=body, fontSize=small + 0.5,
            leading=(small + 0.5) * 1.4, alignment=TA_LEFT, leftIndent=14,
            firstLineIndent=-14, spaceAfter=small * 0.5, hyphenationLang="",
            uriWasteReduce=0.0,
        ),
        evidence_header=ParagraphStyle(
            "evidence_header", fontName=head_font, fontSize=small, leading=small * 1.3,
            textColor=colour(c.primary), alignment=TA_LEFT, hyphenationLang="",
        ),
        evidence_cell=ParagraphStyle(
            "evidence_cell", parent=body, fontSize=small + 0.5, leading=(small + 0.5) * 1.35,
            alignment=TA_LEFT, spaceAfter=0, hyphenationLang="",
        ),
        running_left=ParagraphStyle(
            "running_left", fontName=head_regular, fontSize=small - 0.5,
            leading=(small - 0.5) * 1.2, textColor=colour(c.muted), alignment=TA_LEFT,
        ),
        running_center=ParagraphStyle(
            "running_center", fontName=head_regular, fontSize=small - 0.5,
            leading=(small - 0.5) * 1.2, textColor=colour(c.muted), alignment=TA_CENTER,
        ),
        running_right=ParagraphStyle(
            "running_right", fontName=head_regular, fontSize=small - 0.5,
            leading=(small - 0.5) * 1.2, textColor=colour(c.muted), alignment=TA_RIGHT,
        ),
        caption=caption,
        source_line=ParagraphStyle(
            "source_line", parent=caption, fontSize=small, leading=small * 1.35,
            textColor=colour(c.muted), spaceBefore=0, spaceAfter=theme.spacing.block,
        ),
        table_head=head,
        table_head_right=ParagraphStyle("table_head_right", parent=head, alignment=TA_RIGHT),
        table_cell=cell,
        table_cell_right=ParagraphStyle("table_cell_right", parent=cell, alignment=TA_RIGHT),
        quote=ParagraphStyle(
            "quote", parent=body, fontSize=t.body * 1.12, leading=t.body * 1.12 * 1.4,
            textColor=colour(c.primary), alignment=TA_LEFT, spaceAfter=t.body * 0.3,
            hyphenationLang="",
        ),
        quote_attribution=ParagraphStyle(
            "quote_attribution", fontName=head_regular, fontSize=small + 0.5,
            leading=(small + 0.5) * 1.35, textColor=colour(c.muted), alignment=TA_LEFT,
            wordWrap="CJK" if cjk else None,
        ),
        callout_title=ParagraphStyle(
            "callout_title", fontName=head_font, fontSize=t.body, leading=t.body * 1.3,
            textColor=colour(c.primary), spaceAfter=t.body * 0.3, hyphenationLang="",
            wordWrap="CJK" if cjk else None,
        ),
        callout_text=ParagraphStyle(
            "callout_text", parent=body, fontSize=t.body * 0.95,
            leading=t.body * 0.95 * t.leading, alignment=TA_LEFT, spaceAfter=0,
        ),
        toc_title=ParagraphStyle(
            "toc_title", fontName=head_font, fontSize=t.h1, leading=t.h1 * 1.25,
            textColor=colour(c.primary), spaceAfter=t.h1 * 0.5, hyphenationLang="",
        ),
        toc_0=toc_0,
        toc_1=ParagraphStyle("toc_1", parent=toc_0, fontSize=t.body * 0.92,
                             leading=t.body * 0.92 * 1.35, leftIndent=t.body * 1.8,
                             spaceBefore=t.body * 0.15, textColor=colour(c.muted)),
        cover_title=ParagraphStyle(
            "cover_title", fontName=head_font, fontSize=t.title * 1.25,
            leading=t.title * 1.25 * 1.12, textColor=colour(c.primary),
            spaceAfter=t.title * 0.5, wordWrap="CJK" if cjk else None,
        ),
        cover_subtitle=ParagraphStyle(
            "cover_subtitle", fontName=head_regular, fontSize=t.subtitle * 1.15,
            leading=t.subtitle * 1.15 * 1.35, textColor=colour(c.muted),
            spaceAfter=t.subtitle, wordWrap="CJK" if cjk else None,
        ),
        cover_meta=ParagraphStyle(
            "cover_meta", fontName=head_regular, fontSize=t.body, leading=t.body * 1.5,
            textColor=colour(c.text),
        ),
    )
