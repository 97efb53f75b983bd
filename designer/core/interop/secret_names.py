"""Which secrets a set of APIs needs, and the environment variable that supplies each.

A secret is an API's credential (``auth.token``, ``auth.password``,
``auth.key``), a private shared header or parameter, or a private parameter
of one call. Exports never hold their values; they refer to them by a
*variable name*, the same everywhere (bundle manifest, cURL ``$VARIABLE``
references, Postman ``{{VARIABLE}}``, the CLI's environment):

``CD_SECRET_<API>_<FIELD>`` for an API's secret, and
``CD_SECRET_<API>_<CALL>_<FIELD>`` for a call's private parameter, each part
in upper snake case: API ``Shop`` with a bearer token is
``CD_SECRET_SHOP_AUTH_TOKEN``; its private header ``X-Api-Key`` is
``CD_SECRET_SHOP_HEADER_X_API_KEY``; the private parameter ``sig`` of call
``Get order`` is ``CD_SECRET_SHOP_GET_ORDER_PARAM_SIG``. When two secrets would
get the same name, the later one gets ``_2``, ``_3``...
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..models import AUTH_SECRET_FIELD, Api, Call, secret_ref

__all__ = ["ENV_PREFIX", "RequiredSecret", "required_secrets", "snake"]

ENV_PREFIX = "CD_SECRET_"

_KIND = {
    "api_key_header": "API key",
    "api_key_query": "API key",
    "bearer": "bearer token",
    "basic": "password",
}


def snake(text: str) -> str:
    """``text`` in upper snake case, ASCII only: ``Get order`` → ``GET_ORDER``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_").upper() or "X"


@dataclass(frozen=True, slots=True)
class RequiredSecret:
    """One secret a set of APIs needs: where it is stored and how it is supplied."""

    ref: str
    env: str
    api: str
    call: str | None
    field: str
    description: str


def _secrets_of(api: Api) -> Iterable[tuple[str, Call | None, str]]:
    field = AUTH_SECRET_FIELD.get(api.auth.type)
    if field is not None:
        what = _KIND.get(api.auth.type, "credential")
        if api.auth.type == "basic":
            what = f"password of user {api.auth.username!r}" if api.auth.username else what
        yield f"auth.{field}", None, f"The {what} of API {api.name!r}"
    for header in api.headers:
        if header.private:
            yield (
                f"header.{header.name}",
                None,
                f"Private header {header.name!r} of API {api.name!r}",
            )
    for parameter in api.parameters:
        if parameter.private:
            yield (
                f"param.{parameter.name}",
                None,
                f"Private parameter {parameter.name!r} of API {api.name!r}",
            )
    for call in api.calls:
        for parameter in call.parameters:
            if parameter.private:
                yield (
                    f"param.{parameter.name}",
                    call,
                    f"Private parameter {parameter.name!r} of call {call.name!r} "
                    f"in API {api.name!r}",
                )


def required_secrets(apis: Iterable[Api]) -> list[RequiredSecret]:
    """Every secret ``apis`` need, in a stable order, each with a unique variable name."""
    found: list[RequiredSecret] = []
    taken: set[str] = set()
    for api in apis:
        for field, call, description in _secrets_of(api):
            parts = [snake(api.name)] + ([snake(call.name)] if call is not None else [])
            base = ENV_PREFIX + "_".join([*parts, snake(field)])
            env, n = base, 1
            while env in taken:
                n += 1
                env = f"{base}_{n}"
            taken.add(env)
            found.append(
                RequiredSecret(
                    ref=secret_ref(api, field, call),
                    env=env,
                    api=api.name,
                    call=call.name if call is not None else None,
                    field=field,
                    description=description,
                )
            )
    return found
