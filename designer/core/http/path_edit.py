"""A call's path and its path parameters are one thing: editing the path keeps them in step.

A workspace whose path placeholders and path parameters disagree does not
load, so every edit of the path updates the parameters with it. A
placeholder retyped in place (``{user_id}`` becoming ``{user}``, or erased
and typed again) keeps its parameter, with its sample, type and flags: the
parameter is renamed, not replaced by a blank one. A parameter whose
placeholder is gone is *parked* for the rest of the edit, so that typing the
placeholder back brings it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from designer.core.models import Api, Call, Parameter, Placement, path_placeholders

__all__ = ["Parked", "PathEdit", "edit_path"]


@dataclass(frozen=True, slots=True)
class Parked:
    """A path parameter whose placeholder was removed: ``slot`` is the placeholder's place
    among the path's placeholders, ``row`` the parameter's place in the call's list."""

    slot: int
    row: int
    parameter: Parameter


@dataclass(frozen=True, slots=True)
class PathEdit:
    """The call after a path edit, and what happened to its parameters."""

    call: Call
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    parked: tuple[Parked, ...] = ()


def _slots(path: str) -> list[str]:
    return [n for n in dict.fromkeys(path_placeholders(path)) if n]


def edit_path(api: Api, call: Call, path: str, parked: tuple[Parked, ...] = ()) -> PathEdit:
    """``call`` with ``path``, its path parameters following the placeholders.

    ``parked`` is what an earlier edit of the same typing session parked; the
    result's ``parked`` is to be passed to the next one.
    """
    old, new = _slots(call.path), _slots(path)
    shared = {p.name for p in api.parameters if p.placement is Placement.PATH}
    params = list(call.parameters)
    own = {p.name for p in params if p.placement is Placement.PATH}
    # A parameter back in the call (an undo brought it back) is no longer waiting.
    waiting = [w for w in parked if w.parameter.name not in own]
    # Placeholders that are gone: their parameters are parked (kept for a retype).
    result_removed: list[str] = []
    for name in old:
        if name in new or name not in own:
            continue
        row = next(
            i for i, p in enumerate(params) if p.placement is Placement.PATH and p.name == name
        )
        waiting.append(Parked(old.index(name), row, params.pop(row)))
        result_removed.append(name)
    have = {p.name for p in params if p.placement is Placement.PATH} | shared
    added: list[str] = []
    renamed: list[tuple[str, str]] = []
    restored: list[str] = []
    for slot, name in enumerate(new):
        if name in have:
            continue
        # The same name typed back, else whatever stood in this place before.
        match = next((w for w in reversed(waiting) if w.parameter.name == name), None)
        if match is None:
            match = next((w for w in reversed(waiting) if w.slot == slot), None)
        if match is None:
            params.append(Parameter(name=name, placement=Placement.PATH))
            added.append(name)
        else:
            waiting.remove(match)
            if match.parameter.name == name:
                restored.append(name)
            else:
                renamed.append((match.parameter.name, name))
            params.insert(
                min(match.row, len(params)), match.parameter.model_copy(update={"name": name})
            )
        have.add(name)
    # Renamed or restored in this very edit: not removed after all.
    back = {old_name for old_name, _ in renamed} | set(restored)
    removed = [n for n in result_removed if n not in back]
    after = call.model_copy(update={"path": path, "parameters": params})
    return PathEdit(after, added, removed, renamed, restored, tuple(waiting))
