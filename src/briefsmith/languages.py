"""Runs of text in another language than the brief's, told by their script.

PDF/UA (ISO 14289-1, 7.2) asks that a change of natural language inside the text be
identified, so that a screen reader switches its voice: the tagged PDF gives such a run a
``Span`` with ``/Lang`` (:mod:`briefsmith.render.tagging`).  briefsmith has no markup for
a language, so the run is found by its script, and only where the script names the
language without guessing:

- Japanese kana in a run make it Japanese (``ja``), Hangul Korean (``ko``).
- Han characters alone are Chinese (``zh``) in a brief that is not in Chinese, Japanese or
  Korean; in a brief that is, they are the brief's language (Japanese and Korean write
  Han too), so they change nothing.
- Latin letters are not marked, whatever the brief's language: in Chinese text they are as
  often pinyin ("Modou Mama"), abbreviations ("GDP") or names as English, and a wrong
  ``/Lang`` would make a screen reader mispronounce what it read well in the brief's voice.
  Other scripts (Cyrillic, Greek, Arabic...) are left alone for the same reason: one
  script, many languages.

A run goes from its first to its last CJK character: spaces, digits and Western
punctuation between two of them belong to it (``魔豆妈妈 加粗`` is one run), those around
it do not (in ``“Modou Mama” (魔豆妈妈)`` the brackets are English).  CJK punctuation
belongs to a run, but punctuation alone makes none.
"""

from __future__ import annotations

import re

from .i18n import primary_language

_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff\uffa0-\uffdc"
_HAN = "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff" \
       "\uf900-\ufaff\U00020000-\U0003ffff"
_CJK_PUNCTUATION = "\u3000-\u303f\ufe30-\ufe4f\uff01-\uff65"
_WRITING = f"[{_KANA}{_HANGUL}{_HAN}]"
_CJK = f"[{_KANA}{_HANGUL}{_HAN}{_CJK_PUNCTUATION}]"
_BETWEEN = r"[\s0-9!-/:-@\[-`{-~\u00a0-\u00bf\u2000-\u206f]"
_RUN = re.compile(f"{_CJK}(?:{_BETWEEN}*{_CJK})*")
_ANY_CJK = re.compile(_CJK)
_WRITES = re.compile(_WRITING)
_HAS_KANA = re.compile(f"[{_KANA}]")
_HAS_HANGUL = re.compile(f"[{_HANGUL}]")
# The first character that can be CJK; text below it (all of Latin, Greek, Cyrillic...)
# is passed over without a search.
_FIRST = "\u1100"


def language_runs(text: str, language: str) -> list[tuple[str, str | None]] | None:
    """``text`` cut into pieces, each with the language tag of a run in another language
    than ``language`` (the brief's BCP 47 tag), or None for the brief's own; None when
    all of ``text`` is in the brief's language (the usual case, answered quickly)."""
    if not text or max(text) < _FIRST or not _ANY_CJK.search(text):
        return None
    pieces: list[tuple[str, str | None]] = []
    end = 0
    for run in _RUN.finditer(text):
        tag = _run_language(run[0], language)
        if tag is None:
            continue
        if run.start() > end:
            pieces.append((text[end:run.start()], None))
        pieces.append((run[0], tag))
        end = run.end()
    if not pieces:
        return None
    if end < len(text):
        pieces.append((text[end:], None))
    return pieces


def _run_language(run: str, language: str) -> str | None:
    """The language of a run of CJK text, or None when it is the brief's (or has no
    letters: punctuation alone)."""
    if not _WRITES.search(run):
        return None
    if _HAS_KANA.search(run):
        tag = "ja"
    elif _HAS_HANGUL.search(run):
        tag = "ko"
    elif primary_language(language) in ("zh", "ja", "ko"):
        return None  # Han in a CJK brief: the brief's own language
    else:
        tag = "zh"
    return None if primary_language(language) == tag else tag
