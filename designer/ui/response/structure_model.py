"""The structure tree: a Qt item model over the core's :class:`~designer.core.structure.Shape`.

Columns are Field | Type | Sample | Include, as in Bubble's returned-values
dialog. Each index stores its :class:`_Node` (napari's adapter pattern); nodes
are created only when their parent is expanded, in batches through
``canFetchMore``/``fetchMore``, so an object with ten thousand fields expands
at once. A list has one child, ``[] item``, because its shape describes all
items however many there were; a map likewise has one child, ``[key] value``,
however many keys it had. An object the user marked as a map shows that
child (the merge of its fields) instead of its fields. After a re-initialize, a field that is gone
stays in the tree as a struck-out *removed* row (not editable, not included)
where it used to be, so added, changed and removed fields all read in place.

The model never edits the call itself. A type or include change computes the
call's new overrides (keyed by :func:`~designer.core.structure.child_path`
paths, as the core's ``walk`` yields them) and emits :attr:`overridesEdited`;
the panel turns that into a new call for the undo stack and hands the result
back through :meth:`set_overrides`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from designer.core.inference import Change, map_values
from designer.core.structure import FieldOverride, Shape, TextFormat, ValueType, child_path
from designer.ui.response import presentation as present

__all__ = ["COLUMNS", "StructureModel"]

COLUMNS = ("Field", "Type", "Sample", "Include")
FIELD, TYPE, SAMPLE, INCLUDE = range(4)
#: Rows created per fetchMore: enough to fill any screen, cheap to lay out.
BATCH = 500

AnyIndex = QModelIndex | QPersistentModelIndex
# Qt's C++ default argument; a module constant because it is immutable.
_TOP = QModelIndex()


class _Node:
    """One row: a shape at a path, its parent, and the children created so far."""

    __slots__ = (
        "children",
        "name",
        "parent",
        "parent_count",
        "path",
        "pending",
        "removed",
        "row",
        "shape",
    )

    def __init__(
        self,
        name: str,
        path: str,
        shape: Shape,
        parent: _Node | None,
        row: int,
        parent_count: int,
        removed: Change | None = None,
    ) -> None:
        self.name, self.path, self.shape = name, path, shape
        self.parent, self.row, self.parent_count = parent, row, parent_count
        #: set on the row of a field the last re-initialize no longer found
        self.removed = removed
        self.children: list[_Node] = []
        # Specs of children not created yet; None until first needed.
        self.pending: list[_Spec] | None = None

    def specs(
        self, removed: Mapping[str, list[Change]], overrides: Mapping[str, FieldOverride]
    ) -> list[_Spec]:
        if self.pending is None:
            as_map = _kind(overrides.get(self.path)) is ValueType.MAP
            self.pending = [
                *_child_specs(self.path, self.shape, as_map),
                *_removed_specs(removed, self),
            ]
            self.pending.reverse()  # popped from the end, in field order
        return self.pending


#: (name, path, shape, count of the holder, the removal it shows or None) of a row to create
_Spec = tuple[str, str, Shape, int, Change | None]
_GONE = Shape(type=ValueType.UNKNOWN, count=0)


def _removed_specs(removed: Mapping[str, list[Change]], node: _Node) -> Iterator[_Spec]:
    if node.removed is not None:
        return
    for change in removed.get(node.path, ()):
        name = "[] item" if change.name is None else change.name
        yield name, change.path, _GONE, 0, change


def _kind(override: FieldOverride | None) -> ValueType | None:
    """The user's choice of *map* or *object*, if that is what ``override`` says."""
    if override is None or override.type not in (ValueType.MAP, ValueType.OBJECT):
        return None
    return override.type


def _child_specs(path: str, shape: Shape, as_map: bool = False) -> Iterator[_Spec]:
    """(name, path, shape, count of the holder) of each child, as the core's walk orders them.

    With ``as_map`` an object shows one child, the merge of its fields, as the
    JSON Schema export writes it.
    """
    if as_map and shape.type is ValueType.OBJECT:
        values = map_values(shape)
        if values is not None and values.type is not ValueType.UNKNOWN:
            yield "[key] value", child_path(path, None), values, 0, None
        return
    if shape.fields:
        for name, child in shape.fields.items():
            yield name, child_path(path, name), child, shape.count, None
    if shape.items is not None and shape.items.type is not ValueType.UNKNOWN:
        # Holder count 0: "seen in n of m" is about fields of objects, not list items.
        name = "[key] value" if shape.type is ValueType.MAP else "[] item"
        yield name, child_path(path, None), shape.items, 0, None
    for variant in shape.variants or ():
        yield from _child_specs(path, variant)
    if shape.embedded is not None:
        yield from _child_specs(path, shape.embedded)


def _root_for(shape: Shape) -> _Node:
    """The invisible root; a body without fields (text, binary, a number) gets one row."""
    root = _Node("", "", shape, None, 0, shape.count)
    # A body that is a map gets its own row too, to show its key count and be a choice.
    if not _has_children(shape) or shape.type is ValueType.MAP:
        holder = Shape(type=ValueType.OBJECT, count=1)
        root = _Node("", "", holder, None, 0, 1)
        root.pending = [("(body)", "", shape, 0, None)]
    return root


def _has_children(shape: Shape) -> bool:
    return any(True for _ in _child_specs("", shape))


class StructureModel(QAbstractItemModel):
    """The inferred structure of a call's response, with the user's overrides."""

    overridesEdited = Signal(object)  # dict[str, FieldOverride]: the call's new overrides

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root: _Node | None = None
        self._overrides: dict[str, FieldOverride] = {}
        self._changes: dict[str, Change] = {}
        self._removed: dict[str, list[Change]] = {}  # removed fields by the path of their holder
        self._fetching = False
        #: words marking a field after its type, by path (the stream's text field)
        self._marks: dict[str, str] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._struck = QFont()
        self._struck.setStrikeOut(True)

    # -- content ----------------------------------------------------------------------

    def set_structure(
        self,
        shape: Shape | None,
        overrides: Mapping[str, FieldOverride] | None = None,
        changes: list[Change] | None = None,
    ) -> None:
        """Show ``shape``; ``changes`` (from a re-initialize) are highlighted."""
        self.beginResetModel()
        self._root = None if shape is None else _root_for(shape)
        self._overrides = dict(overrides or {})
        self._set_changes(changes)
        self.endResetModel()

    def set_overrides(self, overrides: Mapping[str, FieldOverride]) -> None:
        """Show new overrides (after an edit, undo or redo) without collapsing the tree."""
        if dict(overrides) == self._overrides:
            return
        before = self._overrides
        self._overrides = dict(overrides)
        for path in set(before) | set(self._overrides):
            if _kind(before.get(path)) is not _kind(self._overrides.get(path)):
                self._regrow(path)
        self._refresh_all()

    def _set_changes(self, changes: list[Change] | None) -> None:
        self._changes, self._removed = {}, {}
        for change in changes or ():
            if change.kind != "removed":
                self._changes[change.path] = change
            elif change.parent is not None:
                self._removed.setdefault(change.parent, []).append(change)

    def set_marks(self, marks: Mapping[str, str]) -> None:
        """Words marking the fields at these paths (e.g. *stream text*), after their type."""
        if dict(marks) != self._marks:
            self._marks = dict(marks)
            self._refresh_all()

    def marks(self) -> dict[str, str]:
        return dict(self._marks)

    def shape(self) -> Shape | None:
        return None if self._root is None else self._root.shape

    def overrides(self) -> dict[str, FieldOverride]:
        return dict(self._overrides)

    def shape_at(self, index: AnyIndex) -> Shape | None:
        """The shape of the row at ``index`` (None for a removed field or no row)."""
        node = self._node(index) if index.isValid() else None
        return None if node is None or node.removed is not None else node.shape

    def path(self, index: AnyIndex) -> str:
        node = self._node(index)
        return "" if node is None else node.path

    def index_for_path(self, path: str, column: int = FIELD) -> QModelIndex:
        """The index of the node at ``path``, creating rows on the way; invalid if absent."""
        parent = QModelIndex()
        node = self._root
        while node is not None and node.path != path:
            found = None
            while True:
                for child in node.children:
                    if path == child.path or _is_under(path, child.path):
                        found = child
                        break
                if found is not None or not self.canFetchMore(parent):
                    break
                self.fetchMore(parent)
            if found is None:
                return QModelIndex()
            node = found
            parent = self.createIndex(found.row, FIELD, found)
        return self.createIndex(node.row, column, node) if node and node.path else QModelIndex()

    # -- structure of the model -------------------------------------------------------

    def _node(self, index: AnyIndex) -> _Node | None:
        if not index.isValid():
            return self._root
        return index.internalPointer()  # type: ignore[no-any-return]

    def index(self, row: int, column: int, parent: AnyIndex = _TOP) -> QModelIndex:
        node = self._node(parent)
        if node is None or not (0 <= row < len(node.children)) or not 0 <= column < len(COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: AnyIndex = _TOP) -> QModelIndex:  # type: ignore[override]
        node = self._node(index) if index.isValid() else None
        if node is None or node.parent is None or node.parent is self._root:
            return QModelIndex()
        return self.createIndex(node.parent.row, FIELD, node.parent)

    def rowCount(self, parent: AnyIndex = _TOP) -> int:
        if parent.column() > 0:
            return 0
        node = self._node(parent)
        return 0 if node is None else len(node.children)

    def columnCount(self, parent: AnyIndex = _TOP) -> int:
        return len(COLUMNS)

    def hasChildren(self, parent: AnyIndex = _TOP) -> bool:
        if parent.column() > 0:
            return False
        node = self._node(parent)
        if node is None:
            return False
        if node.removed is not None:
            return False  # the row of a field that is gone
        return bool(node.children) or _has_children(node.shape) or node.path in self._removed

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.column() > 0:
            return False
        node = self._node(parent)
        return node is not None and bool(node.specs(self._removed, self._overrides))

    def fetchMore(self, parent: AnyIndex) -> None:
        node = self._node(parent)
        # Views and model checkers may ask for more from inside the insert signals.
        if node is None or not node.specs(self._removed, self._overrides) or self._fetching:
            return
        pending = node.pending
        assert pending is not None
        count = min(BATCH, len(pending))
        first = len(node.children)
        self._fetching = True
        try:
            self.beginInsertRows(parent, first, first + count - 1)
            for row in range(first, first + count):
                name, path, shape, holder, removed = pending.pop()
                node.children.append(_Node(name, path, shape, node, row, holder, removed))
            self.endInsertRows()
        finally:
            self._fetching = False

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    # -- cells ------------------------------------------------------------------------

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        node = self._node(index) if index.isValid() else None
        if node is None:
            return Qt.ItemFlag.NoItemFlags
        if node.removed is not None:
            return flags  # a field that is gone: nothing to choose
        if index.column() == INCLUDE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        elif index.column() == TYPE and present.type_editable(node.shape):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self._node(index) if index.isValid() else None
        if node is None:
            return None
        column = index.column()
        if node.removed is not None:
            return self._removed_data(node, node.removed, column, role)
        override = self._overrides.get(node.path)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == FIELD:
                return present.field_text(node.name, override)
            if column == TYPE:
                return self._type_text(node, override)
            if column == SAMPLE:
                return present.sample_text(node.shape)
            return None
        if role == Qt.ItemDataRole.EditRole and column == TYPE:
            return present.type_choice(node.shape, override)
        if role == present.CHOICES_ROLE and column == TYPE:
            return present.type_choices(node.shape)
        if role == Qt.ItemDataRole.CheckStateRole and column == INCLUDE:
            included = override is None or override.include
            return Qt.CheckState.Checked if included else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return present.tooltip(
                node.path, node.shape, node.parent_count, override, self._changes.get(node.path)
            )
        if role == Qt.ItemDataRole.BackgroundRole:
            change = self._changes.get(node.path)
            if change is None or (change.kind in present.TYPE_CELL_CHANGES and column != TYPE):
                return None
            return present.change_brush(change)
        if role == Qt.ItemDataRole.ForegroundRole and self._excluded(node):
            return present.excluded_brush()
        if role == Qt.ItemDataRole.FontRole and column == TYPE and override and override.type:
            return self._bold
        if role == Qt.ItemDataRole.FontRole and column == FIELD and node.path in self._marks:
            return self._bold
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{node.path or node.name}: {self._type_text(node, override)}"
        return None

    def _type_text(self, node: _Node, override: FieldOverride | None) -> str:
        """The type with its markers, and the words marking the field, if any."""
        text = present.type_text(node.shape, override)
        mark = self._marks.get(node.path)
        return text if mark is None else f"{text} · {mark}"

    def _removed_data(self, node: _Node, change: Change, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (node.name, change.before, "removed", None)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return present.tooltip(node.path, node.shape, 0, None, change)
        if role == Qt.ItemDataRole.BackgroundRole:
            return present.change_brush(change)
        if role == Qt.ItemDataRole.FontRole and column == FIELD:
            return self._struck
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{node.path}: removed (was {change.before})"
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        node = self._node(index) if index.isValid() else None
        if node is None or node.removed is not None:
            return False
        current = self._overrides.get(node.path) or FieldOverride()
        if index.column() == INCLUDE and role == Qt.ItemDataRole.CheckStateRole:
            include = Qt.CheckState(value) == Qt.CheckState.Checked
            edited = FieldOverride(current.type, current.format, include, current.label)
        elif index.column() == TYPE and role == Qt.ItemDataRole.EditRole:
            choice = present.parse_choice(str(value))
            if (
                choice is None
                or not present.type_editable(node.shape)
                or str(value) not in present.type_choices(node.shape)
            ):
                return False
            kind: ValueType | None = choice[0]
            fmt: TextFormat | None = choice[1]
            if (kind, fmt) == (node.shape.type, node.shape.format):
                kind, fmt = None, None  # back to what was detected: no override needed
            edited = FieldOverride(kind, fmt, current.include, current.label)
        else:
            return False
        overrides = dict(self._overrides)
        if edited == FieldOverride():
            overrides.pop(node.path, None)
        else:
            overrides[node.path] = edited
        if overrides == self._overrides:
            return False
        regrow = _kind(self._overrides.get(node.path)) is not _kind(overrides.get(node.path))
        self._overrides = overrides
        if regrow:  # map or object: the children differ
            self._regrow(node.path)
        # Excluding a node greys its whole subtree.
        self._refresh_all()
        self.overridesEdited.emit(dict(overrides))
        return True

    # -- helpers ----------------------------------------------------------------------

    def _excluded(self, node: _Node | None) -> bool:
        while node is not None:
            override = self._overrides.get(node.path)
            if override is not None and not override.include and node.path:
                return True
            node = node.parent
        return False

    def _regrow(self, path: str) -> None:
        """Drop the rows below the node at ``path`` so they are created afresh when shown."""
        node, found = self._root, None
        while node is not None and found is None:
            node = next((c for c in node.children if _at_or_under(path, c.path)), None)
            found = node if node is not None and node.path == path else None
        if found is None:
            return
        node = found
        parent = self.createIndex(node.row, FIELD, node)
        if node.children:
            self.beginRemoveRows(parent, 0, len(node.children) - 1)
            node.children = []
            node.pending = None
            self.endRemoveRows()
        node.pending = None

    def _refresh_all(self) -> None:
        if self._root is None or not self._root.children:
            return
        stack = [self._root]
        while stack:
            node = stack.pop()
            if node.children:
                parent = (
                    QModelIndex() if node is self._root else self.createIndex(node.row, FIELD, node)
                )
                top = self.index(0, 0, parent)
                bottom = self.index(len(node.children) - 1, len(COLUMNS) - 1, parent)
                self.dataChanged.emit(top, bottom)
                stack.extend(node.children)


def _at_or_under(path: str, node_path: str) -> bool:
    return path == node_path or _is_under(path, node_path)


def _is_under(path: str, ancestor: str) -> bool:
    return path.startswith(ancestor) and path[len(ancestor) : len(ancestor) + 1] in (".", "[")
