"""An in-memory keyring backend, so tests never touch the user's (or CI's) keychain."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything with the process."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


def real_secret_service() -> KeyringBackend:
    """keyring's Secret Service backend, after checking that one answers on the session bus.

    Skips the test when none does, or fails it when ``CD_REQUIRE_KEYCHAIN=1``
    (CI starts GNOME Keyring, so a skip there would hide a broken keychain).
    """
    import os

    import pytest

    try:
        from keyring.backends import SecretService

        backend = SecretService.Keyring()
        backend.get_password("connector-designer:probe", "probe")
    except Exception as exc:
        reason = f"no Secret Service is reachable on the session bus ({type(exc).__name__})"
        if os.environ.get("CD_REQUIRE_KEYCHAIN") == "1":
            pytest.fail(f"CD_REQUIRE_KEYCHAIN=1 but {reason}")
        pytest.skip(reason)
    return backend


def designer_entries() -> set[tuple[str, str]]:
    """Every (service, name) of the real keychain that belongs to Connector Designer."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        found = set()
        for item in collection.get_all_items():
            attributes = item.get_attributes()
            service = attributes.get("service", "")
            if service.startswith("connector-designer:"):
                found.add((service, attributes.get("username", "")))
        return found
    finally:
        connection.close()


def forget_entries(entries: set[tuple[str, str]]) -> None:
    """Delete these entries from the real keychain (a test's own, at its end)."""
    from keyring.backends import SecretService
    from keyring.errors import PasswordDeleteError

    backend = SecretService.Keyring()
    for service, name in entries:
        try:
            backend.delete_password(service, name)
        except PasswordDeleteError:
            pass
