"""GraphQL calls in the mock server: one endpoint, the operation chosen from the request.

All the GraphQL calls of an API usually share one path and method, so the
mock picks the call whose operation name (or else query text) the request
names, and answers the standard ``{"data": …}`` envelope around the body
built from the call's structure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from designer.core.models import Call

__all__ = ["choose_graphql_call", "data_envelope"]


def _request(body: bytes, query: dict[str, list[str]]) -> dict[str, Any]:
    if "query" in query:  # a GET: the envelope is in the query string
        return {k: v[0] for k, v in query.items()}
    try:
        found = orjson.loads(body) if body else {}
    except orjson.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) else {}


def choose_graphql_call(
    calls: Sequence[Call], body: bytes, query: dict[str, list[str]]
) -> int | None:
    """The index of the call a GraphQL request runs, among ``calls``; None if none is GraphQL."""
    graphql = [(i, c) for i, c in enumerate(calls) if c.graphql is not None]
    if not graphql:
        return None
    request = _request(body, query)
    name = str(request.get("operationName") or "")
    text = str(request.get("query") or "")
    for i, call in graphql:
        assert call.graphql is not None
        if name and call.graphql.operation_name == name:
            return i
    for i, call in graphql:
        assert call.graphql is not None
        if text and " ".join(call.graphql.query.split()) == " ".join(text.split()):
            return i
    return graphql[0][0]


def data_envelope(body: bytes) -> bytes:
    """A JSON body as a GraphQL answer's ``data``."""
    return b'{"data":' + body + b"}"
