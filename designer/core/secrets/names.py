"""Which secrets a set of APIs needs, and the environment variable that supplies each.

This is the one enumeration of secrets: bundle manifests, the cURL and
Postman exports, the command line's environment variables, the keychain
layer (:mod:`designer.core.secrets.scope`) and the Secrets view all use it, so
they all list the same secrets under the same names.

A secret is a credential of an API's authentication (every secret field of
its type, see :func:`designer.core.models.auth_secret_fields`: ``auth.token``,
``auth.password``, ``auth.key``, ``auth.client_secret``, ``auth.refresh_token``,
``auth.secret``, ``auth.private_key``, ``auth.key_password``), a private shared
header or parameter, or a private parameter of one call. Exports never hold
their values; they refer to them by a *variable name*, the same everywhere
(bundle manifest, cURL ``$VARIABLE`` references, Postman ``{{VARIABLE}}``, the
CLI's environment):

``CD_SECRET_<API>_<FIELD>`` for an API's secret, and
``CD_SECRET_<API>_<CALL>_<FIELD>`` for a call's private parameter, each part
in upper snake case: API ``Shop`` with a bearer token is
``CD_SECRET_SHOP_AUTH_TOKEN``, with OAuth2 client credentials
``CD_SECRET_SHOP_AUTH_CLIENT_SECRET``; its private header ``X-Api-Key`` is
``CD_SECRET_SHOP_HEADER_X_API_KEY``; the private parameter ``sig`` of call
``Get order`` is ``CD_SECRET_SHOP_GET_ORDER_PARAM_SIG``. When two secrets would
get the same name, the later one gets ``_2``, ``_3``...
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from designer.core.models import Api, Call, auth_secret_fields, secret_ref

__all__ = [
    "ENV_PREFIX",
    "RequiredSecret",
    "required_secrets",
    "secret_fields",
    "secret_variable",
    "snake",
    "webhook_secret_field",
]

ENV_PREFIX = "CD_SECRET_"

#: What each auth secret field is, in words.
FIELD_WORDS = {
    "key": "API key",
    "token": "bearer token",
    "password": "password",
    "client_secret": "client secret",
    "refresh_token": "refresh token",
    "secret": "token request secret",
    "private_key": "private key",
    "key_password": "private key password",
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
    optional: bool = False


def _auth_words(api: Api, name: str) -> str:
    what = FIELD_WORDS.get(name, name.replace("_", " "))
    username = getattr(api.auth, "username", "")
    if name == "password" and getattr(api.auth, "key_as_username", False):
        what = "API key (sent as the Basic user name)"
    elif name == "password" and username:
        what = f"password of user {username!r}"
    return what


def secret_fields(api: Api) -> Iterator[tuple[str, Call | None, str, bool]]:
    """Each secret of ``api``: its field, its call (or None), a description, and if optional."""
    for name, optional in auth_secret_fields(api.auth.type):
        yield f"auth.{name}", None, f"The {_auth_words(api, name)} of API {api.name!r}", optional
    for header in api.headers:
        if header.private:
            what = f"Private header {header.name!r} of API {api.name!r}"
            yield f"header.{header.name}", None, what, header.optional
    for parameter in api.parameters:
        if parameter.private:
            what = f"Private parameter {parameter.name!r} of API {api.name!r}"
            yield f"param.{parameter.name}", None, what, parameter.optional
    for call in api.calls:
        for parameter in call.parameters:
            if parameter.private:
                what = (
                    f"Private parameter {parameter.name!r} of call {call.name!r} "
                    f"in API {api.name!r}"
                )
                yield f"param.{parameter.name}", call, what, parameter.optional
    for hook in api.webhooks:
        if hook.signature != "none":
            what = f"Signing secret of webhook {hook.name!r} of API {api.name!r}"
            yield webhook_secret_field(hook.id), None, what, True


def webhook_secret_field(hook_id: str) -> str:
    """The secret field of a webhook's signing secret (by id, so renames keep it)."""
    return f"webhook.{hook_id}.signing_secret"


def _field_name(api: Api, field: str) -> str:
    # A webhook's secret is named after the webhook, not its id.
    if field.startswith("webhook."):
        hook_id = field.split(".")[1]
        name = next((h.name for h in api.webhooks if h.id == hook_id), hook_id)
        return f"WEBHOOK_{snake(name)}_SIGNING_SECRET"
    return snake(field)


def required_secrets(apis: Iterable[Api]) -> list[RequiredSecret]:
    """Every secret ``apis`` need, in a stable order, each with a unique variable name."""
    found: list[RequiredSecret] = []
    taken: set[str] = set()
    for api in apis:
        for field, call, description, optional in secret_fields(api):
            parts = [snake(api.name)] + ([snake(call.name)] if call is not None else [])
            named = api.secret_variables.get(field if call is None else f"{call.id}/{field}")
            if named:
                env = named  # the variable the docs name ($OPENAI_API_KEY): shared on purpose
            else:
                base = ENV_PREFIX + "_".join([*parts, _field_name(api, field)])
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
                    optional=optional,
                )
            )
    return found


def secret_variable(api: Api, field: str, call: Call | None = None) -> str:
    """The variable that supplies secret ``field`` of ``api`` (or of its ``call``)."""
    ref = secret_ref(api, field, call)
    for secret in required_secrets([api]):
        if secret.ref == ref:
            return secret.env
    parts = [snake(api.name)] + ([snake(call.name)] if call is not None else [])
    return ENV_PREFIX + "_".join([*parts, snake(field)])
