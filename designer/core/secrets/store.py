"""Secrets behind one interface.

Every private value (API keys, tokens, passwords, private parameter samples)
is read and written through a :class:`SecretStore` under a reference from
:func:`designer.core.models.secret_ref`. This issue ships the in-memory store;
the OS keychain store plugs in behind the same protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "MASK",
    "DeferredSecretStore",
    "MemorySecretStore",
    "RecordingSecretStore",
    "SecretStore",
    "mask_secrets",
]

#: What a secret is shown as, everywhere, unless the user reveals it.
MASK = "••••"


@runtime_checkable
class SecretStore(Protocol):
    """Where private values live; never in a workspace file."""

    def get(self, ref: str) -> str | None: ...

    def set(self, ref: str, value: str) -> None: ...

    def delete(self, ref: str) -> None: ...


class MemorySecretStore:
    """Keeps secrets for the life of the process only."""

    def __init__(self, values: dict[str, str] | None = None) -> None:
        self._values: dict[str, str] = dict(values or {})

    def get(self, ref: str) -> str | None:
        return self._values.get(ref)

    def set(self, ref: str, value: str) -> None:
        if value:
            self._values[ref] = value
        else:
            self._values.pop(ref, None)

    def delete(self, ref: str) -> None:
        self._values.pop(ref, None)

    def __len__(self) -> int:
        return len(self._values)


class RecordingSecretStore(MemorySecretStore):
    """A memory store that remembers every secret put into it (an import's findings),
    to store them elsewhere afterwards and tell the user about them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def set(self, ref: str, value: str) -> None:
        super().set(ref, value)
        if value:
            self.found[ref] = value


class DeferredSecretStore:
    """A store that opens the real one on first use.

    Finding the keychain imports keyring and its backends and asks the
    Secret Service over D-Bus, which would cost the application's start-up
    a noticeable part of its time; a window that has nothing private to show
    never pays it. ``opener`` returns the store; attributes other than the
    protocol's (such as ``is_persistent``) are read from it, also opening it.
    """

    def __init__(self, opener: Callable[[], SecretStore]) -> None:
        self._opener = opener
        self._store: SecretStore | None = None

    @property
    def is_open(self) -> bool:
        return self._store is not None

    def open(self) -> SecretStore:
        if self._store is None:
            self._store = self._opener()
        return self._store

    def get(self, ref: str) -> str | None:
        return self.open().get(ref)

    def set(self, ref: str, value: str) -> None:
        self.open().set(ref, value)

    def delete(self, ref: str) -> None:
        self.open().delete(ref)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.open(), name)


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in ``text`` by :data:`MASK`.

    Longer secrets are replaced first so that a secret containing another is
    masked whole. Empty strings are ignored.
    """
    for value in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text
