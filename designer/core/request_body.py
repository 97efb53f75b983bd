"""Request bodies: JSON assembled from body parameters, templates, forms and multipart.

A JSON body nests dotted parameter names (``customer.address.city``); a body
template fills ``<name>`` placeholders (JSON-escaped in JSON templates,
form-encoded in form templates); multipart bodies are written by httpx.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

import orjson

from .errors import PlaceholderError, RequestBuildError
from .models import Api, BodyType, Call

__all__ = ["Body", "Resolved", "encode_body"]


@dataclass(slots=True)
class Resolved:
    """Parameter values by where they go, after overrides and omissions."""

    path: dict[str, str]
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: list[tuple[str, str]]
    omitted_body: set[str]  # blank optional body parameters: empty in templates
    secrets: set[str]


@dataclass(frozen=True, slots=True)
class Body:
    content: bytes | None = None
    content_type: str | None = None
    multipart: tuple[tuple[str, str], ...] = ()


_BODY_PLACEHOLDER = re.compile(r"<([A-Za-z_][\w.\-]*)>")


def encode_body(api: Api, call: Call, resolved: Resolved) -> Body:
    """Encode the body for the call's body type.

    JSON values stay strings: a sample "42" is sent as "42", never guessed
    into a number, because the parameter editor only holds text. A body that
    needs numbers, booleans or arrays is written as a template instead.
    """
    pairs = resolved.body
    template = call.body_template
    kind = call.body_type
    if kind == BodyType.NONE:
        return Body()
    if kind == BodyType.JSON:
        if template.strip():
            text = _fill_template(api, call, resolved, lambda v: orjson.dumps(v).decode()[1:-1])
            try:
                orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                # Caught here, the mistake (often "<name>" without quotes) is named;
                # the server would only answer 400.
                raise RequestBuildError(
                    f"JSON body template of call '{call.name}' in API '{api.name}' is not valid "
                    f"JSON once filled ({exc}): check the quotes around each <placeholder>"
                ) from exc
            return Body(text.encode(), "application/json")
        return Body(orjson.dumps(_nest(api, call, pairs)), "application/json")
    if kind == BodyType.FORM:
        if template.strip():
            text = _fill_template(api, call, resolved, quote_plus)
        else:
            text = urlencode(pairs)
        return Body(text.encode(), "application/x-www-form-urlencoded")
    if kind == BodyType.MULTIPART:
        if not pairs:
            return Body()
        # httpx writes the parts; a None filename makes each a plain form field.
        import httpx

        encoded = httpx.Request(
            "POST", "http://localhost/", files=[(k, (None, v)) for k, v in pairs]
        )
        return Body(encoded.read(), encoded.headers["Content-Type"], tuple(pairs))
    if not template:
        return Body()
    # Raw bodies are often XML or HTML: a <tag> that names no parameter is kept.
    text = _fill_template(api, call, resolved, lambda v: v, strict=False)
    return Body(text.encode(), call.content_type.strip() or "text/plain; charset=utf-8")


def _fill_template(
    api: Api,
    call: Call,
    resolved: Resolved,
    escape: Callable[[str], str],
    *,
    strict: bool = True,
) -> str:
    values = dict.fromkeys(resolved.omitted_body, "")
    values.update(resolved.body)

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return escape(values[name])
        if strict:
            raise PlaceholderError(
                f"Body placeholder '<{name}>' of call '{call.name}' in API '{api.name}' names "
                f"no body parameter: add a body parameter named '{name}'"
            )
        return match.group(0)

    return _BODY_PLACEHOLDER.sub(replace, call.body_template)


def _nest(api: Api, call: Call, pairs: list[tuple[str, str]]) -> dict[str, object]:
    """Build a JSON object from dotted names: ``customer.address.city`` nests."""
    root: dict[str, object] = {}
    for name, value in pairs:
        *parents, leaf = name.split(".")
        node = root
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise _conflict(api, call, name)
            node = child
        if isinstance(node.get(leaf), dict):
            raise _conflict(api, call, name)
        node[leaf] = value
    return root


def _conflict(api: Api, call: Call, name: str) -> RequestBuildError:
    return RequestBuildError(
        f"Body parameter '{name}' of call '{call.name}' in API '{api.name}' clashes with "
        f"another one that is both a value and an object: rename one of them"
    )
