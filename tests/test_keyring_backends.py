"""Secrets go to a real keychain or nowhere: keyrings.alt's file keyrings are refused.

keyrings.alt's plaintext keyring writes secrets Base64 into a file in the
home folder, and its encrypted keyring into another; neither is a keychain.
Unless the user names one in ``CD_KEYRING_BACKEND``, the CLI and the app keep
secrets in memory for the session, say why, and never claim to have stored
them.
"""

from __future__ import annotations

import io
import secrets as random
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import null
from keyrings.alt import file as alt_file

from designer import cli
from designer.core.models import Api, BearerAuth, Call, Workspace
from designer.core.secrets.keychain import KeyringSecretStore, SessionSecretStore, default_store
from designer.core.workspace import file as wf

PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"


def _plaintext(folder: Path) -> KeyringBackend:
    backend = alt_file.PlaintextKeyring()
    backend.file_path = str(folder / "keyring_pass.cfg")
    return backend


@pytest.fixture
def plaintext(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KeyringBackend]:
    """keyring's choice is the plaintext file keyring, as on a desktop without a keychain."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CD_KEYRING_BACKEND", raising=False)
    previous = keyring.get_keyring()
    backend = _plaintext(tmp_path)
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    api = Api(name="Shop", base_url="https://shop.test", auth=BearerAuth(), calls=[Call(name="A")])
    path = tmp_path / "shop.json"
    wf.save(Workspace(apis=[api]), path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _assert_explains(message: str) -> None:
    assert "dbus-run-session" in message
    assert "gnome-keyring-daemon" in message
    assert "CD_SECRET_" in message


def test_the_app_store_refuses_the_plaintext_keyring(plaintext: KeyringBackend) -> None:
    ws = Workspace(apis=[])
    store, status = default_store(ws)
    assert not status.persistent
    assert status.message is not None
    assert f"keyring's backend {PLAINTEXT} writes secrets to a file" in status.message
    assert f"CD_KEYRING_BACKEND={PLAINTEXT}" in status.message
    _assert_explains(status.message)
    canary = "cnry" + random.token_hex(8)
    store.set("a/auth.token", canary)
    assert store.get("a/auth.token") == canary  # for the session
    assert not Path(str(plaintext.file_path)).exists()  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["EncryptedKeyring", "PlaintextKeyring"])
def test_every_file_keyring_is_refused_unless_named(tmp_path: Path, name: str) -> None:
    backend = getattr(alt_file, name)()
    store, status = default_store(Workspace(apis=[]), {}, backend)
    assert isinstance(store.inner, SessionSecretStore)
    assert not status.persistent
    assert status.reason is not None
    assert "writes secrets to a file" in status.reason
    named = {"CD_KEYRING_BACKEND": f"keyrings.alt.file.{name}"}
    store, status = default_store(Workspace(apis=[]), named, backend)
    assert status.persistent  # the user asked for it by name
    assert isinstance(store.inner, KeyringSecretStore)


def test_the_null_backend_says_how_to_start_a_keychain() -> None:
    _store, status = default_store(Workspace(apis=[]), {}, null.Keyring())
    assert not status.persistent
    assert status.message is not None
    _assert_explains(status.message)


def test_secrets_set_stores_nothing_in_a_plaintext_file(
    plaintext: KeyringBackend,
    shop: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    canary = "cnry" + random.token_hex(8)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(canary.encode())))
    code, _, err = run(capsys, "secrets", "set", str(shop), "CD_SECRET_SHOP_AUTH_TOKEN")
    assert code != 0
    assert "Stored" not in err
    assert "writes secrets to a file" in err
    _assert_explains(err)
    assert len(err.strip().splitlines()) == 1
    assert not Path(str(plaintext.file_path)).exists()  # type: ignore[attr-defined]

    # Named explicitly, it is the user's choice: stored, and said so.
    monkeypatch.setenv("CD_KEYRING_BACKEND", PLAINTEXT)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(canary.encode())))
    code, _, err = run(capsys, "secrets", "set", str(shop), "CD_SECRET_SHOP_AUTH_TOKEN")
    assert code == 0, err
    assert Path(str(plaintext.file_path)).exists()  # type: ignore[attr-defined]


def test_import_never_says_stored_in_the_keychain_when_it_was_not(
    plaintext: KeyringBackend, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = "cnry" + random.token_hex(10)
    command = f"curl https://shop.test/items -H 'Authorization: Bearer {token}'"
    code, _, err = run(capsys, "import", "--from", "curl", command, "-o", str(tmp_path / "w.json"))
    assert code == 0, err
    assert "stored in the keychain" not in err
    assert "found, not stored (keyring's backend" in err
    assert not Path(str(plaintext.file_path)).exists()  # type: ignore[attr-defined]
    assert token not in (tmp_path / "w.json").read_text()


def test_the_app_says_the_plaintext_keyring_is_no_keychain(plaintext: KeyringBackend) -> None:
    from designer.ui.app import AppSecrets

    workspace = Workspace(apis=[])
    secrets = AppSecrets(lambda: workspace)
    notice = secrets.notice()
    assert notice is not None
    assert "memory for this session only" in notice
    assert "writes secrets to a file" in notice
    _assert_explains(notice)
    secrets.store.set("ref", "cnry-app-value")
    assert secrets.store.get("ref") == "cnry-app-value"
    assert not Path(str(plaintext.file_path)).exists()  # type: ignore[attr-defined]
