"""How a GraphQL call is sent: the JSON envelope, or the query string of a GET.

A GraphQL call's variables are its body parameters, each sent as a typed
JSON value (:func:`designer.core.values.json_value`): ``"id": 7`` for an
``Int``, an object for an input object (a ``json`` parameter, or dotted
names). The document is checked before anything is sent: its syntax always,
and against the API's schema when one was loaded.
"""

from __future__ import annotations

from typing import Any

import orjson

from designer.core.errors import RequestBuildError
from designer.core.gql.schema import document_problems
from designer.core.http.body_parts import Body, Resolved, bad_value, nest
from designer.core.models import Api, Call, ValueType
from designer.core.values import BadValue, json_value

__all__ = ["check_document", "envelope", "graphql_body", "graphql_query"]


def envelope(api: Api, call: Call, resolved: Resolved) -> dict[str, Any]:
    """The standard request object: ``query``, ``variables`` and ``operationName``."""
    assert call.graphql is not None
    check_document(api, call)
    variables: list[tuple[str, object]] = []
    for name, value in resolved.body:
        try:
            variables.append((name, json_value(resolved.types.get(name, ValueType.TEXT), value)))
        except BadValue as exc:
            private = name in resolved.private
            raise RequestBuildError(bad_value(api, call, name, value, private, exc)) from exc
    out: dict[str, Any] = {"query": call.graphql.query}
    if variables:
        out["variables"] = nest(api, call, variables)
    if call.graphql.operation_name.strip():
        out["operationName"] = call.graphql.operation_name.strip()
    return out


def graphql_body(api: Api, call: Call, resolved: Resolved) -> Body:
    """The body of a POST GraphQL call; a GET one has none (see :func:`graphql_query`)."""
    if str(call.method) == "GET":
        return Body()
    return Body(orjson.dumps(envelope(api, call, resolved)), "application/json")


def graphql_query(api: Api, call: Call, resolved: Resolved) -> list[tuple[str, str]]:
    """The query-string pairs of a GET GraphQL call (variables as JSON text)."""
    body = envelope(api, call, resolved)
    pairs = [("query", str(body["query"]))]
    if "variables" in body:
        pairs.append(("variables", orjson.dumps(body["variables"]).decode()))
    if "operationName" in body:
        pairs.append(("operationName", str(body["operationName"])))
    return pairs


def check_document(api: Api, call: Call) -> None:
    """Raise a one-line :class:`RequestBuildError` if the document is not valid to send."""
    assert call.graphql is not None
    problems = document_problems(call.graphql.query, api.graphql_schema)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise RequestBuildError(
            f"GraphQL query of call '{call.name}' in API '{api.name}' is not valid: "
            f"{problems[0]}{more}"
        )
