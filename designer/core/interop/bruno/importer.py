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
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from designer.core import fileio
from designer.core.errors import ImportFormatError
from designer.core.interop.bruno.bru import Block, parse_bru
from designer.core.interop.collection.auth import OAuth2Settings, oauth2_credential
from designer.core.interop.collection.build import RawAuth, RawParam, RawRequest, build_apis
from designer.core.interop.collection.environments import add_environments
from designer.core.interop.collection.values import VARIABLE, resolve_variables, without_variables
from designer.core.interop.common import ImportResult, model_errors
from designer.core.interop.graphql_import import adopt_graphql
from designer.core.interop.source import MAX_DOCUMENT_SIZE
from designer.core.models import ApiKeyHeaderAuth, ApiKeyQueryAuth, BasicAuth, BearerAuth, NoAuth
from designer.core.urls import with_default_scheme
from designer.core.wording import plural

__all__ = ["import_bru_file", "import_bruno_folder", "is_bruno_folder"]

#: A collection with more files than this is not one a person wrote.
MAX_FILES = 5000
_MAX_DEPTH = 30
_SKIPPED_DIRS = {"node_modules", ".git", "environments"}
#: The files that hold a folder's or the collection's settings, not a request.
_SCOPE_FILES = ("folder.bru", "collection.bru")
_METHODS = ("get", "post", "put", "delete", "patch", "options", "head", "connect", "trace")
_RAW_TYPES = {"text": "text/plain", "xml": "application/xml", "sparql": "application/sparql-query"}
_NOT_RUN = {
    "script:pre-request": "script",
    "script:post-response": "script",
    "tests": "test block",
    "assert": "assertion block",
    "vars:post-response": "post-response variable block",
}
_UNSUPPORTED_AUTH = {
    "awsv4": "AWS Signature v4",
    "digest": "Digest",
    "ntlm": "NTLM",
    "wsse": "WSSE",
    "oauth1": "OAuth 1.0",
    "akamai-edgegrid": "Akamai EdgeGrid",
}


def is_bruno_folder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder holding a Bruno collection (its ``bruno.json``)."""
    return Path(path).is_dir() and (Path(path) / "bruno.json").is_file()


@dataclass(slots=True)
class _Scope:
    """What a folder (or the collection) gives the requests in it."""

    name: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    auth: Block | None = None
    auth_mode: str = "inherit"
    variables: dict[str, str] = field(default_factory=dict)
    description: str = ""


def _blocks(blocks: list[Block]) -> dict[str, Block]:
    """Blocks by name (the first of each name, as Bruno reads them)."""
    found: dict[str, Block] = {}
    for block in blocks:
        found.setdefault(block.name, block)
    return found


def _scope(blocks: list[Block], parent: _Scope | None, skipped: Counter[str]) -> _Scope:
    """The scope ``collection.bru`` or a ``folder.bru`` defines, inside ``parent``."""
    by_name = _blocks(blocks)
    scope = _Scope()
    if parent is not None:
        scope.headers = list(parent.headers)
        scope.variables = dict(parent.variables)
        scope.auth, scope.auth_mode = parent.auth, parent.auth_mode
    meta = by_name.get("meta")
    scope.name = meta.get("name") if meta is not None else ""
    scope.headers = _merge_headers(scope.headers, by_name.get("headers"), skipped)
    scope.variables.update(_enabled(by_name.get("vars:pre-request")))
    mode = by_name["auth"].get("mode", "inherit") if "auth" in by_name else "inherit"
    if mode != "inherit":
        scope.auth_mode = mode
        scope.auth = by_name.get(f"auth:{mode}")
    docs = by_name.get("docs")
    scope.description = (docs.text or "") if docs is not None else ""
    _count_not_run(blocks, skipped)
    return scope


def _count_not_run(blocks: list[Block], skipped: Counter[str]) -> None:
    for block in blocks:
        if block.name in _NOT_RUN and (block.text or block.pairs):
            skipped[_NOT_RUN[block.name]] += 1


def _enabled(block: Block | None) -> dict[str, str]:
    return {p.key: p.value for p in block.pairs if p.enabled} if block is not None else {}


def _merge_headers(
    inherited: list[tuple[str, str]], block: Block | None, skipped: Counter[str]
) -> list[tuple[str, str]]:
    """``inherited`` headers, with ``block``'s own added; an own header of the same name wins."""
    if block is None:
        return list(inherited)
    own = []
    for pair in block.pairs:
        if pair.enabled:
            own.append((pair.key, pair.value))
        else:
            skipped["disabled header"] += 1
    names = {name.lower() for name, _ in own}
    return [h for h in inherited if h[0].lower() not in names] + own


class _Request:
    """One request file read into a :class:`RawRequest`, with ``variables`` substituted."""

    def __init__(
        self,
        blocks: list[Block],
        source: str,
        scope: _Scope,
        variables: dict[str, str],
        notes: list[str],
        skipped: Counter[str],
    ) -> None:
        self.blocks, self.source, self.scope, self.notes = blocks, source, scope, notes
        self.by_name = _blocks(blocks)
        self.skipped = skipped
        scoped = {**variables, **scope.variables, **_enabled(self.by_name.get("vars:pre-request"))}
        self.vars = resolve_variables(scoped)

    def sub(self, text: str) -> str:
        return VARIABLE.sub(lambda m: self.vars.get(m.group(1).strip()) or m.group(0), text)

    def verb(self) -> tuple[str, Block] | None:
        for name in _METHODS:
            if name in self.by_name:
                return name.upper(), self.by_name[name]
        custom = self.by_name.get("http")
        if custom is not None:
            return custom.get("method", "GET").upper(), custom
        return None

    def build(self, group: str, path: list[str]) -> RawRequest | None:
        found = self.verb()
        if found is None:
            return None
        method, verb = found
        meta = self.by_name.get("meta")
        name = (meta.get("name") if meta is not None else "") or Path(self.source).stem
        docs = self.by_name.get("docs")
        raw = RawRequest(
            group=group,
            name=" / ".join([*path, name]),
            method=method,
            url=with_default_scheme(self.sub(verb.get("url"))),
            headers=[
                (k, self.sub(v))
                for k, v in _merge_headers(
                    self.scope.headers, self.by_name.get("headers"), self.skipped
                )
            ],
            description=(docs.text or "") if docs is not None else "",
            # The .bru file's place in the collection: its identity for updates.
            identity="file:" + "/".join([*path, Path(self.source).name]),
        )
        query = self.by_name.get("params:query") or self.by_name.get("query")
        if query is not None:
            raw.query = [
                RawParam(p.key, self.sub(p.value), p.description)
                if p.enabled
                else RawParam(p.key, "", p.description, optional=True)
                for p in query.pairs
            ]
        for pair in self.by_name["params:path"].pairs if "params:path" in self.by_name else ():
            raw.path_values[pair.key] = self.sub(pair.value)
            if pair.description:
                raw.descriptions[f":{pair.key}"] = pair.description
        for pair in self.by_name["headers"].pairs if "headers" in self.by_name else ():
            if pair.description:
                raw.descriptions[pair.key.lower()] = pair.description
        self.body(raw, verb.get("body", "none"))
        raw.auth = self.auth(verb.get("auth", "inherit"))
        _count_not_run(self.blocks, self.skipped)
        return raw

    def body(self, raw: RawRequest, mode: str) -> None:
        mode = mode.strip()
        if mode in ("formUrlEncoded", "multipartForm"):
            block = self.by_name.get(
                "body:form-urlencoded" if mode == "formUrlEncoded" else "body:multipart-form"
            )
            raw.body_mode = "form" if mode == "formUrlEncoded" else "multipart"
            for pair in block.pairs if block is not None else ():
                if not pair.enabled:
                    self.skipped["disabled form field"] += 1
                elif pair.value.startswith("@file("):
                    self.skipped["file field"] += 1
                else:
                    raw.form.append((pair.key, self.sub(pair.value.split(" @contentType(")[0])))
            return
        if mode == "graphql":
            query = self.by_name.get("body:graphql")
            if query is None or not (query.text or "").strip():
                return
            variables_block = self.by_name.get("body:graphql:vars")
            variables: Any = {}
            if variables_block is not None and (variables_block.text or "").strip():
                text = self.sub(variables_block.text or "")
                try:
                    variables = orjson.loads(text)
                except orjson.JSONDecodeError:
                    self.notes.append(
                        f"{self.source}: the GraphQL variables are not JSON; they were left out"
                    )
            raw.body_mode = "json"
            raw.body_text = orjson.dumps({"query": query.text, "variables": variables}).decode()
            return
        if mode == "file":
            self.skipped["file body"] += 1
            return
        block = self.by_name.get(f"body:{mode}")
        if block is None or not block.text:
            return
        raw.body_text = self.sub(block.text)
        raw.body_mode = "json" if mode == "json" else "raw"
        media = "application/json" if mode == "json" else _RAW_TYPES.get(mode, "")
        if media and not any(n.lower() == "content-type" for n, _ in raw.headers):
            raw.headers.append(("Content-Type", media))

    def auth(self, mode: str) -> RawAuth | None:
        mode = mode.strip() or "inherit"
        block = self.by_name.get(f"auth:{mode}")
        if mode == "inherit":
            mode, block = self.scope.auth_mode, self.scope.auth
        if mode in ("inherit", "none"):
            return RawAuth(NoAuth(), "") if mode == "none" else None
        found = _auth(mode, block, self.sub)
        if found is None:
            what = _UNSUPPORTED_AUTH.get(mode, mode)
            self.notes.append(
                f"{self.source}: {what} authentication is not supported: the request was "
                f"imported without it; set it by hand"
            )
            return RawAuth(NoAuth(), "")
        return found


def _auth(mode: str, block: Block | None, sub: Callable[[str], str]) -> RawAuth | None:
    """Our credential for Bruno's auth ``mode`` with its settings ``block``."""

    def text(key: str) -> str:
        return sub(block.get(key)) if block is not None else ""

    if mode == "bearer":
        return RawAuth(BearerAuth(), without_variables(text("token")))
    if mode == "basic":
        return RawAuth(BasicAuth(username=text("username")), without_variables(text("password")))
    if mode == "apikey" and text("key"):
        secret = without_variables(text("value"))
        if text("placement").lower() in ("queryparams", "query"):
            return RawAuth(ApiKeyQueryAuth(parameter=text("key")), secret)
        return RawAuth(ApiKeyHeaderAuth(header=text("key")), secret)
    if mode == "oauth2":
        fields = {
            "token_url": text("access_token_url"),
            "authorize_url": text("authorization_url"),
            "client_id": text("client_id"),
            "client_secret": text("client_secret"),
            "scope": text("scope"),
            "username": text("username"),
            "password": text("password"),
            "redirect_url": text("callback_url"),
        }
        in_body = text("credentials_placement") == "body"
        return oauth2_credential(OAuth2Settings(text("grant_type"), fields, in_body=in_body))
    return None


def _read(path: Path, shown: str) -> tuple[list[Block], int]:
    """The blocks of the file at ``path``, and its size."""
    from designer.core.interop.source import read_source

    data = read_source(path, what="Bruno file")
    return parse_bru(fileio.decode_utf8(data, source=shown), shown), len(data)


def _seq(blocks: list[Block]) -> float:
    meta = _blocks(blocks).get("meta")
    try:
        return float(meta.get("seq")) if meta is not None else float("inf")
    except ValueError:
        return float("inf")


@dataclass(slots=True)
class _Found:
    """A request file, with where it sits."""

    blocks: list[Block]
    shown: str
    scope: _Scope
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

    def walk(self, folder: Path, scope: _Scope, group: str, path: list[str], depth: int) -> None:
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
            inner = _scope(blocks, scope, self.skipped)
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
                found.append((entry.stem, _enabled(_blocks(folder.read(entry)).get("vars"))))
    return found


def _requests(
    found: list[_Found], variables: dict[str, str], notes: list[str], skipped: Counter[str]
) -> list[RawRequest]:
    requests = []
    for item in found:
        reader = _Request(item.blocks, item.shown, item.scope, variables, notes, skipped)
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
    scope = _scope(blocks, None, folder.skipped)
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
    if not names & {*_METHODS, "http", "grpc", "ws"}:
        raise ImportFormatError(
            f"{source}: this .bru file holds no request (a folder.bru or collection.bru?): "
            f"import the collection's folder"
        )
    stem = re.sub(r"\.bru$", "", Path(source).name) or "Bruno"
    skipped: Counter[str] = Counter()
    found = [_Found(blocks, source, _Scope(), "", [])]
    meta = _blocks(blocks).get("meta")
    name = (meta.get("name") if meta is not None else "") or stem
    return _finish(name, found, [], skipped, source)
