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
3. **The keychain**, or memory (:mod:`designer.core.keychain`).

:func:`needed_secrets` lists what a workspace needs and whether each is set,
never the values.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from .interop.secret_names import ENV_PREFIX, snake
from .models import Api, Call, Environment, Workspace, auth_secret_fields, secret_ref
from .secrets import SecretStore

__all__ = [
    "EnvironmentSecrets",
    "EnvironmentVariableStore",
    "NeededSecret",
    "base_ref",
    "needed_secrets",
    "variable_names",
]

_FIELD_WORDS = {
    "key": "API key",
    "token": "bearer token",
    "password": "password",
    "client_secret": "client secret",
    "refresh_token": "refresh token",
    "secret": "token request secret",
    "private_key": "private key",
    "key_password": "private key password",
}


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


def _fields(api: Api) -> Iterator[tuple[str, Call | None, str, bool]]:
    for name, optional in auth_secret_fields(api.auth.type):
        what = _FIELD_WORDS.get(name, name.replace("_", " "))
        yield f"auth.{name}", None, f"The {what} of API '{api.name}'", optional
    for header in api.headers:
        if header.private:
            what = f"Header '{header.name}' of API '{api.name}'"
            yield f"header.{header.name}", None, what, False
    for param in api.parameters:
        if param.private:
            what = f"Parameter '{param.name}' of API '{api.name}'"
            yield f"param.{param.name}", None, what, False
    for call in api.calls:
        for param in call.parameters:
            if param.private:
                yield (
                    f"param.{param.name}",
                    call,
                    f"Parameter '{param.name}' of call '{call.name}' in API '{api.name}'",
                    param.optional,
                )


def _entries(ws: Workspace) -> Iterator[tuple[Api, str, Call | None, str, bool, str]]:
    taken: set[str] = set()
    for api in ws.apis:
        for field, call, description, optional in _fields(api):
            parts = [snake(api.name)] + ([snake(call.name)] if call is not None else [])
            base = ENV_PREFIX + "_".join([*parts, snake(field)])
            name, n = base, 1
            while name in taken:
                n += 1
                name = f"{base}_{n}"
            taken.add(name)
            yield api, field, call, description, optional, name


def variable_names(ws: Workspace) -> dict[str, str]:
    """The environment variable of every secret of ``ws``, by reference."""
    return {secret_ref(api, field, call): name for api, field, call, _d, _o, name in _entries(ws)}


def needed_secrets(
    ws: Workspace,
    store: SecretStore,
    environments: Mapping[str, str] | None = None,
) -> list[NeededSecret]:
    """Every secret ``ws`` needs and where it would come from now (never its value).

    ``environments`` maps an API id to the name of its active environment.
    """
    found = []
    for api, field, call, description, optional, name in _entries(ws):
        ref = secret_ref(api, field, call)
        env = api.environment((environments or {}).get(api.id))
        source = _source(store, ref, name, env)
        found.append(
            NeededSecret(
                ref,
                name,
                api.name,
                call.name if call else None,
                field,
                description,
                optional,
                source,
            )
        )
    return found


def _source(store: SecretStore, ref: str, variable: str, env: Environment | None) -> str | None:
    layered = store if isinstance(store, EnvironmentVariableStore) else None
    if layered is not None and layered.variable_value(variable):
        return "environment variable"
    inner = layered.inner if layered is not None else store
    if env is not None and inner.get(f"{ref}@{env.id}"):
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
        if not any(k.startswith(ENV_PREFIX) for k in self._environ):
            return None
        # Names follow API and call names, which the user may have just edited.
        return variable_names(self._workspace()).get(base_ref(ref))

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
        return f"{base_ref(ref)}@{self.environment.id}"

    def get(self, ref: str) -> str | None:
        return self.store.get(self._scoped(ref)) or self.store.get(base_ref(ref))

    def set(self, ref: str, value: str) -> None:
        self.store.set(self._scoped(ref), value)

    def delete(self, ref: str) -> None:
        self.store.delete(self._scoped(ref))
