"""User text reaches ReportLab markup only escaped: whatever it contains, ReportLab parses
the markup and the paragraph shows exactly the user's text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from briefsmith.inline import parse_rich_text
from briefsmith.model import Link, RichText, Text
from briefsmith.render.fonts import RegisteredChain
from briefsmith.render.markup import MarkupWriter

ALL = frozenset(range(0x110000))
WRITER = MarkupWriter(
    RegisteredChain(({"regular": "Helvetica", "bold": "Helvetica-Bold",
                      "italic": "Helvetica-Oblique", "bolditalic": "Helvetica-BoldOblique"},),
                    (ALL,)),
    link_colour="#0000FF",
)
STYLE = ParagraphStyle("t", fontName="Helvetica")
# Characters ReportLab's markup parser cannot carry at all (XML forbids them).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200)


def shown(markup: str) -> str:
    paragraph = Paragraph(markup, STYLE)
    return "".join(frag.text for frag in paragraph.frags)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_ampersand_and_tags_are_text() -> None:
    for text in ("R&D", "a < b > c", '<img src="/etc/passwd"/>', "&amp; &nbsp; &#169;",
                 "<a href='javascript:x'>x</a>", "<font name='Courier'>x</font>"):
        assert shown(WRITER.text(text)) == text


def test_unsafe_link_is_written_as_plain_text() -> None:
    markup = WRITER.rich(RichText((Link((Text("click"),), "javascript:alert(1)"),)))
    assert markup == "click"
    assert "href" not in WRITER.rich(RichText((Link((Text("f"),), "file:///etc/passwd"),)))


def test_link_target_is_escaped_in_the_attribute() -> None:
    markup = WRITER.rich(RichText((Link((Text("x"),), 'https://e.org/?a=1&b="2"'),)))
    assert 'href="https://e.org/?a=1&amp;b=&quot;2&quot;"' in markup
    assert shown(markup) == "x"


@given(TEXT)
def test_any_plain_text_round_trips(text: str) -> None:
    assert squash(shown(WRITER.text(text))) == squash(text)


@given(TEXT)
def test_any_inline_text_renders_as_markup_reportlab_accepts(text: str) -> None:
    rich, _problems = parse_rich_text(text)
    shown(WRITER.rich(rich))  # must not raise
