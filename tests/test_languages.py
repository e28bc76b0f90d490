"""Runs of text in another language, told by their script (briefsmith.languages): what
the tagged PDF marks with a Span and /Lang (see test_tagged for the PDF itself)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefsmith.languages import language_runs

_CJK = "\u3002\u4e00\u4e8c\u9b54\u3042\u30a2\uac00\ud55c\uff0c"


@pytest.mark.parametrize(("text", "language", "runs"), [
    ("No CJK at all, café, Ελλάδα, Москва", "en", None),
    ("“Modou Mama” (魔豆妈妈) project", "en",
     [("“Modou Mama” (", None), ("魔豆妈妈", "zh"), (") project", None)]),
    ("魔豆妈妈 加粗, y 魔豆", "es", [("魔豆妈妈 加粗", "zh"), (", y ", None), ("魔豆", "zh")]),
    ("Tokyo (東京は), Seoul (서울)", "en-GB",
     [("Tokyo (", None), ("東京は", "ja"), ("), Seoul (", None), ("서울", "ko"), (")", None)]),
    ("魔豆妈妈项目，2006年", "de", [("魔豆妈妈项目，2006年", "zh")]),
    ("Text「」。", "en", None),  # CJK punctuation alone is no language
    # Han is the brief's own language in a Chinese, Japanese or Korean brief; Latin
    # letters are never marked (pinyin, names and abbreviations are not English).
    ("魔豆妈妈项目 Modou Mama GDP", "zh-CN", None),
    ("東京都の魔豆", "ja", None),
    ("韓國 한국", "ko", None),
    ("中文和ひらがな", "zh-Hans", [("中文和ひらがな", "ja")]),
    ("中文 한국어", "ja", [("中文 한국어", "ko")]),
])
def test_runs(text: str, language: str, runs: list | None) -> None:
    assert language_runs(text, language) == runs


@given(st.text(alphabet=st.sampled_from("ab (),.1 \n" + _CJK)),
       st.sampled_from(["en", "es", "zh", "zh-CN", "ja", "ko"]))
def test_runs_cut_the_text_and_never_name_the_brief_language(text: str,
                                                             language: str) -> None:
    runs = language_runs(text, language)
    if runs is None:
        return
    assert "".join(piece for piece, _lang in runs) == text
    assert all(piece for piece, _lang in runs)
    tags = [lang for _piece, lang in runs]
    assert any(tags) and language.split("-")[0] not in tags
    for (_piece, lang), (_next, following) in pairwise(runs):
        assert lang is None or following is None  # runs are maximal...
    for piece, lang in runs:  # ...and start and end on CJK characters
        if lang is not None:
            assert piece[0] in _CJK and piece[-1] in _CJK
