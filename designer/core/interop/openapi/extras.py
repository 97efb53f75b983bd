"""The parts of the OpenAPI export that plain HTTP calls do not have: GraphQL and webhooks.

All the GraphQL calls of an API that share an endpoint are one ``POST``
operation in OpenAPI (one operation per path and method): its request body is
the GraphQL envelope, and its ``x-graphql`` extension lists each call's
query, operation name, variables and the schema of its ``data``. Webhooks go
into OpenAPI 3.1's ``webhooks`` section, keyed ``API/NAME``-style by name,
each with the inferred structure of its request body.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from designer.core.inference import to_json_schema
from designer.core.interop.openapi.value_types import value_type_schema
from designer.core.models import Api, Call, Placement

__all__ = ["graphql_operations", "webhooks_section"]

_ENVELOPE = {
    "type": "object",
    "required": ["query"],
    "properties": {
        "query": {"type": "string", "description": "the GraphQL document"},
        "variables": {"type": "object"},
        "operationName": {"type": "string"},
    },
}

_ERRORS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["message"],
        "properties": {"message": {"type": "string"}, "path": {"type": "array"}},
    },
}


def _variables(call: Call) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in call.parameters:
        if p.placement is Placement.BODY:
            schema = value_type_schema(p.type)
            if p.graphql_type:
                schema["x-graphql-type"] = p.graphql_type
            if p.value and not p.private:
                schema["example"] = p.value  # the sample, as the call keeps it
            out[p.name] = schema
    return out


def _data_schema(call: Call) -> dict[str, Any]:
    if call.structure is None:
        return {}
    schema = to_json_schema(call.structure)
    schema.pop("$schema", None)
    return schema


def graphql_operations(api: Api, path_of: Callable[[Api, Call], str]) -> dict[str, dict[str, Any]]:
    """One ``post`` operation for each GraphQL endpoint of ``api``, by OpenAPI path.

    ``path_of(api, call)`` is the OpenAPI path of a call (as the plain export splits it).
    """
    by_path: dict[str, list[Call]] = {}
    for call in api.calls:
        if call.graphql is not None:
            by_path.setdefault(path_of(api, call), []).append(call)
    out: dict[str, dict[str, Any]] = {}
    for path, calls in by_path.items():
        operations = []
        for call in calls:
            assert call.graphql is not None
            entry: dict[str, Any] = {"name": call.name, "query": call.graphql.query}
            if call.graphql.operation_name:
                entry["operationName"] = call.graphql.operation_name
            variables = _variables(call)
            if variables:
                entry["variables"] = variables
            data = _data_schema(call)
            if data:
                entry["data"] = data
            operations.append(entry)
        data_schemas = [op["data"] for op in operations if "data" in op]
        response_data: dict[str, Any] = {"anyOf": data_schemas} if data_schemas else {}
        out[path] = {
            "summary": "GraphQL: " + ", ".join(c.name for c in calls),
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ENVELOPE}},
            },
            "responses": {
                "200": {
                    "description": "data, errors, or both (a partial result)",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"data": response_data, "errors": _ERRORS},
                            }
                        }
                    },
                }
            },
            "x-graphql": {"operations": operations},
        }
    return out


def webhooks_section(apis: Sequence[Api], several: bool) -> dict[str, Any]:
    """OpenAPI 3.1's ``webhooks``: one path item per inbound endpoint."""
    out: dict[str, Any] = {}
    for api in apis:
        for hook in api.webhooks:
            key = f"{api.name}/{hook.name}" if several else hook.name
            body: dict[str, Any] = {}
            if hook.structure is not None:
                body = to_json_schema(hook.structure)
                body.pop("$schema", None)
            operation: dict[str, Any] = {
                "operationId": "webhook_" + "".join(c if c.isalnum() else "_" for c in key),
                "summary": hook.name,
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "responses": {"200": {"description": "The receiver accepted the event"}},
                "x-path": hook.path,
            }
            if hook.description:
                operation["description"] = hook.description
            if hook.signature != "none":
                operation["x-signature"] = hook.signature
            out[key] = {hook.method.value.lower(): operation}
    return out
