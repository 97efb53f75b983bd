"""Merging imported APIs into a workspace, with a choice per name conflict.

An imported API whose name is already in the workspace (compared
case-insensitively) is, per :class:`OnConflict`:

- ``replace``: put in place of the existing one, at its position. The existing
  API's id is kept, and so are the ids of its calls that the new API also has
  (by name), so secrets already set for them keep working;
- ``keep-both``: added as ``Name (2)`` (the default);
- ``skip``: left out.

Ids are unique across the merged workspace: an imported API or call whose id
is taken gets a new one. :func:`merge_apis` never modifies its inputs, and it
checks the result with :func:`~designer.core.workspace.file.problems`, so a
merge either yields a sound workspace or raises and leaves everything as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from designer.core.errors import Problem, WorkspaceValidationError
from designer.core.interop.common import unique_name
from designer.core.models import Api, Call, Workspace, new_id

__all__ = ["MergeAction", "MergeOutcome", "OnConflict", "merge_apis", "plan_merge", "remap_ref"]


class OnConflict(StrEnum):
    """What to do with an imported API whose name is already taken."""

    REPLACE = "replace"
    KEEP_BOTH = "keep-both"
    SKIP = "skip"


class MergeAction(StrEnum):
    ADD = "add"
    REPLACE = "replace"
    RENAME = "rename"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class PlannedApi:
    """What a merge will do with one imported API: for a preview, before anything changes."""

    name: str
    action: MergeAction
    final_name: str
    calls: int


@dataclass(slots=True)
class MergeOutcome:
    """The merged workspace, what happened to each API, and how ids were changed.

    ``ids`` maps an imported API's or call's id to its id in the workspace,
    for every id that changed; :func:`remap_ref` applies it to secret references.
    """

    workspace: Workspace
    planned: list[PlannedApi]
    ids: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: ``Added 2 APIs, replaced 1, skipped 1``."""
        counts = {action: 0 for action in MergeAction}
        for item in self.planned:
            counts[item.action] += 1
        added = counts[MergeAction.ADD] + counts[MergeAction.RENAME]
        parts = [f"added {added} API{'' if added == 1 else 's'}"]
        if counts[MergeAction.RENAME]:
            parts.append(f"{counts[MergeAction.RENAME]} of them renamed")
        if counts[MergeAction.REPLACE]:
            parts.append(f"replaced {counts[MergeAction.REPLACE]}")
        if counts[MergeAction.SKIP]:
            parts.append(f"skipped {counts[MergeAction.SKIP]}")
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]


def _policy(on_conflict: OnConflict | Mapping[str, OnConflict], name: str) -> OnConflict:
    if isinstance(on_conflict, OnConflict):
        return on_conflict
    return on_conflict.get(name, OnConflict.KEEP_BOTH)


def plan_merge(
    ws: Workspace,
    apis: Sequence[Api],
    on_conflict: OnConflict | Mapping[str, OnConflict] = OnConflict.KEEP_BOTH,
) -> list[PlannedApi]:
    """What :func:`merge_apis` would do with each of ``apis``; changes nothing.

    ``on_conflict`` is one choice for all, or a choice per imported API name.
    """
    taken = [api.name for api in ws.apis]
    existing = {name.casefold() for name in taken}
    planned = []
    for api in apis:
        policy = _policy(on_conflict, api.name)
        conflict = api.name.casefold() in existing
        if not conflict and api.name.casefold() not in {t.casefold() for t in taken}:
            action, final = MergeAction.ADD, api.name
        elif conflict and policy is OnConflict.SKIP:
            action, final = MergeAction.SKIP, api.name
        elif conflict and policy is OnConflict.REPLACE:
            action, final = MergeAction.REPLACE, api.name
        else:
            action, final = MergeAction.RENAME, unique_name(api.name, taken)
        if action in (MergeAction.ADD, MergeAction.RENAME):
            taken.append(final)
        planned.append(PlannedApi(api.name, action, final, len(api.calls)))
    return planned


def merge_apis(
    ws: Workspace,
    apis: Sequence[Api],
    on_conflict: OnConflict | Mapping[str, OnConflict] = OnConflict.KEEP_BOTH,
    *,
    source: str = "<import>",
) -> MergeOutcome:
    """A copy of ``ws`` with ``apis`` merged in; raises if the result would not be sound."""
    merged = ws.model_copy(deep=True)
    planned = plan_merge(ws, apis, on_conflict)
    outcome = MergeOutcome(merged, planned)
    used_ids = {api.id for api in merged.apis} | {c.id for a in merged.apis for c in a.calls}
    for plan, original in zip(planned, apis, strict=True):
        if plan.action is MergeAction.SKIP:
            continue
        # Shallow copies: a merge only renames and re-identifies, and structures
        # can be megabytes, so they are shared rather than copied.
        api = original.model_copy(update={"calls": [c.model_copy() for c in original.calls]})
        api.name = plan.final_name
        if plan.action is MergeAction.REPLACE:
            index = next(
                i for i, a in enumerate(merged.apis) if a.name.casefold() == api.name.casefold()
            )
            old = merged.apis[index]
            used_ids -= {old.id} | {c.id for c in old.calls}
            _adopt_ids(api, old, outcome.ids)
            merged.apis[index] = api
        else:
            merged.apis.append(api)
        _unique_ids(api, used_ids, outcome.ids)
        _remap_variables(api, outcome.ids)
    _check(merged, source)
    return outcome


def _adopt_ids(api: Api, old: Api, ids: dict[str, str]) -> None:
    if api.id != old.id:
        ids[api.id] = old.id
        api.id = old.id
    old_calls = {c.name.casefold(): c.id for c in old.calls}
    for call in api.calls:
        previous = old_calls.get(call.name.casefold())
        if previous is not None and previous != call.id:
            ids[call.id] = previous
            call.id = previous


def _unique_ids(api: Api, used: set[str], ids: dict[str, str]) -> None:
    items: list[Api | Call] = [api, *api.calls]
    for item in items:
        if item.id in used:
            fresh = new_id()
            while fresh in used:  # pragma: no cover - 48 random bits
                fresh = new_id()
            ids[item.id] = fresh
            item.id = fresh
        used.add(item.id)


def _remap_variables(api: Api, ids: Mapping[str, str]) -> None:
    """A call's secret read from a variable (``<call id>/param.x``) follows the call's new id."""
    if any("/" in key for key in api.secret_variables):
        api.secret_variables = {
            remap_ref(key, ids) if "/" in key else key: variable
            for key, variable in api.secret_variables.items()
        }


def remap_ref(ref: str, ids: Mapping[str, str]) -> str:
    """A secret reference (``api/field`` or ``api/call/field``) with changed ids applied."""
    parts = ref.split("/", 2)
    count = 2 if len(parts) == 3 else 1
    return "/".join([ids.get(p, p) for p in parts[:count]] + parts[count:])


def _check(ws: Workspace, source: str) -> None:
    from designer.core.workspace.file import problems  # workspace_file imports the models, not us

    found: list[Problem] = problems(ws)
    if found:
        raise WorkspaceValidationError(source, found)
