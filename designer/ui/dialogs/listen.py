"""*Call ▸ Listen for a Sample*: capture a webhook's requests in the app and infer them.

The listener runs on the app's event loop (:class:`~designer.ui.infra.ops.AsyncOp`)
on 127.0.0.1, shows the URL to give the sender, lists each request with its
signature verdict, and shows the structure merged over every sample. *Save*
adds the webhook to the API (or updates the one of that name) with that
structure, as one undoable edit. The signing secret goes to the secret store,
never to the workspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from designer.core.models import Api, Webhook, secret_ref
from designer.ui.editing.commands import EditApi
from designer.ui.editors.widgets import SecretField, monospace_font
from designer.ui.infra.errors import InlineMessage
from designer.ui.infra.ops import AsyncOp
from designer.ui.response.layout import StructureTree
from designer.ui.response.structure_model import TYPE, StructureModel
from designer.ui.response.type_delegate import TypeDelegate

if TYPE_CHECKING:
    from designer.core.secrets.store import SecretStore
    from designer.core.structure import FieldOverride, Shape
    from designer.core.webhooks.capture import CapturedRequest
    from designer.core.webhooks.listener import WebhookListener
    from designer.ui.editing.document import Document

from designer.ui.infra.naming import named

__all__ = ["ListenDialog", "ListenHost", "listen_for_sample"]

_SCHEMES = [
    ("Not signed", "none"),
    ("Stripe-Signature", "stripe"),
    ("X-Hub-Signature-256 (GitHub)", "github"),
    ("HMAC-SHA256 in a header", "hmac"),
]


class ListenDialog(QDialog):
    """Listens for one webhook of ``api`` and saves what it captured."""

    def __init__(
        self, doc: Document, secrets: SecretStore, api: Api, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("listenDialog")
        self.setWindowTitle(f"Listen for a sample · {api.name}")
        self.resize(680, 560)
        self._doc, self._secrets, self._api_id = doc, secrets, api.id
        existing = api.webhooks[0] if api.webhooks else None
        self.hook = existing or Webhook(name="New webhook", path="/webhook")
        self.shape: Shape | None = self.hook.structure
        self.overrides: dict[str, FieldOverride] = dict(self.hook.overrides)
        self.listener: WebhookListener | None = None
        self._op: AsyncOp[Any] | None = None

        # Editable: an existing webhook of the API, or the name of a new one.
        self.name = QComboBox(self)
        self.name.setObjectName("webhookName")
        self.name.setEditable(True)
        self.name.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.name.addItems([h.name for h in api.webhooks] or [self.hook.name])
        self.name.currentTextChanged.connect(self._choose)
        self.path = QLineEdit(self.hook.path, self)
        self.path.setObjectName("webhookPath")
        self.scheme = QComboBox(self)
        self.scheme.setObjectName("webhookSignature")
        for label, value in _SCHEMES:
            self.scheme.addItem(label, value)
        self.scheme.setCurrentIndex(self.scheme.findData(self.hook.signature))
        self.header = QLineEdit(self.hook.signature_header, self)
        self.header.setPlaceholderText("with HMAC: the header, e.g. X-Shopify-Hmac-Sha256")
        self.secret = SecretField(self)
        self.secret.setObjectName("webhookSecret")
        self.secret.setPlaceholderText("kept in the keychain, never in the workspace")
        self.port = QSpinBox(self)
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText("any free port")
        self.count = QSpinBox(self)
        self.count.setRange(1, 1000)
        self.url = QLabel("Not listening.", self)
        self.url.setObjectName("listenUrl")
        self.url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log = QPlainTextEdit(self)
        self.log.setObjectName("listenLog")
        self.log.setReadOnly(True)
        self.log.setFont(monospace_font())
        self.log.setMaximumBlockCount(2000)
        # The merged structure, edited as a call's is: types and Include.
        self.model = StructureModel(self)
        self.model.overridesEdited.connect(self._overrides_edited)
        self.tree = named(StructureTree(self), "webhookStructure")
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Webhook structure")
        self.tree.setToolTip("Space: include or exclude the field · F2: change its type")
        self.tree.setItemDelegateForColumn(TYPE, TypeDelegate(self.tree))
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.tree.placeholder = "No sample yet. Press Listen and send a request to the URL."
        self.model.set_structure(self.shape, self.overrides)
        self.problem = InlineMessage(self)
        self.listen = QPushButton("&Listen", self)
        self.listen.setObjectName("listenStart")
        self.listen.clicked.connect(self.start)
        self.cancel = QPushButton("&Cancel listening", self)
        self.cancel.setObjectName("listenCancel")
        self.cancel.setEnabled(False)
        self.cancel.clicked.connect(self.stop)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save.setObjectName("listenSave")
        self.save.setEnabled(False)
        self.save.clicked.connect(self.save_webhook)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("&Webhook:", self.name)
        form.addRow("&Path:", self.path)
        form.addRow("Si&gnature:", self.scheme)
        form.addRow("&Header:", self.header)
        form.addRow("Signing &secret:", self.secret)
        form.addRow("P&ort:", self.port)
        form.addRow("Requests to &capture:", self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        row = QDialogButtonBox(self)
        row.addButton(self.listen, QDialogButtonBox.ButtonRole.ActionRole)
        row.addButton(self.cancel, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(row)
        layout.addWidget(self.url)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.log)
        split.addWidget(self.tree)
        split.setSizes([120, 300])
        layout.addWidget(split, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _choose(self, name: str) -> None:
        """Show the settings of the API's webhook called ``name``; a new name keeps them."""
        api = self._doc.api(self._api_id)
        found = next((h for h in api.webhooks if h.name == name.strip()), None)
        if found is None:
            if any(h.id == self.hook.id for h in api.webhooks):
                self.hook = Webhook(name=name.strip() or "New webhook", path=self.path.text())
            return
        self.hook = found
        self.shape, self.overrides = found.structure, dict(found.overrides)
        self.model.set_structure(self.shape, self.overrides)
        self.path.setText(found.path)
        self.scheme.setCurrentIndex(self.scheme.findData(found.signature))
        self.header.setText(found.signature_header)

    def _current_hook(self) -> Webhook:
        return self.hook.model_copy(
            update={
                "name": self.name.currentText().strip() or "New webhook",
                "path": self.path.text().strip() or "/",
                "signature": self.scheme.currentData(),
                "signature_header": self.header.text().strip(),
            }
        )

    def _secret_ref(self, hook: Webhook) -> str:
        from designer.core.secrets.names import webhook_secret_field

        return secret_ref(self._doc.api(self._api_id), webhook_secret_field(hook.id))

    def start(self) -> None:
        if self._op is not None:
            return
        from designer.core.webhooks.listener import WebhookListener

        hook = self._current_hook()
        typed = self.secret.text()
        if typed:
            self._secrets.set(self._secret_ref(hook), typed)
        secret = self._secrets.get(self._secret_ref(hook))
        self.hook, self.shape = hook, None
        self.model.set_structure(None, self.overrides)
        listener = WebhookListener(hook, secret, count=self.count.value())
        listener.on_capture = self._captured
        listener.on_ignored = lambda m, t: self.log.appendPlainText(f"ignored {m} {t}")
        self.listener = listener
        port = self.port.value()

        async def run() -> None:
            try:
                url = await listener.start("127.0.0.1", port)
                self.url.setText(f"Give the sender this URL: {url}")
                await listener.wait()
            finally:
                await listener.stop()

        self.listen.setEnabled(False)
        self.cancel.setEnabled(True)
        self.problem.clear()
        self.log.clear()
        op: AsyncOp[Any] = AsyncOp(self, run)
        op.failure(lambda exc: self.problem.show_error(str(exc)))
        op.finally_(self._stopped)
        self._op = op.run()

    def stop(self) -> None:
        if self._op is not None:
            self._op.cancel()

    def _stopped(self) -> None:
        self._op = None
        self.listen.setEnabled(True)
        self.cancel.setEnabled(False)
        got = len(self.listener.captured) if self.listener else 0
        ignored = self.listener.ignored if self.listener else 0
        turned_away = f", {ignored} to other paths or methods ignored" if ignored else ""
        self.url.setText(f"Stopped: {got} request(s) captured{turned_away}.")
        self.save.setEnabled(self.shape is not None)

    def _captured(self, sample: CapturedRequest) -> None:
        from designer.core.webhooks.capture import merge_samples

        if sample.verified is None:
            verdict = "not signed"
        elif sample.verified:
            verdict = "signature verified"
        else:
            verdict = f"signature NOT verified: {sample.reason}"
        self.shape = merge_samples(self.shape, sample)
        n = len(self.listener.captured) if self.listener else 0
        self.log.appendPlainText(
            f"[{n}] {sample.method} {sample.target} · {len(sample.body)} B · {verdict}"
        )
        self.model.set_structure(self.shape, self.overrides)
        self.tree.expandToDepth(1)

    def _overrides_edited(self, overrides: dict[str, FieldOverride]) -> None:
        self.overrides = overrides
        self.save.setEnabled(self.shape is not None and self._op is None)

    def save_webhook(self) -> None:
        if self.shape is None:
            return
        api = self._doc.api(self._api_id)
        settings = api.model_copy(update={"calls": []})
        hooks = [h for h in api.webhooks if h.id != self.hook.id and h.name != self.hook.name]
        from designer.core.inference import walk

        paths = {path for path, _node in walk(self.shape)}
        kept = {path: o for path, o in self.overrides.items() if path in paths}
        hooks.append(self.hook.model_copy(update={"structure": self.shape, "overrides": kept}))
        after = settings.model_copy(update={"webhooks": hooks})
        self._doc.undo_stack.push(EditApi(self._doc, settings, after, "Save webhook sample"))
        self.problem.show_note(f"Saved webhook '{self.hook.name}' in API '{api.name}'.")
        self.save.setEnabled(False)


class ListenHost(Protocol):
    """What the dialog needs of the window it opens from (the main window has it all)."""

    @property
    def doc(self) -> Document: ...
    @property
    def secrets(self) -> SecretStore: ...
    def current_api(self) -> Api | None: ...
    def statusBar(self) -> QStatusBar: ...
    # The top-level widget: the dialog's parent.
    def window(self) -> QWidget: ...


def listen_for_sample(window: ListenHost) -> ListenDialog | None:
    """Open the dialog for the API selected in the window."""
    api = window.current_api()
    if api is None:
        window.statusBar().showMessage("Select an API or one of its calls first.", 5000)
        return None
    dialog = ListenDialog(window.doc, window.secrets, api, window.window())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
