"""Which writing systems briefsmith can typeset, and a plain reason for the ones it cannot.

ReportLab lays text out left to right, one glyph per character, with no bidirectional
algorithm and no shaping engine (its optional ``rlbidi``/``uharfbuzz`` hooks are
experimental and not installed).  A font may well *have* the glyphs (DejaVu Sans covers
Hebrew and Arabic), so the glyph-coverage check alone would pass, and the PDF would show
Hebrew backwards, Arabic letters unjoined and Devanagari vowel signs in the wrong place:
wrong text that looks plausible to someone who cannot read it.  So these characters are
refused by name, with where they occur, instead of being printed wrongly; transliterate the
text or set it in another tool until briefsmith grows a shaping engine.

Emoji joined into one picture with U+200D ZERO WIDTH JOINER (family, profession and flag
sequences) are refused for the same reason: without shaping they print as their parts.  So
are combining marks that no precomposed letter includes (text is normalised to NFC first,
so ``e`` + U+0301 is the letter ``é``, while ``n`` + U+0308 stays two characters):
ReportLab cannot position a mark over its letter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache

# Bidirectional classes of right-to-left letters and of the explicit direction controls.
_RTL_CLASSES = frozenset({"R", "AL"})
_DIRECTION_CONTROLS = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
# Scripts whose letters change shape or order in context (Unicode character-name prefixes).
_SHAPED_SCRIPTS = (
    "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA",
    "MALAYALAM", "SINHALA", "TIBETAN", "MYANMAR", "KHMER", "LAO", "THAI", "MONGOLIAN",
    "JAVANESE", "BALINESE", "SUNDANESE", "TAI THAM", "NEW TAI LUE", "BUGINESE", "LEPCHA",
    "LIMBU", "CHAKMA", "SYLOTI NAGRI", "KAITHI", "SHARADA", "TIRHUTA", "GRANTHA",
)
ZWJ = "\u200d"


def unsupported(text: str) -> Iterator[tuple[str, str, str]]:
    """``(first character, run, reason)`` for each run of ``text`` briefsmith cannot set.

    A run is a stretch of characters with the same reason (a Hebrew word, with the spaces
    between its words), so ``שלום עולם`` is one problem, not eight.
    """
    if text.isascii():  # no ASCII character is refused: the common case, decided at once
        return
    seen: set[tuple[str, str]] = set()
    index = 0
    while index < len(text):
        reason = _reason_at(text, index)
        if reason is None:
            index += 1
            continue
        end = index + 1
        while end < len(text) and (_reason_at(text, end) == reason
                                   or (text[end] == " " and end + 1 < len(text)
                                       and _reason_at(text, end + 1) == reason)):
            end += 1
        start = index - 1 if reason is COMBINING_MARK and index else index
        run = text[start:end]  # a combining mark is shown with its letter
        if (run, reason) not in seen:
            seen.add((run, reason))
            yield text[index], run, reason
        index = end


def _reason_at(text: str, index: int) -> str | None:
    char = text[index]
    return _reason(char) or (_emoji_sequence(text, index) if char == ZWJ else None)


def cannot_set(char: str) -> bool:
    """True for a character refused whatever the fonts (its run is reported instead)."""
    return _reason(char) is not None


@cache  # per distinct character: every character of every text is asked about
def _reason(char: str) -> str | None:
    bidi = unicodedata.bidirectional(char)
    if bidi in _RTL_CLASSES:
        return ("is right-to-left text, which briefsmith cannot lay out (it would print "
                "backwards and unjoined); transliterate it")
    if bidi in _DIRECTION_CONTROLS:
        return ("is a text-direction control; briefsmith lays out left-to-right text only, "
                "so remove it")
    if ord(char) >= 0x0900 and unicodedata.name(char, "").startswith(_SHAPED_SCRIPTS):
        return ("belongs to a script that needs contextual shaping, which briefsmith cannot "
                "do yet (letters would print in the wrong form or order)")
    if unicodedata.category(char) in ("Mn", "Me") and not _is_variation_selector(char):
        # Text is in NFC, so a mark left over has no precomposed letter; ReportLab has no
        # mark positioning and would print it beside the letter, or over the next one.
        return COMBINING_MARK
    return None


COMBINING_MARK = ("is a combining mark with no precomposed letter, which briefsmith cannot "
                  "place over its letter (it would print beside it); use a precomposed "
                  "letter, or write the text without it")


def _is_variation_selector(char: str) -> bool:
    """U+FE00-FE0F and U+E0100-E01EF pick a glyph's style (emoji or text); no mark."""
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _emoji_sequence(text: str, index: int) -> str | None:
    before = text[index - 1] if index else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if before == "\ufe0f" and index > 1:
        before = text[index - 2]
    if _is_pictograph(before) and _is_pictograph(after):
        return ("joins two emoji into one picture, which needs shaping briefsmith cannot do "
                "(they would print side by side); write the emoji separately or in words")
    return None


def _is_pictograph(char: str) -> bool:
    return bool(char) and (unicodedata.category(char) == "So" or 0x1F000 <= ord(char) <= 0x1FAFF)
