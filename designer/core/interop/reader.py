"""Typed access to a parsed document, with errors that name the file and the place.

Imported documents are untrusted JSON data: any value may have any type. A
:class:`Reader` checks each value as it is used, and reports the first one
that is wrong as ``file: $.paths["/pets"].get.parameters[0].in: must be text,
not a number``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from designer.core.errors import ImportFormatError
from designer.core.validation_messages import describe

__all__ = ["Reader", "describe", "join"]

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


def join(where: str, key: str | int) -> str:
    """The JSON path of ``key`` under ``where``: ``$.info``, ``$.paths["/pets"]``, ``$.x[0]``."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    if _IDENTIFIER.match(key):
        return f"{where}.{key}"
    # JSON string escapes: a key holding a line break must not break the one-line message.
    escaped = json.dumps(key, ensure_ascii=False)[1:-1]
    if len(escaped) > 60:
        escaped = escaped[:57] + "..."
    return f'{where}["{escaped}"]'


class Reader:
    """Checked reads from one document; ``source`` names it in every message."""

    def __init__(self, source: str, error: type[ImportFormatError] = ImportFormatError) -> None:
        self.source = source
        self._error = error
        #: Set by a document whose JSON References may stand anywhere (OpenAPI):
        #: follows a ``{"$ref": …}`` object to what it points at.
        self.deref: Callable[[Any, str], Any] | None = None

    def fail(self, where: str, message: str) -> ImportFormatError:
        """An error at ``where``; raise it."""
        return self._error(f"{self.source}: {where}: {message}")

    def _follow(self, value: Any, where: str) -> Any:
        if self.deref is not None and isinstance(value, dict):
            if isinstance(value.get("$ref"), str):
                return self.deref(value, where)
        return value

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        value = self._follow(value, where)
        if not isinstance(value, dict):
            raise self.fail(where, f"must be an object, not {describe(value)}")
        return value

    def lst(self, value: Any, where: str) -> list[Any]:
        value = self._follow(value, where)
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list, not {describe(value)}")
        return value

    def text(self, value: Any, where: str) -> str:
        value = self._follow(value, where)
        if not isinstance(value, str):
            raise self.fail(where, f"must be text, not {describe(value)}")
        return value

    def get_obj(self, parent: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        """``parent[key]`` as an object; missing or null is an empty object."""
        value = parent.get(key)
        return {} if value is None else self.obj(value, join(where, key))

    def get_list(self, parent: dict[str, Any], key: str, where: str) -> list[Any]:
        """``parent[key]`` as a list; missing or null is an empty list."""
        value = parent.get(key)
        return [] if value is None else self.lst(value, join(where, key))

    def get_text(self, parent: dict[str, Any], key: str, where: str, default: str = "") -> str:
        """``parent[key]`` as text; missing or null is ``default``."""
        value = parent.get(key)
        return default if value is None else self.text(value, join(where, key))

    def scalar(self, value: Any) -> str:
        """A sample value as text: numbers and booleans as JSON writes them."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float | str):
            return str(value)
        return ""
