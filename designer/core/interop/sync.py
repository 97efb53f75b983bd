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
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import orjson

from designer.core.interop.common import tidy_call
from designer.core.models import Api, ApiSource, Call, CallOrigin, Parameter, Placement
from designer.core.structure import shape_to_dict

__all__ = [
    "CallChange",
    "Preference",
    "Conflict",
    "UpdateReport",
    "call_key",
    "counterpart",
    "locate_sources",
    "relative_location",
    "resolve_location",
    "stamp_source",
    "update_api",
]

_PLACEHOLDER = re.compile(r"\{[^{}/]*\}")

#: Whose value wins a conflict: the document's for all (True), none (False), or those named.
Preference = bool | Collection[tuple[str, str]]


def _fingerprint(value: Any) -> str:
    """A short, stable digest of a JSON-able value (32 bits: change detection, not security)."""
    data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(data).hexdigest()[:8]


def _param_key(parameter: Parameter) -> str:
    name = parameter.name.lower() if parameter.placement is Placement.HEADER else parameter.name
    return f"{parameter.placement.value} {name}"


def _param_spec(parameter: Parameter) -> str:
    return _fingerprint([parameter.type.value, parameter.description, parameter.graphql_type])


def _call_facets(call: Call) -> dict[str, str]:
    """The fingerprints of what a document says about a call, by facet name."""
    structure = None if call.structure is None else shape_to_dict(call.structure)
    facets = {
        "method": _fingerprint(call.method.value),
        "path": _fingerprint(call.path),
        "name": _fingerprint(call.name),
        "description": _fingerprint(call.description),
        "use_as": _fingerprint(call.use_as.value),
        "body": _fingerprint([call.body_type.value, call.content_type, call.body_template]),
        "response": _fingerprint([call.response_type.value, structure]),
    }
    for parameter in call.parameters:
        key = _param_key(parameter)
        facets[f"param {key}"] = _param_spec(parameter)
        facets[f"required {key}"] = "0" if parameter.optional else "1"
    return facets


def _api_facets(api: Api) -> dict[str, str]:
    facets = {
        "base_url": _fingerprint(api.base_url),
        "auth": _fingerprint(api.auth.model_dump(mode="json")),
        "description": _fingerprint(api.description),
    }
    for kind, parameters in (("header", api.headers), ("shared", api.parameters)):
        for parameter in parameters:
            key = f"{kind} {_param_key(parameter)}"
            facets[f"param {key}"] = _param_spec(parameter)
            facets[f"required {key}"] = "0" if parameter.optional else "1"
    return facets


def _template(path: str) -> str:
    return _PLACEHOLDER.sub("{}", path.rstrip("/") or "/")


def call_key(call: Call) -> str:
    """A call's identity in its source: its recorded key, else method and path template."""
    if call.origin is not None:
        return call.origin.key
    return f"{call.method.value} {_template(call.path)}"


def stamp_source(apis: Iterable[Api], kind: str, location: str, data: bytes) -> None:
    """Record on freshly imported ``apis`` where they came from, and what the document said.

    Importers may set a call's ``origin.key`` (an operation or request id);
    calls without one are keyed by method and path template.
    """
    fingerprint = hashlib.sha256(data).hexdigest()[:16]
    for api in apis:
        api.source = ApiSource(
            format=kind,
            name=api.name,
            location=location,
            fingerprint=fingerprint,
            base=_api_facets(api),
        )
        for call in api.calls:
            call.origin = CallOrigin(key=call_key(call), base=_call_facets(call))


def counterpart(api: Api, candidates: Sequence[Api]) -> Api | None:
    """Which of a document's freshly imported APIs is the next version of ``api``.

    By the name the document gave it at the last import (one document may make
    several APIs, e.g. one per security scheme), else the only one, else by name.
    """
    if api.source is not None and api.source.name:
        for candidate in candidates:
            if candidate.source is not None and candidate.source.name == api.source.name:
                return candidate
    if len(candidates) == 1:
        return candidates[0]
    for candidate in candidates:
        if candidate.name.casefold() == api.name.casefold():
            return candidate
    return None


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


@dataclass(frozen=True, slots=True)
class Conflict:
    """A facet both the user and the document changed: the user's value is kept until chosen."""

    call: str
    facet: str
    mine: str
    theirs: str

    def describe(self) -> str:
        where = f"call '{self.call}'" if self.call else "the API"
        return (
            f"{where}: {self.facet} was changed both here ({self.mine}) and in the document "
            f"({self.theirs}); yours is kept"
        )


@dataclass(slots=True)
class CallChange:
    """What an update does to one call: ``added``, ``gone``, ``back`` or ``changed``."""

    call: str
    kind: str
    details: list[str] = field(default_factory=list)
    where: str = ""


@dataclass(slots=True)
class UpdateReport:
    """Everything an update changes, call by call, for a preview or the command line."""

    api: str
    calls: list[CallChange] = field(default_factory=list)
    api_changes: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for c in self.calls if c.kind == kind)

    @property
    def changes_anything(self) -> bool:
        return bool(self.calls or self.api_changes)

    def summary(self) -> str:
        """One line: ``2 calls added, 1 gone from the source, 5 changed, 388 unchanged``."""
        parts = []
        for kind, label in (
            ("added", "added"),
            ("changed", "changed"),
            ("gone", "gone from the source"),
            ("back", "back in the source"),
        ):
            n = self.count(kind)
            if n:
                parts.append(f"{n} call{'' if n == 1 else 's'} {label}")
        if self.api_changes:
            parts.append(f"{len(self.api_changes)} API setting(s) changed")
        if self.conflicts:
            n = len(self.conflicts)
            parts.append(f"{n} conflict{'' if n == 1 else 's'}")
        parts.append(f"{self.unchanged} unchanged")
        return ", ".join(parts)

    def lines(self) -> list[str]:
        """The summary's details, one line per call: ``+``, ``-``, ``~``, then conflicts."""
        marks = {"added": "+", "gone": "-", "back": "+", "changed": "~"}
        out = [f"~ API: {change}" for change in self.api_changes]
        for change in self.calls:
            head = f"{marks[change.kind]} {change.call}"
            if change.where:
                head += f" ({change.where})"
            if change.kind == "gone":
                out.append(f"{head}: gone from the source; kept and marked, delete it or keep it")
            elif change.kind == "back":
                out.append(f"{head}: back in the source")
            elif change.kind == "added":
                out.append(f"{head}: added")
            else:
                out.append(f"{head}: {'; '.join(change.details)}")
        out += [f"! {c.describe()}" for c in self.conflicts]
        return out


class _Merge:
    """One three-way merge of an API: the facets' verdicts and the new base."""

    def __init__(self, report: UpdateReport, prefer_document: Preference) -> None:
        self.report = report
        self.prefer_document = prefer_document

    def takes_document(self, call: str, label: str) -> bool:
        if isinstance(self.prefer_document, bool):
            return self.prefer_document
        return (call, label) in self.prefer_document

    def facet(
        self,
        base: dict[str, str] | None,
        new_base: dict[str, str],
        name: str,
        mine: str,
        theirs: str,
        *,
        label: str,
        call: str,
        shown: Callable[[], tuple[str, str]],
    ) -> bool:
        """Whether to take the document's value of one doc-owned facet; records conflicts.

        Without a record of the last import (``base`` None, an API imported before
        updates existed) the document's value is taken: the document owns the facet.
        """
        previous = None if base is None else base.get(name)
        if theirs == mine:
            return False
        if previous is None or previous == mine:
            return True
        if previous == theirs:
            return False
        if self.takes_document(call, label):
            return True
        self.report.conflicts.append(Conflict(call, label, *shown()))
        new_base[name] = previous  # asked again next time, until the user chooses
        return False


def _shown_spec(own: Parameter, doc: Parameter) -> tuple[str, str]:
    return (
        f"{own.type.value}, {_short(own.description)}",
        f"{doc.type.value}, {_short(doc.description)}",
    )


def _shown_required(own: Parameter, doc: Parameter) -> tuple[str, str]:
    return (
        "optional" if own.optional else "required",
        "optional" if doc.optional else "required",
    )


def _shown_text(own: str, doc: str) -> tuple[str, str]:
    return _short(own), _short(doc)


def _fixed(pair: tuple[str, str]) -> Callable[[], tuple[str, str]]:
    return lambda: pair


def _short(value: object) -> str:
    text = " ".join(str(value).split())
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _match_calls(current: Sequence[Call], incoming: Sequence[Call]) -> dict[int, int]:
    """Incoming call index → current call index, by key, then by method and path template."""
    by_key: dict[str, int] = {}
    by_route: dict[str, list[int]] = {}
    for i, call in enumerate(current):
        if call.origin is not None:
            by_key.setdefault(call.origin.key, i)
        route = f"{call.method.value} {_template(call.path)}"
        by_route.setdefault(route, []).append(i)
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for j, call in enumerate(incoming):
        found = by_key.get(call_key(call))
        if found is not None and found not in taken:
            matched[j] = found
            taken.add(found)
    incoming_keys = {call_key(c) for c in incoming}
    for j, call in enumerate(incoming):
        if j in matched:
            continue
        route = f"{call.method.value} {_template(call.path)}"
        for i in by_route.get(route, []):
            origin = current[i].origin
            # A call keyed by an id the new document still has belongs to that id.
            if i in taken or (origin is not None and origin.key in incoming_keys):
                continue
            matched[j] = i
            taken.add(i)
            break
    return matched


def _merge_parameters(
    merge: _Merge,
    base: dict[str, str] | None,
    new_base: dict[str, str],
    mine: list[Parameter],
    theirs: list[Parameter],
    *,
    prefix: str,
    call: str,
    details: list[str],
) -> list[Parameter]:
    """The merged parameter list: the document's in its order, then the user's own."""
    mine_by = {_param_key(p): p for p in mine}
    theirs_by = {_param_key(p): p for p in theirs}
    known = None if base is None else {k[6:] for k in base if k.startswith("param ")}

    def in_base(key: str) -> bool:
        return known is not None and f"{prefix}{key}" in known

    removed = [k for k in mine_by if k not in theirs_by and in_base(k)]
    added = [k for k in theirs_by if k not in mine_by and not in_base(k)]
    renamed: dict[str, str] = {}  # new key → old key
    for placement in {k.split(" ", 1)[0] for k in removed}:
        gone = [k for k in removed if k.split(" ", 1)[0] == placement]
        new = [k for k in added if k.split(" ", 1)[0] == placement]
        if len(gone) == 1 and len(new) == 1:
            renamed[new[0]] = gone[0]
    merged: list[Parameter] = []
    for key, doc in theirs_by.items():
        facet = f"param {prefix}{key}"
        required = f"required {prefix}{key}"
        name = doc.name
        if key in renamed:
            old = mine_by[renamed[key]]
            details.append(f"parameter '{old.name}' renamed '{name}'")
            merged.append(
                doc.model_copy(
                    update={"value": old.value, "dynamic": old.dynamic, "private": old.private}
                )
            )
            continue
        own = mine_by.get(key)
        if own is None:
            if in_base(key):
                # The user deleted it; the document still declares it: it stays deleted
                # (its base stays recorded, so the next update knows it too).
                continue
            details.append(f"parameter '{name}' added ({doc.placement.value})")
            merged.append(doc)
            continue
        update: dict[str, Any] = {}
        if merge.facet(
            base,
            new_base,
            facet,
            _param_spec(own),
            _param_spec(doc),
            label=f"parameter '{name}'",
            call=call,
            shown=partial(_shown_spec, own, doc),
        ):
            if own.type is not doc.type:
                details.append(f"parameter '{name}' is now {doc.type.value}")
            if own.description != doc.description or own.graphql_type != doc.graphql_type:
                details.append(f"parameter '{name}' description changed")
            update.update(type=doc.type, description=doc.description, graphql_type=doc.graphql_type)
        own_required = "0" if own.optional else "1"
        doc_required = "0" if doc.optional else "1"
        if merge.facet(
            base,
            new_base,
            required,
            own_required,
            doc_required,
            label=f"whether parameter '{name}' is required",
            call=call,
            shown=partial(_shown_required, own, doc),
        ):
            details.append(f"parameter '{name}' now {'optional' if doc.optional else 'required'}")
            update["optional"] = doc.optional
        merged.append(own.model_copy(update=update) if update else own)
    for key, own in mine_by.items():
        if key in theirs_by or key in renamed.values():
            continue
        if in_base(key):
            details.append(f"parameter '{own.name}' removed")
            continue
        merged.append(own)  # added by hand (or never recorded): the user's
    return merged


def _merge_call(
    merge: _Merge, mine: Call, theirs: Call, report: UpdateReport
) -> tuple[Call, list[str]]:
    """The user's call updated from the document's, and what changed in words."""
    assert theirs.origin is not None
    base = None if mine.origin is None else mine.origin.base
    new_base = dict(theirs.origin.base)
    details: list[str] = []
    update: dict[str, Any] = {}
    label = mine.name
    simple = (("method", "method"), ("path", "path"), ("description", "description"))
    for name, words in (*simple, ("use_as", "use as")):
        own, doc = str(getattr(mine, name)), str(getattr(theirs, name))
        if merge.facet(
            base,
            new_base,
            name,
            _fingerprint(own),
            _fingerprint(doc),
            label=words,
            call=label,
            shown=partial(_shown_text, own, doc),
        ):
            details.append(
                f"{words} changed" if name == "description" else f"{words} {_short(doc)}"
            )
            update[name] = getattr(theirs, name)
    own_body = [mine.body_type.value, mine.content_type, mine.body_template]
    doc_body = [theirs.body_type.value, theirs.content_type, theirs.body_template]
    if merge.facet(
        base,
        new_base,
        "body",
        _fingerprint(own_body),
        _fingerprint(doc_body),
        label="body",
        call=label,
        shown=lambda: (_short(mine.body_type.value), _short(theirs.body_type.value)),
    ):
        details.append("body changed")
        update.update(
            body_type=theirs.body_type,
            content_type=theirs.content_type,
            body_template=theirs.body_template,
        )
    # The user's own: a renamed call and an initialized structure stay the user's.
    if base is not None and base.get("name") == _fingerprint(mine.name) != new_base["name"]:
        details.append(f"renamed {_short(theirs.name)}")
        update["name"] = theirs.name
    if base is not None and new_base["response"] != base.get("response"):
        # The document's response changed (only then is the user's structure looked at).
        structure = None if mine.structure is None else shape_to_dict(mine.structure)
        if _fingerprint([mine.response_type.value, structure]) == base.get("response"):
            details.append("documented response changed")
            update.update(response_type=theirs.response_type, structure=theirs.structure)
        else:
            report.notes.append(
                f"call '{label}': the documented response changed; your structure is kept, "
                f"and the Against spec tab compares it with the new one"
            )
    if base is None or new_base["response"] != base.get("response"):
        # The documented structure is the document's own, beside the user's structure.
        update["documented"] = theirs.documented
    parameters = _merge_parameters(
        merge,
        base,
        new_base,
        mine.parameters,
        theirs.parameters,
        prefix="",
        call=label,
        details=details,
    )
    if parameters != mine.parameters:
        update["parameters"] = parameters
    update["origin"] = CallOrigin(key=theirs.origin.key, base=new_base)
    return mine.model_copy(update=update), details


def update_api(
    current: Api, incoming: Api, *, prefer_document: Preference = False
) -> tuple[Api, UpdateReport]:
    """``current`` updated from ``incoming`` (a fresh import, stamped), and a report.

    Nothing is modified in place. ``prefer_document`` resolves every conflict
    in favour of the document (True), or those named by ``(call, facet)`` as in
    :class:`Conflict` (a set, as the app's preview lets the user choose one by one).
    """
    report = UpdateReport(current.name)
    merge = _Merge(report, prefer_document)
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
            (current.auth.type, incoming.auth.type)
            if name == "auth"
            else (_short(own), _short(doc))
        )
        if merge.facet(
            api_base,
            new_api_base,
            name,
            _fingerprint(own),
            _fingerprint(doc),
            label=words,
            call="",
            shown=_fixed(shown),
        ):
            report.api_changes.append(
                f"{words} changed" if name == "description" else f"{words} {shown[1]}"
            )
            api_update[name] = getattr(incoming, name)
    for attr, prefix in (("headers", "header "), ("parameters", "shared ")):
        details: list[str] = []
        merged = _merge_parameters(
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
    matched = _match_calls(current.calls, incoming.calls)
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
        updated, details = _merge_call(merge, mine, theirs, report)
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
