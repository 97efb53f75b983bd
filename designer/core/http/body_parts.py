"""What every request body is built from: the resolved values and the encoded body.

Below both :mod:`designer.core.http.body` (JSON, forms, templates, multipart) and
:mod:`designer.core.http.graphql_body` (the GraphQL envelope), so neither imports
the other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from designer.core.errors import RequestBuildError
from designer.core.models import Api, Call, ValueType
from designer.core.values import BadValue

__all__ = ["Body", "FileMode", "Resolved", "bad_value", "nest", "nest_dotted"]


#: How a multipart body's files are treated; see :attr:`Resolved.files`.
FileMode = Literal["read", "check", "name"]


@dataclass(slots=True)
class Resolved:
    """Parameter values by where they go, after overrides and omissions."""

    path: dict[str, str]
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: list[tuple[str, str]]
    omitted_body: set[str]  # blank optional body parameters: empty in templates
    secrets: set[str]
    #: the type of each body parameter that is not text, by name
    types: dict[str, ValueType] = field(default_factory=dict)
    #: private body parameters, whose values never appear in messages
    private: set[str] = field(default_factory=set)
    #: how file parts are filled: "read" to send, "check" that each file could be
    #: read (a preview), "name" only (an export names the file, it does not send it)
    files: FileMode = "read"
    #: whether the user chose the file a sample names (see :mod:`.file_choices`):
    #: no other file is read or checked
    chosen: Callable[[str], bool] = field(default=lambda _: False)


@dataclass(frozen=True, slots=True)
class Body:
    content: bytes | None = None
    content_type: str | None = None
    multipart: tuple[tuple[str, str], ...] = ()
    #: the file parts of a multipart body: name and path
    files: tuple[tuple[str, str], ...] = ()


def bad_value(api: Api, call: Call, name: str, value: str, private: bool, exc: BadValue) -> str:
    """The one-line message for a sample that does not fit its type (a secret is not shown)."""
    shown = "its value" if private else repr(value if len(value) <= 60 else value[:57] + "…")
    return f"Parameter '{name}' of call '{call.name}' in API '{api.name}': {shown} {exc}"


def nest(api: Api, call: Call, pairs: list[tuple[str, object]]) -> dict[str, object]:
    """Build a JSON object from dotted names: ``customer.address.city`` nests."""
    return nest_dotted(pairs, clash=lambda name: _conflict(api, call, name))


def nest_dotted(
    pairs: Iterable[tuple[str, Any]], *, clash: Callable[[str], Exception] | None = None
) -> dict[str, Any]:
    """A JSON object from dotted names (``customer.address.city`` nests).

    A name that is both a value and an object raises ``clash(name)``; without
    ``clash`` the name that would break the nesting is left out.
    """
    root: dict[str, Any] = {}
    for name, value in pairs:
        *parents, leaf = name.split(".")
        node = root
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                if clash is not None:
                    raise clash(name)
                break
            node = child
        else:
            if clash is not None and isinstance(node.get(leaf), dict):
                raise clash(name)
            node[leaf] = value
    return root


def _conflict(api: Api, call: Call, name: str) -> RequestBuildError:
    return RequestBuildError(
        f"Body parameter '{name}' of call '{call.name}' in API '{api.name}' clashes with "
        f"another one that is both a value and an object: rename one of them"
    )
