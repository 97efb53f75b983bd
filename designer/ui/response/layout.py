"""The widgets of the response panel and how they are laid out.

Kept apart from :mod:`.panel` so the panel reads as behaviour: what happens on
Initialize, on a result, on a failure. Object names are the stable names the
application's automation and tests use.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from designer.core.http.response import ResponseResult
from designer.core.inference.spec import Departure, summarize_departures
from designer.core.models import Call
from designer.ui.infra.errors import InlineMessage
from designer.ui.infra.icons import icon
from designer.ui.infra.naming import named
from designer.ui.infra.style import PRIMARY_BUTTON_STYLE
from designer.ui.response.raw_view import RawBodyPage
from designer.ui.response.structure_model import FIELD, INCLUDE, SAMPLE, TYPE, StructureModel
from designer.ui.response.type_delegate import TypeDelegate

__all__ = ["PanelLayout", "StructureTree", "panel_actions"]

_EMPTY, _CONTENT = 0, 1
#: Levels opened after an Initialize: the top fields and the fields of list items.
_EXPAND_DEPTH = 2
#: The columns of the Against spec tab.
_SPEC_COLUMNS = ("Field", "Departure", "The spec says", "The answer holds")
_NO_SPEC = "No documented structure: calls imported from an OpenAPI document have one"
_DEPARTURE_WORDS = {
    "undocumented": "not in the spec",
    "missing": "required, missing",
    "type": "other type",
    "format": "other format",
    "nullable": "null not allowed",
}
#: Of the width, what Field names may take before Type and Sample are fitted.
_FIELD_SHARE = 0.4


class StructureTree(QTreeView):
    """The structure tree, usable from the keyboard on any column of a row.

    In a tree view the arrow keys open and close nodes rather than move between
    columns, so Space toggles the row's Include box and F2 edits its Type.

    Column widths: Include fits its box; Field names take what they need up to
    a share of the view; Type and Sample are as wide as what they show within
    what is left and a cap (the tooltip shows a longer one whole); Field takes
    the rest. They are fitted again when the view is resized, a structure is
    shown or a node opened, and only grow: a call with shorter values shown
    next does not make them jump.
    """

    #: shown in an empty tree, so the first step is plain
    placeholder = "No structure yet. Press Initialize (Ctrl+Return), or Manually enter response…"

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.model() is None or self.model().rowCount() > 0:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(12, 12, -12, -12)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(area, int(flags), self.placeholder)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: the widest content seen in each column, by column
        self._seen: dict[int, int] = {}

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            for signal in (model.modelReset, model.layoutChanged):
                signal.connect(self._fit_soon)
        self.expanded.connect(self._fit_soon)

    def _fit_soon(self, *_: object) -> None:
        QTimer.singleShot(0, self, self.fit_columns)  # once the rows are laid out

    def fit_columns(self) -> None:
        head = self.header()
        rest = max(0, self.viewport().width() - head.sectionSize(INCLUDE))
        em = self.fontMetrics().horizontalAdvance("m")
        if self.model() is not None:
            # The widest seen so far: a call with shorter values does not make the
            # columns jump (they only grow, up to their caps).
            for column in (FIELD, TYPE, SAMPLE):
                seen = self._seen.get(column, 0)
                self._seen[column] = max(seen, self.sizeHintForColumn(column))

        def least(column: int) -> int:
            return max(6 * em, head.sectionSizeHint(column))

        # Field names first (up to a share), then Type, then Sample, each as wide as
        # its content within what is left; Field takes whatever remains.
        field = min(max(self._seen.get(FIELD, 0), least(FIELD)), int(rest * _FIELD_SHARE))
        room = rest - field
        kind = min(max(self._seen.get(TYPE, 0), least(TYPE)), 20 * em, room - least(SAMPLE))
        kind = max(kind, min(least(TYPE), room // 2))
        sample = min(max(self._seen.get(SAMPLE, 0), least(SAMPLE)), 22 * em, room - kind)
        sample = max(sample, min(least(SAMPLE), room - kind))
        head.resizeSection(TYPE, kind)
        head.resizeSection(SAMPLE, sample)
        head.resizeSection(FIELD, max(rest - kind - sample, 4 * em))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        plain = event.modifiers() == Qt.KeyboardModifier.NoModifier
        if index.isValid() and plain and event.key() == Qt.Key.Key_Space:
            include = index.siblingAtColumn(INCLUDE)
            checked = include.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
            state = Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
            self.model().setData(include, state.value, Qt.ItemDataRole.CheckStateRole)
            return
        if index.isValid() and plain and event.key() == Qt.Key.Key_F2:
            kind = index.siblingAtColumn(TYPE)
            if kind.flags() & Qt.ItemFlag.ItemIsEditable:
                self.setCurrentIndex(kind)
                self.edit(kind)
                return
        super().keyPressEvent(event)


class PanelLayout:
    """Builds the panel's widgets into ``panel`` and offers the view-only operations."""

    def __init__(self, panel: QWidget) -> None:
        self.initializeButton = named(QPushButton("Initialize call", panel), "initializeButton")
        self.initializeButton.setToolTip("Send the call with its sample values (Ctrl+Return)")
        self.initializeButton.setDefault(True)
        self.initializeButton.setStyleSheet(PRIMARY_BUTTON_STYLE)  # on its own, outside the window
        self.cancelButton = named(QPushButton("Cancel", panel), "cancelButton")
        self.cancelButton.setToolTip("Stop the running call (Esc)")
        self.manualButton = named(
            QPushButton("Manually enter response…", panel), "manualResponseButton"
        )
        self.manualButton.setToolTip("Paste a sample body instead of calling the API")
        self.progress = named(QProgressBar(panel), "responseProgress")
        self.progress.setRange(0, 0)  # busy indicator: the size of a response is rarely known
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(90)
        self.progress.setMaximumHeight(12)
        self.progress.setAccessibleName("Call in progress")
        self.progress.hide()
        self.cancelButton.hide()  # shown while the call on screen runs
        self.statusLabel = named(QLabel(panel), "statusLabel")
        self.statusLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusLabel.setAccessibleName("Response status")

        header = QHBoxLayout()
        for button in (self.initializeButton, self.cancelButton, self.manualButton):
            button.setAccessibleName(button.text().rstrip("…"))
            header.addWidget(button)
        header.addStretch(1)
        # The status has a row of its own: beside the buttons it is clipped in a narrow panel.
        status = QHBoxLayout()
        status.addWidget(self.statusLabel, 1)
        status.addWidget(self.progress)

        self.message = InlineMessage(panel)
        self.message.setObjectName("responseMessage")
        self.summaryLabel = named(QLabel(panel), "summaryLabel")
        self.summaryLabel.setWordWrap(True)

        self.model = StructureModel(panel)
        self.tree = named(StructureTree(panel), "responseTree")
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Response structure")
        self.tree.setToolTip("Space: include or exclude the field · F2: change its type")
        self.tree.setAlternatingRowColors(True)
        self.tree.setIndentation(14)  # deep structures keep room for their field names
        self.tree.setUniformRowHeights(True)  # lets the view skip measuring thousands of rows
        self.tree.setItemDelegateForColumn(TYPE, TypeDelegate(self.tree))
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        head = self.tree.header()
        head.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        head.setStretchLastSection(False)
        for section in (FIELD, TYPE, SAMPLE):
            head.setSectionResizeMode(section, QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(INCLUDE, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.raw = RawBodyPage(panel)
        self.headers = named(QTableWidget(0, 2, panel), "responseHeaders")
        self.headers.setHorizontalHeaderLabels(["Name", "Value"])
        self.headers.setAccessibleName("Response headers")
        self.headers.setToolTip("The headers of the last response, as received")
        self.headers.verticalHeader().hide()
        self.headers.verticalHeader().setDefaultSectionSize(self.headers.fontMetrics().height() + 8)
        self.headers.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self.headers.setAlternatingRowColors(True)
        self.headers.setWordWrap(False)
        self.headers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.headers.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.headers.horizontalHeader().setStretchLastSection(True)

        self.spec = named(QTableWidget(0, len(_SPEC_COLUMNS), panel), "specDepartures")
        self.spec.setHorizontalHeaderLabels(list(_SPEC_COLUMNS))
        self.spec.setAccessibleName("Where the answer departs from the spec")
        self.spec.verticalHeader().hide()
        self.spec.verticalHeader().setDefaultSectionSize(self.spec.fontMetrics().height() + 8)
        self.spec.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self.spec.setAlternatingRowColors(True)
        self.spec.setWordWrap(False)
        self.spec.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.spec.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for section in range(len(_SPEC_COLUMNS) - 1):
            self.spec.horizontalHeader().setSectionResizeMode(
                section, QHeaderView.ResizeMode.ResizeToContents
            )
        self.spec.horizontalHeader().setStretchLastSection(True)
        self.specSummary = named(QLabel(panel), "specSummary")
        self.specSummary.setWordWrap(True)
        self.specPage = QWidget(panel)
        spec_column = QVBoxLayout(self.specPage)
        spec_column.setContentsMargins(4, 4, 4, 4)
        spec_column.addWidget(self.specSummary)
        spec_column.addWidget(self.spec, 1)

        self.tabs = named(QTabWidget(panel), "responseTabs")
        self.tabs.addTab(self.tree, "&Structure")
        self.tabs.addTab(self.raw, "Ra&w")  # Alt+R is the call editor's Request
        self.tabs.addTab(self.headers, "He&aders")  # Alt+H opens the Help menu
        self.specTab = self.tabs.addTab(self.specPage, "A&gainst spec")  # Alt+P: Parameters

        content = QWidget(panel)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.message)
        column.addWidget(self.summaryLabel)
        column.addWidget(self.tabs, 1)
        self.emptyLabel = named(QLabel("Select a call to initialize it", panel), "emptyLabel")
        self.emptyLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.emptyLabel.setEnabled(False)  # drawn in the palette's placeholder colour
        self.stack = QStackedWidget(panel)
        self.stack.addWidget(self.emptyLabel)
        self.stack.addWidget(content)

        outer = QVBoxLayout(panel)
        outer.addLayout(header)
        outer.addLayout(status)
        outer.addWidget(self.stack, 1)

    def show_empty(self) -> None:
        self.stack.setCurrentIndex(_EMPTY)
        self.model.set_structure(None)
        self.show_response(None)
        self.message.clear()
        self.summaryLabel.clear()
        self.statusLabel.clear()

    def show_content(self) -> None:
        self.stack.setCurrentIndex(_CONTENT)

    def show_response(self, response: ResponseResult | None, kind: str = "text") -> None:
        """The raw body and headers of ``response``; None clears both."""
        if response is None:
            self.raw.clear()
            self.headers.setRowCount(0)
            return
        self.raw.show_body(response.body, kind, response.charset, response.content_type)
        self.headers.setRowCount(len(response.headers))
        for row, (name, value) in enumerate(response.headers):
            self.headers.setItem(row, 0, QTableWidgetItem(name))
            self.headers.setItem(row, 1, QTableWidgetItem(value))

    def show_departures_of(self, call: Call) -> list[Departure] | None:
        """Compare the call's structure with its documented one, beside the diff; the
        departures, or None when the call has no documentation or was not initialized."""
        from designer.core.check.drift import spec_departures

        documented, structure = call.documented, call.structure
        initialized = structure is not None and structure != documented
        found = None
        if structure is not None and initialized:
            found = spec_departures(call, structure)
        self.show_departures(None if documented is None else (found or []), initialized=initialized)
        return found

    def show_departures(self, found: list[Departure] | None, *, initialized: bool) -> None:
        """Where the answer departs from the documented structure; None: nothing documented."""
        self.spec.setRowCount(0)
        if found is None:
            self.tabs.setTabEnabled(self.specTab, False)
            self.tabs.setTabToolTip(self.specTab, _NO_SPEC)
            self.specSummary.setText(_NO_SPEC)
            return
        self.tabs.setTabEnabled(self.specTab, True)
        if not initialized:
            text = "Initialize the call to compare its real answer with the spec."
            self.tabs.setTabToolTip(self.specTab, text)
            self.specSummary.setText(text)
            return
        summary = summarize_departures(found)
        self.tabs.setTabToolTip(self.specTab, f"The last answer against the spec: {summary}")
        if not found:
            self.specSummary.setText("The last answer is as the spec documents it.")
            return
        self.specSummary.setText(
            f"The last answer departs from the spec: {summary}. The docs may be wrong, "
            "or the call's sample values differ from what the spec assumes."
        )
        self.spec.setRowCount(len(found))
        for row, departure in enumerate(found):
            cells = (
                departure.path or "(response)",
                _DEPARTURE_WORDS[departure.kind],
                departure.documented or "—",
                departure.actual or "—",
            )
            for section, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(departure))
                self.spec.setItem(row, section, item)
        self.spec.setCurrentCell(-1, -1)  # no focus frame on the first cell until clicked

    def show_pasted(self, body: bytes, kind: str) -> None:
        self.raw.show_body(body, kind)
        self.headers.setRowCount(0)

    def set_busy(self, busy: bool) -> None:
        """While the call on screen runs, Cancel takes the place of Manually enter response…"""
        self.progress.setVisible(busy)
        self.cancelButton.setVisible(busy)
        self.manualButton.setVisible(not busy)

    def reveal(self, paths: list[str]) -> None:
        """Expand the rows that hold ``paths`` (what a re-initialize changed), so they show."""
        for path in paths:
            parent = self.model.index_for_path(path).parent()
            while parent.isValid() and not self.tree.isExpanded(parent):
                self.tree.expand(parent)
                parent = parent.parent()

    def expand(self) -> None:
        """Open the first levels of the tree."""
        self.tree.expandToDepth(_EXPAND_DEPTH - 1)


def panel_actions(panel: QWidget) -> tuple[QAction, QAction]:
    """The panel's *Initialize call* (a window-wide shortcut while it is shown) and *Cancel*
    (Esc, only from within the panel: elsewhere in the window it means something else)."""
    initialize = QAction(icon("play"), "&Initialize call", panel)
    initialize.setObjectName("initializeAction")
    initialize.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
    initialize.setToolTip("Send the call with its sample values and infer the response")
    panel.addAction(initialize)
    cancel = QAction(icon("square"), "Cancel", panel)
    cancel.setShortcut(QKeySequence.StandardKey.Cancel)
    cancel.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    panel.addAction(cancel)
    return initialize, cancel
