"""Runs of fonts: the shortcut for text the first font covers gives the same runs as the
full walk; styled runs draw every character with a face that has it, preferring the text's
style, and never piece a word together from two designs."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from briefsmith.fonts import (
    STYLES,
    ChainCoverage,
    _split_each,
    needs_glyph,
    split_runs,
    style_order,
)

ALPHABET = "ab c\u0301\u200d魔豆\u00ad-"
CHAINS = st.lists(st.frozensets(st.sampled_from([ord(c) for c in ALPHABET])), min_size=1,
                  max_size=3).map(tuple)


@given(text=st.text(alphabet=ALPHABET, max_size=30), chain=CHAINS)
def test_split_runs_equals_the_character_walk(text: str, chain: tuple) -> None:
    assert split_runs(text, chain) == _split_each(text, chain)
    assert "".join(run for run, _font in split_runs(text, chain)) == text


STYLED = st.fixed_dictionaries(dict.fromkeys(STYLES, CHAINS)).filter(
    lambda sets: len({len(chain) for chain in sets.values()}) == 1)


@given(text=st.text(alphabet=ALPHABET, max_size=30), sets=STYLED,
       style=st.sampled_from(STYLES), real=st.lists(st.booleans(), min_size=3, max_size=3))
def test_styled_runs_draw_each_character_with_a_face_that_has_it(
        text: str, sets: dict, style: str, real: list[bool]) -> None:
    coverage = ChainCoverage(lambda s: sets[s], lambda s: tuple(real[:len(sets[s])]))
    runs = coverage.runs(text, style)
    assert "".join(run for run, _family, _style in runs) == text
    for run, family, face_style in runs:
        for char in filter(needs_glyph, run):
            if unicodedata.combining(char):
                continue  # a combining mark goes with its base (uncovered if the base is)
            if family < 0:
                assert not coverage.covers(char)
            else:
                assert ord(char) in coverage.face_set(family, face_style)
                if face_style != style:  # another style only when no face of this one has it
                    assert not any(ord(char) in cps for cps in sets[style])
    # Each character no face has, once, in order (the validator reports these).
    assert coverage.uncovered(text) == [c for c in dict.fromkeys(text)
                                        if needs_glyph(c) and not coverage.covers(c)]


def test_bold_text_prefers_a_real_complete_bold_face() -> None:
    """Family 0's bold is a stand-in (or lacks most letters): bold text goes to family 1's
    bold; a character only family 0 has still comes from it rather than from a box."""
    latin, full = frozenset(map(ord, "abc 12")), frozenset(map(ord, "abcó 12–"))
    coverage = ChainCoverage(lambda _style: (latin | {ord("ø")}, full),
                             lambda style: (style != "bold", True))
    assert coverage.runs("abc", "bold") == [("abc", 1, "bold")]
    assert coverage.runs("abc", "regular") == [("abc", 0, "regular")]
    assert coverage.runs("a ø", "bold") == [("a ", 1, "bold"), ("ø", 0, "bold")]
    assert coverage.runs("aø", "bold") == [("aø", 0, "bold")]  # one word, one design


def test_a_word_is_not_pieced_together_from_two_designs() -> None:
    primary, fallback = frozenset(map(ord, "Informacin 2017-20")), frozenset(
        map(ord, "Informacióné 2017–20"))
    coverage = ChainCoverage.uniform((primary, fallback))
    assert coverage.runs("Información 2017–2020") == [
        ("Información", 1, "regular"), (" 2017", 0, "regular"), ("–", 1, "regular"),
        ("2020", 0, "regular")]


def test_a_missing_bold_glyph_falls_back_to_the_nearest_style() -> None:
    """No face of the chain has "ó" in bold: the regular face draws it, not a box."""
    regular, bold = frozenset(map(ord, "acin ó")), frozenset(map(ord, "acin "))
    coverage = ChainCoverage(lambda style: (bold if "bold" in style else regular,))
    assert coverage.runs("acción", "bold") == [("acci", 0, "bold"), ("ó", 0, "regular"),
                                               ("n", 0, "bold")]
    assert style_order("bold") == ("bold", "regular", "bolditalic", "italic")
    assert style_order("bolditalic") == ("bolditalic", "italic", "bold", "regular")
