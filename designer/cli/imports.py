"""``import``: bring a bundle, an API description, a collection, a HAR or a curl command
into a workspace.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from designer.cli.options import Parser
from designer.cli.output import MAX_COMMAND_SIZE, PROG, stderr_note, stdout_bytes, stdout_text
from designer.core import fileio
from designer.core.errors import ImportFormatError, InputError, WorkspaceValidationError
from designer.core.secrets.store import RecordingSecretStore
from designer.core.wording import plural

if TYPE_CHECKING:
    from designer.core.interop.service import Imported, Merged
    from designer.core.interop.sync import UpdateReport
    from designer.core.models import Api, Call, Workspace

__all__ = ["register_import"]


from designer.core.interop.formats import IMPORTS as _FORMATS


def _is_command(text: str) -> bool:
    return any(c.isspace() for c in text.strip())


def _cmd_import(args: argparse.Namespace) -> int:
    from designer.core.interop.detect import looks_like_curl
    from designer.core.interop.source import MAX_DOCUMENT_SIZE, read_source

    source: str = args.command
    kind: str | None = args.source
    if source != "-" and kind == "curl" and not looks_like_curl(source) and os.path.isfile(source):
        # "import FILE --from curl": the command as saved from the docs.
        data = read_source(source, what="curl command")
        if len(data) > MAX_COMMAND_SIZE:
            raise InputError(f"{source} is too long for a curl command")
        return _cmd_import_curl(args, text=fileio.decode_utf8(data, source=source))
    if source != "-" and (kind == "curl" or (kind is None and looks_like_curl(source))):
        if args.env_file:
            raise InputError(
                "--env-file applies to a Postman or Insomnia v5 collection, not a curl command"
            )
        return _cmd_import_curl(args)
    if source != "-" and kind in (None, "bruno") and _bruno_folder(source):
        if (args.api is not None and args.on_conflict != "update") or args.name is not None:
            raise InputError("--api and --name apply to a curl command; other imports keep names")
        return _import_bruno_folder(args, source)
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
    if not updating and (args.dry_run or args.prefer is not None):
        raise InputError("--dry-run and --prefer apply to --on-conflict update")
    return _import_document(args, data, name, kind)


def _import_document(args: argparse.Namespace, data: bytes, name: str, kind: str | None) -> int:
    from designer.core.interop.service import read_import
    from designer.core.interop.source import read_source

    imported = read_import(
        data,
        name,
        kind,
        base=None if name == "<stdin>" else name,
        keep_static=args.keep_static,
        env_files=[(read_source(path, "environment file"), path) for path in args.env_file],
    )
    return _merge_and_report(args, imported, name)


def _bruno_folder(source: str) -> bool:
    """A folder, or a collection's bruno.json: both name a Bruno collection."""
    return os.path.isdir(source) or (
        os.path.basename(source) == "bruno.json" and os.path.isfile(source)
    )


def _import_bruno_folder(args: argparse.Namespace, source: str) -> int:
    from designer.core.interop.service import read_bruno_folder

    if args.env_file:
        raise InputError(
            "--env-file applies to an Insomnia v5 collection; a Bruno collection brings "
            "its environments"
        )
    return _merge_and_report(args, read_bruno_folder(source), source)


def _merge_and_report(args: argparse.Namespace, imported: Imported, name: str) -> int:
    from designer.cli.output import stderr_note, stdout_bytes, stdout_text
    from designer.core.interop.merge import OnConflict
    from designer.core.interop.service import merge_import
    from designer.core.interop.sync import locate_sources
    from designer.core.workspace import file as workspace_file

    target: str | None = args.output
    locate_sources(imported.result.apis, target)
    if args.on_conflict == "update":
        return _update_from_document(args, imported, name)
    if target is None:
        merged = merge_import(None, imported, OnConflict(args.on_conflict), source="<output>")
        stdout_bytes(workspace_file.dumps(merged.outcome.workspace))
    else:
        from designer.core.workspace.lock import update

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
    from designer.cli.secrets import store_found

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


def register_import(parser: Parser) -> None:
    parser.description = (
        "Import APIs from a file, or a call from a curl command. The format is detected "
        "unless --from names it. Everything is checked before the workspace changes; "
        "secrets are never written to the file."
    )
    parser.epilog = (
        "examples: connector-designer import petstore.yaml -o ws.json; "
        'connector-designer import --from curl "curl https://api.example.com/v1/items" '
        "-o ws.json"
    )
    parser.add_argument(
        "--from", dest="source", choices=_FORMATS, help="the format (default: detected)"
    )
    parser.add_argument(
        "command",
        metavar="SOURCE",
        help="the file to import (with --from curl, a file holding the command; a Bruno "
        "collection: its folder), - for stdin, or the whole curl command as one argument",
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
        "--env-file",
        action="append",
        default=[],
        metavar="FILE",
        help="an environment file read with the import (repeatable): a Postman environment "
        "gives the values a collection's {{variables}} take (a later file wins; secret values go "
        "to the keychain, never the file); Insomnia v5 environment files add their "
        "sub-environments to an Insomnia v5 collection",
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
    from designer.cli.options import name_imported_call
    from designer.core.interop.curl.importer import curl_to_workspace
    from designer.core.workspace import file as workspace_file

    _check_not_curl(args)
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
        from designer.core.workspace.lock import update

        update(target, change)
    ws, api, call = added[-1]
    if target is not None:
        stdout_text(f"Added call '{call.name}' to API '{api.name}' in {target}\n")
    from designer.cli.secrets import store_found

    for line in notes:
        stderr_note(f"Note: {line}")
    for line in store_found(ws, secrets.found, keychain=not args.no_keychain):
        stderr_note(line)
    return 0


# --- --on-conflict update: a document's next version, keeping the user's work -------------
# The merge is designer.core.interop.sync.update_api; here the API to update is found, the
# summary printed call by call, and the workspace saved (not with --dry-run). Exit codes
# follow check's: 0 applied, 1 a conflict that needs the user, 2 a usage error.


def _usage(message: str) -> int:
    import sys

    sys.stderr.write(f"{PROG}: error: {message}\n")
    return 2


class _NoSuchApi(Exception):
    """``--api`` names no API of the workspace: a usage error, found on the file as it is."""


def _find(ws: Workspace, incoming: Api, wanted: str | None, workspace_path: str) -> int | None:
    """The index of the API ``incoming`` updates: named, else the same source file, else name."""
    from designer.core.interop.sync import resolve_location

    if wanted is not None:
        for i, api in enumerate(ws.apis):
            if api.name.casefold() == wanted.casefold():
                return i
        raise _NoSuchApi(wanted)
    assert incoming.source is not None
    here = incoming.source.location
    if here:
        # One document may make several APIs (e.g. one per security scheme): those of the
        # same file are told apart by the name the document gave them.
        target = os.path.abspath(resolve_location(here, workspace_path))
        same_file = [
            i
            for i, api in enumerate(ws.apis)
            if api.source is not None
            and api.source.location
            and os.path.abspath(resolve_location(api.source.location, workspace_path)) == target
        ]
        for i in same_file:
            source = ws.apis[i].source
            if source is not None and source.name.casefold() == incoming.source.name.casefold():
                return i
        if (
            len(same_file) == 1
            and len(ws.apis)
            and not any(a.name.casefold() == incoming.name.casefold() for a in ws.apis)
        ):
            return same_file[0]
    for i, api in enumerate(ws.apis):
        if api.name.casefold() == incoming.name.casefold():
            return i
    return None


def _apply(
    ws: Workspace,
    imported: Imported,
    wanted: str | None,
    workspace_path: str,
    prefer_document: bool,
) -> tuple[Workspace, list[UpdateReport], list[str]]:
    """``ws`` with every imported API updated (or added); the reports; the added APIs' names."""
    from designer.core.errors import WorkspaceValidationError
    from designer.core.interop.merge import OnConflict, merge_apis
    from designer.core.interop.sync import update_api
    from designer.core.workspace import file as workspace_file

    result = ws.model_copy(update={"apis": list(ws.apis)})
    reports: list[UpdateReport] = []
    fresh: list[Api] = []
    for incoming in imported.result.apis:
        index = _find(result, incoming, wanted, workspace_path)
        if index is None:
            fresh.append(incoming)
            continue
        updated, report = update_api(result.apis[index], incoming, prefer_document=prefer_document)
        result.apis[index] = updated
        reports.append(report)
    added: list[str] = []
    if fresh:
        outcome = merge_apis(result, fresh, OnConflict.KEEP_BOTH, source=workspace_path)
        result = outcome.workspace
        added = [p.final_name for p in outcome.planned]
    found = workspace_file.problems(result)
    if found:
        raise WorkspaceValidationError(workspace_path, found)
    return result, reports, added


def _update_from_document(args: argparse.Namespace, imported: Imported, name: str) -> int:
    from designer.core.models import Workspace
    from designer.core.workspace import file as workspace_file

    target: str | None = args.output
    if target is None:
        return _usage("--on-conflict update needs the workspace to update: add -o WORKSPACE")
    if args.api is not None and len(imported.result.apis) != 1:
        return _usage(
            f"--api names one API to update, but {name} holds {len(imported.result.apis)}"
        )
    prefer_document = args.prefer == "document"
    exists = os.path.exists(target)
    if args.api is not None and not exists:
        return _usage(f"{target} does not exist: there is no API '{args.api}' to update")
    outcome: list[tuple[Workspace, list[UpdateReport], list[str]]] = []
    try:
        if args.dry_run:
            current = (
                workspace_file.load(target) if exists else Workspace(name=imported.result.name)
            )
            outcome.append(_apply(current, imported, args.api, target, prefer_document))
        else:
            from designer.core.workspace.lock import update

            def change(workspace: Workspace | None) -> Workspace:
                # Under the workspace's lock, on the file as it is now; raising saves nothing.
                base = workspace if workspace is not None else Workspace(name=imported.result.name)
                outcome.append(_apply(base, imported, args.api, target, prefer_document))
                return outcome[-1][0]

            update(target, change)
    except _NoSuchApi:
        return _usage(f"no API named '{args.api}' in {target}: --api names the API to update")
    _, reports, added = outcome[-1]
    verb = "Would update" if args.dry_run else "Updated"
    for report in reports:
        stdout_text(f"{verb} API '{report.api}' in {target} from {name}: {report.summary()}\n")
        for line in report.lines():
            stdout_text(f"  {line}\n")
    for api_name in added:
        stdout_text(f"{'Would add' if args.dry_run else 'Added'} API '{api_name}' to {target}\n")
    if args.dry_run:
        stdout_text("Dry run: nothing was changed\n")
    for report in reports:
        for text in report.notes:
            stderr_note(f"Note: {text}")
    for text in imported.result.notes:
        stderr_note(f"Note: {text}")
    conflicts = sum(len(r.conflicts) for r in reports)
    if conflicts:
        stderr_note(
            f"{conflicts} conflict{'' if conflicts == 1 else 's'}: your version is kept; run "
            f"again with --prefer document to take the document's"
        )
        return 1
    if not args.dry_run and reports and not any(r.changes_anything for r in reports):
        stderr_note("Nothing to update: the workspace already has this version")
    return 0


def _check_not_curl(args: argparse.Namespace) -> None:
    if getattr(args, "on_conflict", None) == "update":
        raise InputError(
            "--on-conflict update takes in a document's new version; a curl command adds a "
            "call: use keep-both, replace or skip"
        )
