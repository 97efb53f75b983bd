"""Update an API from the next version of its source document, keeping the user's work.

An import stamps each API with its :class:`~designer.core.models.ApiSource`
and each call with a :class:`~designer.core.models.CallOrigin`: the call's
identity in the document (``key``) and a fingerprint of every *facet* the
document said (``base``). An update is then a three-way merge per facet,
between what the document said last time (base), the user's call (mine) and
the new document (theirs):

- theirs equals base: the document did not change it, the user's stays;
- mine equals base: the user did not change it, the document's is taken;
- both changed, differently: a :class:`Conflict`. The user's value is kept and
  the base is left as it was, so the conflict is reported again on the next
  update until the user chooses (``prefer_document=True`` takes the document's).

Who owns what:

- the document: method, path, description, *Use as*, the body's type and
  template, the API's base URL, auth scheme and description, and for each
  parameter it declares its type, description and whether it is required;
- the user: sample values, *dynamic* and *private*, type overrides and Include
  choices, environments, secrets, calls and parameters added by hand, and the
  call's name and structure once the user changed them (a new documented
  schema never overwrites an initialized structure: it is reported instead).

Calls are matched by ``key`` (an operation id, a request id…), else by method
and path template with placeholder names ignored, so a call the user renamed
still matches. A call gone from the document is marked (``origin.gone``) and
listed, never deleted. A parameter the document renamed (one removed and one
added in the same place of one call) keeps the user's sample and flags.

Everything here is pure: :func:`update_api` returns a new API and a report;
the caller saves it (the CLI) or applies it as one undoable step (the app).

Recognizing calls and facets is :mod:`designer.core.interop.sync_match`, the
merge of one call :mod:`designer.core.interop.sync_merge`, and the report
:mod:`designer.core.interop.sync_report`; their public names are named here too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from designer.core.interop.common import tidy_call
from designer.core.interop.sync_match import (
    call_key,
    counterpart,
    fingerprint,
    match_calls,
    stamp_source,
)
from designer.core.interop.sync_merge import (
    FacetMerge,
    fixed,
    merge_call,
    merge_parameters,
    short,
)
from designer.core.interop.sync_report import CallChange, Conflict, Preference, UpdateReport
from designer.core.models import Api, Call

__all__ = [
    "CallChange",
    "Conflict",
    "Preference",
    "UpdateReport",
    "call_key",
    "counterpart",
    "locate_sources",
    "relative_location",
    "resolve_location",
    "stamp_source",
    "update_api",
]


def relative_location(location: str, workspace_path: str | None) -> str:
    """``location`` relative to the workspace file's folder when the document is beside it."""
    if not location or workspace_path is None:
        return location
    folder = os.path.dirname(os.path.abspath(workspace_path))
    absolute = os.path.abspath(location)
    try:
        relative = os.path.relpath(absolute, folder)
    except ValueError:  # pragma: no cover - another drive on Windows
        return absolute
    return absolute if relative.startswith(os.pardir) else relative


def locate_sources(apis: Iterable[Api], workspace_path: str | None) -> None:
    """Record the sources of freshly imported ``apis`` as seen from the workspace file."""
    for api in apis:
        if api.source is not None:
            api.source.location = relative_location(api.source.location, workspace_path)


def resolve_location(location: str, workspace_path: str | None) -> str:
    """The path a recorded ``location`` names, read against the workspace file's folder."""
    if not location or os.path.isabs(location) or workspace_path is None:
        return location
    return os.path.join(os.path.dirname(os.path.abspath(workspace_path)), location)


def update_api(
    current: Api, incoming: Api, *, prefer_document: Preference = False
) -> tuple[Api, UpdateReport]:
    """``current`` updated from ``incoming`` (a fresh import, stamped), and a report.

    Nothing is modified in place. ``prefer_document`` resolves every conflict
    in favour of the document (True), or those named by ``(call, facet)`` as in
    :class:`Conflict` (a set, as the app's preview lets the user choose one by one).
    """
    report = UpdateReport(current.name)
    merge = FacetMerge(report, prefer_document)
    assert incoming.source is not None
    api_base = None if current.source is None else current.source.base
    new_api_base = dict(incoming.source.base)
    api_update: dict[str, Any] = {}
    for name, words, own, doc in (
        ("base_url", "base URL", current.base_url, incoming.base_url),
        (
            "auth",
            "authentication",
            current.auth.model_dump(mode="json"),
            incoming.auth.model_dump(mode="json"),
        ),
        ("description", "description", current.description, incoming.description),
    ):
        shown = (
            (current.auth.type, incoming.auth.type) if name == "auth" else (short(own), short(doc))
        )
        if merge.facet(
            api_base,
            new_api_base,
            name,
            fingerprint(own),
            fingerprint(doc),
            label=words,
            call="",
            shown=fixed(shown),
        ):
            report.api_changes.append(
                f"{words} changed" if name == "description" else f"{words} {shown[1]}"
            )
            api_update[name] = getattr(incoming, name)
    for attr, prefix in (("headers", "header "), ("parameters", "shared ")):
        details: list[str] = []
        merged = merge_parameters(
            merge,
            api_base,
            new_api_base,
            getattr(current, attr),
            getattr(incoming, attr),
            prefix=prefix,
            call="",
            details=details,
        )
        if details:
            report.api_changes += [f"shared {d}" for d in details]
            api_update[attr] = merged
    matched = match_calls(current.calls, incoming.calls)
    by_current = {i: j for j, i in matched.items()}
    calls: list[Call] = []
    for i, mine in enumerate(current.calls):
        j = by_current.get(i)
        if j is None:
            if mine.origin is not None and not mine.origin.gone:
                report.calls.append(
                    CallChange(mine.name, "gone", where=f"{mine.method.value} {mine.path}")
                )
                mine = mine.model_copy(
                    update={"origin": mine.origin.model_copy(update={"gone": True})}
                )
            else:
                report.unchanged += 1
            calls.append(mine)
            continue
        theirs = incoming.calls[j]
        was_gone = mine.origin is not None and mine.origin.gone
        updated, details = merge_call(merge, mine, theirs, report)
        tidy_call(current, updated)
        if was_gone:
            report.calls.append(CallChange(updated.name, "back", details))
        elif details:
            report.calls.append(CallChange(updated.name, "changed", details))
        else:
            report.unchanged += 1
        calls.append(updated)
    taken_ids = {c.id for c in current.calls}
    for j, theirs in enumerate(incoming.calls):
        if j in matched:
            continue
        added = theirs.model_copy()
        if added.id in taken_ids:
            from designer.core.models import new_id

            added.id = new_id()
        taken_ids.add(added.id)
        report.calls.append(
            CallChange(added.name, "added", where=f"{added.method.value} {added.path}")
        )
        calls.append(added)
    _unique_names(calls, {id(c) for c in current.calls})
    api_update["calls"] = calls
    api_update["source"] = incoming.source.model_copy(update={"base": new_api_base})
    return current.model_copy(update=api_update), report


def _unique_names(calls: list[Call], originals: set[int]) -> None:
    """Added or renamed calls whose names are taken become ``Name (2)``; the user's keep theirs."""
    from designer.core.interop.common import unique_name

    taken = {c.name.casefold() for c in calls if id(c) in originals}
    for call in calls:
        if id(call) in originals:
            continue
        if call.name.casefold() in taken:
            call.name = unique_name(call.name, taken)
        taken.add(call.name.casefold())
