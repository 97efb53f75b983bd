"""Request bodies: JSON assembled from body parameters, templates, forms and multipart.

A JSON body nests dotted parameter names (``customer.address.city``) and
sends each value by its parameter's type (:mod:`designer.core.values`): ``7``
and ``true`` for an integer and a yes/no, ``"7"`` for text. A body template
fills ``<name>`` placeholders (in a JSON template a text value is
JSON-escaped, to go between quotes, and a typed one is written as a JSON
literal, to go without; form templates are form-encoded); multipart bodies are
written by httpx, ``file`` parameters as file parts.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus, urlencode

import orjson

from designer.core.errors import PlaceholderError, RequestBuildError
from designer.core.http.body_parts import Body, FileMode, Resolved, bad_value, nest, nest_dotted
from designer.core.http.graphql_body import graphql_body
from designer.core.models import Api, BodyType, Call, ValueType
from designer.core.values import BadValue, file_part, json_value, text_value

__all__ = [
    "Body",
    "FileMode",
    "Resolved",
    "bad_value",
    "describe_multipart",
    "encode_body",
    "nest",
    "nest_dotted",
]


_BODY_PLACEHOLDER = re.compile(r"<([A-Za-z_][\w.\-]*)>")


def describe_multipart(
    fields: tuple[tuple[str, str], ...], files: tuple[tuple[str, str], ...]
) -> str:
    """A multipart body with files, for people: its parts as curl's ``-F`` would name them."""
    lines = ["<multipart body>"]
    lines += [f"{name}={value}" for name, value in fields]
    lines += [f"{name}=@{path}" for name, path in files]
    return "\n".join(lines)


def encode_body(api: Api, call: Call, resolved: Resolved) -> Body:
    """Encode the body for the call's body type; a value that does not fit its type raises."""
    pairs = resolved.body
    kind = call.body_type
    if kind == BodyType.NONE and call.graphql is None:
        return Body()

    def typed(name: str, value: str, read: Callable[[ValueType, str], Any]) -> Any:
        try:
            return read(resolved.types.get(name, ValueType.TEXT), value)
        except BadValue as exc:
            private = name in resolved.private
            raise RequestBuildError(bad_value(api, call, name, value, private, exc)) from exc

    def as_text(name: str, value: str) -> str:
        # A blank optional parameter is empty in a template, whatever its type.
        return "" if name in resolved.omitted_body else str(typed(name, value, text_value))

    if call.graphql is not None:
        return graphql_body(api, call, resolved)
    template = call.body_template
    if kind == BodyType.JSON:
        if template.strip():
            fill = lambda n, v: _json_fill(resolved, n, v, typed)  # noqa: E731
            text = _fill_template(api, call, resolved, fill)
            try:
                orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                # Caught here, the mistake (often "<name>" without quotes) is named;
                # the server would only answer 400.
                raise RequestBuildError(
                    f"JSON body template of call '{call.name}' in API '{api.name}' is not valid "
                    f"JSON once filled ({exc}): check the quotes around each <placeholder> "
                    f"(text goes between quotes, numbers, yes/no and JSON values without)"
                ) from exc
            return Body(text.encode(), "application/json")
        typed_pairs = [(n, typed(n, v, json_value)) for n, v in pairs]
        return Body(orjson.dumps(nest(api, call, typed_pairs)), "application/json")
    if kind == BodyType.FORM:
        if template.strip():
            text = _fill_template(api, call, resolved, lambda n, v: quote_plus(as_text(n, v)))
        else:
            text = urlencode([(n, as_text(n, v)) for n, v in pairs])
        return Body(text.encode(), "application/x-www-form-urlencoded")
    if kind == BodyType.MULTIPART:
        return _multipart(pairs, resolved, typed, as_text)
    if not template:
        return Body()
    # Raw bodies are often XML or HTML: a <tag> that names no parameter is kept.
    text = _fill_template(api, call, resolved, as_text, strict=False)
    return Body(text.encode(), call.content_type.strip() or "text/plain; charset=utf-8")


_Typed = Callable[[str, str, Callable[[ValueType, str], Any]], Any]


def _json_fill(resolved: Resolved, name: str, value: str, typed: _Typed) -> str:
    kind = resolved.types.get(name, ValueType.TEXT)
    if kind == ValueType.TEXT:
        return orjson.dumps(value).decode()[1:-1]  # to go between the template's quotes
    if name in resolved.omitted_body:
        return "null"  # a typed placeholder stands without quotes: "" would not be JSON
    return orjson.dumps(typed(name, value, json_value)).decode()


def _multipart(
    pairs: list[tuple[str, str]],
    resolved: Resolved,
    typed: _Typed,
    as_text: Callable[[str, str], str],
) -> Body:
    if not pairs:
        return Body()
    parts: list[tuple[str, tuple[str | None, bytes | str, str | None]]] = []
    fields: list[tuple[str, str]] = []
    files: list[tuple[str, str]] = []
    for name, value in pairs:
        if resolved.types.get(name) == ValueType.FILE:
            read = _FILE_READERS[resolved.files]
            if resolved.files != "name" and not resolved.chosen(value):
                read = _not_chosen
            filename, content, content_type = typed(name, value, read)
            parts.append((name, (filename, content, content_type)))
            files.append((name, value.strip()))
        else:
            text = as_text(name, value)
            parts.append((name, (None, text, None)))
            fields.append((name, text))
    # httpx writes the parts; a None filename makes a part a plain form field.
    import httpx

    encoded = httpx.Request("POST", "http://localhost/", files=parts)
    content_type = encoded.headers["Content-Type"]
    return Body(encoded.read(), content_type, tuple(fields), tuple(files))


def _unread_file_part(kind: ValueType, value: str) -> tuple[str, bytes, str]:
    name = value.strip().replace("\\", "/").rsplit("/", 1)[-1]
    return name, b"", mimetypes.guess_type(name)[0] or "application/octet-stream"


def _not_chosen(kind: ValueType, value: str) -> tuple[str, bytes, str]:
    from designer.core.http.file_choices import not_chosen_reason

    raise BadValue(not_chosen_reason())


_FILE_READERS: dict[str, Callable[[ValueType, str], tuple[str, bytes, str]]] = {
    "read": lambda _, value: file_part(value),
    "check": lambda _, value: file_part(value, read=False),
    "name": _unread_file_part,
}


def _fill_template(
    api: Api,
    call: Call,
    resolved: Resolved,
    fill: Callable[[str, str], str],
    *,
    strict: bool = True,
) -> str:
    values = dict.fromkeys(resolved.omitted_body, "")
    values.update(resolved.body)

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return fill(name, values[name])
        if strict:
            raise PlaceholderError(
                f"Body placeholder '<{name}>' of call '{call.name}' in API '{api.name}' names "
                f"no body parameter: add a body parameter named '{name}'"
            )
        return match.group(0)

    return _BODY_PLACEHOLDER.sub(replace, call.body_template)
