"""The import preview: what an import will add, conflicts, secrets and notes, before any change.

The dialog shows the imported APIs with their calls. An API whose name is
already in the workspace is marked, and offers a choice (keep both, replace,
skip) that updates the "Result" column at once through
:func:`~designer.core.interop.merge.plan_merge`. The secrets the import needs
are listed by description and variable name with masked fields; values found
in the document are filled in. Nothing changes until the user presses Import,
and then the caller merges with :meth:`ImportPreviewDialog.choices`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.core.interop.merge import MergeAction, OnConflict, plan_merge
from designer.core.interop.service import Imported
from designer.core.models import Workspace
from designer.core.wording import plural
from designer.ui.editors.widgets import SecretField
from designer.ui.infra.icons import icon
from designer.ui.infra.naming import named

__all__ = ["CHOICES", "ImportPreviewDialog"]

#: The conflict choices in the order offered; the first is the default.
CHOICES = (
    ("Keep both", OnConflict.KEEP_BOTH),
    ("Replace", OnConflict.REPLACE),
    ("Skip", OnConflict.SKIP),
)
_NAME, _REQUEST, _RESULT, _CHOICE = range(4)


def _imported_as(kind: str) -> str:
    """How the preview names what it shows ("an OpenAPI document"), from the formats table."""
    from designer.core.interop.formats import FORMATS

    return next((f.imported_as for f in FORMATS if f.key == kind and f.imported_as), "a document")


#: Calls are listed expanded up to this many in all; more start collapsed.
_EXPANDED_CALLS = 40
_MAX_NOTES = 12


class ImportPreviewDialog(QDialog):
    """Shows ``imported`` against ``workspace``; the choices are read after it is accepted.

    For a Postman collection it offers to add an environment file, whose
    values the collection's variables take: ``envFileChosen`` carries its
    path, and the dialog closes for the collection to be read again with it.
    """

    envFileChosen = Signal(str)

    def __init__(
        self,
        imported: Imported,
        workspace: Workspace,
        source: str,
        parent: QWidget | None = None,
        *,
        env_files: list[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.chosen_env_file = ""
        self.setObjectName("importPreview")
        self.setWindowTitle(f"Import {source}")
        self._imported, self._workspace = imported, workspace
        apis = imported.result.apis
        calls = sum(len(api.calls) for api in apis)
        taken = {api.name.casefold() for api in workspace.apis}
        self._conflicts = [api.name for api in apis if api.name.casefold() in taken]

        summary = named(QLabel(self), "importSummary")
        summary.setWordWrap(True)
        text = (
            f"“{source}” is {_imported_as(imported.kind)} with "
            f"{plural(len(apis), 'API')} and {plural(calls, 'call')}."
        )
        if len(self._conflicts) == 1:
            text += " One API has a name already in the workspace: choose what to do with it."
        elif self._conflicts:
            text += (
                f" {len(self._conflicts)} APIs have names already in the workspace: "
                "choose what to do with each."
            )
        elif not apis:
            text += " There is nothing to import."
        summary.setText(text)

        self.choice_boxes: dict[str, QComboBox] = {}
        self.tree = self._build_tree(calls)
        self.secret_fields: dict[str, SecretField] = {}
        self._secret_labels: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.tree, 1)
        if imported.kind == "postman":
            layout.addLayout(self._build_env_files(env_files or []))
        if imported.required:
            layout.addWidget(self._build_secrets())
        if imported.result.notes:
            layout.addWidget(self._build_notes())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.import_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("&Import")
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(bool(apis))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update_plan()
        self.import_button.setDefault(True)
        self.import_button.setFocus()  # not the tree: its first row would look selected
        self.resize(760, 540 if imported.required or imported.result.notes else 440)

    # -- building ------------------------------------------------------------

    def _build_tree(self, calls: int) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setObjectName("importApis")
        tree.setHeaderLabels(["API or call", "Request", "Result", "If the name is taken"])
        tree.setAccessibleName("APIs and calls to import")
        tree.setToolTip("What the import adds; a name already in the workspace is marked")
        tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        tree.setUniformRowHeights(True)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(_NAME, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(_REQUEST, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(_RESULT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_CHOICE, QHeaderView.ResizeMode.ResizeToContents)
        tree.setColumnWidth(_NAME, 240)
        warning = icon("triangle-alert")
        for api in self._imported.result.apis:
            item = QTreeWidgetItem(tree, [api.name, api.base_url, "", ""])
            item.setToolTip(_REQUEST, api.base_url)
            if api.name in self._conflicts:
                item.setIcon(_NAME, warning)
                item.setToolTip(_NAME, f"An API named “{api.name}” is already in the workspace")
                tree.setItemWidget(item, _CHOICE, self._choice_box(tree, api.name))
            for call in api.calls:
                request = f"{call.method.value} {call.path or '/'}"
                child = QTreeWidgetItem(item, [call.name, request, "", ""])
                child.setToolTip(_REQUEST, request)
            item.setExpanded(calls <= _EXPANDED_CALLS)
        tree.setColumnHidden(_CHOICE, not self._conflicts)
        return tree

    def _choice_box(self, tree: QTreeWidget, name: str) -> QComboBox:
        box = QComboBox(tree)
        box.setObjectName("conflictChoice")
        box.setAccessibleName(f"If “{name}” is taken")
        box.setToolTip(
            "Keep both (the imported API gets a new name), Replace the API in the "
            "workspace, or Skip this API"
        )
        for label, choice in CHOICES:
            box.addItem(label, choice.value)
        box.currentIndexChanged.connect(self._update_plan)
        self.choice_boxes[name] = box
        return box

    def _build_secrets(self) -> QGroupBox:
        group = QGroupBox("Secrets this import needs", self)
        group.setObjectName("importSecrets")
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        found = self._imported.result.secrets
        for secret in self._imported.required:
            field = SecretField(group)
            field.setObjectName("importSecret")
            field.setAccessibleName(secret.description)
            field.setToolTip(f"{secret.description}\nSupplied elsewhere as {secret.env}")
            value = found.get(secret.ref, "")
            field.setText(value)
            field.setPlaceholderText("" if value else "Optional: can be set later")
            label = QLabel(f"{secret.description}:", group)
            label.setToolTip(secret.env)
            label.setBuddy(field)
            form.addRow(label, field)
            self.secret_fields[secret.env] = field
            self._secret_labels[secret.env] = label
        hint = QLabel(
            "Values go to the app's secret store, never into the workspace file. "
            "Values found in the document are filled in.",
            group,
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)  # drawn in the disabled colour: a hint, not content
        form.addRow(hint)
        return group

    def _build_env_files(self, names: list[str]) -> QHBoxLayout:
        row = QHBoxLayout()
        label = named(QLabel(self), "importEnvFiles")
        label.setWordWrap(True)
        label.setText(
            f"Environment files: {', '.join(names)}."
            if names
            else "No environment file: variables defined only in one are left to fill in."
        )
        button = named(QPushButton("Add &environment file…", self), "importEnvFile")
        button.setToolTip(
            "A Postman environment file (exported from Postman's Environments) whose values "
            "the collection's {{variables}} take; its secrets go to the keychain"
        )
        button.clicked.connect(self._choose_env_file)
        row.addWidget(label, 1)
        row.addWidget(button)
        return row

    def _choose_env_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Add a Postman environment file",
            "",
            "Postman environments (*.json);;All files (*)",
        )
        if name:
            self.chosen_env_file = name
            self.reject()
            self.envFileChosen.emit(name)

    def _build_notes(self) -> QGroupBox:
        group = QGroupBox("Notes from the import", self)
        group.setObjectName("importNotes")
        notes = self._imported.result.notes
        lines = [f"• {note}" for note in notes[:_MAX_NOTES]]
        if len(notes) > _MAX_NOTES:
            lines.append(f"… and {len(notes) - _MAX_NOTES} more")
        label = QLabel("\n".join(lines), group)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(group).addWidget(label)
        return group

    # -- state ---------------------------------------------------------------

    def choices(self) -> dict[str, OnConflict]:
        """The choice for each conflicting API, by its imported name."""
        return {name: OnConflict(box.currentData()) for name, box in self.choice_boxes.items()}

    def set_choice(self, name: str, choice: OnConflict) -> None:
        box = self.choice_boxes[name]
        box.setCurrentIndex(box.findData(choice.value))

    def secret_values(self) -> dict[str, str]:
        """What was entered (or found) for each required secret, by variable name."""
        return {env: field.text() for env, field in self.secret_fields.items() if field.text()}

    def _final_variables(self) -> dict[str, str]:
        """The variable of each imported secret (by its reference here) once merged."""
        from designer.core.errors import DesignerError
        from designer.core.interop.merge import remap_ref
        from designer.core.interop.service import merge_import

        if not self._imported.required:
            return {}
        try:
            merged = merge_import(self._workspace, self._imported, self.choices())
        except DesignerError:
            return {}
        by_final = {s.ref: s.env for s in merged.required}
        return {
            s.ref: by_final[remap_ref(s.ref, merged.outcome.ids)]
            for s in self._imported.required
            if remap_ref(s.ref, merged.outcome.ids) in by_final
        }

    def _update_plan(self) -> None:
        planned = plan_merge(self._workspace, self._imported.result.apis, self.choices())
        skipped = set()
        for row, plan in enumerate(planned):
            item = self.tree.topLevelItem(row)
            if plan.action is MergeAction.ADD:
                text = "Added"
            elif plan.action is MergeAction.RENAME:
                text = f"Added as “{plan.final_name}”"
            elif plan.action is MergeAction.REPLACE:
                text = "Replaces the existing API"
            else:
                text = "Skipped"
                skipped.add(plan.name)
            if item is None:
                continue
            item.setText(_RESULT, text)
            item.setDisabled(plan.action is MergeAction.SKIP)
        final = self._final_variables()
        for secret in self._imported.required:
            self.secret_fields[secret.env].setEnabled(secret.api not in skipped)
            # A rename renames the variable too ("Shop (2)": CD_SECRET_SHOP_2_…).
            variable = final.get(secret.ref, secret.env)
            self.secret_fields[secret.env].setToolTip(
                f"{secret.description}\nSupplied elsewhere as {variable}"
            )
            self._secret_labels[secret.env].setToolTip(variable)
        self.import_button.setEnabled(len(skipped) < len(planned))
