"""Two-column themes: the opening spans the page, everything after it flows in columns."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLE_BRIEF, Cli
from pdfinspect import Pdf


def _word_x(document: Pdf, page: int, text: str) -> float:
    words = [w for w in document.plumber.pages[page].extract_words() if w["text"] == text]
    assert words, f"'{text}' not on page {page + 1}"
    return float(words[0]["x0"])


def test_compact_theme_sets_the_sample_in_two_columns_on_two_pages(sample_project: Path,
                                                                   cli: Cli) -> None:
    result = cli("-C", sample_project, "build", "--theme", "compact")
    assert result.exit_code == 0, result.output
    document = Pdf(sample_project / "out" / f"{SAMPLE_BRIEF}.pdf")
    assert document.pages == 2
    page = document.plumber.pages[0]
    middle = float(page.width) / 2
    words = page.extract_words()
    messages = min(w["top"] for w in words if w["text"] == "messages")
    # The first section's heading, "Rural vitalization" (the key messages have "Vitalization").
    sections = min(w["top"] for w in words if w["text"] == "vitalization" and w["top"] > messages)
    # The key messages span the page: their lines run through the gutter ...
    opening = [w for w in words if messages < w["top"] < sections]
    assert any(w["x0"] < middle + 10 and w["x1"] > middle - 10 for w in opening)
    # ... and the sections below them start in the left column and continue in the right.
    rural = min(w["x0"] for w in words if w["text"] == "vitalization" and w["top"] == sections)
    healthcare = _word_x(document, 0, "Healthcare")
    assert rural < middle < healthcare
    right_column = [w for w in words if w["x0"] > middle and w["top"] > sections]
    left_column = [w for w in words if w["x1"] < middle and w["top"] > sections]
    assert len(right_column) > 100 and len(left_column) > 100
    # ... which nothing below the opening touches.
    gutter = [w for w in words if w["top"] > sections
              and w["x0"] < middle + 10 and w["x1"] > middle - 10]
    assert gutter == []
