"""Following local ``$ref`` pointers in an imported document.

Only references inside the document (``#/components/schemas/Pet``) are
followed; a reference to another file or URL is refused with a message that
says to bundle the specification first (``redocly bundle``, ``swagger-cli
bundle``), because fetching files or URLs named by a document is not
something an import should do. A reference that points nowhere, or a chain
of references that only points back to itself, is an
:class:`~designer.core.errors.ImportReferenceError` naming the place.

Schemas that refer to themselves through their properties are legitimate
(trees, linked lists); those cycles are handled where schemas are converted
(see :mod:`.schema_shape`), not here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from ..errors import ImportReferenceError
from .reader import Reader, join

__all__ = ["Resolver"]


class Resolver:
    """Resolves ``$ref`` objects of one document; results are cached per pointer."""

    def __init__(self, document: Any, reader: Reader) -> None:
        self.document = document
        self.reader = reader
        self._cache: dict[str, Any] = {}

    def _fail(self, where: str, message: str) -> ImportReferenceError:
        return ImportReferenceError(f"{self.reader.source}: {where}: {message}")

    def ref_of(self, node: Any) -> str | None:
        """The ``$ref`` of ``node`` if it is a reference object."""
        if isinstance(node, dict) and "$ref" in node:
            return self.reader.text(node["$ref"], "$ref")
        return None

    def resolve(self, node: Any, where: str) -> tuple[Any, str, str | None]:
        """``node`` with references followed: the target, its place, and its pointer.

        The pointer is that of the last reference followed (None if ``node``
        was not a reference); it identifies shared definitions for cycle checks.
        """
        seen: list[str] = []
        pointer: str | None = None
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            at = join(where, "$ref")
            if not isinstance(ref, str):
                raise self.reader.fail(at, "must be text such as '#/components/schemas/Pet'")
            if ref in seen:
                chain = " -> ".join([*seen, ref])
                raise self._fail(
                    at, f"$ref cycle {chain}: a reference must lead to a definition; fix one"
                )
            seen.append(ref)
            node = self._target(ref, at)
            where = pointer_path(ref)
            pointer = ref
        return node, where, pointer

    def _target(self, ref: str, at: str) -> Any:
        if ref in self._cache:
            return self._cache[ref]
        if not ref.startswith("#"):
            raise self._fail(
                at,
                f"{ref!r} points outside this document: bundle the specification into one "
                f"file first (for example with 'redocly bundle') and import that",
            )
        node = self.document
        for raw in ref[1:].split("/")[1:] if ref != "#" else []:
            part = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise self._fail(
                    at,
                    f"{ref!r} points to nothing (no {part!r} there): add the definition or "
                    f"fix the reference",
                )
        self._cache[ref] = node
        return node


def pointer_path(ref: str) -> str:
    """A JSON pointer as a JSON path for messages: ``#/a/b~1c`` → ``$.a["b/c"]``."""
    where = "$"
    for raw in ref[1:].split("/")[1:]:
        where = join(where, unquote(raw).replace("~1", "/").replace("~0", "~"))
    return where
