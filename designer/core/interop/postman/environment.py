"""Postman environment files: the values a collection's ``{{variables}}`` take.

A vendor often publishes its collection with ``{{host}}`` and ``{{apiKey}}``
defined in a separate environment file (``*.postman_environment.json``).
Given with the collection (``import --env-file``, repeatable, later files
winning; the app's import dialog offers the same), those values are used as
Postman uses them: over the collection's own variables. Values of type
``secret`` are only ever used as secrets (see :mod:`.postman_import`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from designer.core.errors import ImportFormatError
from designer.core.interop.reader import Reader, join
from designer.core.interop.source import read_document

__all__ = ["PostmanEnvironment", "environment_of", "read_environments"]


@dataclass(slots=True)
class PostmanEnvironment:
    """The enabled values of one or more environment files, and which of them are secret."""

    values: dict[str, str] = field(default_factory=dict)
    secret: set[str] = field(default_factory=set)
    names: list[str] = field(default_factory=list)

    def update(self, other: PostmanEnvironment) -> None:
        self.values.update(other.values)
        self.secret -= set(other.values)
        self.secret |= other.secret
        self.names += other.names


def _environment(doc: Any, source: str) -> PostmanEnvironment:
    r = Reader(source)
    top = r.obj(doc, "$")
    if "values" not in top or ("item" in top and "info" in top):
        raise ImportFormatError(
            f"{source}: not a Postman environment (no 'values'): export it from Postman's "
            f"Environments as JSON"
        )
    found = PostmanEnvironment(names=[r.get_text(top, "name", "$") or os.path.basename(source)])
    for index, entry in enumerate(r.get_list(top, "values", "$")):
        item = r.obj(entry, join("$.values", index))
        key = item.get("key")
        if not isinstance(key, str) or not key or item.get("enabled") is False:
            continue
        found.values[key] = r.scalar(item.get("value"))
        if item.get("type") == "secret":
            found.secret.add(key)
    return found


def environment_of(
    documents: list[tuple[Any, str]], base: PostmanEnvironment | None = None
) -> PostmanEnvironment:
    """The values of parsed environment files (document, name), over ``base``'s, in order."""
    merged = PostmanEnvironment()
    if base is not None:
        merged.update(base)
    for doc, name in documents:
        merged.update(_environment(doc, name))
    return merged


def read_environments(paths: list[str]) -> PostmanEnvironment:
    """The values of several environment files, a later file's over an earlier one's."""
    return environment_of([(read_document(path), path) for path in paths])
