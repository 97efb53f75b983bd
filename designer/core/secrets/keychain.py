"""Secrets in the operating system's keychain, through :mod:`keyring`.

Each workspace has its own keychain *service*, ``connector-designer:<workspace
id>``; each secret is an entry of that service named by its reference
(:func:`designer.core.models.secret_ref`). On a machine where keyring has no
usable backend (its *fail* or *null* backend, a locked or unreachable Secret
Service), :func:`open_store` falls back to memory for the session and says so
once through :attr:`KeychainStatus.message`: nothing is ever written to disk
instead. Backends that only look like a keychain are refused the same way:
keyrings.alt's plaintext and encrypted-file keyrings write secrets to a file in
the home folder. A user who wants one of them anyway names it in
``CD_KEYRING_BACKEND`` (see :data:`ALLOW_VARIABLE`); nothing else enables it.

:func:`default_store` is what the application and the command line use: the
keychain (or memory) under environment variables, which win (see
:mod:`designer.core.secrets.scope`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import keyring
import keyring.backend
import keyring.errors

from designer.core.errors import DesignerError
from designer.core.models import Workspace
from designer.core.secrets.scope import EnvironmentVariableStore
from designer.core.secrets.store import MemorySecretStore, SecretStore

__all__ = [
    "ALLOW_VARIABLE",
    "KEYCHAIN_HELP",
    "SERVICE_PREFIX",
    "KeychainError",
    "KeychainStatus",
    "KeyringSecretStore",
    "default_store",
    "forget_workspace",
    "open_store",
    "service_name",
]

SERVICE_PREFIX = "connector-designer"
_UNUSABLE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null")
#: Backends that keep secrets in a file of their own, not in a keychain (keyrings.alt's
#: plaintext, encrypted-file and other keyrings): used only when the user names one.
_FILE_BACKENDS = ("keyrings.alt",)
#: The variable that names a backend the user accepts although it is no keychain,
#: e.g. ``keyrings.alt.file.EncryptedKeyring`` (its full name, as the notice gives it).
ALLOW_VARIABLE = "CD_KEYRING_BACKEND"
KEYCHAIN_HELP = (
    "start a Secret Service (GNOME Keyring or KWallet; without a desktop session: "
    "dbus-run-session -- sh -c 'echo -n PASSWORD | gnome-keyring-daemon --unlock "
    "--components=secrets; connector-designer …'), or supply each secret in its "
    "CD_SECRET_… environment variable"
)


class KeychainError(DesignerError):
    """The keychain refused to read or write a secret (locked, or its service died)."""


def service_name(workspace_id: str) -> str:
    """The keychain service that holds the secrets of one workspace."""
    return f"{SERVICE_PREFIX}:{workspace_id}"


@dataclass(frozen=True, slots=True)
class KeychainStatus:
    """Whether secrets outlive the session, and the one notice to show when they don't."""

    persistent: bool
    backend: str
    message: str | None = None
    #: why secrets are not kept (no keychain, a file-backed backend…); None when they are
    reason: str | None = None


class KeyringSecretStore:
    """A :class:`~designer.core.secrets.store.SecretStore` over one keyring backend.

    ``workspace_id`` is called on every access, so a window that opens
    another workspace reads that workspace's service from then on.
    """

    is_persistent = True

    def __init__(
        self,
        workspace_id: Callable[[], str],
        backend: keyring.backend.KeyringBackend | None = None,
    ) -> None:
        self._workspace_id = workspace_id
        self._backend = backend or keyring.get_keyring()

    @property
    def service(self) -> str:
        return service_name(self._workspace_id())

    def get(self, ref: str) -> str | None:
        try:
            return self._backend.get_password(self.service, ref)
        except keyring.errors.KeyringError as exc:
            raise KeychainError(
                f"Could not read a secret from the keychain ({exc or type(exc).__name__}): "
                f"unlock the keychain and try again"
            ) from exc

    def set(self, ref: str, value: str) -> None:
        if not value:
            self.delete(ref)
            return
        try:
            self._backend.set_password(self.service, ref, value)
        except keyring.errors.KeyringError as exc:
            raise KeychainError(
                f"Could not store a secret in the keychain ({exc or type(exc).__name__}): "
                f"unlock the keychain and try again"
            ) from exc

    def delete(self, ref: str) -> None:
        try:
            self._backend.delete_password(self.service, ref)
        except keyring.errors.PasswordDeleteError:
            pass  # it was not there
        except keyring.errors.KeyringError as exc:
            raise KeychainError(
                f"Could not delete a secret from the keychain ({exc or type(exc).__name__}): "
                f"unlock the keychain and try again"
            ) from exc


class SessionSecretStore(MemorySecretStore):
    """Memory only, for a machine without a usable keychain."""

    is_persistent = False


def _backend_name(backend: keyring.backend.KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _refusal(backend: keyring.backend.KeyringBackend, environ: Mapping[str, str]) -> str | None:
    """Why ``backend`` is not a keychain to keep secrets in; None when it is one."""
    name = _backend_name(backend)
    if name.startswith(_UNUSABLE_BACKENDS):
        return "no keychain was found"
    if name.startswith(_FILE_BACKENDS) and environ.get(ALLOW_VARIABLE, "").strip() != name:
        return (
            f"keyring's backend {name} writes secrets to a file, which is no keychain "
            f"(set {ALLOW_VARIABLE}={name} to use it all the same)"
        )
    return None


def _choose(
    backend: keyring.backend.KeyringBackend, environ: Mapping[str, str]
) -> tuple[keyring.backend.KeyringBackend | None, str | None]:
    """The backend to keep secrets in, or None and why there is none.

    keyring's chainer writes to the first of its backends that takes a secret,
    so a locked keychain would let a plaintext file take it: only the chainer's
    own keychains are kept, the best of them used.
    """
    members = getattr(backend, "backends", None)
    if not isinstance(members, list):
        reason = _refusal(backend, environ)
        return (backend, None) if reason is None else (None, reason)
    usable = [b for b in members if _refusal(b, environ) is None]
    if usable:
        return max(usable, key=lambda b: b.priority), None
    refused = [_refusal(b, environ) for b in members]
    return None, next((r for r in refused if r != "no keychain was found"), None) or (
        "no keychain was found"
    )


def probe(
    backend: keyring.backend.KeyringBackend | None = None,
    environ: Mapping[str, str] | None = None,
) -> KeychainStatus:
    """Whether ``backend`` (keyring's choice by default) can keep secrets in a keychain."""
    return _probe(backend, environ)[1]


def _probe(
    backend: keyring.backend.KeyringBackend | None, environ: Mapping[str, str] | None
) -> tuple[keyring.backend.KeyringBackend | None, KeychainStatus]:
    backend = backend or keyring.get_keyring()
    chosen, reason = _choose(backend, os.environ if environ is None else environ)
    name = _backend_name(chosen or backend)
    if chosen is not None:
        try:
            chosen.get_password(service_name("probe"), "probe")
        except keyring.errors.KeyringError as exc:
            reason = f"the keychain did not answer ({exc or type(exc).__name__})"
    if reason is None and chosen is not None:
        return chosen, KeychainStatus(True, name)
    return None, KeychainStatus(
        False,
        name,
        f"Secrets are kept in memory for this session only: {reason}. Set them again after "
        f"a restart, or, to keep them, {KEYCHAIN_HELP}. Secrets are never written to disk.",
        reason,
    )


def open_store(
    workspace_id: Callable[[], str],
    backend: keyring.backend.KeyringBackend | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[SecretStore, KeychainStatus]:
    """The keychain store, or a session store when no keychain is usable.

    A backend that writes secrets to a file (keyrings.alt) counts as none
    unless ``CD_KEYRING_BACKEND`` in ``environ`` names it.
    """
    chosen, status = _probe(backend, environ)
    if chosen is not None:
        return KeyringSecretStore(workspace_id, chosen), status
    return SessionSecretStore(), status


def default_store(
    workspace: Workspace | Callable[[], Workspace],
    environ: Mapping[str, str] | None = None,
    backend: keyring.backend.KeyringBackend | None = None,
) -> tuple[EnvironmentVariableStore, KeychainStatus]:
    """Environment variables over the keychain (or memory): the app's and the CLI's store."""
    current: Callable[[], Workspace] = workspace if callable(workspace) else (lambda: workspace)
    inner, status = open_store(lambda: current().id, backend, environ)
    return EnvironmentVariableStore(inner, current, environ), status


def _known_refs(workspace: Workspace) -> set[str]:
    """Every reference the workspace can use: its secrets and cached tokens, per environment."""
    from designer.core.models import scoped_ref, secret_ref
    from designer.core.secrets.names import required_secrets

    by_api = {api.id: api for api in workspace.apis}
    refs = {s.ref for s in required_secrets(workspace.apis)}
    refs |= {secret_ref(api, "auth.access_token") for api in workspace.apis}
    scoped = set()
    for ref in refs:
        api = by_api.get(ref.split("/", 1)[0])
        scoped |= {scoped_ref(ref, env) for env in (api.environments if api else [])}
    return refs | scoped


def forget_workspace(
    workspace: Workspace, backend: keyring.backend.KeyringBackend | None = None
) -> int:
    """Delete every keychain entry of ``workspace``'s service; how many there were.

    The references the workspace knows are deleted one by one; where the
    keychain can list a service's entries (the Secret Service can), the rest
    (secrets of calls deleted since) go too.
    """
    backend = backend or keyring.get_keyring()
    service = service_name(workspace.id)
    removed = 0
    try:
        for ref in sorted(_known_refs(workspace)):
            if backend.get_password(service, ref) is not None:
                backend.delete_password(service, ref)
                removed += 1
        seen: set[str] = set()
        while (found := backend.get_credential(service, None)) is not None:
            if found.username in seen:
                break  # the keychain would not delete it: stop rather than loop
            seen.add(found.username)
            backend.delete_password(service, found.username)
            removed += 1
    except keyring.errors.KeyringError as exc:
        raise KeychainError(
            f"Could not delete the secrets from the keychain ({exc or type(exc).__name__}): "
            f"unlock the keychain and try again"
        ) from exc
    return removed
