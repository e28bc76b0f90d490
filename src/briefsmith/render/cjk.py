"""Chinese line breaking: punctuation that may not start a line.

ReportLab breaks CJK text between any two characters, except before the characters in
``reportlab.platypus.paragraph.ALL_CANNOT_START`` (such a character hangs at the end of the
line instead, as CJK typesetting does).  ReportLab's table comes from Japanese practice and
lacks the full-width punctuation Chinese uses (，；：！？） and the closing quotes and
brackets), so a Chinese line could start with a comma.  The table is data, read at each
line break; the renderer adds the missing characters to it before laying out CJK text.
"""

from __future__ import annotations

from reportlab.platypus import paragraph

# Full-width and CJK closing punctuation, closing quotes and brackets, middle dots.
CHINESE_CANNOT_START = (
    "\uff0c\uff1b\uff1a\uff01\uff1f\uff09\uff3d\uff5d\uff60\uff64\uff0e"  # ，；：！？）］｝｠､．
    "\u3009\u300b\u300d\u300f\u3011\u3015\u3017\u3019\u301b\u301e\u301f"  # 〉》」』】〕〗〙〛〞〟
    "\u2019\u201d\u2026\u00b7\u30fb"  # ’ ” … · ・
)


def teach_chinese_line_breaking() -> None:
    missing = "".join(c for c in CHINESE_CANNOT_START if c not in paragraph.ALL_CANNOT_START)
    if missing:
        paragraph.ALL_CANNOT_START += missing
