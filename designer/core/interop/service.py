"""The entry points the command line and the GUI use: read an import, merge it, export.

Reading and merging are separate so that a GUI can show what an import will
add (with conflicts marked, :func:`~.merge.plan_merge`) before anything
changes. Both are pure: they return new objects and never touch files or
the secret store; callers save the workspace and store the secrets.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from .. import fileio
from ..errors import ExportError, ImportFormatError, LookupFailed
from ..models import Api, Call, CallOrigin, Workspace
from . import EXPORT_FORMATS
from .bundle import SampleResponse, export_bundle, import_bundle
from .common import ImportResult, select_apis
from .credentials import hide_credentials
from .curl_export import export_curl
from .detect import check_kind, detect_document, looks_like_curl
from .har import import_har
from .insomnia import import_insomnia
from .merge import MergeOutcome, OnConflict, merge_apis, remap_ref
from .openapi_export import export_openapi, response_schema
from .openapi_import import import_openapi
from .postman_export import export_postman
from .postman_import import import_postman
from .secret_names import RequiredSecret, required_secrets
from .source import parse_document
from .sync import stamp_source

__all__ = [
    "EXPORT_FORMATS",
    "Imported",
    "export_workspace",
    "find_call",
    "merge_import",
    "read_import",
]

_JSON = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
_IMPORTERS = {
    "openapi": import_openapi,
    "postman": import_postman,
    "har": import_har,
    "insomnia": import_insomnia,
}


@dataclass(slots=True)
class Imported:
    """A checked import, not merged yet: what it holds, and the secrets it needs.

    ``required`` lists the secrets of the imported APIs with their variable
    names (for a bundle, the names in its manifest). ``samples`` are a
    bundle's saved responses by ``api-id/call-id``.
    """

    kind: str
    result: ImportResult
    required: list[RequiredSecret] = field(default_factory=list)
    samples: dict[str, SampleResponse] = field(default_factory=dict)


def _curl(text: str, source: str) -> ImportResult:
    from ..curl import curl_to_workspace
    from ..secrets import RecordingSecretStore

    store = RecordingSecretStore()
    ws, _, _ = curl_to_workspace(text, None, store)
    return ImportResult("curl", ws.name, ws.apis, secrets=store.found)


def read_import(
    data: bytes,
    source: str,
    kind: str | None = None,
    *,
    base: str | None = None,
    keep_static: bool = False,
) -> Imported:
    """Parse and check ``data`` (named ``source``) of format ``kind`` (detected when None).

    ``base`` is the path of the file read, when there is one: an OpenAPI
    document's references to other files are read from its folder tree.
    ``keep_static`` keeps a HAR recording's static assets and CORS preflights.
    """
    if kind == "curl" or (kind is None and looks_like_curl(data[:4096].decode("utf-8", "ignore"))):
        text = fileio.decode_utf8(data, source=source)
        result = _curl(text, source)
        _check_base_urls(result.apis, source)
        return Imported("curl", result, required_secrets(result.apis))
    doc = parse_document(data, source)
    kind = check_kind(doc, source, kind) if kind else detect_document(doc, source)
    location = "" if base is None else os.path.abspath(base)
    if kind == "bundle":
        contents = import_bundle(doc, source)
        for api in contents.result.apis:
            for call in api.calls:
                call.origin = CallOrigin(key=f"call:{call.id}")
        stamp_source(contents.result.apis, kind, location, data)
        _check_base_urls(contents.result.apis, source)
        by_ref = {s.ref: s for s in required_secrets(contents.result.apis)}
        required = []
        for entry in contents.manifest:
            known = by_ref.get(entry["ref"])
            if known is not None:
                required.append(replace(known, env=entry["env"]))
        return Imported("bundle", contents.result, required, contents.samples)
    if kind == "openapi":
        result = import_openapi(doc, source, base)
    elif kind == "har":
        result = import_har(doc, source, keep_static=keep_static)
    else:
        result = _IMPORTERS[kind](doc, source)
    _check_base_urls(result.apis, source)
    hide_credentials(result)
    stamp_source(result.apis, kind, location, data)
    return Imported(kind, result, required_secrets(result.apis))


def _check_base_urls(apis: Sequence[Api], source: str) -> None:
    """Refuse a base URL that could never be sent (port 99999, an unclosed IPv6 bracket)."""
    from ..base_url import base_url_problem

    for api in apis:
        urls = [(api.base_url, "")]
        urls += [(env.base_url, f" (environment '{env.name}')") for env in api.environments]
        for url, where in urls:
            problem = base_url_problem(url)
            if problem is not None:
                raise ImportFormatError(
                    f"{source}: the base URL '{url}' of API '{api.name}'{where} {problem}; "
                    f"fix it in the document and import again"
                )


@dataclass(slots=True)
class Merged:
    """A merged import: the outcome, the secrets found (by final reference) and those needed."""

    outcome: MergeOutcome
    secrets: dict[str, str]
    required: list[RequiredSecret]


def merge_import(
    ws: Workspace | None,
    imported: Imported,
    on_conflict: OnConflict | Mapping[str, OnConflict] = OnConflict.KEEP_BOTH,
    *,
    source: str = "<import>",
) -> Merged:
    """Merge ``imported`` into ``ws`` (or a new workspace); nothing is modified in place."""
    base = ws if ws is not None else Workspace(name=imported.result.name)
    outcome = merge_apis(base, imported.result.apis, on_conflict, source=source)
    kept = {
        a.id
        for a, plan in zip(imported.result.apis, outcome.planned, strict=True)
        if plan.action != "skip"
    }
    secrets = {
        remap_ref(ref, outcome.ids): value
        for ref, value in imported.result.secrets.items()
        if ref.split("/", 1)[0] in kept
    }
    # Variable names follow API and call names, which a conflict may have renamed
    # ("Shop (2)" reads CD_SECRET_SHOP_2_...): name them from the merged workspace.
    final = {s.ref: s for s in required_secrets(outcome.workspace.apis)}
    required = []
    for s in imported.required:
        if s.ref.split("/", 1)[0] in kept:
            ref = remap_ref(s.ref, outcome.ids)
            required.append(final.get(ref, replace(s, ref=ref)))
    return Merged(outcome, secrets, required)


def find_call(ws: Workspace, spec: str) -> tuple[Api, Call]:
    """The call named ``API/CALL`` (case-insensitive), or by a call name unique in ``ws``."""
    # The whole name is compared, since API names may hold a '/' (a base URL).
    wanted = spec.casefold()
    matches = [
        (api, call)
        for api in ws.apis
        for call in api.calls
        if f"{api.name}/{call.name}".casefold() == wanted or call.name.casefold() == wanted
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise LookupFailed(f"More than one call is named '{spec}': use --call API/CALL")
    raise LookupFailed(f"No call '{spec}' in the workspace: name it as API/CALL")


def export_workspace(
    ws: Workspace,
    to: str,
    *,
    api_names: Sequence[str] | None = None,
    call: str | None = None,
    yaml_output: bool = False,
    include_samples: bool = False,
    samples: Mapping[str, SampleResponse] | None = None,
    secret_values: Iterable[str] = (),
    notes: list[str] | None = None,
) -> bytes:
    """The file contents of ``ws`` (or the chosen APIs or call) exported as ``to``.

    Remarks on what the format could not hold as it is go to ``notes``.
    """
    apis = select_apis(ws, api_names)
    chosen = find_call(ws, call) if call is not None else None
    if to == "bundle":
        return export_bundle(
            ws, apis, include_samples=include_samples, samples=samples, secret_values=secret_values
        )
    if to == "curl":
        calls = [chosen] if chosen is not None else None
        return export_curl(apis, calls).encode()
    if to == "python":
        from .python_client import export_python

        if chosen is not None:
            apis = [chosen[0].model_copy(update={"calls": [chosen[1]]})]
        return export_python(ws, apis).encode()
    document: Any
    if to == "jsonschema":
        if chosen is None:
            raise ExportError(
                "A JSON Schema describes one call's response: choose it with --call API/CALL"
            )
        document = response_schema(chosen[1])
        if document is None:
            raise ExportError(
                f"Call '{chosen[0].name}/{chosen[1].name}' has no structure yet: "
                f"initialize it first"
            )
        from ..inference import SCHEMA_DIALECT

        document = {"$schema": SCHEMA_DIALECT, "title": chosen[1].name, **document}
    elif to in ("openapi", "postman"):
        if chosen is not None:
            apis = [chosen[0].model_copy(update={"calls": [chosen[1]]})]
        if to == "openapi":
            document = export_openapi(ws, apis, notes=notes)
        else:
            document = export_postman(ws, apis)
    else:
        raise ExportError(f"Unknown export format '{to}': use one of {', '.join(EXPORT_FORMATS)}")
    if yaml_output:
        import yaml

        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode()
    return orjson.dumps(document, option=_JSON)
