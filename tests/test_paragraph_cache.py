"""Paragraph markup parsed once per text and style: the same fragments as a fresh parse,
never shared between paragraphs, never across styles that differ."""

from __future__ import annotations

import pytest
from reportlab.lib.colors import red
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph as ReportLabParagraph

from briefsmith.render.paragraph import Paragraph

MARKUP = 'Jobs <b>rose</b> by <i>7%</i> <a href="#ref-1" color="blue">[1]</a>'


def _fragments(paragraph: ReportLabParagraph) -> list[dict]:
    return [dict(vars(f)) for f in paragraph.frags]


def test_a_repeated_text_gets_copies_of_a_fresh_parse() -> None:
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=10)
    fresh = ReportLabParagraph(MARKUP, style)
    first, second = Paragraph(MARKUP, style), Paragraph(MARKUP, style)
    assert _fragments(first) == _fragments(fresh) == _fragments(second)
    assert first.text == second.text == fresh.text
    # Each paragraph owns its fragments: ReportLab changes them when it splits one.
    assert not {id(f) for f in first.frags} & {id(f) for f in second.frags}


def test_an_equal_style_of_another_brief_shares_the_parse() -> None:
    one = ParagraphStyle("body", fontName="Helvetica", fontSize=10)
    other = ParagraphStyle("body", fontName="Helvetica", fontSize=10)
    assert _fragments(Paragraph(MARKUP, one)) == _fragments(Paragraph(MARKUP, other))


def test_styles_that_differ_never_share() -> None:
    small = ParagraphStyle("body", fontName="Helvetica", fontSize=10)
    large = ParagraphStyle("body", fontName="Helvetica", fontSize=14)
    coloured = ParagraphStyle("body", fontName="Helvetica", fontSize=10, textColor=red)
    Paragraph(MARKUP, small)
    assert {f.fontSize for f in Paragraph(MARKUP, large).frags} == {14}
    assert {f.textColor for f in Paragraph(MARKUP, coloured).frags
            if not getattr(f, "link", None)} == {red}


def test_a_split_paragraph_keeps_its_text() -> None:
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=12)
    text = " ".join(["A long paragraph that has to be split over two frames."] * 12)
    Paragraph(text, style)
    paragraph = Paragraph(text, style)
    paragraph.wrap(200, 1000)
    parts = paragraph.split(200, 60)
    assert len(parts) == 2
    lines = len(paragraph.blPara.lines)
    assert sum(len(part.breakLines([200]).lines) for part in parts) == lines
    again = Paragraph(text, style)  # the split did not change what later copies get
    assert _fragments(again) == _fragments(ReportLabParagraph(text, style))


def test_a_changed_bold_mapping_is_not_served_from_an_earlier_parse() -> None:
    """Faces are registered under the fonts' own names: a project whose family of that
    name has no real bold maps <b> to the regular face, and a later build in the same
    process must not reuse fragments parsed under the other mapping."""
    from briefsmith.fonts import FontFace, discover, font_dirs
    from briefsmith.render.fonts import _register_family

    faces = discover(font_dirs(None)).family("DejaVu Sans Mono")
    if faces is None:
        pytest.skip("DejaVu Sans Mono is not installed")
    regular = faces["regular"].key
    style = ParagraphStyle("body", fontName=regular, fontSize=10)
    names = _register_family(faces)
    assert {f.fontName for f in Paragraph("<b>bold</b>", style).frags} == {names["bold"]}
    one_weight: dict[str, FontFace] = dict.fromkeys(faces, faces["regular"])
    try:
        _register_family(one_weight)  # the same family name, without a bold face
        assert {f.fontName for f in Paragraph("<b>bold</b>", style).frags} == {regular}
    finally:
        _register_family(faces)
    assert {f.fontName for f in Paragraph("<b>bold</b>", style).frags} == {names["bold"]}
