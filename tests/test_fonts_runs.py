"""The shortcut for text that the first font covers gives the same runs as the full walk."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from briefsmith.fonts import _split_each, needs_glyph, split_runs, uncovered

ALPHABET = "ab c\u0301\u200d魔豆\u00ad-"
CHAINS = st.lists(st.frozensets(st.sampled_from([ord(c) for c in ALPHABET])), min_size=1,
                  max_size=3).map(tuple)


@given(text=st.text(alphabet=ALPHABET, max_size=30), chain=CHAINS)
def test_split_runs_equals_the_character_walk(text: str, chain: tuple) -> None:
    assert split_runs(text, chain) == _split_each(text, chain)
    assert "".join(run for run, _font in split_runs(text, chain)) == text


@given(text=st.text(alphabet=ALPHABET, max_size=30), chain=CHAINS)
def test_uncovered_lists_each_missing_character_once_in_order(text: str, chain: tuple) -> None:
    expected: list[str] = []
    for char in text:
        if needs_glyph(char) and not any(ord(char) in cps for cps in chain) \
                and char not in expected:
            expected.append(char)
    assert uncovered(text, chain) == expected
