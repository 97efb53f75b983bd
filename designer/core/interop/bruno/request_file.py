"""One Bruno request file read into a request, inside the scopes that hold it.

A scope is what ``collection.bru`` or a folder's ``folder.bru`` gives the
requests below it (headers, auth, variables); :class:`RequestFile` reads one
request's blocks within its scope: its URL, parameters, body and auth, with
``{{variables}}`` substituted. Walking the collection's folder is
:mod:`designer.core.interop.bruno.importer`'s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from designer.core.interop.bruno.bru import Block
from designer.core.interop.collection.auth import OAuth2Settings, oauth2_credential
from designer.core.interop.collection.build import RawAuth, RawParam, RawRequest
from designer.core.interop.collection.values import VARIABLE, resolve_variables, without_variables
from designer.core.models import ApiKeyHeaderAuth, ApiKeyQueryAuth, BasicAuth, BearerAuth, NoAuth
from designer.core.urls import with_default_scheme

__all__ = ["METHODS", "RequestFile", "Scope", "blocks_by_name", "enabled_values", "read_scope"]

METHODS = ("get", "post", "put", "delete", "patch", "options", "head", "connect", "trace")
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


@dataclass(slots=True)
class Scope:
    """What a folder (or the collection) gives the requests in it."""

    name: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    auth: Block | None = None
    auth_mode: str = "inherit"
    variables: dict[str, str] = field(default_factory=dict)
    description: str = ""


def blocks_by_name(blocks: list[Block]) -> dict[str, Block]:
    """Blocks by name (the first of each name, as Bruno reads them)."""
    found: dict[str, Block] = {}
    for block in blocks:
        found.setdefault(block.name, block)
    return found


def read_scope(blocks: list[Block], parent: Scope | None, skipped: Counter[str]) -> Scope:
    """The scope ``collection.bru`` or a ``folder.bru`` defines, inside ``parent``."""
    by_name = blocks_by_name(blocks)
    scope = Scope()
    if parent is not None:
        scope.headers = list(parent.headers)
        scope.variables = dict(parent.variables)
        scope.auth, scope.auth_mode = parent.auth, parent.auth_mode
    meta = by_name.get("meta")
    scope.name = meta.get("name") if meta is not None else ""
    scope.headers = _merge_headers(scope.headers, by_name.get("headers"), skipped)
    scope.variables.update(enabled_values(by_name.get("vars:pre-request")))
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


def enabled_values(block: Block | None) -> dict[str, str]:
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


class RequestFile:
    """One request file read into a :class:`RawRequest`, with ``variables`` substituted."""

    def __init__(
        self,
        blocks: list[Block],
        source: str,
        scope: Scope,
        variables: dict[str, str],
        notes: list[str],
        skipped: Counter[str],
    ) -> None:
        self.blocks, self.source, self.scope, self.notes = blocks, source, scope, notes
        self.by_name = blocks_by_name(blocks)
        self.skipped = skipped
        scoped = {
            **variables,
            **scope.variables,
            **enabled_values(self.by_name.get("vars:pre-request")),
        }
        self.vars = resolve_variables(scoped)

    def sub(self, text: str) -> str:
        return VARIABLE.sub(lambda m: self.vars.get(m.group(1).strip()) or m.group(0), text)

    def verb(self) -> tuple[str, Block] | None:
        for name in METHODS:
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
