"""Credentials left in plain parameters by an imported document, moved to the secret store.

OpenAPI documents carry them as examples and defaults (an ``Authorization``
header with an example token, an ``api_key`` query parameter with a default),
Postman, Insomnia and HAR as header and query values. Whatever the format,
:func:`hide_credentials` finds every parameter whose name says it carries a
credential and has a value, makes it private and moves the value to the
result's secrets, so the workspace holds only a reference, as with the cURL
importer.
"""

from __future__ import annotations

from ..models import Api, Call, Parameter, Placement, secret_ref
from .common import ImportResult

__all__ = ["CREDENTIAL_HEADERS", "CREDENTIAL_NAMES", "hide_credentials", "looks_secret"]

#: Header names that carry a credential, lower case.
CREDENTIAL_HEADERS = frozenset(
    "authorization proxy-authorization cookie x-api-key api-key apikey x-apikey "
    "x-auth-token x-access-token x-api-token token".split()
)
#: Query, path and body parameter names that carry a credential, lower case.
CREDENTIAL_NAMES = frozenset(
    "api_key apikey api-key key token access_token refresh_token id_token "
    "client_secret password secret".split()
)


def looks_secret(parameter: Parameter) -> bool:
    """Whether ``parameter``'s name says that its value is a credential."""
    name = parameter.name.strip().lower()
    if parameter.placement is Placement.HEADER:
        return name in CREDENTIAL_HEADERS
    return name in CREDENTIAL_NAMES


def _hide(
    result: ImportResult, api: Api, params: list[Parameter], kind: str, call: Call | None
) -> int:
    moved = 0
    for parameter in params:
        if parameter.private or not parameter.value or not looks_secret(parameter):
            continue
        ref = secret_ref(api, f"{kind}.{parameter.name}", call)
        result.secrets.setdefault(ref, parameter.value)
        parameter.value, parameter.private, parameter.dynamic = "", True, False
        moved += 1
    return moved


def hide_credentials(result: ImportResult) -> None:
    """Make every credential-carrying parameter of ``result`` private; its value goes to secrets."""
    for api in result.apis:
        moved = _hide(result, api, api.headers, "header", None)
        moved += _hide(result, api, api.parameters, "param", None)
        for call in api.calls:
            moved += _hide(result, api, call.parameters, "param", call)
        if moved:
            result.notes.append(
                f"API {api.name!r}: {moved} value{'s' if moved > 1 else ''} that look like "
                f"credentials became private; they are kept out of the workspace file"
            )
