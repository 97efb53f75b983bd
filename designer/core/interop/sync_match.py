"""How an update recognizes what a document says: fingerprints, call keys, matching.

A facet of a call or an API (its method, its body, one parameter's type…) is
recorded as a short fingerprint of what the document said; a call is known by
its ``key`` in the document, else by its method and path template. See
:mod:`designer.core.interop.sync` for the update these serve.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from designer.core.models import Api, ApiSource, Call, CallOrigin, Parameter, Placement
from designer.core.structure import shape_to_dict

__all__ = [
    "call_key",
    "counterpart",
    "fingerprint",
    "match_calls",
    "param_key",
    "param_spec",
    "stamp_source",
]

_PLACEHOLDER = re.compile(r"\{[^{}/]*\}")


def fingerprint(value: Any) -> str:
    """A short, stable digest of a JSON-able value (32 bits: change detection, not security)."""
    data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(data).hexdigest()[:8]


def param_key(parameter: Parameter) -> str:
    name = parameter.name.lower() if parameter.placement is Placement.HEADER else parameter.name
    return f"{parameter.placement.value} {name}"


def param_spec(parameter: Parameter) -> str:
    return fingerprint([parameter.type.value, parameter.description, parameter.graphql_type])


def _call_facets(call: Call) -> dict[str, str]:
    """The fingerprints of what a document says about a call, by facet name."""
    structure = None if call.structure is None else shape_to_dict(call.structure)
    facets = {
        "method": fingerprint(call.method.value),
        "path": fingerprint(call.path),
        "name": fingerprint(call.name),
        "description": fingerprint(call.description),
        "use_as": fingerprint(call.use_as.value),
        "body": fingerprint([call.body_type.value, call.content_type, call.body_template]),
        "response": fingerprint([call.response_type.value, structure]),
    }
    for parameter in call.parameters:
        key = param_key(parameter)
        facets[f"param {key}"] = param_spec(parameter)
        facets[f"required {key}"] = "0" if parameter.optional else "1"
    return facets


def _api_facets(api: Api) -> dict[str, str]:
    facets = {
        "base_url": fingerprint(api.base_url),
        "auth": fingerprint(api.auth.model_dump(mode="json")),
        "description": fingerprint(api.description),
    }
    for kind, parameters in (("header", api.headers), ("shared", api.parameters)):
        for parameter in parameters:
            key = f"{kind} {param_key(parameter)}"
            facets[f"param {key}"] = param_spec(parameter)
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


def match_calls(current: Sequence[Call], incoming: Sequence[Call]) -> dict[int, int]:
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
