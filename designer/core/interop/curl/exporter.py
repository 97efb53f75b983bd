"""Export calls as curl commands that read their secrets from the environment.

Each command is the request :func:`~designer.core.http.request.build_request`
builds, with every secret written as a reference to an environment variable
(``"${CD_SECRET_SHOP_AUTH_TOKEN}"``, names from :mod:`.secret_names`), so the
commands can be shared and run once the variables are set. Arguments are in
single quotes (:func:`~designer.core.escaping.shell_argument`), so nothing but
those references is expanded by the shell, not even ``!`` in bash or zsh; the
``# API / call`` comment above each command is kept on one line
(:func:`~designer.core.escaping.shell_comment`). Basic authentication is
written as ``-u 'user:'"${VARIABLE}"`` so that curl encodes it. A required
parameter without a sample value is written as ``<name>``.
"""

from __future__ import annotations

from collections.abc import Sequence

from designer.core.escaping import shell_argument, shell_comment
from designer.core.http.request import build_request
from designer.core.interop.common import effective_parameters
from designer.core.models import (
    AUTH_SECRET_FIELD,
    Api,
    BasicAuth,
    Call,
    NoAuth,
    Parameter,
    ValueType,
    secret_ref,
)
from designer.core.secrets.names import required_secrets
from designer.core.structure import ResponseType

__all__ = ["curl_command", "export_curl"]

_CONTINUATION = " \\\n  "


class _Sentinels:
    """A secret store that answers each reference with a unique placeholder word.

    The words are letters and digits only, so URL and JSON encoding leave
    them intact and they can be swapped for variable references afterwards.
    """

    def __init__(self, envs: dict[str, str]) -> None:
        self._words = {ref: f"CDSECRETSENTINEL{i}X" for i, ref in enumerate(envs)}
        self.envs = {self._words[ref]: env for ref, env in envs.items()}

    def get(self, ref: str) -> str | None:
        return self._words.get(ref)

    def set(self, ref: str, value: str) -> None:  # pragma: no cover - never written
        raise AssertionError("read-only")

    def delete(self, ref: str) -> None:  # pragma: no cover - never written
        raise AssertionError("read-only")


def _quote(text: str, sentinels: _Sentinels) -> str:
    return shell_argument(text, {w: e for w, e in sentinels.envs.items() if w in text})


def _command(api: Api, call: Call, envs: dict[str, str]) -> str:
    sentinels = _Sentinels(envs)
    user = None
    if isinstance(api.auth, BasicAuth):
        password = sentinels.get(secret_ref(api, f"auth.{AUTH_SECRET_FIELD['basic']}")) or ""
        user = f"{password}:" if api.auth.key_as_username else f"{api.auth.username}:{password}"
        api = api.model_copy(update={"auth": NoAuth()})
    blank = {
        p.name
        for p in effective_parameters(api, call)
        if not p.private and not p.optional and not p.value.strip()
    }
    # A <name> placeholder is text whatever the parameter's type, so it stays quoted.
    api, call = _as_text(api, call, blank)
    values = {name: f"<{name}>" for name in blank}
    built = build_request(api, call, sentinels, values, files="name")
    first = ["curl"]
    if built.method == "HEAD":
        first.append("--head")
    elif built.method != "GET" or built.content:
        first += ["-X", built.method]
    if call.response_type is ResponseType.STREAM:
        first.append("-N")  # no buffering: each event shows as it arrives
    first.append(_quote(built.url, sentinels))
    parts = [" ".join(first)]
    if user is not None:
        parts.append(f"-u {_quote(user, sentinels)}")
    for name, value in built.headers:
        if (built.multipart_fields or built.multipart_files) and name.lower() == "content-type":
            continue
        parts.append(f"-H {_quote(f'{name}: {value}', sentinels)}")
    if built.multipart_fields or built.multipart_files:
        parts += [
            f"--form-string {_quote(f'{k}={v}', sentinels)}" for k, v in built.multipart_fields
        ]
        parts += [f"-F {_quote(f'{k}=@{v}', sentinels)}" for k, v in built.multipart_files]
    elif built.content:
        parts.append(f"--data-raw {_quote(built.content.decode('utf-8', 'replace'), sentinels)}")
    return _CONTINUATION.join(parts)


def _as_text(api: Api, call: Call, names: set[str]) -> tuple[Api, Call]:
    def retyped(params: list[Parameter]) -> list[Parameter]:
        return [
            p.model_copy(update={"type": ValueType.TEXT})
            if p.name in names and p.type not in (ValueType.TEXT, ValueType.FILE)
            else p
            for p in params
        ]

    return (
        api.model_copy(update={"parameters": retyped(api.parameters)}),
        call.model_copy(update={"parameters": retyped(call.parameters)}),
    )


def curl_command(
    apis: Sequence[Api], api: Api, call: Call, environment: str | None = None
) -> tuple[str, list[str]]:
    """The curl command of ``call`` as :func:`export_curl` writes it, and the variables it
    reads (``CD_SECRET_…``), named over ``apis``. With ``environment``, that environment's
    base URL and shared values are used; its secrets are read from the API's variables.
    """
    from designer.core.http.request import in_environment
    from designer.core.secrets.store import MemorySecretStore

    envs = {s.ref: s.env for s in required_secrets(apis)}
    if environment is not None:
        api = in_environment(api, MemorySecretStore(), environment)[0]  # same ids, same refs
    command = _command(api, call, envs)
    return command, [env for env in envs.values() if "${" + env + "}" in command]


def export_curl(apis: Sequence[Api], calls: Sequence[tuple[Api, Call]] | None = None) -> str:
    """curl commands for ``calls`` (default: every call of ``apis``), one block per call.

    Variable names are computed over all of ``apis``, the same as in a bundle
    of them. Each block starts with a ``# API / call`` comment; a block ends
    with a newline.
    """
    envs = {s.ref: s.env for s in required_secrets(apis)}
    chosen = list(calls) if calls is not None else [(a, c) for a in apis for c in a.calls]
    blocks = [
        f"# {shell_comment(f'{api.name} / {call.name}')}\n{_command(api, call, envs)}\n"
        for api, call in chosen
    ]
    return "\n".join(blocks)
