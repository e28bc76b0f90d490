"""PDF/A-2: the archival additions, and the check that refuses a false claim.

pikepdf's PDF/A module does the repairs a ReportLab file needs (an sRGB output intent from
the profile it ships, the Print flag on link annotations, a base encoding for TrueType
subsets) and validates the written bytes with an allow-list built from the veraPDF rules
for PDF/A-2b: it approves a file only when every construct in it is known to conform.
Level A adds the tagged structure (written by the renderer,
:mod:`briefsmith.render.tagwriter`, and checked by our own tests, since no validator for
it is available); we only declare it when the file is tagged.

Everything is kept reproducible: the XMP metadata dates are the document's own dates (not
the time of the build) and the producer is the one ReportLab recorded.
"""

from __future__ import annotations

import io

import pikepdf

# Content-derived /ID (reproducible bytes); small dictionaries (the structure tree's, the
# fonts' widths) go into compressed object streams (PDF 1.5, allowed in PDF/A-2).
SAVE_OPTIONS = {"deterministic_id": True, "compress_streams": True,
                "object_stream_mode": pikepdf.ObjectStreamMode.generate}


def make_archival(pdf: pikepdf.Pdf) -> None:
    """Turn ``pdf`` into a PDF/A-2b candidate, in memory (see :func:`declare_level_a`)."""
    from pikepdf import pdfa  # imported on demand: it loads JSON schemas and rules

    producer = str(pdf.docinfo.get("/Producer", ""))
    for page in pdf.pages:
        # ReportLab writes an empty page transition (a slide-show effect): meaningless on
        # paper, and a key the validator does not vouch for.
        if "/Trans" in page.obj and not len(page.obj.Trans):
            del page.obj.Trans
    pdfa.prepare(pdf, "2b", output_intent="sRGB",
                 output_condition_identifier="sRGB IEC61966-2.1")
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        if producer:
            meta["pdf:Producer"] = producer
        modified = meta.get("xmp:ModifyDate")
        if modified:
            meta["xmp:MetadataDate"] = modified


def declare_level_a(pdf: pikepdf.Pdf) -> None:
    """Claim PDF/A-2a: level B (validated) plus the tagged structure (written by the
    renderer and checked by our own tests, since the validator checks level B only)."""
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:conformance"] = "A"


def violations(data: bytes) -> list[str]:
    """What keeps the written bytes from PDF/A-2b, per the validator (empty: approved)."""
    from pikepdf import pdfa

    report = pdfa.validate_written(io.BytesIO(data), "2b",
                                   save_kwargs=pdfa.resolve_save_kwargs("2b", **SAVE_OPTIONS))
    if report.passed:
        return []
    return [f"{finding.message} ({finding.rule}, {finding.where})"
            for finding in report.findings] or ["the validator did not approve the file"]

