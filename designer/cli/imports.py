"""``import``: bring a bundle, an API description, a collection, a HAR or a curl command
into a workspace.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from ..core import fileio
from ..core.errors import ImportFormatError, InputError, WorkspaceValidationError
from ..core.secrets import RecordingSecretStore
from ..core.wording import plural
from .output import MAX_COMMAND_SIZE, stderr_note, stdout_bytes, stdout_text

if TYPE_CHECKING:
    from ..core.interop.service import Imported, Merged
    from ..core.models import Api, Call, Workspace

__all__ = ["register_import"]


_FORMATS = ("bundle", "openapi", "postman", "har", "insomnia", "curl")


def _is_command(text: str) -> bool:
    return any(c.isspace() for c in text.strip())


def _cmd_import(args: argparse.Namespace) -> int:
    from ..core.interop.detect import looks_like_curl
    from ..core.interop.source import MAX_DOCUMENT_SIZE, read_source

    source: str = args.command
    kind: str | None = args.source
    if source != "-" and (kind == "curl" or (kind is None and looks_like_curl(source))):
        return _cmd_import_curl(args)
    if source == "-":
        data = fileio.read_stdin_bytes(MAX_DOCUMENT_SIZE, what="document to import")
        if kind == "curl" or (
            kind is None and looks_like_curl(data[:4096].decode("utf-8", "ignore"))
        ):
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
    updating = args.on_conflict == "update"
    if (args.api is not None and not updating) or args.name is not None:
        raise InputError(
            "--api and --name apply to a curl command (and --api to --on-conflict update); "
            "other imports keep their names"
        )
    if updating:
        from .import_update import update_from_document

        return update_from_document(args, data, name, kind)
    if args.dry_run or args.prefer is not None:
        raise InputError("--dry-run and --prefer apply to --on-conflict update")
    return _import_document(args, data, name, kind)


def _import_document(args: argparse.Namespace, data: bytes, name: str, kind: str | None) -> int:
    from ..core import workspace_file
    from ..core.interop.merge import OnConflict
    from ..core.interop.service import merge_import, read_import
    from ..core.interop.sync import relative_location
    from .output import stderr_note, stdout_bytes, stdout_text

    imported = read_import(
        data,
        name,
        kind,
        base=None if name == "<stdin>" else name,
        keep_static=args.keep_static,
    )
    target: str | None = args.output
    for api in imported.result.apis:
        if api.source is not None:
            api.source.location = relative_location(api.source.location, target)
    if target is None:
        merged = merge_import(None, imported, OnConflict(args.on_conflict), source="<output>")
        stdout_bytes(workspace_file.dumps(merged.outcome.workspace))
    else:
        from ..core.workspace_lock import update

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
        stdout_text(
            f"Imported {plural(calls, 'call')} from {name} into {target}: "
            f"{merged.outcome.summary()}\n"
        )
    _report(imported, merged, stderr_note, merged.outcome.workspace, keychain=not args.no_keychain)
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
    from .secrets import store_found

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
        choices=("replace", "keep-both", "skip", "update"),
        default="keep-both",
        help="what to do with an imported API whose name is taken (default: keep-both, "
        "which renames it 'Name (2)'; update: take in the document's changes and keep your "
        "own work, see --api, --dry-run and --prefer); for a curl command into an existing "
        "API, what to do with a credential of another kind than the API's auth (keep-both: "
        "a private parameter of the call; replace: it becomes the API's auth; skip: left out)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="update: print what would change, and change nothing",
    )
    parser.add_argument(
        "--prefer",
        choices=("mine", "document"),
        default=None,
        help="update: when you and the document both changed the same thing, keep yours "
        "(default; the exit code is then 1 and the conflicts are listed) or take the document's",
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
        help="curl: the name of the new API (default: the host name); update: the API to "
        "update (default: the one imported from the same file, else of the same name)",
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


def _cmd_import_curl(args: argparse.Namespace, text: str | None = None) -> int:
    """``import`` of a curl command: the call joins the API of its base URL, if any."""
    from ..core import workspace_file
    from ..core.curl import curl_to_workspace
    from .import_update import check_not_curl
    from .options import name_imported_call

    check_not_curl(args)
    if text is None:
        text = args.command
    target: str | None = args.output
    secrets = RecordingSecretStore()
    notes: list[str] = []
    on_conflict = getattr(args, "on_conflict", "keep-both")
    added: list[tuple[Workspace, Api, Call]] = []

    def change(workspace: Workspace | None) -> Workspace:
        # Under the workspace's lock when there is one: see workspace_lock.update.
        known = {a.id for a in workspace.apis} if workspace is not None else set()
        ws, api, call = curl_to_workspace(text, workspace, secrets, notes, on_conflict)
        name_imported_call(
            ws, api, call, api_name=args.api, call_name=args.name, joined=api.id in known
        )
        added.append((ws, api, call))
        problems = workspace_file.problems(ws)
        if problems:  # pragma: no cover - the importer keeps names unique
            raise WorkspaceValidationError(target or "<output>", problems)
        return ws

    if target is None:
        stdout_bytes(workspace_file.dumps(change(None)))
    else:
        from ..core.workspace_lock import update

        update(target, change)
    ws, api, call = added[-1]
    if target is not None:
        stdout_text(f"Added call '{call.name}' to API '{api.name}' in {target}\n")
    from .secrets import store_found

    for line in notes:
        stderr_note(f"Note: {line}")
    for line in store_found(ws, secrets.found, keychain=not args.no_keychain):
        stderr_note(line)
    return 0
