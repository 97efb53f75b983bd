"""The ``import`` and ``export`` commands: bundles, OpenAPI, Postman, HAR, Insomnia, cURL.

``import`` reads a file (or a curl command), checks all of it, and only then
merges it into the workspace given with ``-o`` (saved atomically) or prints
the new workspace; a failure leaves the workspace file byte-identical.
``export`` writes a workspace's APIs in another format, to stdout or
atomically to ``-o``.

Secrets never appear in files or output. An import reports on stderr which
secrets the imported APIs need and whether the environment provides them,
by the variable names of :mod:`designer.core.interop.secret_names`.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from .cli_options import call_spec, find_call
from .core import fileio
from .core.errors import ImportFormatError, InputError
from .core.interop import EXPORT_FORMATS, EXPORT_LABELS
from .core.wording import plural

if TYPE_CHECKING:
    from .core.interop.service import Imported, Merged

__all__ = ["register_export", "register_import"]

_FORMATS = ("bundle", "openapi", "postman", "har", "insomnia", "curl")


# -- import --------------------------------------------------------------------------------


def _is_command(text: str) -> bool:
    return any(c.isspace() for c in text.strip())


def _cmd_import(args: argparse.Namespace) -> int:
    from .cli import MAX_COMMAND_SIZE, _cmd_import_curl
    from .core.interop.detect import looks_like_curl
    from .core.interop.source import MAX_DOCUMENT_SIZE, read_source

    source: str = args.command
    kind: str | None = args.source
    if kind == "curl" or (kind is None and source != "-" and looks_like_curl(source)):
        return _cmd_import_curl(args)
    if source == "-":
        data = fileio.read_stdin_bytes(MAX_DOCUMENT_SIZE, what="document to import")
        if kind is None and looks_like_curl(data[:4096].decode("utf-8", "ignore")):
            if len(data) > MAX_COMMAND_SIZE:
                raise InputError("standard input is too long for a curl command")
            args.command = fileio.decode_utf8(data, source="standard input")
            return _cmd_import_curl(args, text=args.command)
        name = "<stdin>"
    else:
        if kind is None and not os.path.exists(source) and _is_command(source):
            raise ImportFormatError(
                "Cannot tell what kind of command this is: it does not start with 'curl'; "
                "pass --from curl if it is one"
            )
        data = read_source(source)
        name = source
    if args.api is not None or args.name is not None:
        raise InputError("--api and --name apply to a curl command; other imports keep their names")
    return _import_document(args, data, name, kind)


def _import_document(args: argparse.Namespace, data: bytes, name: str, kind: str | None) -> int:
    from .cli import _note, _out, _out_bytes
    from .core import workspace_file
    from .core.interop.merge import OnConflict
    from .core.interop.service import merge_import, read_import

    imported = read_import(
        data,
        name,
        kind,
        base=None if name == "<stdin>" else name,
        keep_static=args.keep_static,
    )
    target: str | None = args.output
    if target is None:
        merged = merge_import(None, imported, OnConflict(args.on_conflict), source="<output>")
        _out_bytes(workspace_file.dumps(merged.outcome.workspace))
    else:
        from .core.workspace_lock import update

        results: list[Merged] = []

        def change(workspace: Any) -> Any:
            # Runs under the workspace's lock, on the file as it is now: a
            # concurrent import's calls are kept, not overwritten.
            results.append(
                merge_import(workspace, imported, OnConflict(args.on_conflict), source=target)
            )
            return results[-1].outcome.workspace

        update(target, change)
        merged = results[-1]
        calls = sum(p.calls for p in merged.outcome.planned if p.action != "skip")
        _out(
            f"Imported {plural(calls, 'call')} from {name} into {target}: "
            f"{merged.outcome.summary()}\n"
        )
    _report(imported, merged, _note, merged.outcome.workspace, keychain=not args.no_keychain)
    return 0


def _report(
    imported: Imported, merged: Merged, note: Any, ws: Any, *, keychain: bool = True
) -> None:
    for item in merged.outcome.planned:
        if item.action == "rename":
            note(f"API '{item.name}' is already in the workspace: imported as '{item.final_name}'")
        elif item.action == "skip":
            note(f"API '{item.name}' is already in the workspace: skipped")
        elif item.action == "replace":
            note(f"API '{item.name}' replaced the one in the workspace")
    for text in imported.result.notes:
        note(f"Note: {text}")
    from .cli_secrets import store_found

    for line in store_found(ws, merged.secrets, keychain=keychain):
        note(line)
    found = set(merged.secrets)
    for secret in merged.required:
        if secret.ref in found:
            continue
        if os.environ.get(secret.env):
            note(f"Secret {secret.env} ({secret.description}): provided by the environment")
        else:
            note(
                f"Secret {secret.env} ({secret.description}): needed, not set; set the "
                f"environment variable {secret.env} or enter it in the app"
            )


def register_import(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import a bundle, OpenAPI, Postman, HAR, Insomnia file or a curl command",
        description=(
            "Import APIs from a file, or a call from a curl command. The format is detected "
            "unless --from names it. Everything is checked before the workspace changes; "
            "secrets are never written to the file."
        ),
        epilog=(
            "examples: connector-designer import petstore.yaml -o ws.json; "
            'connector-designer import --from curl "curl https://api.example.com/v1/items" '
            "-o ws.json"
        ),
    )
    parser.add_argument(
        "--from", dest="source", choices=_FORMATS, help="the format (default: detected)"
    )
    parser.add_argument(
        "command",
        metavar="SOURCE",
        help="the file to import, - for stdin, or the whole curl command as one argument",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="WORKSPACE",
        help="merge into this workspace file (created if missing); "
        "without it the workspace is printed",
    )
    parser.add_argument(
        "--on-conflict",
        choices=("replace", "keep-both", "skip"),
        default="keep-both",
        help="what to do with an imported API whose name is taken (default: keep-both, "
        "which renames it 'Name (2)'); for a curl command into an existing API, what to do "
        "with a credential of another kind than the API's auth (keep-both: a private "
        "parameter of the call; replace: it becomes the API's auth; skip: left out)",
    )
    parser.add_argument(
        "--no-keychain",
        action="store_true",
        help="do not store the credentials found in the OS keychain (they are never written "
        "to the file; supply them with CD_SECRET_… variables)",
    )
    parser.add_argument(
        "--api",
        metavar="NAME",
        help="curl: the name of the new API (default: the host name)",
    )
    parser.add_argument(
        "--name",
        metavar="NAME",
        help="curl: the name of the call (default: its method and path)",
    )
    parser.add_argument(
        "--keep-static",
        action="store_true",
        help="HAR: keep static assets (images, fonts, CSS, JS) and CORS preflight requests, "
        "which are skipped by default",
    )
    parser.set_defaults(handler=_cmd_import)


# -- export --------------------------------------------------------------------------------


def _samples(specs: list[str], ws: Any) -> dict[str, Any]:
    from .core.interop.bundle import MAX_SAMPLE_SIZE, SampleResponse

    found = {}
    for spec in specs:
        call_spec, sep, path = spec.rpartition("=")
        if not sep or not call_spec or not path:
            raise InputError(f"--sample '{spec}' is not API/CALL=FILE")
        _, call = find_call(ws, call_spec)
        data = fileio.read_bytes(path, limit=16 * MAX_SAMPLE_SIZE, what="sample response")
        import mimetypes

        content_type = mimetypes.guess_type(path)[0] or "application/json"
        found[call.id] = SampleResponse(content_type, data.decode("utf-8", "replace"))
    return found


def _cmd_export(args: argparse.Namespace) -> int:
    from .cli import _note, _out_bytes
    from .core import workspace_file
    from .core.interop.common import select_apis
    from .core.interop.secret_names import required_secrets
    from .core.interop.service import export_workspace

    ws = workspace_file.load(args.workspace)
    if args.sample and not args.include_samples:
        raise InputError("--sample needs --include-samples: samples are left out by default")
    apis = select_apis(ws, args.api)
    # The same lookup as init's; a JSON Schema needs a call, the only one when there is one.
    chosen = None
    if args.call is not None or args.to == "jsonschema":
        chosen = call_spec(*find_call(ws, args.call, apis))
    secrets = required_secrets(apis)
    values = [os.environ.get(s.env, "") for s in secrets]
    output: str | None = args.output
    notes: list[str] = []
    data = export_workspace(
        ws,
        args.to,
        api_names=args.api,
        call=chosen,
        yaml_output=bool(output and output.lower().endswith((".yaml", ".yml"))),
        include_samples=args.include_samples,
        samples=_samples(args.sample, ws),
        secret_values=[v for v in values if v],
        notes=notes,
    )
    if output is not None and args.to == "python" and os.path.isdir(output):
        from .core.interop.python_client import module_name

        output = os.path.join(output, module_name(ws, apis))
    for text in notes:
        _note(f"Note: {text}")
    if output is None:
        _out_bytes(data)
    else:
        fileio.atomic_write(output, data)
        calls = sum(len(a.calls) for a in apis) if chosen is None else 1
        _note(f"Wrote {EXPORT_LABELS[args.to]} of {plural(calls, 'call')} to {output}")
    if args.include_samples:
        from .core.interop.bundle import SAMPLES_WARNING

        _note(f"Warning: {SAMPLES_WARNING}")
    if args.to in ("bundle", "curl", "postman", "python") and secrets:
        names = ", ".join(s.env for s in secrets)
        _note(f"Secrets are not included; they are named {names}")
    return 0


def register_export(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export APIs as a bundle, OpenAPI, Postman, curl, JSON Schema or a Python client",
        description=(
            "Export a workspace's APIs (all, or those named with --api) for a teammate or "
            "another tool. Secrets are never written: exports name them by environment "
            "variables CD_SECRET_<API>_<FIELD>."
        ),
        epilog="example: connector-designer export ws.json --to openapi --api Shop -o shop.yaml",
    )
    parser.add_argument("workspace", metavar="WORKSPACE", help="the workspace file")
    parser.add_argument("--to", required=True, choices=EXPORT_FORMATS, help="the format")
    parser.add_argument(
        "--api",
        action="append",
        default=[],
        metavar="NAME",
        help="export this API (repeatable; default: all)",
    )
    parser.add_argument(
        "--call",
        metavar="API/CALL",
        help="only this call (curl, openapi, postman); for jsonschema, optional when "
        "the workspace has one call",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write to this file atomically (default: stdout); OpenAPI is YAML for .yaml/.yml; "
        "python: a file or a folder",
    )
    parser.add_argument(
        "--include-samples",
        action="store_true",
        help="bundle: keep values seen in responses (may hold personal data)",
    )
    parser.add_argument(
        "--sample",
        action="append",
        default=[],
        metavar="API/CALL=FILE",
        help="bundle: add a saved response body of a call (with --include-samples)",
    )
    parser.set_defaults(handler=_cmd_export)
