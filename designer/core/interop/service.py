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

from designer.core import fileio
from designer.core.errors import ExportError, ImportFormatError, InputError, LookupFailed
from designer.core.interop import EXPORT_FORMATS
from designer.core.interop.bundle import SampleResponse, export_bundle, import_bundle
from designer.core.interop.common import ImportResult, clear_file_samples, select_apis
from designer.core.interop.credentials import hide_credentials
from designer.core.interop.curl.exporter import export_curl
from designer.core.interop.detect import (
    check_kind,
    detect_document,
    format_name,
    looks_like_bru,
    looks_like_curl,
)
from designer.core.interop.formats import by_key, load
from designer.core.interop.insomnia.v5 import import_insomnia_v5, is_insomnia_v5
from designer.core.interop.merge import MergeOutcome, OnConflict, merge_apis, remap_ref
from designer.core.interop.openapi.exporter import export_openapi, response_schema
from designer.core.interop.postman.environment import PostmanEnvironment
from designer.core.interop.postman.exporter import export_postman
from designer.core.interop.source import MAX_DOCUMENT_SIZE, parse_document
from designer.core.interop.sync import stamp_source
from designer.core.models import Api, Call, CallOrigin, Workspace
from designer.core.secrets.names import RequiredSecret, required_secrets

__all__ = [
    "EXPORT_FORMATS",
    "Imported",
    "export_files",
    "export_workspace",
    "find_call",
    "merge_import",
    "read_bruno_folder",
    "read_import",
]

_JSON = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


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
    from designer.core.interop.curl.importer import curl_to_workspace
    from designer.core.secrets.store import RecordingSecretStore

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
    environment: PostmanEnvironment | None = None,
    env_files: Sequence[tuple[bytes, str]] = (),
) -> Imported:
    """Parse and check ``data`` (named ``source``) of format ``kind`` (detected when None).

    ``base`` is the path of the file read, when there is one: an OpenAPI
    document's references to other files are read from its folder tree.
    ``keep_static`` keeps a HAR recording's static assets and CORS preflights.
    ``environment`` holds the values of Postman environment files for a collection.
    ``env_files`` are environment files (contents and names) read with the
    import: Insomnia v5 environment files for an Insomnia v5 collection.
    """
    if kind == "curl" or (kind is None and looks_like_curl(data[:4096].decode("utf-8", "ignore"))):
        text = fileio.decode_utf8(data, source=source)
        _no_env_files(env_files, source, "curl")
        result = _curl(text, source)
        clear_file_samples(result)
        _check_base_urls(result.apis, source)
        return Imported("curl", result, required_secrets(result.apis))
    bru = looks_like_bru(data[:65536].decode("utf-8", "ignore"))
    if kind not in (None, "bruno") and bru:
        raise ImportFormatError(
            f"{source}: --from {kind} does not match the file: it is a Bruno request, not "
            f"{format_name(kind)}; use --from bruno or leave --from out"
        )
    if kind == "bruno" or bru:
        from designer.core.interop.bruno.importer import import_bru_file

        if len(data) > MAX_DOCUMENT_SIZE:
            parse_document(data, source)  # the same one-line refusal as any document
        _no_env_files(env_files, source, "bruno")
        text = fileio.decode_utf8(data, source=source)
        location = "" if base is None else os.path.abspath(base)
        return _checked("bruno", import_bru_file(text, source), source, location, data)
    doc = parse_document(data, source)
    kind = check_kind(doc, source, kind) if kind else detect_document(doc, source)
    location = "" if base is None else os.path.abspath(base)
    if kind == "bundle":
        _no_env_files(env_files, source, kind)
        contents = import_bundle(doc, source)
        clear_file_samples(contents.result)
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
    if env_files and kind == "postman":
        from designer.core.interop.postman.environment import environment_of

        environment = environment_of(
            [(parse_document(env, name), name) for env, name in env_files], environment
        )
        env_files = ()
    if environment is not None and kind != "postman":
        raise InputError(
            f"{source} is {kind}, not a Postman collection: environment files apply to "
            f"Postman collections only"
        )
    if kind == "openapi":
        result = load(by_key(kind).importer)(doc, source, base)
    elif kind == "postman":
        result = load(by_key(kind).importer)(doc, source, environment)
    elif kind == "har":
        result = load(by_key(kind).importer)(doc, source, keep_static=keep_static)
    elif kind == "insomnia" and is_insomnia_v5(doc):
        envs = [(parse_document(env, name), name) for env, name in env_files]
        result = import_insomnia_v5(doc, source, base, envs)
        env_files = ()
    else:
        result = load(by_key(kind).importer)(doc, source)
    _no_env_files(env_files, source, kind)
    return _checked(kind, result, source, location, data)


def _no_env_files(env_files: Sequence[tuple[bytes, str]], source: str, kind: str) -> None:
    if env_files:
        raise ImportFormatError(
            f"{env_files[0][1]}: an environment file is read with a Postman or an Insomnia v5 "
            f"collection only, and {source} is not one ({kind})"
        )


def _checked(
    kind: str,
    result: ImportResult,
    source: str | None = None,
    location: str = "",
    data: bytes = b"",
) -> Imported:
    clear_file_samples(result)
    _check_base_urls(result.apis, source or result.name)
    hide_credentials(result)
    stamp_source(result.apis, kind, location, data)
    return Imported(kind, result, required_secrets(result.apis))


def read_bruno_folder(path: str) -> Imported:
    """Read and check the Bruno collection in the folder ``path`` (or of its ``bruno.json``)."""
    from pathlib import Path

    from designer.core.interop.bruno.importer import import_bruno_folder

    folder = Path(path)
    if folder.name == "bruno.json" and folder.is_file():
        folder = folder.parent
    result = import_bruno_folder(folder)
    # The folder is the source; its fingerprint is that of the folder's path (its
    # files are many: an update reads them all again anyway).
    location = os.path.abspath(folder)
    return _checked("bruno", result, folder.name or str(folder), location, location.encode())


def _check_base_urls(apis: Sequence[Api], source: str) -> None:
    """Refuse a base URL that could never be sent (port 99999, an unclosed IPv6 bracket)."""
    from designer.core.http.base_url import base_url_problem

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
    if to == "bruno":
        raise ExportError("A Bruno collection is a folder of files: choose a folder to write")
    if to == "insomnia":
        from designer.core.interop.insomnia.exporter import export_insomnia

        if chosen is not None:
            apis = [chosen[0].model_copy(update={"calls": [chosen[1]]})]
        return export_insomnia(ws, apis, notes=notes)
    if to == "python":
        from designer.core.interop.python.client import export_python

        if chosen is not None:
            apis = [chosen[0].model_copy(update={"calls": [chosen[1]]})]
        return export_python(ws, apis, notes=notes).encode()
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
        from designer.core.inference import SCHEMA_DIALECT

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


def export_files(
    ws: Workspace,
    to: str,
    *,
    api_names: Sequence[str] | None = None,
    call: str | None = None,
    notes: list[str] | None = None,
) -> dict[str, bytes]:
    """The files of ``ws`` (or the chosen APIs or call) exported as the folder format ``to``.

    Paths are relative to the folder, with ``/`` between parts.
    """
    apis = select_apis(ws, api_names)
    if call is not None:
        api, chosen = find_call(ws, call)
        apis = [api.model_copy(update={"calls": [chosen]})]
    if to == "bruno":
        from designer.core.interop.bruno.exporter import export_bruno

        return export_bruno(ws, apis, notes=notes)
    raise ExportError(f"'{to}' is not exported as a folder")
