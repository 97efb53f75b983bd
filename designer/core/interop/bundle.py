"""The portable connector bundle: chosen APIs in one deterministic, secret-free file.

A bundle is a UTF-8 JSON document::

    {
      "format": "connector-designer.bundle",
      "version": 1,
      "checksum": "sha256:<hex>",
      "content": {
        "name": "<workspace name>",
        "apis": [<APIs exactly as in a workspace file>],
        "secrets": [{"env", "ref", "api", "call", "field", "description"}, ...],
        "samples": null | {"warning": "...", "responses": [...]}
      }
    }

- ``checksum`` is the SHA-256 of ``content`` in canonical form (compact JSON,
  keys sorted, UTF-8); import refuses a bundle whose content does not match.
- ``secrets`` is the manifest of the secrets the APIs need (never their
  values): see :mod:`.secret_names` for the variable names.
- Values seen in responses (the ``samples`` of inferred structures) and saved
  response bodies are personal data more often than not, so they are left
  out unless asked for. When included, each body is capped at
  :data:`MAX_SAMPLE_SIZE`, all at :data:`MAX_SAMPLES_SIZE`, known secret values
  are masked, and the bundle carries a warning.

The same APIs always give byte-identical bundles. :func:`bundle_json_schema`
is the published JSON Schema (``connector-designer schema --bundle``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, quote_plus

import orjson

from designer.core.errors import BundleIntegrityError, ImportVersionError, Problem
from designer.core.interop.common import ImportResult
from designer.core.interop.reader import Reader, describe, join
from designer.core.models import WORKSPACE_FORMAT, WORKSPACE_VERSION, Api, ValueType, Workspace
from designer.core.secrets.names import required_secrets
from designer.core.secrets.store import mask_secrets

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "MAX_SAMPLES_SIZE",
    "MAX_SAMPLE_SIZE",
    "SAMPLES_WARNING",
    "SampleResponse",
    "bundle_json_schema",
    "export_bundle",
    "import_bundle",
]

BUNDLE_FORMAT: Final = "connector-designer.bundle"
BUNDLE_VERSION: Final = 1
MAX_SAMPLE_SIZE = 64 * 1024
MAX_SAMPLES_SIZE = 1024 * 1024
SAMPLES_WARNING = (
    "This bundle holds values from real responses. They may include personal data: "
    "check them before sharing the file."
)
_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


@dataclass(frozen=True, slots=True)
class SampleResponse:
    """A saved response body of a call, to ship with a bundle."""

    content_type: str
    body: str


def _canonical(content: Any) -> bytes:
    return orjson.dumps(content, option=orjson.OPT_SORT_KEYS)


def checksum(content: Any) -> str:
    """The checksum of a bundle's ``content``: ``sha256:`` and 64 hex digits."""
    return "sha256:" + hashlib.sha256(_canonical(content)).hexdigest()


def _forms(values: Iterable[str]) -> set[str]:
    forms: set[str] = set()
    for value in values:
        if value:
            forms |= {value, quote(value, safe=""), quote_plus(value)}
            forms.add(orjson.dumps(value).decode()[1:-1])
    return forms


def _strip_samples(node: Any, masked: set[str] | None) -> None:
    """Remove (``masked`` None) or mask the ``samples`` of a stored structure, iteratively."""
    stack = [node]
    while stack:
        shape = stack.pop()
        if not isinstance(shape, dict):
            continue
        if "samples" in shape:
            if masked is None:
                del shape["samples"]
            else:
                shape["samples"] = [
                    mask_secrets(s, masked) if isinstance(s, str) else s for s in shape["samples"]
                ]
        stack.extend(shape.get("fields", {}).values())
        stack.extend(shape.get("variants", []))
        stack.extend(v for k in ("items", "embedded") if (v := shape.get(k)) is not None)


def _api_docs(apis: Sequence[Api], masked: set[str] | None) -> list[dict[str, Any]]:
    from designer.core.workspace.file import dumps  # blanks private values, the one place that does

    doc = orjson.loads(dumps(Workspace(apis=list(apis))))
    for api in doc["apis"]:
        # Where the sender's APIs were imported from is the sender's: the teammate's
        # import records the bundle itself as the source.
        api.pop("source", None)
        for call in api["calls"]:
            call.pop("origin", None)
            if call.get("structure") is not None:
                _strip_samples(call["structure"], masked)
        for hook in api.get("webhooks", []):  # captured from senders: as private as responses
            if hook.get("structure") is not None:
                _strip_samples(hook["structure"], masked)
    return list(doc["apis"])


def _truncate(text: str, limit: int) -> tuple[str, bool]:
    data = text.encode()
    if len(data) <= limit:
        return text, False
    return data[:limit].decode("utf-8", errors="ignore"), True


def _samples(
    apis: Sequence[Api], samples: Mapping[str, SampleResponse], masked: set[str]
) -> list[dict[str, Any]]:
    out = []
    budget = MAX_SAMPLES_SIZE
    for api in apis:
        for call in api.calls:
            sample = samples.get(call.id)
            if sample is None or budget <= 0:
                continue
            body, cut = _truncate(mask_secrets(sample.body, masked), min(MAX_SAMPLE_SIZE, budget))
            budget -= len(body.encode())
            out.append(
                {
                    "api": api.id,
                    "call": call.id,
                    "content_type": sample.content_type,
                    "body": body,
                    "truncated": cut,
                }
            )
    return out


def export_bundle(
    ws: Workspace,
    apis: Sequence[Api] | None = None,
    *,
    include_samples: bool = False,
    samples: Mapping[str, SampleResponse] | None = None,
    secret_values: Iterable[str] = (),
) -> bytes:
    """The bundle of ``apis`` (default: all) of ``ws``, as file contents.

    ``include_samples`` keeps the values seen in responses and adds
    ``samples`` (saved bodies by call id); every value in ``secret_values``
    is masked in them.
    """
    # A file sample is a path on this machine: the bundle names no file (see file_choices).
    chosen = [_without_file_paths(api) for api in (ws.apis if apis is None else apis)]
    masked = _forms(secret_values)
    content: dict[str, Any] = {
        "name": ws.name,
        "apis": _api_docs(chosen, masked if include_samples else None),
        "secrets": [
            {
                "env": s.env,
                "ref": s.ref,
                "api": s.api,
                "call": s.call,
                "field": s.field,
                "description": s.description,
            }
            for s in required_secrets(chosen)
        ],
        "samples": None,
    }
    if include_samples:
        content["samples"] = {
            "warning": SAMPLES_WARNING,
            "responses": _samples(chosen, samples or {}, masked),
        }
    document = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "checksum": checksum(content),
        "content": content,
    }
    return orjson.dumps(document, option=_OPTIONS)


def _without_file_paths(api: Api) -> Api:
    api = api.model_copy(deep=True)
    for parameter in (*api.parameters, *(p for call in api.calls for p in call.parameters)):
        if parameter.type is ValueType.FILE:
            parameter.value = ""
    return api


# -- import --------------------------------------------------------------------------------


def _header(doc: Any, r: Reader) -> dict[str, Any]:
    top = r.obj(doc, "$")
    fmt = top.get("format")
    if fmt != BUNDLE_FORMAT:
        found = "has no 'format'" if fmt is None else f"has format {describe(fmt)} {fmt!r}"
        raise ImportVersionError(
            f"{r.source}: $.format: not a Connector Designer bundle: it {found}, "
            f"expected {BUNDLE_FORMAT!r}"
        )
    version = top.get("version")
    if type(version) is not int or version < 1:
        raise r.fail("$.version", f"must be a whole number such as {BUNDLE_VERSION}")
    if version > BUNDLE_VERSION:
        raise ImportVersionError(
            f"{r.source}: $.version: the bundle is format version {version}, this Connector "
            f"Designer reads up to {BUNDLE_VERSION}: update the app"
        )
    return top


def _check_checksum(top: dict[str, Any], content: dict[str, Any], r: Reader) -> None:
    expected = r.get_text(top, "checksum", "$")
    if not expected:
        raise r.fail("$.checksum", "required, but missing: the bundle is incomplete")
    try:
        actual = checksum(content)
    except (TypeError, orjson.JSONEncodeError) as exc:
        raise r.fail("$.content", f"cannot be checked ({exc}): the bundle is damaged") from exc
    if actual != expected:
        raise BundleIntegrityError(
            f"{r.source}: $.checksum: does not match the content: the bundle was changed or "
            f"damaged after export; ask for a fresh copy"
        )


def _apis(content: dict[str, Any], r: Reader) -> list[Api]:
    from designer.core.workspace import file as workspace_file

    apis = r.get_list(content, "apis", "$.content")
    document = {"format": WORKSPACE_FORMAT, "version": WORKSPACE_VERSION, "apis": apis}
    data = orjson.dumps(document)
    problems: list[Problem] = workspace_file.validate_bytes(data, r.source)
    if problems:
        first = problems[0]
        where = "$.content" + first.path.removeprefix("$") if first.path != "$" else "$.content"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise r.fail(where, f"{first.message}{more}")
    return workspace_file.loads(data, source=r.source).apis


def _manifest(content: dict[str, Any], apis: list[Api], r: Reader) -> None:
    known = {api.id for api in apis}
    for index, entry in enumerate(r.get_list(content, "secrets", "$.content")):
        where = join("$.content.secrets", index)
        item = r.obj(entry, where)
        for key in ("env", "ref", "api", "field", "description"):
            if not r.get_text(item, key, where):
                raise r.fail(join(where, key), "required, but missing or empty")
        if item.get("call") is not None:
            r.text(item["call"], join(where, "call"))
        if item["ref"].split("/", 1)[0] not in known:
            raise r.fail(join(where, "ref"), "names no API of the bundle")


def _read_samples(content: dict[str, Any], r: Reader) -> dict[str, SampleResponse]:
    raw = content.get("samples")
    if raw is None:
        return {}
    samples = r.obj(raw, "$.content.samples")
    found = {}
    for index, entry in enumerate(r.get_list(samples, "responses", "$.content.samples")):
        where = join("$.content.samples.responses", index)
        item = r.obj(entry, where)
        ref = f"{r.get_text(item, 'api', where)}/{r.get_text(item, 'call', where)}"
        found[ref] = SampleResponse(
            r.get_text(item, "content_type", where), r.get_text(item, "body", where)
        )
    return found


@dataclass(slots=True)
class BundleContents:
    """A checked bundle: the import result, its secrets manifest and its samples."""

    result: ImportResult
    manifest: list[dict[str, Any]]
    samples: dict[str, SampleResponse]


def import_bundle(doc: Any, source: str) -> BundleContents:
    """Check a parsed bundle completely and return its APIs; raises on the first problem."""
    r = Reader(source)
    top = _header(doc, r)
    content = r.get_obj(top, "content", "$")
    if not content:
        raise r.fail("$.content", "required, but missing or empty")
    _check_checksum(top, content, r)
    apis = _apis(content, r)
    _manifest(content, apis, r)
    samples = _read_samples(content, r)
    name = r.get_text(content, "name", "$.content", "Imported")
    notes = []
    if samples or content.get("samples") is not None:
        notes.append(SAMPLES_WARNING)
    for api in apis:
        # A shared file must not read what the user did not expect from their environment.
        if api.secret_variables:
            named = ", ".join(sorted(set(api.secret_variables.values())))
            notes.append(
                f"API {api.name!r} reads its secrets from the environment variables {named} "
                f"when it sends a request"
            )
    result = ImportResult("bundle", name or "Imported", apis, notes=notes)
    return BundleContents(result, list(content.get("secrets") or []), samples)


def bundle_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the bundle file."""
    from designer.core.workspace.file import json_schema

    workspace = json_schema()
    secret = {
        "type": "object",
        "additionalProperties": False,
        "required": ["env", "ref", "api", "call", "field", "description"],
        "properties": {
            "env": {"type": "string", "pattern": "^CD_SECRET_[A-Z0-9_]+$"},
            "ref": {"type": "string"},
            "api": {"type": "string"},
            "call": {"type": ["string", "null"]},
            "field": {"type": "string"},
            "description": {"type": "string"},
        },
    }
    response = {
        "type": "object",
        "additionalProperties": False,
        "required": ["api", "call", "content_type", "body", "truncated"],
        "properties": {
            "api": {"type": "string"},
            "call": {"type": "string"},
            "content_type": {"type": "string"},
            "body": {"type": "string", "maxLength": MAX_SAMPLE_SIZE},
            "truncated": {"type": "boolean"},
        },
    }
    samples = {
        "type": ["object", "null"],
        "additionalProperties": False,
        "required": ["warning", "responses"],
        "properties": {
            "warning": {"type": "string"},
            "responses": {"type": "array", "items": response},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:connector-designer:bundle:{BUNDLE_VERSION}",
        "title": "Connector Designer bundle",
        "description": (
            f"A portable connector bundle, format {BUNDLE_FORMAT!r} version {BUNDLE_VERSION}. "
            "'checksum' is 'sha256:' and the SHA-256 of 'content' as compact JSON with "
            "sorted keys."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "version", "checksum", "content"],
        "properties": {
            "format": {"const": BUNDLE_FORMAT},
            "version": {"const": BUNDLE_VERSION},
            "checksum": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
            "content": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "apis", "secrets", "samples"],
                "properties": {
                    "name": {"type": "string"},
                    "apis": {"type": "array", "items": {"$ref": "#/$defs/Api"}},
                    "secrets": {"type": "array", "items": secret},
                    "samples": samples,
                },
            },
        },
        "$defs": workspace["$defs"],
    }
