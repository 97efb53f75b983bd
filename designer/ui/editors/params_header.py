"""The parameters table's header, and how its columns share a narrow editor.

At 1000×650 the call editor is under 400 pixels wide, and seven columns
titled in words left the two that matter, *Name* and *Sample value*, too
narrow to read. The tick-box columns (*Dynamic*, *Private*, *Optional*) are
therefore headed by an icon of the app's set, as narrow as a tick box, with
the title in the tooltip, when the table is narrow; where there is room
(:meth:`ParamsHeader.set_words`) they are headed by their titles in words. The
model gives the title as the header's text either way, for screen readers
and scripts. *Type* and *Placement* are as wide as
their content, *Sample value* takes the rest, and *Name* is as wide as its
longest name within bounds that keep both titles whole.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader, QWidget

from designer.ui.infra.icons import icon

__all__ = ["ParamsHeader", "name_width"]

#: Of the room Name and Sample value share, the part Name gets when its names are short.
_NAME_SHARE = 0.4


class ParamsHeader(QHeaderView):
    """A horizontal header that draws the given sections as icons instead of their titles."""

    def __init__(self, icons: dict[int, str], parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._icons = dict(icons)  # logical section -> icon name
        #: the tick-box columns are headed by their titles (there is room), not icons
        self.words = False

    def set_words(self, words: bool) -> None:
        """Head the tick-box columns with their titles (True) or their icons (False)."""
        if words != self.words:
            self.words = words
            self.headerDataChanged(Qt.Orientation.Horizontal, 0, self.count() - 1)
            self.resizeSections()  # the columns sized to their content, now
            self.viewport().update()

    def icon_sections(self) -> list[int]:
        return list(self._icons)

    def initStyleOptionForIndex(self, option: QStyleOptionHeader, logicalIndex: int) -> None:
        super().initStyleOptionForIndex(option, logicalIndex)
        if not self.words and (name := self._icons.get(logicalIndex)) is not None:
            option.text = ""
            option.icon = icon(name)
            option.iconAlignment = Qt.AlignmentFlag.AlignCenter

    def sectionSizeFromContents(self, logicalIndex: int) -> QSize:
        size = super().sectionSizeFromContents(logicalIndex)
        if logicalIndex not in self._icons or self.words:
            return size
        style = self.style()
        side = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, self)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self)
        # Wide enough for the tick box below it too.
        box = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, self)
        return QSize(max(side, box) + 3 * margin, size.height())


def name_width(available: int, wanted: int, least: int, sample_least: int) -> int:
    """The width of the Name column when it and Sample value share ``available`` pixels.

    ``wanted`` fits the longest name, ``least`` the Name title, ``sample_least``
    the Sample value title. Short names still get a fair share of a wide table;
    a long name gives way before the sample's title would be cut.
    """
    width = min(max(wanted, int(available * _NAME_SHARE)), available - sample_least)
    return max(least, width)
