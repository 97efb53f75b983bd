"""The building blocks of the domain model: its base class, its kinds and its names.

The enumerations say what a call or a parameter is (its method, where a
parameter goes, what its value is); the helpers make ids and names. The
models themselves are in :mod:`designer.core.models` and
:mod:`designer.core.auth_models`.
"""

from __future__ import annotations

import re
import secrets as _random
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Final

from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

__all__ = [
    "METHOD_TOKEN",
    "BodyType",
    "HttpMethod",
    "Method",
    "Placement",
    "StrictModel",
    "UseAs",
    "ValueType",
    "new_id",
    "path_placeholders",
    "unique_name",
]

_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")


def new_id() -> str:
    """A short random identifier; ids keep secrets attached across renames."""
    return _random.token_hex(6)


def unique_name(name: str, taken: Iterable[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... if it is taken (compared case-insensitively)."""
    used = {t.casefold() for t in taken}
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{name} ({n})"
    return candidate


def path_placeholders(path: str) -> list[str]:
    """The names of ``{name}`` placeholders in a call path, in order."""
    return [m.strip() for m in _PLACEHOLDER.findall(path)]


class StrictModel(BaseModel):
    """The base of every model of the workspace: unknown fields are refused, and an
    assignment is validated like a load."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Placement(StrEnum):
    """Where a parameter goes in the request."""

    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    BODY = "body"


#: An RFC 9110 method token: no spaces, no separators.
METHOD_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


class Method(StrEnum):
    """An HTTP method: the seven common ones by name, and any other RFC 9110 token.

    ``Method("purge")`` is ``Method("PURGE")``, a member made on demand (Postman's
    ``PURGE``, ``LINK``, ``VIEW``…); iterating the class gives the seven common
    ones only. Methods are kept in upper case.
    """

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"

    @classmethod
    def _missing_(cls, value: object) -> Method | None:
        if not isinstance(value, str) or not METHOD_TOKEN.fullmatch(value):
            return None
        upper = value.upper()
        known = cls._value2member_map_.get(upper)
        if isinstance(known, Method):
            return known
        # Not cached: a custom method is just its text, and equal to it.
        member = str.__new__(cls, upper)
        member._name_ = upper
        member._value_ = upper
        return member


def _check_method(value: object) -> object:
    # Files and importers write methods in upper case; "post" is a typo worth naming.
    if isinstance(value, str) and not (METHOD_TOKEN.fullmatch(value) and value == value.upper()):
        got = repr(value[:30])
        if METHOD_TOKEN.fullmatch(value):
            message = f"must be an HTTP method in upper case, not {got} (did you mean "
            message += f"{value.upper()!r}?)"
        else:
            message = f"must be an HTTP method such as GET, POST or PURGE, not {got}: "
            message += "letters, digits and !#$%&'*+-.^_`|~ only, without spaces"
        raise PydanticCustomError("http_method", message.replace("{", "{{").replace("}", "}}"))
    return value


#: How a call's method is read: any method token, upper-cased; the schema says so.
HttpMethod = Annotated[
    Method,
    BeforeValidator(_check_method),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[!#$%&'*+\\-.^_`|~0-9A-Z]+$",
            "description": "an HTTP method, e.g. GET, POST or a custom one such as PURGE",
            "examples": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        }
    ),
]


class UseAs(StrEnum):
    """Bubble's "use as": a call that fetches data, or one that performs an action."""

    DATA = "data"
    ACTION = "action"


class BodyType(StrEnum):
    NONE = "none"
    JSON = "json"
    FORM = "form"
    MULTIPART = "multipart"
    RAW = "raw"


class ValueType(StrEnum):
    """What a parameter's value is, so a JSON body sends ``7`` and ``true``, not ``"7"``.

    The sample is always held as text; the type says how to read it. ``json``
    is any JSON value written out (an array, an object); ``file`` is a path
    whose content is sent as a multipart file part.
    """

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    JSON = "json"
    FILE = "file"
