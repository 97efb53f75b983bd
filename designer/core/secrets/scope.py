"""Where a secret comes from: environment variables, environments, and what is needed.

Three layers, read top to bottom:

1. **Environment variables** (:class:`EnvironmentVariableStore`), for the
   command line and CI. Each secret has one variable, named by
   :func:`variable_names` with the same scheme the exports use:
   ``CD_SECRET_<API>_<FIELD>`` for an API's secret (``CD_SECRET_SHOP_AUTH_TOKEN``,
   ``CD_SECRET_SHOP_AUTH_CLIENT_SECRET``, ``CD_SECRET_SHOP_PARAM_API_KEY``) and
   ``CD_SECRET_<API>_<CALL>_<FIELD>`` for a call's private parameter. A variable
   supplies the secret whatever the active environment: CI picks the
   environment with ``--env`` and sets the variables to that environment's keys.
2. **The active environment** (:class:`EnvironmentSecrets`): a secret stored
   for the environment wins over the API's own.
3. **The keychain**, or memory (:mod:`designer.core.secrets.keychain`).

:func:`needed_secrets` lists what a workspace needs and whether each is set,
never the values. Which secrets there are, and their variables, come from
:func:`designer.core.secrets.names.required_secrets`, the same list the
bundles and exports use.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from designer.core.models import Environment, Workspace, scoped_ref
from designer.core.secrets.names import ENV_PREFIX, required_secrets
from designer.core.secrets.store import DeferredSecretStore, SecretStore

__all__ = [
    "EnvironmentSecrets",
    "EnvironmentVariableStore",
    "NeededSecret",
    "base_ref",
    "needed_secrets",
    "variable_names",
]


def base_ref(ref: str) -> str:
    """``ref`` without its environment part."""
    return ref.partition("@")[0]


@dataclass(frozen=True, slots=True)
class NeededSecret:
    """One secret a workspace needs: its reference, variable, label and state."""

    ref: str
    variable: str
    api: str
    call: str | None
    field: str
    description: str
    optional: bool
    source: str | None = None  # "environment variable", "environment", "keychain"; None: unset

    @property
    def is_set(self) -> bool:
        return self.source is not None


def variable_names(ws: Workspace) -> dict[str, str]:
    """The environment variable of every secret of ``ws``, by reference."""
    return {s.ref: s.env for s in required_secrets(ws.apis)}


def needed_secrets(
    ws: Workspace,
    store: SecretStore,
    environments: Mapping[str, str] | None = None,
) -> list[NeededSecret]:
    """Every secret ``ws`` needs and where it would come from now (never its value).

    ``environments`` maps an API id to the name of its active environment.
    """
    active = {api.id: api.environment((environments or {}).get(api.id)) for api in ws.apis}
    found = []
    for secret in required_secrets(ws.apis):
        env = active.get(secret.ref.split("/", 1)[0])
        found.append(
            NeededSecret(
                secret.ref,
                secret.env,
                secret.api,
                secret.call,
                secret.field,
                secret.description,
                secret.optional,
                _source(store, secret.ref, secret.env, env),
            )
        )
    return found


def _source(store: SecretStore, ref: str, variable: str, env: Environment | None) -> str | None:
    if isinstance(store, DeferredSecretStore):
        store = store.open()  # the app's store: the layers are inside
    layered = store if isinstance(store, EnvironmentVariableStore) else None
    if layered is not None and layered.variable_value(variable):
        return "environment variable"
    inner = layered.inner if layered is not None else store
    if env is not None and inner.get(scoped_ref(ref, env)):
        return f"environment '{env.name}'"
    return "keychain" if inner.get(ref) else None


class EnvironmentVariableStore:
    """Environment variables named ``CD_SECRET_…`` over another store.

    Reads try the variable of the reference first (see :func:`variable_names`);
    writes and deletes go to the store underneath, which keeps working for
    references without a variable (such as cached tokens).
    """

    def __init__(
        self,
        inner: SecretStore,
        workspace: Callable[[], Workspace],
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.inner = inner
        self._workspace = workspace
        self._environ = os.environ if environ is None else environ

    @property
    def is_persistent(self) -> bool:
        return bool(getattr(self.inner, "is_persistent", False))

    def variable_value(self, variable: str) -> str | None:
        return self._environ.get(variable) or None

    def _variable(self, ref: str) -> str | None:
        workspace = self._workspace()
        named = any(api.secret_variables for api in workspace.apis)
        if not named and not any(k.startswith(ENV_PREFIX) for k in self._environ):
            return None
        # Names follow API and call names, which the user may have just edited; a
        # secret the API reads from a variable of its own ($OPENAI_API_KEY) is read
        # from that one, at the moment of sending.
        return variable_names(workspace).get(base_ref(ref))

    def get(self, ref: str) -> str | None:
        variable = self._variable(ref)
        if variable is not None and (value := self.variable_value(variable)):
            return value
        return self.inner.get(ref)

    def set(self, ref: str, value: str) -> None:
        self.inner.set(ref, value)

    def delete(self, ref: str) -> None:
        self.inner.delete(ref)


class EnvironmentSecrets:
    """The secrets seen from one environment: its own first, then the API's."""

    def __init__(self, store: SecretStore, environment: Environment) -> None:
        self.store, self.environment = store, environment

    def _scoped(self, ref: str) -> str:
        return scoped_ref(base_ref(ref), self.environment)

    def get(self, ref: str) -> str | None:
        return self.store.get(self._scoped(ref)) or self.store.get(base_ref(ref))

    def set(self, ref: str, value: str) -> None:
        self.store.set(self._scoped(ref), value)

    def delete(self, ref: str) -> None:
        self.store.delete(self._scoped(ref))
