"""The workspace file: one deterministic UTF-8 JSON document per workspace.

Saving is deterministic (the models' field order, 2-space indent, a trailing
newline), so that a workspace diffs well in git, and atomic (see
:func:`designer.core.fileio.atomic_write`). Private values never reach the
file: :func:`dumps` blanks them even if a caller forgot to.

Loading checks, in order, and stops at the first stage that fails:

1. the bytes are UTF-8 JSON (:class:`WorkspaceParseError`, with line and column);
2. the document is a workspace (:class:`WorkspaceFormatError`) of a version this
   application reads (:class:`WorkspaceVersionError`); older versions are
   upgraded by :data:`MIGRATIONS`;
3. the document matches the models, and the workspace makes sense (unique names,
   every path placeholder has a parameter, no stored private values): each
   problem is reported with its JSON path in one :class:`WorkspaceValidationError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import orjson
from pydantic import ValidationError

from designer.core import fileio
from designer.core.errors import (
    NotUtf8Error,
    Problem,
    WorkspaceError,
    WorkspaceFormatError,
    WorkspaceParseError,
    WorkspaceValidationError,
    WorkspaceVersionError,
)
from designer.core.models import (
    WORKSPACE_FORMAT,
    WORKSPACE_VERSION,
    Api,
    Call,
    Parameter,
    Placement,
    Workspace,
    path_placeholders,
    unsent_body_parameters,
)
from designer.core.validation_messages import describe, problems_from, show

__all__ = [
    "MAX_WORKSPACE_SIZE",
    "MIGRATIONS",
    "advisories",
    "document_stepwise",
    "dumps",
    "json_schema",
    "load",
    "loads",
    "migrate",
    "problems",
    "save",
    "validate_bytes",
]

#: Workspaces are small; anything bigger is not one, or not one to read into memory.
MAX_WORKSPACE_SIZE = 64 * fileio.MB

#: ``MIGRATIONS[n]`` turns a version ``n`` document into a version ``n + 1`` one.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


# -- saving -----------------------------------------------------------------------------


def _blank_private(parameters: list[dict[str, Any]]) -> None:
    for parameter in parameters:
        if parameter.get("private"):
            parameter["value"] = ""


def dumps(ws: Workspace) -> bytes:
    """The file contents of ``ws``: byte-identical for equal workspaces."""
    return orjson.dumps(_blanked(ws.model_dump(mode="json")), option=_JSON_OPTIONS)


def document_stepwise(ws: Workspace) -> dict[str, Any]:
    """The document :func:`dumps` writes, built one call at a time.

    Each step is short, so a thread building it lets the thread that shows the
    window run in between (one dump of a workspace of thousands of calls would
    hold the interpreter for its whole length). The workspace must not change
    meanwhile: pass a snapshot whose lists are copies.
    """
    doc = ws.model_dump(mode="json", exclude={"apis"})
    apis = []
    for api in ws.apis:
        data = api.model_copy(update={"calls": []}).model_dump(mode="json")
        data["calls"] = [call.model_dump(mode="json") for call in api.calls]
        apis.append(data)
    doc["apis"] = apis
    return _blanked(doc)


def _blanked(doc: dict[str, Any]) -> dict[str, Any]:
    for api in doc["apis"]:
        _blank_private(api["headers"])
        _blank_private(api["parameters"])
        for call in api["calls"]:
            _blank_private(call["parameters"])
    return doc


def save(ws: Workspace, path: str | os.PathLike[str]) -> None:
    """Write ``ws`` to ``path`` atomically; raises :class:`~.errors.SaveError`."""
    fileio.atomic_write(path, dumps(ws))


# -- loading ----------------------------------------------------------------------------


class _Rejected(Exception):
    """A document failed before validation; carries the error and its problem form."""

    def __init__(self, error: WorkspaceError, detail: str) -> None:
        super().__init__(str(error))
        self.error = error
        self.detail = detail


def _reject(cls: type[WorkspaceError], message: str, detail: str) -> _Rejected:
    return _Rejected(cls(message), detail)


def _parse(data: bytes, source: str) -> Any:
    try:
        text = fileio.decode_utf8(data, source=source)
    except NotUtf8Error as exc:
        detail = str(exc).removeprefix(f"{source} ")
        raise _reject(WorkspaceParseError, str(exc), detail) from exc
    # Editors on Windows like to start UTF-8 files with a byte order mark.
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise _reject(
            WorkspaceParseError,
            f"{source} is empty: it should hold a workspace saved by Connector Designer",
            "is empty: it should hold a workspace saved by Connector Designer",
        )
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            reason = "the file ends too early (was it cut off?)"
        else:
            reason = exc.msg
        detail = (
            f"is not valid JSON: line {exc.lineno}, column {exc.colno}: {reason}; "
            f"fix it there or restore a backup"
        )
        raise _reject(WorkspaceParseError, f"{source} {detail}", detail) from exc


def _check_header(doc: Any, source: str) -> None:
    if not isinstance(doc, dict):
        detail = (
            f"is {describe(doc)}, not a Connector Designer workspace "
            f"(a workspace is a JSON object with 'format' and 'version')"
        )
        raise _reject(WorkspaceFormatError, f"{source} {detail}", detail)
    fmt = doc.get("format")
    if fmt != WORKSPACE_FORMAT:
        found = "has no 'format' key" if fmt is None else f"has format {show(fmt)}"
        detail = f"is not a Connector Designer workspace: it {found}, expected {WORKSPACE_FORMAT!r}"
        raise _reject(WorkspaceFormatError, f"{source} {detail}", detail)
    version = doc.get("version")
    if type(version) is not int:
        found = "no 'version' key" if version is None else f"version {show(version)}"
        detail = f"has {found}: it should be a whole number such as {WORKSPACE_VERSION}"
        raise _reject(WorkspaceFormatError, f"{source} {detail}", detail)
    if version > WORKSPACE_VERSION:
        detail = (
            f"was saved by a newer Connector Designer (format version {version}; "
            f"this one reads up to {WORKSPACE_VERSION}): update the app"
        )
        raise _reject(WorkspaceVersionError, f"{source} {detail}", detail)


def migrate(doc: dict[str, Any]) -> dict[str, Any]:
    """Upgrade a workspace document to :data:`WORKSPACE_VERSION`, one version at a time.

    Raises :class:`WorkspaceVersionError` when a version cannot be upgraded.
    """
    version = doc["version"]
    while version < WORKSPACE_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            oldest = min(MIGRATIONS, default=WORKSPACE_VERSION)
            readable = (
                f"format version {oldest}"
                if oldest == WORKSPACE_VERSION
                else f"format versions {oldest} to {WORKSPACE_VERSION}"
            )
            raise WorkspaceVersionError(
                f"format version {version} cannot be read by this Connector Designer "
                f"(it reads {readable})"
            )
        doc = step(doc)
        version += 1
        doc["version"] = version
    return doc


def _migrate(doc: dict[str, Any], source: str) -> dict[str, Any]:
    version = doc["version"]
    try:
        return migrate(doc)
    except WorkspaceVersionError as exc:
        raise _reject(WorkspaceVersionError, f"{source}: {exc}", str(exc)) from exc
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        # An old document malformed in a way its migration did not expect.
        detail = (
            f"could not be upgraded from format version {version}: "
            f"unexpected content ({type(exc).__name__}: {exc})"
        )
        raise _reject(WorkspaceFormatError, f"{source} {detail}", detail) from exc


def _validate(doc: dict[str, Any], text: bytes) -> Workspace | list[Problem]:
    try:
        # Strict JSON validation: a file says 1, not "1" or 1.0 or true.
        return Workspace.model_validate_json(text, strict=True)
    except ValidationError as exc:
        return problems_from(exc, doc)


def _decode(data: bytes, source: str) -> Workspace | list[Problem]:
    doc = _parse(data, source)
    _check_header(doc, source)
    if doc["version"] == WORKSPACE_VERSION:
        text = data.removeprefix(b"\xef\xbb\xbf")
    else:
        doc = _migrate(doc, source)
        text = orjson.dumps(doc)
    result = _validate(doc, text)
    if isinstance(result, list):
        return result
    return problems(result) or result


def loads(data: bytes, *, source: str = "<input>") -> Workspace:
    """The workspace in ``data``; raises a :class:`~.errors.WorkspaceError` if it is unusable.

    ``source`` names the document in messages, usually the file name.
    """
    try:
        result = _decode(data, source)
    except _Rejected as rejected:
        raise rejected.error from rejected.__cause__
    if isinstance(result, list):
        raise WorkspaceValidationError(source, result)
    return result


def validate_bytes(data: bytes, source: str = "<input>") -> list[Problem]:
    """Every problem of the document in ``data``; empty when it loads.

    A document that is not JSON, not a workspace or of a newer version is one
    problem at ``$``.
    """
    try:
        result = _decode(data, source)
    except _Rejected as rejected:
        return [Problem("$", rejected.detail)]
    return result if isinstance(result, list) else []


def load(path: str | os.PathLike[str]) -> Workspace:
    """The workspace saved at ``path``; raises :class:`~.errors.DesignerError` subclasses."""
    data = fileio.read_bytes(path, limit=MAX_WORKSPACE_SIZE, what="workspace")
    return loads(data, source=os.fspath(path))


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the workspace file, generated from the models."""
    schema = Workspace.model_json_schema()
    head = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:connector-designer:workspace:{WORKSPACE_VERSION}",
        "title": "Connector Designer workspace",
        "description": (
            f"A workspace file, format {WORKSPACE_FORMAT!r} version {WORKSPACE_VERSION}."
        ),
    }
    return head | {k: v for k, v in schema.items() if k not in head}


# -- semantic checks ---------------------------------------------------------------------


def _duplicates(items: list[Any], key: Callable[[Any], object]) -> Iterator[tuple[int, int]]:
    """``(index, index_of_first)`` for every item whose key was already seen."""
    seen: dict[object, int] = {}
    for index, item in enumerate(items):
        k = key(item)
        if k in seen:
            yield index, seen[k]
        else:
            seen.setdefault(k, index)


def _parameter_key(parameter: Parameter) -> tuple[str, str]:
    # Header names are case-insensitive in HTTP; query, path and body names are not.
    name = parameter.name.lower() if parameter.placement is Placement.HEADER else parameter.name
    return parameter.placement.value, name


def _parameter_problems(parameters: list[Parameter], at: str, owner: str) -> list[Problem]:
    found = []
    for index, first in _duplicates(parameters, _parameter_key):
        p = parameters[index]
        found.append(
            Problem(
                f"{at}[{index}].name",
                f"duplicate {p.placement.value} parameter {p.name!r} in {owner} "
                f"(also {at}[{first}]): rename or remove one",
            )
        )
    for index, p in enumerate(parameters):
        if p.private and p.value:
            found.append(
                Problem(
                    f"{at}[{index}].value",
                    f"private values must not be stored in the file: clear the value of "
                    f"{p.name!r} and set it in the app",
                )
            )
    return found


def _call_problems(api: Api, call: Call, at: str) -> list[Problem]:
    owner = f"call {call.name!r} of API {api.name!r}"
    found = _parameter_problems(call.parameters, f"{at}.parameters", owner)
    path_names = {p.name for p in call.parameters if p.placement is Placement.PATH}
    shared = {p.name for p in api.parameters if p.placement is Placement.PATH}
    placeholders = path_placeholders(call.path)
    for name in dict.fromkeys(placeholders):
        if name not in path_names and name not in shared:
            found.append(
                Problem(
                    f"{at}.path",
                    f"placeholder {{{name}}} in {owner} has no path parameter: "
                    f"add a parameter {name!r} with placement 'path'",
                )
            )
    for index, p in enumerate(call.parameters):
        if p.placement is Placement.PATH and p.name not in placeholders:
            found.append(
                Problem(
                    f"{at}.parameters[{index}]",
                    f"path parameter {p.name!r} of {owner} is not used in the path "
                    f"{call.path!r}: add {{{p.name}}} to the path or change its placement",
                )
            )
    return found


def advisories(ws: Workspace) -> list[Problem]:
    """Mistakes that do not stop ``ws`` from loading, but make a call other than it looks:
    a body parameter of a call without a body, which is never sent."""
    found: list[Problem] = []
    for a, api in enumerate(ws.apis):
        for c, call in enumerate(api.calls):
            unsent = set(unsent_body_parameters(call))
            for index, p in enumerate(call.parameters):
                if p.placement is Placement.BODY and p.name in unsent:
                    found.append(
                        Problem(
                            f"$.apis[{a}].calls[{c}].parameters[{index}]",
                            f"body parameter {p.name!r} of call {call.name!r} of API "
                            f"{api.name!r} is not sent: the call has no body (body_type "
                            f"'none'); set body_type to 'json' or change its placement",
                        )
                    )
    return found


def problems(ws: Workspace) -> list[Problem]:
    """The semantic problems of ``ws``, each with its JSON path; empty when it is sound.

    Names are compared case-insensitively: "Stripe" and "stripe" are the same API.
    """
    found: list[Problem] = []
    for index, first in _duplicates(ws.apis, lambda a: a.name.casefold()):
        found.append(
            Problem(
                f"$.apis[{index}].name",
                f"duplicate API name {ws.apis[index].name!r} (also $.apis[{first}]): "
                f"API names must be unique",
            )
        )
    for a, api in enumerate(ws.apis):
        at = f"$.apis[{a}]"
        for index, first in _duplicates(api.calls, lambda c: c.name.casefold()):
            found.append(
                Problem(
                    f"{at}.calls[{index}].name",
                    f"duplicate call name {api.calls[index].name!r} in API {api.name!r} "
                    f"(also {at}.calls[{first}]): call names must be unique within an API",
                )
            )
        owner = f"API {api.name!r}"
        found += _parameter_problems(api.headers, f"{at}.headers", owner)
        found += _parameter_problems(api.parameters, f"{at}.parameters", owner)
        for c, call in enumerate(api.calls):
            found += _call_problems(api, call, f"{at}.calls[{c}]")
    return found
