"""Keep headings and captions with what follows, without pushing long content to a new page.

ReportLab implements ``keepWithNext`` by wrapping a heading and the next flowable in a
``KeepTogether``, which moves *both* to the next page whenever the pair does not fit, so a
heading followed by a long table leaves most of a page empty.  :class:`KeepWithNext` keeps
the rule (no heading alone at the bottom of a page) but lets the follower split: the
heading stays here when the first piece of what follows (two lines of a paragraph, the
header and a row of a table) fits below it, and moves with it otherwise.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether
from reportlab.platypus.doctemplate import ActionFlowable, FrameBreak
from reportlab.platypus.flowables import _listWrapOn


class KeepWithNext(KeepTogether):
    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (available_width, available_height):
            self.wrap(available_width, available_height)
        content = self._content[:]
        if available_height >= self._H:
            return content
        frame = getattr(self, "_frame", None)
        if frame is not None and getattr(frame, "_atTop", False):
            return content  # a fresh page can do no better: let the pieces split
        head, follower = content[:-1], content[-1]
        _width, head_height = _listWrapOn(head, available_width, self.canv)
        room = available_height - head_height - _gap(head[-1], follower)
        if room > 0:
            follower.wrapOn(self.canv, available_width, room)
            parts = follower.splitOn(self.canv, available_width, room)
            if parts and not isinstance(parts[0], ActionFlowable):
                return [*head, *parts]
        return [FrameBreak(), *content]


def _gap(before: Flowable, after: Flowable) -> float:
    return max(before.getSpaceAfter(), after.getSpaceBefore())
