"""``import SOURCE --on-conflict update``: a document's next version, keeping the user's work.

The merge itself is :func:`designer.core.interop.sync.update_api`; this module
finds the API to update, prints the summary call by call and saves (or, with
``--dry-run``, does not). Exit codes follow ``check``'s: 0 applied, 1 a conflict
that needs the user (the rest is applied, the user's value kept), 2 a usage error.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from ..core.errors import InputError
from .output import PROG, stderr_note, stdout_text

if TYPE_CHECKING:
    from ..core.interop.service import Imported
    from ..core.interop.sync import UpdateReport
    from ..core.models import Api, Workspace

__all__ = ["check_not_curl", "update_from_document"]


def _usage(message: str) -> int:
    import sys

    sys.stderr.write(f"{PROG}: error: {message}\n")
    return 2


def _find(ws: Workspace, incoming: Api, wanted: str | None, workspace_path: str) -> int | None:
    """The index of the API ``incoming`` updates: named, else the same source file, else name."""
    from ..core.interop.sync import resolve_location

    if wanted is not None:
        for i, api in enumerate(ws.apis):
            if api.name.casefold() == wanted.casefold():
                return i
        return None
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
    from ..core import workspace_file
    from ..core.errors import WorkspaceValidationError
    from ..core.interop.merge import OnConflict, merge_apis
    from ..core.interop.sync import update_api

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


def update_from_document(args: argparse.Namespace, data: bytes, name: str, kind: str | None) -> int:
    from ..core import workspace_file
    from ..core.interop.service import read_import
    from ..core.interop.sync import relative_location
    from ..core.models import Workspace

    target: str | None = args.output
    if target is None:
        return _usage("--on-conflict update needs the workspace to update: add -o WORKSPACE")
    imported = read_import(
        data, name, kind, base=None if name == "<stdin>" else name, keep_static=args.keep_static
    )
    if args.api is not None and len(imported.result.apis) != 1:
        return _usage(
            f"--api names one API to update, but {name} holds {len(imported.result.apis)}"
        )
    for api in imported.result.apis:
        if api.source is not None:
            api.source.location = relative_location(api.source.location, target)
    prefer_document = args.prefer == "document"
    exists = os.path.exists(target)
    if args.api is not None and exists:
        ws = workspace_file.load(target)
        if not any(a.name.casefold() == args.api.casefold() for a in ws.apis):
            return _usage(f"no API named '{args.api}' in {target}: --api names the API to update")
    elif args.api is not None:
        return _usage(f"{target} does not exist: there is no API '{args.api}' to update")
    outcome: list[tuple[Workspace, list[UpdateReport], list[str]]] = []
    if args.dry_run:
        current = workspace_file.load(target) if exists else Workspace(name=imported.result.name)
        outcome.append(_apply(current, imported, args.api, target, prefer_document))
    else:
        from ..core.workspace_lock import update

        def change(workspace: Workspace | None) -> Workspace:
            # Under the workspace's lock, on the file as it is now.
            base = workspace if workspace is not None else Workspace(name=imported.result.name)
            outcome.append(_apply(base, imported, args.api, target, prefer_document))
            return outcome[-1][0]

        update(target, change)
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


def check_not_curl(args: argparse.Namespace) -> None:
    if getattr(args, "on_conflict", None) == "update":
        raise InputError(
            "--on-conflict update takes in a document's new version; a curl command adds a "
            "call: use keep-both, replace or skip"
        )
