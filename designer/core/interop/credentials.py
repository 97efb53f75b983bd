"""Credentials left in plain values by an imported document, moved to the secret store.

OpenAPI documents carry them as examples and defaults (an ``Authorization``
header with an example token, an ``api_key`` query parameter with a default,
a ``client_secret`` in a request body example), Postman, Insomnia, HAR and
curl as header, query and body values. Whatever the format,
:func:`hide_credentials` (or :func:`hide_call_credentials` for one call)
asks the one detector, :mod:`designer.core.secrets.detector`, about every
parameter with a value and every field of a body template: each credential
becomes a private parameter and its value goes to the secrets, so the
workspace holds only a reference.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote_plus

import orjson

from designer.core.interop.common import ImportResult
from designer.core.models import Api, BodyType, Call, Parameter, Placement, secret_ref
from designer.core.secrets.detector import Where, is_credential, is_placeholder, json_credentials

__all__ = ["hide_call_credentials", "hide_credentials", "is_secret_parameter"]

_WHERE: dict[Placement, Where] = {
    Placement.HEADER: "header",
    Placement.QUERY: "query",
    Placement.BODY: "body",
    Placement.PATH: "path",
}


def is_secret_parameter(parameter: Parameter) -> bool:
    """Whether ``parameter``'s name says that its value is a credential."""
    return is_credential(parameter.name, _WHERE.get(parameter.placement, "body"))


def _hide(
    secrets: dict[str, str], api: Api, params: list[Parameter], kind: str, call: Call | None
) -> int:
    moved = 0
    for parameter in params:
        if parameter.private or not parameter.value or not is_secret_parameter(parameter):
            continue
        if is_placeholder(parameter.value):
            continue
        ref = secret_ref(api, f"{kind}.{parameter.name}", call)
        secrets.setdefault(ref, parameter.value)
        parameter.value, parameter.private, parameter.dynamic = "", True, False
        moved += 1
    return moved


def _free_name(call: Call, name: str) -> str:
    taken = {p.name for p in call.parameters if p.placement is Placement.BODY}
    base = re.sub(r"[^\w.\-]", "_", name) or "secret"
    if not re.match(r"[A-Za-z_]", base):
        base = "_" + base
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


def _private_body_parameter(
    secrets: dict[str, str], api: Api, call: Call, name: str, value: str
) -> str:
    """Add a private body parameter holding ``value``; returns its (unique) name."""
    name = _free_name(call, name)
    call.parameters.append(
        Parameter(name=name, placement=Placement.BODY, private=True, dynamic=False)
    )
    secrets.setdefault(secret_ref(api, f"param.{name}", call), value)
    return name


def _hide_json_template(secrets: dict[str, str], api: Api, call: Call) -> int:
    try:
        document = orjson.loads(call.body_template)
    except orjson.JSONDecodeError:
        return 0
    found = json_credentials(document)
    if not found:
        return 0
    names = {}
    for path, field, value in found:
        names[path] = _private_body_parameter(secrets, api, call, field, value)

    def scrub(node: object, path: str = "") -> object:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                at = f"{path}.{key}" if path else str(key)
                out[key] = f"<{names[at]}>" if at in names else scrub(value, at)
            return out
        if isinstance(node, list):
            return [scrub(v, f"{path}[{i}]") for i, v in enumerate(node)]
        return node

    call.body_template = orjson.dumps(scrub(document), option=orjson.OPT_INDENT_2).decode()
    return len(found)


def _hide_form_template(secrets: dict[str, str], api: Api, call: Call) -> int:
    moved = 0
    pieces = []
    for piece in call.body_template.split("&"):
        pairs = parse_qsl(piece, keep_blank_values=True)
        if len(pairs) == 1 and "=" in piece:
            name, value = pairs[0]
            if value and is_credential(name, "body") and not is_placeholder(value):
                placeholder = _private_body_parameter(secrets, api, call, name, value)
                piece = f"{quote_plus(name)}=<{placeholder}>"
                moved += 1
        pieces.append(piece)
    if moved:
        call.body_template = "&".join(pieces)
    return moved


def _hide_template(secrets: dict[str, str], api: Api, call: Call) -> int:
    if not call.body_template.strip():
        return 0
    if call.body_type is BodyType.JSON or call.content_type.lower().endswith("json"):
        return _hide_json_template(secrets, api, call)
    if "x-www-form-urlencoded" in call.content_type.lower():
        return _hide_form_template(secrets, api, call)
    return 0


def hide_call_credentials(api: Api, call: Call, secrets: dict[str, str]) -> int:
    """Make the credentials of ``call`` private, their values put in ``secrets``; how many."""
    return _hide(secrets, api, call.parameters, "param", call) + _hide_template(secrets, api, call)


def hide_credentials(result: ImportResult) -> None:
    """Make every credential-carrying value of ``result`` private; its value goes to secrets."""
    for api in result.apis:
        moved = _hide(result.secrets, api, api.headers, "header", None)
        moved += _hide(result.secrets, api, api.parameters, "param", None)
        for call in api.calls:
            moved += hide_call_credentials(api, call, result.secrets)
        if moved:
            result.notes.append(
                f"API {api.name!r}: {moved} value{'s' if moved > 1 else ''} that look like "
                f"credentials became private; they are kept out of the workspace file"
            )
