"""Secrets in the keychain, under environment variables, per environment, and listed."""

from __future__ import annotations

import os
import secrets as random

import keyring
import pytest
from keyring.backends import fail

from designer.core.http.request import build_request
from designer.core.models import (
    Api,
    BearerAuth,
    Call,
    Environment,
    OAuth2ClientCredentialsAuth,
    Parameter,
    Placement,
    Workspace,
    secret_ref,
)
from designer.core.secrets.keychain import (
    KeyringSecretStore,
    SessionSecretStore,
    default_store,
    open_store,
    service_name,
)
from designer.core.secrets.scope import needed_secrets, variable_names
from designer.core.secrets.store import DeferredSecretStore
from tests.helpers.keyrings import MemoryKeyring


def shop() -> Workspace:
    call = Call(
        name="Get order",
        path="/orders",
        parameters=[Parameter(name="sig", private=True, placement=Placement.QUERY)],
    )
    api = Api(
        name="Shop",
        base_url="https://dev.shop.test",
        auth=BearerAuth(),
        parameters=[Parameter(name="region", value="eu")],
        calls=[call],
        environments=[
            Environment(name="live", base_url="https://shop.test", parameters={"region": "us"})
        ],
    )
    return Workspace(apis=[api])


def test_keyring_store_round_trip_under_the_workspace_service() -> None:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)  # installed by the autouse fixture
    ws = shop()
    store, status = open_store(lambda: ws.id)
    assert status.persistent
    assert status.message is None
    store.set("a/auth.token", "t0ken")
    assert store.get("a/auth.token") == "t0ken"
    assert backend.entries == {(service_name(ws.id), "a/auth.token"): "t0ken"}
    store.set("a/auth.token", "")
    store.delete("a/auth.token")  # deleting what is gone is fine
    assert store.get("a/auth.token") is None


def test_no_usable_backend_falls_back_to_memory_with_one_notice() -> None:
    store, status = open_store(lambda: "w", fail.Keyring())
    assert isinstance(store, SessionSecretStore)
    assert not status.persistent
    assert status.message is not None
    assert "memory for this session only" in status.message
    assert "never written to disk" in status.message


def test_deferred_store_opens_the_keychain_on_first_use() -> None:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)
    opened: list[str] = []

    def opener() -> KeyringSecretStore:
        opened.append("keychain")
        return KeyringSecretStore(lambda: "w", backend)

    store = DeferredSecretStore(opener)
    assert not store.is_open
    assert opened == []
    assert store.get("a/auth.token") is None
    store.set("a/auth.token", "t0ken")
    assert opened == ["keychain"]  # once, whatever is asked after
    assert backend.entries == {(service_name("w"), "a/auth.token"): "t0ken"}
    assert store.is_persistent is True  # read from the opened store
    store.delete("a/auth.token")
    assert store.get("a/auth.token") is None
    with pytest.raises(AttributeError):
        store.no_such_attribute  # noqa: B018


def test_variable_names_follow_the_export_scheme() -> None:
    ws = shop()
    api = ws.apis[0]
    api.auth = OAuth2ClientCredentialsAuth()
    names = variable_names(ws)
    assert names[secret_ref(api, "auth.client_secret")] == "CD_SECRET_SHOP_AUTH_CLIENT_SECRET"
    assert names[secret_ref(api, "param.sig", api.calls[0])] == (
        "CD_SECRET_SHOP_GET_ORDER_PARAM_SIG"
    )


def test_environment_variables_override_the_keychain_and_environments_switch() -> None:
    ws = shop()
    api, call = ws.apis[0], ws.apis[0].calls[0]
    environ = {"CD_SECRET_SHOP_GET_ORDER_PARAM_SIG": "from-env"}
    store, _ = default_store(ws, environ)
    store.set(secret_ref(api, "auth.token"), "dev-token")
    store.set(secret_ref(api, "auth.token", environment=api.environments[0]), "live-token")
    store.set(secret_ref(api, "param.sig", call), "from-keychain")
    dev = build_request(api, call, store)
    live = build_request(api, call, store, environment="live")
    assert dev.url == "https://dev.shop.test/orders?region=eu&sig=from-env"
    assert ("Authorization", "Bearer dev-token") in dev.headers
    assert live.url == "https://shop.test/orders?region=us&sig=from-env"
    assert ("Authorization", "Bearer live-token") in live.headers
    listed = {s.field: s for s in needed_secrets(ws, store, {api.id: "live"})}
    assert listed["auth.token"].source == "environment 'live'"
    assert listed["param.sig"].source == "environment variable"
    assert all("token" not in repr(s.source) or s.is_set for s in listed.values())


def test_unknown_environment_names_the_choices() -> None:
    ws = shop()
    with pytest.raises(Exception, match="no environment 'prod' .*'live'"):
        build_request(ws.apis[0], ws.apis[0].calls[0], SessionSecretStore(), environment="prod")


def test_needed_secrets_never_hold_values() -> None:
    ws = shop()
    store, _ = default_store(ws, {})
    store.set(secret_ref(ws.apis[0], "auth.token"), "s3cr3t-value")
    listed = needed_secrets(ws, store)
    assert [(s.variable, s.is_set) for s in listed] == [
        ("CD_SECRET_SHOP_AUTH_TOKEN", True),
        ("CD_SECRET_SHOP_GET_ORDER_PARAM_SIG", False),
    ]
    assert "s3cr3t-value" not in repr(listed)


def _secret_service_reachable() -> bool:
    try:
        from keyring.backends import SecretService

        backend = SecretService.Keyring()
        backend.get_password("connector-designer:probe", "probe")
    except Exception:
        return False
    return True


@pytest.mark.keychain
def test_real_secret_service_round_trip() -> None:
    """Against the desktop's Secret Service (GNOME Keyring in CI)."""
    if not _secret_service_reachable():
        reason = "no Secret Service is reachable on the session bus (start gnome-keyring)"
        if os.environ.get("CD_REQUIRE_KEYCHAIN") == "1":
            pytest.fail(f"CD_REQUIRE_KEYCHAIN=1 but {reason}")
        pytest.skip(reason)
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    workspace_id = random.token_hex(6)
    store = KeyringSecretStore(lambda: workspace_id, backend)
    value = "canary-" + random.token_hex(8)
    store.set("api/auth.token", value)
    try:
        # A second store, as the CLI would open it, reads what the app wrote.
        again = KeyringSecretStore(lambda: workspace_id, SecretService.Keyring())
        assert again.get("api/auth.token") == value
        assert (
            keyring.backends.SecretService.Keyring().get_password(
                service_name(workspace_id), "api/auth.token"
            )
            == value
        )
    finally:
        store.delete("api/auth.token")
    assert store.get("api/auth.token") is None
