"""The parameters table as a widget: the table view with Add and Remove buttons."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from designer.core.models import Placement
from designer.core.secrets.store import SecretStore
from designer.ui.editors.params_header import ParamsHeader, name_width
from designer.ui.editors.params_table import (
    ALL_COLUMNS,
    DYNAMIC,
    NAME,
    OPTIONAL,
    PLACEMENT,
    PRIVATE,
    TYPE,
    VALUE,
    ParamsTableModel,
    PlacementDelegate,
    SampleDelegate,
    TypeDelegate,
)

__all__ = ["ParamsTable"]

#: Room kept for reading a sample before the tick-box columns take words for titles.
_SAMPLE_ROOM = 160
#: The icons that head the tick-box columns (their titles are in the tooltips).
_FLAG_ICONS = {DYNAMIC: "variable", PRIVATE: "lock", OPTIONAL: "circle-dashed"}


class ParamsTable(QWidget):
    """A parameters table; ``view_name`` is the table view's objectName."""

    def __init__(
        self,
        view_name: str,
        accessible_name: str,
        secrets: SecretStore,
        columns: Sequence[int] = ALL_COLUMNS,
        default_placement: Placement = Placement.QUERY,
        parent: QWidget | None = None,
        value_title: str = "Sample value",
    ) -> None:
        super().__init__(parent)
        self.model = ParamsTableModel(columns, secrets, default_placement, self, value_title)
        self.view = QTableView(self)
        self.view.setObjectName(view_name)
        self.view.setAccessibleName(accessible_name)
        self.view.setToolTip(
            f"{accessible_name}: type or press F2 to edit a cell, Space to tick a box, "
            "Insert to add a row, Delete to remove"
        )
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        self.view.setWordWrap(False)
        self.view.setItemDelegateForColumn(self.model.column_of(VALUE), SampleDelegate(self.view))
        if PLACEMENT in columns:
            self.view.setItemDelegateForColumn(
                self.model.column_of(PLACEMENT), PlacementDelegate(self.view)
            )
        if TYPE in columns:
            self.view.setItemDelegateForColumn(self.model.column_of(TYPE), TypeDelegate(self.view))
        header = ParamsHeader(
            {self.model.column_of(f): name for f, name in _FLAG_ICONS.items() if f in columns},
            self.view,
        )
        self.view.setHorizontalHeader(header)
        header.setHighlightSections(False)
        if TYPE in columns and VALUE in columns:
            # Shown next to the sample it describes; the model keeps it last.
            header.moveSection(
                header.visualIndex(self.model.column_of(TYPE)),
                header.visualIndex(self.model.column_of(VALUE)) + 1,
            )
        # The sample takes the width left; Name is fitted to its names (see _fit_columns);
        # the others are as wide as their content, the tick boxes as their icon.
        for column, field in enumerate(columns):
            mode = {
                VALUE: QHeaderView.ResizeMode.Stretch,
                NAME: QHeaderView.ResizeMode.Interactive,
            }.get(field, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(column, mode)
        # A width the user drags Name to is kept until another call is shown.
        self._fitting, self._name_dragged = False, False
        header.sectionResized.connect(self._name_resized)
        self.model.modelReset.connect(lambda: self._fit_columns(reset=True))
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.dataChanged):
            signal.connect(lambda *_: self._fit_columns())
        self.view.viewport().installEventFilter(self)

        self.add_button = QPushButton("Add", self)
        self.add_button.setToolTip(f"Add a row to {accessible_name.lower()} (Insert)")
        self.add_button.setAccessibleName(f"Add to {accessible_name.lower()}")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setToolTip("Remove the selected rows (Delete)")
        self.remove_button.setAccessibleName(f"Remove from {accessible_name.lower()}")
        self.remove_button.clicked.connect(self.remove_selected)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

        # Keyboard equivalents of the buttons, active while the table has focus.
        for keys, slot in (
            (Qt.Key.Key_Insert, self.add_row),
            (QKeySequence.StandardKey.Delete, self.remove_selected),
        ):
            action = QAction(self.view)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.view.addAction(action)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addLayout(buttons)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self._fit_columns()
        return False

    def _name_resized(self, column: int, _old: int, _new: int) -> None:
        if column == self.model.column_of(NAME) and not self._fitting:
            self._name_dragged = True

    def _fit_columns(self, reset: bool = False) -> None:
        """Share the width left by the other columns between Name and Sample value."""
        self._name_dragged &= not reset
        if self._name_dragged:
            return
        header = self.view.horizontalHeader()
        name, value = self.model.column_of(NAME), self.model.column_of(VALUE)
        if isinstance(header, ParamsHeader):
            header.set_words(self._words_fit(header, name, value))
        others = sum(header.sectionSize(c) for c in range(header.count()) if c not in (name, value))
        width = name_width(
            self.view.viewport().width() - others,
            wanted=self.view.sizeHintForColumn(name),
            least=header.sectionSizeHint(name),
            sample_least=header.sectionSizeHint(value),
        )
        self._fitting = True
        try:
            header.resizeSection(name, width)
        finally:
            self._fitting = False

    def _words_fit(self, header: ParamsHeader, name: int, value: int) -> bool:
        """Whether the tick-box columns can be titled in words and Name and Sample value
        still have room for their titles and a readable sample."""
        icons = header.icon_sections()
        if not icons:
            return False
        metrics = header.fontMetrics()
        margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        words = sum(
            metrics.horizontalAdvance(str(self.model.headerData(c, Qt.Orientation.Horizontal)))
            + 4 * margin
            for c in icons
        )
        rest = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c not in (name, value) and c not in icons
        )
        least = header.sectionSizeHint(name) + max(header.sectionSizeHint(value), _SAMPLE_ROOM)
        return self.view.viewport().width() - rest - words >= least

    def add_row(self) -> None:
        row = self.model.add_parameter()
        index = self.model.index(row, self.model.column_of(NAME))
        self.view.setCurrentIndex(index)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.view.edit(index)

    def remove_selected(self) -> None:
        rows = [i.row() for i in self.view.selectionModel().selectedRows()]
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        self.model.remove_rows(rows)

    def _update_buttons(self, *_: object) -> None:
        self.remove_button.setEnabled(self.view.selectionModel().hasSelection())
