"""Secrets behind one interface.

Every private value (API keys, tokens, passwords, private parameter samples)
is read and written through a :class:`SecretStore` under a reference from
:func:`designer.core.models.secret_ref`. This issue ships the in-memory store;
the OS keychain store plugs in behind the same protocol.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

__all__ = ["MASK", "MemorySecretStore", "SecretStore", "mask_secrets"]

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


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in ``text`` by :data:`MASK`.

    Longer secrets are replaced first so that a secret containing another is
    masked whole. Empty strings are ignored.
    """
    for value in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text
