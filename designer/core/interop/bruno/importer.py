"""Import Bruno collections (a folder) and single Bruno requests (a ``.bru`` file).

A Bruno collection is a folder: ``bruno.json`` names it, each request is a
``.bru`` file, sub-folders are folders (with an optional ``folder.bru`` for
their name, headers and auth), ``collection.bru`` holds the collection's
headers, auth and variables, and ``environments/*.bru`` its environments.
The files are read with :mod:`.bru` and become requests for
:func:`.collection.build_apis`, as Postman's and Insomnia's do:

- requests directly in the collection form an API named after it; each
  top-level folder is an API, deeper folders are kept in call names; requests
  keep Bruno's order (``meta.seq``);
- ``{{variables}}`` are substituted as Bruno ranks them: the collection's
  ``vars:pre-request``, then the environment's, then the folders' and the
  request's. The APIs take the collection's values (what Bruno sends with no
  environment chosen), and the first environment's (by file name) where the
  collection has none; every environment becomes an environment of each API,
  with the base URL and credentials it gives. ``vars:secret`` names no value, and
  ``{{process.env.NAME}}`` reads the user's ``.env``: both are left blank;
- the body the request selects (``body: json``) is read: JSON, text, XML,
  SPARQL, form, multipart (text fields) and GraphQL (with its variables);
- auth is the request's, else ``inherit`` reads the nearest folder's, else
  the collection's: bearer, basic, API key (header or query) and OAuth 2.0
  map to ours; AWS Signature, Digest, NTLM, WSSE, Akamai and OAuth 1 are named
  in a note;
- disabled entries (``~name``) are optional query parameters, or left out
  (headers, form fields); scripts, tests, assertions and post-response
  variables are counted in a note, not run.

A folder is read from disk only below the chosen folder, without following
symbolic links, with bounded file counts and sizes.

Reading one request file is :mod:`designer.core.interop.bruno.request_file`;
walking the collection's folder and building the APIs is here.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from designer.core import fileio
from designer.core.errors import ImportFormatError
from designer.core.interop.bruno.bru import Block, parse_bru
from designer.core.interop.bruno.request_file import (
    METHODS,
    RequestFile,
    Scope,
    blocks_by_name,
    enabled_values,
    read_scope,
)
from designer.core.interop.collection.build import RawRequest, build_apis
from designer.core.interop.collection.environments import add_environments
from designer.core.interop.common import ImportResult, model_errors
from designer.core.interop.graphql_import import adopt_graphql
from designer.core.interop.source import MAX_DOCUMENT_SIZE
from designer.core.wording import plural

__all__ = ["import_bru_file", "import_bruno_folder", "is_bruno_folder"]

#: A collection with more files than this is not one a person wrote.
MAX_FILES = 5000
_MAX_DEPTH = 30
_SKIPPED_DIRS = {"node_modules", ".git", "environments"}
#: The files that hold a folder's or the collection's settings, not a request.
_SCOPE_FILES = ("folder.bru", "collection.bru")


def is_bruno_folder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder holding a Bruno collection (its ``bruno.json``)."""
    return Path(path).is_dir() and (Path(path) / "bruno.json").is_file()


def _read(path: Path, shown: str) -> tuple[list[Block], int]:
    """The blocks of the file at ``path``, and its size."""
    from designer.core.interop.source import read_source

    data = read_source(path, what="Bruno file")
    return parse_bru(fileio.decode_utf8(data, source=shown), shown), len(data)


def _seq(blocks: list[Block]) -> float:
    meta = blocks_by_name(blocks).get("meta")
    try:
        return float(meta.get("seq")) if meta is not None else float("inf")
    except ValueError:
        return float("inf")


@dataclass(slots=True)
class _Found:
    """A request file, with where it sits."""

    blocks: list[Block]
    shown: str
    scope: Scope
    group: str
    path: list[str]


class _Folder:
    """The whole collection folder, walked once."""

    def __init__(self, root: Path, shown: str) -> None:
        self.root, self.shown = root, shown
        self.files = 0
        self.size = 0
        self.skipped: Counter[str] = Counter()
        self.found: list[_Found] = []
        self.ignored: set[str] = set(_SKIPPED_DIRS)

    def read(self, path: Path) -> list[Block]:
        self.files += 1
        if self.files > MAX_FILES:
            raise ImportFormatError(
                f"{self.shown}: more than {MAX_FILES} files: this is not a Bruno collection "
                f"to import"
            )
        blocks, size = _read(path, f"{self.shown}/{path.relative_to(self.root).as_posix()}")
        self.size += size
        if self.size > MAX_DOCUMENT_SIZE:
            raise ImportFormatError(
                f"{self.shown}: its .bru files hold more than "
                f"{fileio.format_size(MAX_DOCUMENT_SIZE)}: this is not a Bruno collection to import"
            )
        return blocks

    def walk(self, folder: Path, scope: Scope, group: str, path: list[str], depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise ImportFormatError(f"{self.shown}: folders nest more than {_MAX_DEPTH} deep")
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
        files: list[tuple[list[Block], str]] = []
        for entry in entries:
            if entry.is_symlink():
                continue  # never read outside the collection
            if entry.is_file() and entry.suffix == ".bru" and entry.name not in _SCOPE_FILES:
                files.append((self.read(entry), entry.relative_to(self.root).as_posix()))
        files.sort(key=lambda f: _seq(f[0]))
        for blocks, shown in files:
            self.found.append(_Found(blocks, f"{self.shown}/{shown}", scope, group, path))
        folders: list[tuple[Path, list[Block]]] = []
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink() and not entry.name.startswith("."):
                if depth == 0 and entry.name in self.ignored:
                    continue
                own = entry / "folder.bru"
                blocks = self.read(own) if own.is_file() and not own.is_symlink() else []
                folders.append((entry, blocks))
        folders.sort(key=lambda f: _seq(f[1]))  # Bruno's order: folder.bru's seq, then name
        for entry, blocks in folders:
            inner = read_scope(blocks, scope, self.skipped)
            name = inner.name or entry.name
            if depth == 0:
                self.walk(entry, inner, name, [], depth + 1)
            else:
                self.walk(entry, inner, group, [*path, name], depth + 1)


def _environments(folder: _Folder) -> list[tuple[str, dict[str, str]]]:
    found = []
    envs = folder.root / "environments"
    if envs.is_dir() and not envs.is_symlink():
        for entry in sorted(envs.iterdir(), key=lambda p: p.name):
            if entry.suffix == ".bru" and entry.is_file() and not entry.is_symlink():
                found.append(
                    (entry.stem, enabled_values(blocks_by_name(folder.read(entry)).get("vars")))
                )
    return found


def _requests(
    found: list[_Found], variables: dict[str, str], notes: list[str], skipped: Counter[str]
) -> list[RawRequest]:
    requests = []
    for item in found:
        reader = RequestFile(item.blocks, item.shown, item.scope, variables, notes, skipped)
        raw = reader.build(item.group, item.path)
        if raw is not None:
            requests.append(raw)
    return requests


def _other_kind(blocks: list[Block]) -> str | None:
    names = {b.name for b in blocks}
    if "grpc" in names:
        return "gRPC request"
    if "ws" in names:
        return "WebSocket request"
    return None


def _finish(
    name: str,
    found: list[_Found],
    environments: list[tuple[str, dict[str, str]]],
    skipped: Counter[str],
    source: str,
    collection_vars: dict[str, str] | None = None,
) -> ImportResult:
    kept = []
    for item in found:
        other = _other_kind(item.blocks)
        if other is not None:
            skipped[other] += 1
        else:
            kept.append(item)
    # What Bruno sends with no environment chosen: the collection's variables; the
    # first environment fills in those the collection leaves undefined. A chosen
    # environment wins over the collection's variables.
    own = collection_vars or {}
    default = {**(environments[0][1] if environments else {}), **own}
    notes: list[str] = []
    requests = _requests(kept, default, notes, skipped)
    if not requests:
        raise ImportFormatError(f"{source}: holds no HTTP requests: there is nothing to import")
    with model_errors(source):
        result = adopt_graphql(build_apis(requests, ImportResult("bruno", name, [])))
        for env_name, values in environments:
            variables = {**own, **values}
            add_environments(result, env_name, _requests(kept, variables, [], Counter()))
    if len(environments) > 1:
        result.notes.append(
            f"the APIs use the collection's variables, and those of environment "
            f"{environments[0][0]!r} where it has none; each of the "
            f"{plural(len(environments), 'environment')} became an environment of the APIs"
        )
    if skipped:
        left_out = ", ".join(plural(n, what) for what, n in skipped.items())
        notes.append(f"not imported: {left_out}")
    result.notes = list(dict.fromkeys([*notes, *result.notes]))
    return result


def import_bruno_folder(path: str | os.PathLike[str]) -> ImportResult:
    """The APIs of the Bruno collection in the folder ``path``."""
    try:
        return _import_folder(Path(path))
    except OSError as exc:  # a folder that cannot be listed, a file that vanished
        where = exc.filename or os.fspath(path)
        raise ImportFormatError(
            f"{where}: cannot be read ({exc.strerror or exc}): check the collection's folder"
        ) from exc


def _import_folder(root: Path) -> ImportResult:
    shown = root.name or str(root)
    config_path = root / "bruno.json"
    if not config_path.is_file():
        raise ImportFormatError(
            f"{shown}: not a Bruno collection: the folder has no bruno.json; choose the "
            f"collection's own folder"
        )
    from designer.core.interop.reader import Reader
    from designer.core.interop.source import read_document

    r = Reader(f"{shown}/bruno.json")
    config = r.obj(read_document(config_path), "$")
    name = r.get_text(config, "name", "$") or shown
    folder = _Folder(root, shown)
    for index, entry in enumerate(r.get_list(config, "ignore", "$")):
        folder.ignored.add(r.text(entry, f"$.ignore[{index}]").strip("/"))
    collection = root / "collection.bru"
    blocks = folder.read(collection) if collection.is_file() else []
    scope = read_scope(blocks, None, folder.skipped)
    scope.name = name
    # The collection's variables rank below an environment's, unlike a folder's.
    collection_vars, scope.variables = scope.variables, {}
    folder.walk(root, scope, "", [], 0)
    environments = _environments(folder)
    result = _finish(name, folder.found, environments, folder.skipped, shown, collection_vars)
    if scope.description:
        for api in result.apis:
            api.description = api.description or scope.description
    return result


def import_bru_file(text: str, source: str) -> ImportResult:
    """The API of one Bruno request file (``source`` names it)."""
    blocks = parse_bru(text, source)
    names = {b.name for b in blocks}
    if names and names <= {"vars", "vars:secret", "color"}:
        raise ImportFormatError(
            f"{source}: this is a Bruno environment file: it holds variables, no request; "
            f"import the collection's folder"
        )
    if not names & {*METHODS, "http", "grpc", "ws"}:
        raise ImportFormatError(
            f"{source}: this .bru file holds no request (a folder.bru or collection.bru?): "
            f"import the collection's folder"
        )
    stem = re.sub(r"\.bru$", "", Path(source).name) or "Bruno"
    skipped: Counter[str] = Counter()
    found = [_Found(blocks, source, Scope(), "", [])]
    meta = blocks_by_name(blocks).get("meta")
    name = (meta.get("name") if meta is not None else "") or stem
    return _finish(name, found, [], skipped, source)
