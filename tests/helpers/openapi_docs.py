"""Generated OpenAPI documents shaped like the hard real ones, for tests and benchmarks.

- :func:`fan_out`: S0 refers to S1 twice, S1 to S2 twice, and so on: a few
  KB whose full expansion has 2^levels nodes.
- :func:`vendor`: a payments-vendor-shaped specification: thousands of
  component schemas, "expandable" fields (an id, or the object it names:
  ``anyOf`` of a string and a ``$ref``), nested ``allOf`` over shared bases,
  reference cycles (customer → subscription → customer), many responses per
  operation and form-encoded request bodies.
"""

from __future__ import annotations

from typing import Any

__all__ = ["fan_out", "vendor"]


def fan_out(levels: int) -> dict[str, Any]:
    """A document whose one operation returns S0; S(i) has two fields of S(i+1)."""
    schemas: dict[str, Any] = {}
    for i in range(levels):
        schemas[f"S{i}"] = {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "left": {"$ref": f"#/components/schemas/S{i + 1}"},
                "right": {"$ref": f"#/components/schemas/S{i + 1}"},
            },
        }
    schemas[f"S{levels}"] = {"type": "string"}
    ok = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Fan-out", "version": "1"},
        "servers": [{"url": "https://fan.example"}],
        "paths": {
            "/tree": {
                "get": {"summary": "Tree", "responses": {"200": {"description": "OK", **ok}}},
                "post": {
                    "summary": "Plant",
                    "requestBody": ok,
                    "responses": {"200": {"description": "OK", **ok}},
                },
            }
        },
        "components": {"schemas": schemas},
    }


#: Small schemas each resource refers to, so there are thousands of component schemas.
_PARTS = 12
_ERRORS = ("400", "401", "402", "403", "404", "409", "429", "500", "default")


def _resource_schema(r: int, resources: int, width: int) -> dict[str, Any]:
    nxt = (r + 1) % resources
    back = (r * 7 + 3) % resources
    fields: dict[str, Any] = {
        "id": {"type": "string", "example": f"res{r}_1Mx"},
        "object": {"type": "string", "enum": [f"resource{r}"]},
        "created": {"type": "integer", "format": "unix-time"},
        "livemode": {"type": "boolean"},
        "metadata": {"$ref": "#/components/schemas/Metadata"},
        "customer": {
            "anyOf": [
                {"type": "string", "maxLength": 5000},
                {"$ref": "#/components/schemas/Customer"},
                {"$ref": "#/components/schemas/DeletedCustomer"},
            ],
            "nullable": True,
            "x-expansionResources": {"oneOf": [{"$ref": "#/components/schemas/Customer"}]},
        },
        "related": {
            "anyOf": [{"type": "string"}, {"$ref": f"#/components/schemas/Resource{nxt}"}],
            "x-expandableFields": ["related"],
        },
        "previous": {
            "anyOf": [{"type": "string"}, {"$ref": f"#/components/schemas/Resource{back}"}],
            "nullable": True,
        },
        "items": {
            "allOf": [
                {"$ref": "#/components/schemas/ListBase"},
                {
                    "type": "object",
                    "properties": {
                        "data": {
                            "type": "array",
                            "items": {"$ref": f"#/components/schemas/Resource{r}Item"},
                        }
                    },
                },
            ]
        },
    }
    for j in range(_PARTS):
        fields[f"part_{j}"] = {"$ref": f"#/components/schemas/Resource{r}Part{j}"}
    for i in range(width):
        fields[f"attribute_{i}"] = {
            "type": "string",
            "nullable": True,
            "description": f"Attribute {i} of resource {r}: " + "lorem ipsum " * 8,
            "maxLength": 5000,
        }
    return {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {
                "type": "object",
                "title": f"Resource{r}",
                "required": ["id", "object", "created"],
                "properties": fields,
                "x-resourceId": f"resource{r}",
            },
        ]
    }


def _schemas(resources: int, width: int) -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "Base": {"type": "object", "properties": {"id": {"type": "string"}}},
        "ListBase": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {
                    "type": "object",
                    "properties": {
                        "has_more": {"type": "boolean"},
                        "url": {"type": "string", "format": "uri"},
                    },
                },
            ]
        },
        "Error": {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "param": {"type": "string"},
                    },
                }
            },
        },
        "Customer": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "email": {"type": "string", "nullable": True},
                "subscriptions": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Subscription"},
                },
                "default_source": {
                    "anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Resource0"}]
                },
            },
        },
        "DeletedCustomer": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "deleted": {"type": "boolean"}},
        },
        "Subscription": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "customer": {
                    "anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Customer"}]
                },
            },
        },
    }
    for r in range(resources):
        schemas[f"Resource{r}"] = _resource_schema(r, resources, width)
        schemas[f"Resource{r}Item"] = {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "amount": {"type": "integer"},
                "parent": {
                    "anyOf": [{"type": "string"}, {"$ref": f"#/components/schemas/Resource{r}"}]
                },
            },
        }
        for j in range(_PARTS):
            schemas[f"Resource{r}Part{j}"] = {
                "type": "object",
                "description": f"Part {j} of resource {r}.",
                "properties": {
                    "kind": {"type": "string", "enum": [f"part{j}", "other"]},
                    "count": {"type": "integer", "nullable": True},
                    "ratio": {"type": "number"},
                    "enabled": {"type": "boolean"},
                    "owner": {
                        "anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Customer"}]
                    },
                },
            }
        schemas[f"Resource{r}Params"] = {
            "type": "object",
            "properties": {
                "description": {"type": "string", "maxLength": 5000},
                "amount": {"type": "integer"},
                "confirm": {"type": "boolean"},
                "metadata": {"$ref": "#/components/schemas/Metadata"},
                "expand": {"type": "array", "items": {"type": "string"}},
            },
        }
    return schemas


def _responses(schema: dict[str, Any]) -> dict[str, Any]:
    responses = {
        "200": {
            "description": "Successful response.",
            "content": {"application/json": {"schema": schema}},
        }
    }
    for status in _ERRORS:
        responses[status] = {
            "description": "Error response.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    return responses


def vendor(operations: int = 400, width: int = 130) -> dict[str, Any]:
    """A payments-vendor-shaped document with about ``operations`` operations."""
    resources = max(operations // 4, 1)
    paths: dict[str, Any] = {}
    for r in range(resources):
        ref = {"$ref": f"#/components/schemas/Resource{r}"}
        expand = {
            "name": "expand",
            "in": "query",
            "style": "deepObject",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string", "maxLength": 5000}},
        }
        form = {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"$ref": f"#/components/schemas/Resource{r}Params"}
                }
            }
        }
        page = {
            "type": "object",
            "required": ["data", "has_more", "object", "url"],
            "properties": {
                "data": {"type": "array", "items": ref},
                "has_more": {"type": "boolean"},
                "object": {"type": "string", "enum": ["list"]},
                "url": {"type": "string"},
            },
        }
        paths[f"/v1/resource{r}"] = {
            "get": {
                "operationId": f"GetResource{r}",
                "description": f"Returns a list of resource {r} objects.",
                "parameters": [
                    expand,
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "starting_after", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": _responses(page),
            },
            "post": {
                "operationId": f"PostResource{r}",
                "description": f"Creates a resource {r}.",
                "requestBody": form,
                "responses": _responses(ref),
            },
        }
        paths[f"/v1/resource{r}/{{id}}"] = {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {
                "operationId": f"GetResource{r}Id",
                "parameters": [expand],
                "responses": _responses(ref),
            },
            "delete": {
                "operationId": f"DeleteResource{r}Id",
                "responses": _responses({"$ref": "#/components/schemas/DeletedCustomer"}),
            },
        }
    return {
        "openapi": "3.0.0",
        "info": {"title": "Payments", "version": "2026-01-01", "description": "A vendor API."},
        "servers": [{"url": "https://api.payments.example/"}],
        "security": [{"basicAuth": []}, {"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "basicAuth": {"type": "http", "scheme": "basic"},
                "bearerAuth": {"type": "http", "scheme": "bearer"},
            },
            "schemas": _schemas(resources, width),
        },
    }
