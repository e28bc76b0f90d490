"""Finish stage: rendered PDF bytes + recorded structure -> tagged and/or PDF/A bytes.

It sits between render and write, and is the only place that imports pikepdf (a binding
of qpdf): ReportLab writes the pages, this stage adds what ReportLab has no API for, the
structure tree (:mod:`.tags`) and the archival parts (:mod:`.archive`), and writes the file
again with a content-derived ``/ID``, so the same input still gives the same bytes.  An
untagged, non-archival build skips this stage and keeps ReportLab's bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..structure import StructureTree

if TYPE_CHECKING:
    import pikepdf

__all__ = ["FinishedPdf", "finish_pdf"]


@dataclass(frozen=True)
class FinishedPdf:
    data: bytes
    # Why the file cannot be called PDF/A (empty when it was not asked for or passed).
    pdfa_violations: tuple[str, ...] = ()


def finish_pdf(data: bytes, structure: StructureTree | None, *, pdfa: bool) -> FinishedPdf:
    """Add the structure tree (when ``structure`` is given) and make a PDF/A-2 file (when
    ``pdfa``); a file the PDF/A validator does not approve comes back with the reasons."""
    if structure is None and not pdfa:
        return FinishedPdf(data)
    # Imported here: an untagged, non-archival build does not pay for loading qpdf.
    import pikepdf

    from .archive import declare_level_a, make_archival, violations, write_metadata
    from .tags import write_structure

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if structure is not None:
            write_structure(pdf, structure)
        write_metadata(pdf)
        if pdfa:
            make_archival(pdf)
        finished = _save(pdf)
    if not pdfa:
        return FinishedPdf(finished)
    problems = violations(finished)
    if problems:
        return FinishedPdf(finished, tuple(problems))
    if structure is not None:  # approved as 2b; with its structure it is 2a
        with pikepdf.open(io.BytesIO(finished)) as pdf:
            declare_level_a(pdf)
            finished = _save(pdf)
    return FinishedPdf(finished)


def _save(pdf: pikepdf.Pdf) -> bytes:
    from .archive import SAVE_OPTIONS

    out = io.BytesIO()
    pdf.save(out, **SAVE_OPTIONS)
    return out.getvalue()
