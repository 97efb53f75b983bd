"""The auth form of the token types, the environment switcher and the Secrets dialog."""

from __future__ import annotations

from typing import Any

import pytest

from designer.core.models import Environment, OAuth2ClientCredentialsAuth, secret_ref
from designer.ui.editing.commands import EditApi
from designer.ui.editing.edits import Item

pytestmark = pytest.mark.gui


def _set_api(window: Any, **update: Any) -> Any:
    api = window.doc.workspace.apis[0]
    before = api.model_copy(update={"calls": []})
    window.doc.undo_stack.push(EditApi(window.doc, before, before.model_copy(update=update), "t"))
    window.tree.select(Item("api", api.id))
    return window.doc.workspace.apis[0]


def test_client_credentials_form_edits_the_model_and_the_store(window: Any, qtbot: Any) -> None:
    api = _set_api(window, auth=OAuth2ClientCredentialsAuth())
    form = window.api_editor.auth_form
    assert form.isVisible()
    assert not window.api_editor.secret.isVisible()
    qtbot.keyClicks(form.fields["token_url"], "https://auth.test/token")
    assert window.doc.workspace.apis[0].auth.token_url == "https://auth.test/token"
    qtbot.keyClicks(form.fields["client_secret"], "s3cret")
    assert window.secrets.get(secret_ref(api, "auth.client_secret")) == "s3cret"
    assert form.fields["client_secret"].echoMode().name == "Password"


def test_environment_switcher_lists_names_and_the_secrets_dialog_hides_values(
    window: Any, qtbot: Any
) -> None:
    api = _set_api(window, environments=[Environment(name="live", base_url="https://x.test")])
    switcher = window.environments
    assert [switcher.itemText(i) for i in range(switcher.count())] == ["No environment", "live"]
    switcher.setCurrentIndex(1)
    assert switcher.environment_for(api) == "live"
    window.secrets.set(secret_ref(api, "auth.token"), "v4lue-hidden")
    window.show_secrets()
    dialog = window.findChild(object, "secretsDialog")
    qtbot.waitUntil(lambda: dialog.isVisible())
    table = dialog.table
    texts = [table.item(r, c).text() for r in range(table.rowCount()) for c in range(3)]
    assert not any("v4lue-hidden" in t for t in texts)
    dialog.close()


def test_a_key_loaded_without_a_keychain_is_not_said_to_be_in_it(
    window: Any, qtbot: Any, tmp_path: Any
) -> None:
    from designer.core.models import JwtBearerAuth

    api = _set_api(window, auth=JwtBearerAuth())
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n")
    messages: list[str] = []
    form = window.api_editor.auth_form
    form.message.connect(messages.append)
    form.load_key(key)  # the test's store is memory only, as without a keychain
    assert window.secrets.get(secret_ref(api, "auth.private_key")).startswith("-----BEGIN")
    assert messages == ["Loaded the private key from key.pem for this session only (no keychain)."]
