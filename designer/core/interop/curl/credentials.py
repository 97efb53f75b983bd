"""Credentials of a curl command: the API's authentication and the secret store.

Keys, tokens, passwords and cookies the command carries become the API's auth
(or private parameters of the call) and go to the
:class:`~designer.core.secrets.store.SecretStore`, never into the model; a value
written as a shell variable (``$TOKEN``) is read from that variable when sent.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from designer.core.interop.credentials import hide_call_credentials, is_secret_parameter
from designer.core.models import (
    AUTH_SECRET_FIELD,
    Api,
    ApiKeyHeaderAuth,
    BasicAuth,
    BearerAuth,
    Call,
    NoAuth,
    Parameter,
    Placement,
    secret_ref,
)
from designer.core.secrets.store import SecretStore

__all__ = [
    "Credential",
    "basic",
    "has_variable",
    "keep_credentials",
    "keep_secret",
    "authorization",
    "shell_variable",
]


@dataclass
class Credential:
    """A credential found in the command: as an auth setting, or as a private parameter."""

    auth: Any
    secret: str
    placement: Placement
    name: str
    value: str
    #: Which credential becomes the API's auth when there are several: lowest first.
    rank: int = 0


_SHELL_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def shell_variable(value: str) -> str | None:
    """The variable ``value`` is, as docs write it (``$OPENAI_API_KEY``, ``${TOKEN}``)."""
    match = _SHELL_VARIABLE.fullmatch(value.strip())
    return (match.group(1) or match.group(2)) if match else None


def has_variable(value: str) -> bool:
    return _SHELL_VARIABLE.search(value) is not None


def basic(user: str) -> Credential:
    username, colon, password = user.partition(":")
    token = base64.b64encode(user.encode()).decode()
    if colon and not password:
        # "-u sk_test_123:" (Stripe and others), "-u user:": Basic with an empty
        # password, whose user name is kept as the secret (it is the key more often
        # than not), never written to the file; it is encoded when sent.
        auth: Any = BasicAuth(key_as_username=True)
        return Credential(auth, username, Placement.HEADER, "Authorization", f"Basic {token}")
    if has_variable(username):
        # "-u $USER:$PASS": the user name is not a secret, so no variable can stand for it
        # in the file; it is left to fill in rather than sent as the text "$USER".
        username = ""
    auth = BasicAuth(username=username)
    return Credential(auth, password, Placement.HEADER, "Authorization", f"Basic {token}")


def authorization(name: str, value: str) -> Credential:
    scheme, _, rest = value.partition(" ")
    rest = rest.strip()
    if rest and scheme.lower() == "bearer":
        return Credential(BearerAuth(), rest, Placement.HEADER, name, value)
    if rest and scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(rest, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        if ":" in decoded:
            return basic(decoded)
    if rest:
        auth = ApiKeyHeaderAuth(header=name, prefix=f"{scheme} ")
        return Credential(auth, rest, Placement.HEADER, name, value)
    return Credential(ApiKeyHeaderAuth(header=name), value, Placement.HEADER, name, value)


def _apply_credentials(
    api: Api,
    call: Call,
    credentials: list[Credential],
    secrets: SecretStore,
    *,
    new_api: bool,
    notes: list[str],
    on_conflict: str = "keep-both",
) -> None:
    for credential in credentials:
        # Only an API this import creates takes its auth from the command: an
        # existing API's other calls rely on the auth it has, unless the user
        # asked to replace it.
        replace = not new_api and on_conflict == "replace" and api.auth != credential.auth
        if (new_api and isinstance(api.auth, NoAuth)) or replace:
            if replace:
                notes.append(
                    f"API '{api.name}' now authenticates with the command's {credential.name} "
                    f"({credential.auth.type}, was {api.auth.type}): --on-conflict replace"
                )
            api.auth = credential.auth
        if api.auth == credential.auth:
            field = f"auth.{AUTH_SECRET_FIELD[credential.auth.type]}"
            keep_secret(api, field, None, credential.secret, secrets, notes)
            continue
        # The API already authenticates differently: keep that, and send this
        # credential as the command did, as a private parameter of the call.
        taken = {(p.placement, p.name.lower()) for p in call.parameters}
        if (credential.placement, credential.name.lower()) in taken:
            continue
        if on_conflict == "skip":
            notes.append(
                f"API '{api.name}' keeps its authentication ({api.auth.type}); the command's "
                f"{credential.name} was left out (--on-conflict skip)"
            )
            continue
        notes.append(
            f"API '{api.name}' keeps its authentication ({api.auth.type}); the command's "
            f"{credential.name} became a private parameter of call '{call.name}'"
        )
        call.parameters.append(
            Parameter(
                name=credential.name,
                placement=credential.placement,
                private=True,
                dynamic=False,
            )
        )
        keep_secret(api, f"param.{credential.name}", call, credential.value, secrets, notes)


def keep_secret(
    api: Api, field: str, call: Call | None, value: str, secrets: SecretStore, notes: list[str]
) -> None:
    """Store a secret of the command, or refer to the variable it names (``$TOKEN``).

    A variable is read when the request is sent (see ``Api.secret_variables``);
    its name is never stored as the secret's value.
    """
    key = field if call is None else f"{call.id}/{field}"
    variable = shell_variable(value)
    if variable is not None:
        api.secret_variables[key] = variable
        notes.append(
            f"API '{api.name}': {field.partition('.')[2]} is read from the environment "
            f"variable {variable} when a request is sent"
        )
        return
    if has_variable(value):
        notes.append(
            f"API '{api.name}': {field.partition('.')[2]} holds a shell variable inside other "
            f"text ({_SHELL_VARIABLE.sub('$…', value)[:60]!r}): it was not stored; enter it "
            f"in the app"
        )
        return
    ref = secret_ref(api, field, call)
    if value and secrets.get(ref) is None:
        secrets.set(ref, value)


def keep_credentials(
    api: Api,
    call: Call,
    credentials: list[Credential],
    secrets: SecretStore,
    notes: list[str],
    *,
    new_api: bool,
    on_conflict: str,
) -> None:
    """Cookies, keys and secrets of the command go to ``secrets``, never into the model."""
    cookies = [c for c in credentials if c.auth is None]
    for cookie in cookies:
        keep_secret(api, f"param.{cookie.name}", call, cookie.value, secrets, notes)
    keys = [c for c in credentials if c.auth is not None]
    _apply_credentials(
        api, call, keys, secrets, new_api=new_api, notes=notes, on_conflict=on_conflict
    )
    # "-d api_key=$KEY": a private parameter read from that variable when sent.
    for parameter in call.parameters:
        variable = shell_variable(parameter.value)
        if variable is not None and is_secret_parameter(parameter):
            parameter.value, parameter.private, parameter.dynamic = "", True, False
            keep_secret(api, f"param.{parameter.name}", call, f"${variable}", secrets, notes)
    # Passwords, client secrets and tokens in the query or the body: private too.
    found: dict[str, str] = {}
    hide_call_credentials(api, call, found)
    prefix = f"{api.id}/{call.id}/"
    for ref, value in found.items():
        if ref.startswith(prefix):
            keep_secret(api, ref.removeprefix(prefix), call, value, secrets, notes)
        else:
            secrets.set(ref, value)
