"""``export``: write a workspace as a bundle, OpenAPI, Postman, Insomnia, a Bruno collection
folder, curl, JSON Schema or a typed Python client.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from designer.cli.options import Parser, call_spec, find_call
from designer.cli.output import stderr_note, stdout_bytes
from designer.core import fileio
from designer.core.errors import InputError
from designer.core.interop import EXPORT_FORMATS, EXPORT_LABELS, FOLDER_FORMATS
from designer.core.wording import plural

__all__ = ["register_export"]


def _samples(specs: list[str], ws: Any) -> dict[str, Any]:
    from designer.core.interop.bundle import MAX_SAMPLE_SIZE, SampleResponse

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


def _names_folder(output: str) -> bool:
    """``-o clients/`` names a folder (made if missing), as does an existing folder."""
    return output.endswith(("/", os.sep)) or os.path.isdir(output)


def _destination(output: str | None, to: str, ws: Any, apis: Any) -> str | None:
    """The file to write: a Python client goes inside a folder named by ``-o``."""
    if output is None or not _names_folder(output):
        return output
    if to != "python":
        raise InputError(
            f"-o {output} names a folder: give the file to write {EXPORT_LABELS[to]} to"
        )
    from designer.core.interop.python.client import module_name

    try:
        os.makedirs(output, exist_ok=True)
    except OSError as exc:
        raise InputError(f"Could not make the folder {output}: {exc.strerror or exc}") from exc
    return os.path.join(output, module_name(ws, apis))


def _cmd_export(args: argparse.Namespace) -> int:
    from designer.core.interop.common import select_apis
    from designer.core.interop.service import export_workspace
    from designer.core.secrets.names import required_secrets
    from designer.core.workspace import file as workspace_file

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
    if args.to in FOLDER_FORMATS:
        return _export_folder(args, ws, apis, chosen, secrets)
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
    output = _destination(output, args.to, ws, apis)
    for text in notes:
        stderr_note(f"Note: {text}")
    if output is None:
        stdout_bytes(data)
    else:
        fileio.atomic_write(output, data)
        calls = sum(len(a.calls) for a in apis) if chosen is None else 1
        stderr_note(f"Wrote {EXPORT_LABELS[args.to]} of {plural(calls, 'call')} to {output}")
    if args.include_samples:
        from designer.core.interop.bundle import SAMPLES_WARNING

        stderr_note(f"Warning: {SAMPLES_WARNING}")
    if args.to in ("bundle", "curl", "postman", "python", "insomnia") and secrets:
        names = ", ".join(s.env for s in secrets)
        stderr_note(f"Secrets are not included; they are named {names}")
    return 0


def _export_folder(
    args: argparse.Namespace, ws: Any, apis: list[Any], chosen: str | None, secrets: list[Any]
) -> int:
    """``export --to bruno``: a folder of files, written all at once."""
    from designer.core.interop.folder_output import write_folder
    from designer.core.interop.service import export_files

    if args.output is None:
        raise InputError(
            f"--to {args.to} writes a folder of files: name a new folder with -o FOLDER"
        )
    if args.include_samples:
        raise InputError("--include-samples applies to a bundle only")
    notes: list[str] = []
    files = export_files(ws, args.to, api_names=args.api, call=chosen, notes=notes)
    for text in notes:
        stderr_note(f"Note: {text}")
    write_folder(args.output, files)
    calls = sum(len(a.calls) for a in apis) if chosen is None else 1
    stderr_note(f"Wrote {EXPORT_LABELS[args.to]} of {plural(calls, 'call')} to {args.output}")
    if secrets:
        names = ", ".join(s.env for s in secrets)
        stderr_note(
            f"Secrets are not included; Bruno reads them from the environment variables {names}"
        )
    return 0


def register_export(parser: Parser) -> None:
    parser.description = (
        "Export a workspace's APIs (all, or those named with --api) for a teammate or "
        "another tool. Secrets are never written: exports name them by environment "
        "variables CD_SECRET_<API>_<FIELD>."
    )
    parser.epilog = (
        "example: connector-designer export ws.json --to openapi --api Shop -o shop.yaml"
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
        help="only this call (curl, openapi, postman, insomnia, bruno); for jsonschema, optional "
        "when the workspace has one call",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write to this file atomically (default: stdout); OpenAPI is YAML for .yaml/.yml; "
        "python: a file, or a folder (made when OUT ends with /); bruno: a new folder (required)",
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
