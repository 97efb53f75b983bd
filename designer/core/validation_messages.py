"""Pydantic's validation errors as problems a person can act on.

Each error becomes a :class:`~designer.core.errors.Problem` with the JSON path
of the offending value (``$.apis[0].calls[1].method``) and a message in the
application's words: "unknown key 'nmae': did you mean 'name'?", "must be one
of GET, POST, …, not 'FETCH'", "must be a number, not text".
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
from typing import Any, Union, get_args, get_origin, get_type_hints

import orjson
from pydantic import BaseModel, ValidationError

from designer.core.errors import Problem
from designer.core.models import Workspace

__all__ = ["describe", "problems_from", "show"]


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def describe(value: object) -> str:
    """A JSON value's kind, as a user would name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__  # pragma: no cover - JSON has no other kinds


def show(value: object) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    return describe(value)


def _unwrap(tp: Any) -> Any:
    """``X`` from ``X | None`` and from ``Annotated[X, ...]``."""
    while True:
        origin = get_origin(tp)
        if origin is not None and getattr(tp, "__metadata__", None) is not None:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _field_types(tp: Any) -> dict[str, Any] | None:
    """Field name → type of a pydantic model or dataclass, else None."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return {name: info.annotation for name, info in tp.model_fields.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _dataclass_hints(tp)
        return {f.name: hints.get(f.name, Any) for f in dataclasses.fields(tp)}
    return None


def _dataclass_hints(tp: type) -> dict[str, Any]:
    try:
        return get_type_hints(tp)
    except (NameError, TypeError):  # pragma: no cover - annotations are resolvable
        return {}


def _type_at(loc: tuple[int | str, ...]) -> Any:
    """The declared type at ``loc`` inside :class:`Workspace`, or None if unknown."""
    tp: Any = Workspace
    for part in loc:
        tp = _unwrap(tp)
        fields = _field_types(tp)
        origin = get_origin(tp)
        if fields is not None:
            if not isinstance(part, str) or part not in fields:
                return None
            tp = fields[part]
        elif origin is list and isinstance(part, int):
            tp = get_args(tp)[0]
        elif origin is dict and isinstance(part, str):
            tp = get_args(tp)[1]
        elif origin in (Union, types.UnionType):
            # A tagged union: the location names the member by its tag.
            tp = next((m for m in get_args(tp) if _tag_of(m) == part), None)
            if tp is None:
                return None
        else:
            return None
    return _unwrap(tp)


def _tag_of(member: Any) -> object:
    if isinstance(member, type) and issubclass(member, BaseModel):
        field = member.model_fields.get("type")
        return None if field is None else field.default
    return None


def _json_key(key: str) -> str:
    return f".{key}" if _IDENTIFIER.match(key) else f"[{orjson.dumps(key).decode()}]"


def _resolve(loc: tuple[int | str, ...], doc: Any, error_type: str) -> tuple[str, Any]:
    """The JSON path of pydantic's ``loc`` in ``doc``, and the input found there.

    Pydantic's locations also name union members (``'bearer'``, ``'str'``);
    those are not places in the document and are left out of the path.
    """
    path, node = "$", doc
    last = len(loc) - 1
    for i, part in enumerate(loc):
        if isinstance(node, dict) and i < last and node.get("type") == part:
            continue  # the tag of a tagged union such as auth
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path += f"[{part}]"
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part in node:
            path += _json_key(part)
            node = node[part]
        elif i == last and isinstance(part, str) and error_type.startswith("missing"):
            path += _json_key(part)
            node = None
    return path, node


_KIND = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "dataclass_type": "an object",
    "dataclass_exact_type": "an object",
}


def _suggest(word: str, choices: list[str]) -> str:
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return f" (did you mean {lowered[word.lower()]!r}?)"
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _message(error: Any, node: Any, loc: tuple[int | str, ...]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        key = str(loc[-1]) if loc else "?"
        fields = _field_types(_type_at(loc[:-1])) or {}
        return f"unknown key {key!r}{_suggest(key, list(fields))}"
    if kind in ("missing", "missing_keyword_argument"):
        return "required, but missing"
    if kind in _KIND:
        return f"must be {_KIND[kind]}, not {describe(error.get('input'))}"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", ""))
        choices = re.findall(r"'([^']*)'", expected)
        got = error.get("input")
        hint = _suggest(got, choices) if isinstance(got, str) else ""
        return f"must be one of {expected}, not {show(got)}{hint}"
    if kind == "union_tag_invalid":
        expected = str(ctx.get("expected_tags", ""))
        tag = str(ctx.get("tag", ""))
        hint = _suggest(tag, re.findall(r"'([^']*)'", expected))
        return f"unknown type {tag!r}: must be one of {expected}{hint}"
    if kind == "union_tag_not_found":
        return f"needs a 'type' key, one of {_tags_at(loc)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    message = str(error.get("msg", "is invalid"))
    return message[:1].lower() + message[1:]


def _tags_at(loc: tuple[int | str, ...]) -> str:
    tp = _type_at(loc)
    tags = [repr(_tag_of(m)) for m in get_args(tp)] if tp is not None else []
    return ", ".join(tags) or "a known type"


def problems_from(exc: ValidationError, doc: Any) -> list[Problem]:
    by_path: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        path, node = _resolve(loc, doc, error["type"])
        message = _message(error, node, loc)
        messages = by_path.setdefault(path, [])
        if message not in messages:
            messages.append(message)
    found = []
    for path, messages in by_path.items():
        if len(messages) > 1 and all(m.startswith("must be ") for m in messages):
            # One value failed every member of a union such as text | number | null.
            kinds = [m.removeprefix("must be ").split(", not ")[0] for m in messages]
            if "a number" in kinds and "a whole number" in kinds:
                kinds.remove("a whole number")
            got = messages[0].split(", not ")[-1]
            expected = ", ".join(kinds[:-1]) + f" or {kinds[-1]}"
            found.append(Problem(path, f"must be {expected}, not {got}"))
        else:
            found.extend(Problem(path, m) for m in messages)
    return found
