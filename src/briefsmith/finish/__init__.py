"""Finish stage: rendered PDF bytes -> PDF/A-2 bytes (or the bytes as they are).

It sits between render and write, and is the only place that imports pikepdf (a binding
of qpdf).  A PDF/A build gets what ReportLab has no API for, the archival parts
(:mod:`.archive`: an sRGB output intent, PDF/A metadata), is written again with a
content-derived ``/ID``, so the same input still gives the same bytes, and is validated
before it may claim PDF/A.  Every other build keeps ReportLab's bytes and does not load
qpdf at all: a tagged file's structure tree is written by the renderer
(:mod:`briefsmith.render.tagwriter`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pikepdf

__all__ = ["FinishedPdf", "finish_pdf"]


@dataclass(frozen=True)
class FinishedPdf:
    """The PDF as written, and why it is not PDF/A if it was asked to be."""

    data: bytes
    # Why the file cannot be called PDF/A (empty when it was not asked for or passed).
    pdfa_violations: tuple[str, ...] = ()


def finish_pdf(data: bytes, *, pdfa: bool, tagged: bool) -> FinishedPdf:
    """Make a PDF/A-2 file (when ``pdfa``; level A when the PDF is ``tagged``); a file the
    PDF/A validator does not approve comes back with the reasons."""
    if not pdfa:
        return FinishedPdf(data)
    # Imported here: a build that is not archival does not pay for loading qpdf.
    import pikepdf

    from .archive import declare_level_a, make_archival, violations

    with pikepdf.open(io.BytesIO(data)) as pdf:
        make_archival(pdf)
        finished = _save(pdf)
    problems = violations(finished)
    if problems:
        return FinishedPdf(finished, tuple(problems))
    if tagged:  # approved as 2b; with its structure it is 2a
        with pikepdf.open(io.BytesIO(finished)) as pdf:
            declare_level_a(pdf)
            finished = _save(pdf)
    return FinishedPdf(finished)


def _save(pdf: pikepdf.Pdf) -> bytes:
    from .archive import SAVE_OPTIONS

    out = io.BytesIO()
    pdf.save(out, **SAVE_OPTIONS)
    return out.getvalue()
