"""What importers and exporters share: the import result, tidying, naming, selection.

Importers build :class:`~designer.core.models.Api` objects from documents
written by other tools, which break our rules in ordinary ways (a path
placeholder without a declared parameter, two parameters of the same name,
two operations with the same summary). :func:`tidy_api` repairs these so that
every imported API passes :func:`designer.core.workspace.file.problems`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from pydantic import ValidationError

from designer.core.errors import ExportError, ImportFormatError, LookupFailed
from designer.core.models import (
    Api,
    Call,
    Parameter,
    Placement,
    ValueType,
    Workspace,
    path_placeholders,
    unique_name,
)

__all__ = [
    "ImportResult",
    "clear_file_samples",
    "model_errors",
    "effective_parameters",
    "select_apis",
    "tidy_api",
    "unique_name",
]


@dataclass(slots=True)
class ImportResult:
    """What an importer read: APIs ready to merge, and what the user should know.

    ``secrets`` maps secret references (of the APIs here) to values found in
    the document, such as a token in a Postman collection; they belong in a
    secret store, never in the workspace. ``notes`` are one-line remarks about
    what could not be carried over.
    """

    kind: str
    name: str
    apis: list[Api]
    secrets: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _key(parameter: Parameter) -> tuple[str, str]:
    name = parameter.name.lower() if parameter.placement is Placement.HEADER else parameter.name
    return parameter.placement.value, name


def _dedupe(parameters: list[Parameter]) -> list[Parameter]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for parameter in parameters:
        if _key(parameter) not in seen:
            seen.add(_key(parameter))
            kept.append(parameter)
    return kept


def tidy_call(api: Api, call: Call) -> None:
    """Make ``call`` valid in ``api``: unique parameters, path parameters matching the path."""
    placeholders = list(dict.fromkeys(path_placeholders(call.path)))
    shared = {p.name for p in api.parameters if p.placement is Placement.PATH}
    parameters = [
        p
        for p in _dedupe(call.parameters)
        if p.placement is not Placement.PATH or p.name in placeholders
    ]
    declared = {p.name for p in parameters if p.placement is Placement.PATH}
    for name in placeholders:
        if name not in declared and name not in shared:
            parameters.append(Parameter(name=name, placement=Placement.PATH))
    for parameter in parameters:
        if parameter.private:
            parameter.value = ""
    call.parameters = parameters


def tidy_api(api: Api) -> Api:
    """Repair ``api`` in place (unique call names, valid parameters) and return it."""
    api.headers = _dedupe(api.headers)
    api.parameters = _dedupe(api.parameters)
    for parameter in (*api.headers, *api.parameters):
        if parameter.private:
            parameter.value = ""
    names: list[str] = []
    for call in api.calls:
        call.name = unique_name(call.name, names)
        names.append(call.name)
        tidy_call(api, call)
    return api


#: The description of a file parameter that arrived without its file.
FILE_HINT = "a file: choose the file to send (an imported document never chooses it)"


def clear_file_samples(result: ImportResult) -> None:
    """Empty every file parameter's sample, and the environments' values for them.

    A document (OpenAPI, Postman, Insomnia, HAR, a bundle, a curl command) is
    data from someone else: a path in it (``/proc/self/environ``,
    ``~/.ssh/id_rsa``) must never choose which local file is uploaded. The
    user chooses the file (see :mod:`designer.core.http.file_choices`); a note says
    which parameters wait for one.
    """
    emptied: list[str] = []
    for api in result.apis:
        shared = {p.name for p in api.parameters if p.type is ValueType.FILE}
        for parameter in api.parameters:
            if _clear_file(parameter):
                emptied.append(f"'{api.name}' {parameter.name}")
        for environment in api.environments:
            for name in shared & environment.parameters.keys():
                environment.parameters[name] = ""
        for call in api.calls:
            for parameter in call.parameters:
                if _clear_file(parameter):
                    emptied.append(f"'{api.name}/{call.name}' {parameter.name}")
    if emptied:
        shown = ", ".join(emptied[:5]) + (
            f" and {len(emptied) - 5} more" if len(emptied) > 5 else ""
        )
        result.notes.append(
            f"{len(emptied)} file parameter{'s' if len(emptied) > 1 else ''} arrived without "
            f"a file ({shown}): an imported document never chooses a local file; choose each "
            f"with the sample's folder button, or pass --param NAME=@PATH to init"
        )


def _clear_file(parameter: Parameter) -> bool:
    if parameter.type is not ValueType.FILE:
        return False
    parameter.value = ""
    if not parameter.description.strip():
        parameter.description = FILE_HINT
    return True


def effective_parameters(api: Api, call: Call) -> list[Parameter]:
    """The parameters a request of ``call`` sends, shared ones first, the call's winning.

    The same resolution as :func:`designer.core.http.request.build_request`: keyed
    by placement and name (headers case-insensitively).
    """
    chosen: dict[tuple[str, str], Parameter] = {}
    for header in api.headers:
        p = header.model_copy(update={"placement": Placement.HEADER})
        chosen[_key(p)] = p
    for p in (*api.parameters, *call.parameters):
        chosen[_key(p)] = p
    return list(chosen.values())


def select_apis(ws: Workspace, names: Sequence[str] | None) -> list[Api]:
    """The APIs named (case-insensitively), in workspace order; all of them when none are."""
    if not names:
        if not ws.apis:
            raise ExportError("The workspace has no APIs: there is nothing to export")
        return list(ws.apis)
    by_name = {api.name.casefold(): api for api in ws.apis}
    for name in names:
        if name.casefold() not in by_name:
            known = ", ".join(f"'{a.name}'" for a in ws.apis[:6]) or "none"
            raise LookupFailed(f"No API '{name}' in the workspace; its APIs are {known}")
    wanted = {name.casefold() for name in names}
    return [api for api in ws.apis if api.name.casefold() in wanted]


@contextmanager
def model_errors(source: str) -> Iterator[None]:
    """Map a model validation error while building imported APIs to one line naming ``source``."""
    try:
        yield
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"]) or "value"
        raise ImportFormatError(
            f"{source}: a value cannot be imported ({exc.title} {where}: {error['msg']}); "
            f"fix it in the document"
        ) from exc
