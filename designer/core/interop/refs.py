"""Following ``$ref`` pointers in an imported document, and into files next to it.

References inside the document (``#/components/schemas/Pet``) are always
followed. A relative reference to another JSON or YAML file
(``resources/droplets/list.yml``, ``../../shared/parameters.yml#/per_page``)
is followed when the document was read from a folder (``base``), and only
inside that folder's tree: a reference that leaves it, an absolute path, or
a URL (``https://…``) is refused with one error naming the ``$ref``, because
an import never reads what a document merely points at elsewhere on the disk
or the network. Multi-file specifications split the way large vendors split
theirs (operations, parameters and schemas each in their own files) thus
import whole.

A file read for a reference has its own ``$ref`` strings rewritten once, at
load, to *canonical* form: ``path/from/root.yml#/pointer``, relative to the
root folder (the root document's own local references stay ``#/…``). So a
reference means the same wherever the node holding it is used, and
converted schemas can be shared per reference (see :mod:`.schema_shape`).

A reference that points nowhere, or a chain of references that only points
back to itself, is an :class:`~designer.core.errors.ImportReferenceError`
naming the place. Schemas that refer to themselves through their properties
are legitimate (trees, linked lists); those cycles are handled where schemas
are converted, not here.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from designer.core.errors import DesignerError, ImportReferenceError
from designer.core.interop.notes import Notes
from designer.core.interop.reader import Reader, join

__all__ = ["Resolver", "pointer_path"]

#: At most this many files are read for one import: real multi-file specs have hundreds.
MAX_FILES = 5_000


class Resolver:
    """Resolves ``$ref`` objects of one document; results are cached per pointer.

    ``base`` is the path of the document's file, whose folder bounds the
    files references may name; None when it was not read from a file.
    ``memo`` is free for converters that cache work per canonical pointer;
    ``notes`` collects remarks for the import's notes.
    """

    def __init__(self, document: Any, reader: Reader, base: str | os.PathLike[str] | None = None):
        self.document = document
        self.reader = reader
        self.root = Path(base).resolve().parent if base is not None else None
        self.memo: dict[str, Any] = {}
        self.notes = Notes()
        self._cache: dict[str, Any] = {}
        self._files: dict[str, Any] = {}
        self._original: dict[str, str] = {}
        # A reference may stand in place of any map, list or value (``paths``,
        # ``properties``, ``securitySchemes``, a description): every checked
        # read through the reader follows it.
        reader.deref = self._deref

    def _deref(self, node: Any, where: str) -> Any:
        return self.resolve(node, where)[0]

    def _fail(self, where: str, message: str) -> ImportReferenceError:
        return ImportReferenceError(f"{self.reader.source}: {where}: {message}")

    def ref_of(self, node: Any) -> str | None:
        """The ``$ref`` of ``node`` if it is a reference object."""
        if isinstance(node, dict) and "$ref" in node:
            return self.reader.text(node["$ref"], "$ref")
        return None

    def resolve(self, node: Any, where: str) -> tuple[Any, str, str | None]:
        """``node`` with references followed: the target, its place, and its pointer.

        The pointer is the canonical form of the last reference followed (None
        if ``node`` was not a reference); it identifies shared definitions.
        """
        seen: list[str] = []
        pointer: str | None = None
        # A '$ref' that is not text is a key of a map (a property so named), not a reference.
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            at = join(where, "$ref")
            ref = self._canonical(node["$ref"], "")
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

    def _canonical(self, ref: str, folder: str) -> str:
        """``ref`` as written in a file of ``folder`` (relative to the root), made canonical."""
        if ref.startswith(("#", "//")) or "://" in ref:
            return ref
        file, _, fragment = ref.partition("#")
        if not file:
            return ref
        path = posixpath.normpath(posixpath.join(folder, unquote(file).replace("\\", "/")))
        canonical = f"{path}#{fragment}"
        self._original.setdefault(canonical, ref)
        return canonical

    def _target(self, ref: str, at: str) -> Any:
        if ref in self._cache:
            return self._cache[ref]
        file, _, fragment = ref.partition("#")
        node = self._file(file, ref, at) if file else self.document
        for raw in fragment.split("/")[1:] if fragment not in ("", "/") else []:
            part = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise self._fail(
                    at,
                    f"{self._original.get(ref, ref)!r} points to nothing (no {part!r} there): "
                    f"add the definition or fix the reference",
                )
        self._cache[ref] = node
        return node

    def _file(self, file: str, ref: str, at: str) -> Any:
        """The parsed document of ``file`` (relative to the root), its references made canonical."""
        if file in self._files:
            return self._files[file]
        shown = self._original.get(ref, ref)
        if "://" in file or file.startswith("//"):
            raise self._fail(
                at,
                f"$ref {shown!r} points to the network: an import never downloads; save that "
                f"file next to the document and refer to it by a relative path",
            )
        if self.root is None:
            raise self._fail(
                at,
                f"$ref {shown!r} points to another file: import the document from its folder "
                f"on disk, or bundle it into one file first (for example with 'redocly bundle')",
            )
        path = (self.root / file).resolve()
        if file.startswith(("../", "/")) or file == ".." or not path.is_relative_to(self.root):
            raise self._fail(
                at,
                f"$ref {shown!r} points outside the document's folder ({self.root}): only "
                f"files in that folder tree are read",
            )
        if len(self._files) >= MAX_FILES:
            raise self._fail(at, f"$ref {shown!r}: more than {MAX_FILES} files are referenced")
        from designer.core.interop.source import read_document

        try:
            document = read_document(path)
        except DesignerError as exc:
            raise self._fail(at, f"$ref {shown!r}: {exc}") from exc
        folder = posixpath.dirname(file)
        self._rewrite(document, file, folder)
        self._files[file] = document
        return document

    def _rewrite(self, document: Any, file: str, folder: str) -> None:
        """Make every ``$ref`` in ``document`` (read from ``file``) canonical, iteratively."""
        stack = [document]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    if ref.startswith("#"):
                        node["$ref"] = f"{file}{ref}"
                    else:
                        node["$ref"] = self._canonical(ref, folder)
                stack.extend(v for v in node.values() if isinstance(v, dict | list))
            elif isinstance(node, list):
                stack.extend(v for v in node if isinstance(v, dict | list))


def pointer_path(ref: str) -> str:
    """A reference as a place for messages: ``#/a/b~1c`` → ``$.a["b/c"]``, files named first."""
    file, _, fragment = ref.partition("#")
    where = "$"
    for raw in fragment.split("/")[1:]:
        where = join(where, unquote(raw).replace("~1", "/").replace("~0", "~"))
    return f"{file}: {where}" if file else where
