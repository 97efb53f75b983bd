"""GraphQL schemas: read from an introspection answer, kept as SDL, used to check queries.

The API keeps its schema as SDL text (:attr:`designer.core.models.Api.graphql_schema`):
readable in a diff, and what other tools print. Built schemas are cached by
their text, so checking a query while typing does not rebuild one each time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from graphql import (
    GraphQLError,
    GraphQLSchema,
    build_client_schema,
    build_schema,
    get_introspection_query,
    parse,
    print_schema,
    validate,
)
from graphql.language import OperationDefinitionNode

from designer.core.errors import InputError

if TYPE_CHECKING:
    from graphql import IntrospectionQuery

__all__ = [
    "INTROSPECTION_QUERY",
    "document_problems",
    "operation_names",
    "schema_from_introspection",
    "schema_of",
]

#: The standard introspection query, without descriptions of directives' repeatability
#: (older servers reject fields they do not know).
INTROSPECTION_QUERY = get_introspection_query(descriptions=True)


def schema_from_introspection(answer: Any, source: str) -> str:
    """The SDL of the schema an introspection answer (the whole JSON answer) describes."""
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("__schema"), dict):
        errors = answer.get("errors") if isinstance(answer, dict) else None
        why = _first_message(errors) or "the answer has no data.__schema"
        raise InputError(
            f"{source} did not return its GraphQL schema ({why}): the server may have "
            "introspection turned off; ask its owner for the schema file (SDL)"
        )
    unreadable = f"{source} returned a schema that cannot be read"
    depth = _type_depth(data["__schema"])
    if depth > MAX_TYPE_DEPTH:
        raise InputError(
            f"{unreadable}: a type is wrapped {depth} times in lists and non-nulls (at most "
            f"{MAX_TYPE_DEPTH} are read)"
        )
    try:
        schema = build_client_schema(cast("IntrospectionQuery", data))
        if schema.query_type is None:
            raise InputError(f"{unreadable}: it has no query type")
        return print_schema(schema)
    except KeyError as exc:
        raise InputError(f"{unreadable}: an entry has no {exc}") from exc
    except RecursionError as exc:  # graphql-core walks types recursively
        raise InputError(f"{unreadable}: it is nested too deeply") from exc
    except (TypeError, ValueError, AttributeError, GraphQLError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise InputError(f"{unreadable}: {first}") from exc


#: The most list and non-null wrappers one type reference may have. The standard
#: introspection query asks for seven levels of ``ofType``; real schemas use three or four.
MAX_TYPE_DEPTH = 32


def _type_depth(node: Any) -> int:
    """The longest ``ofType`` chain anywhere in an introspection answer, walked without
    recursion (the answer is a stranger's, and may nest as deep as JSON allows)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(node, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            for key, value in item.items():
                stack.append((value, depth + 1 if key == "ofType" else 0))
        elif isinstance(item, list):
            stack.extend((value, 0) for value in item)
    return deepest


def schema_of(sdl: str) -> GraphQLSchema:
    """The schema of SDL text; a one-line :class:`InputError` if it is not valid."""
    try:
        return _built(sdl)
    except (GraphQLError, TypeError) as exc:
        first = str(exc).splitlines()[0]
        raise InputError(f"The GraphQL schema is not valid SDL: {first}") from exc


@lru_cache(maxsize=8)
def _built(sdl: str) -> GraphQLSchema:
    return build_schema(sdl)


def document_problems(query: str, sdl: str = "") -> list[str]:
    """What is wrong with a query document, one line each; none if it can be sent.

    Syntax is always checked; fields, arguments and variable types too when
    ``sdl`` holds the API's schema.
    """
    try:
        document = parse(query)
    except GraphQLError as exc:
        return [_one_line(exc)]
    if not any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
        return ["it has no query or mutation"]
    if not sdl.strip():
        return []
    try:
        schema = schema_of(sdl)
    except InputError as exc:
        return [str(exc)]
    return [_one_line(e) for e in validate(schema, document)]


def operation_names(query: str) -> list[str]:
    """The names of a document's operations, in order (unnamed ones left out)."""
    try:
        document = parse(query)
    except GraphQLError:
        return []
    return [
        d.name.value
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None
    ]


def _one_line(exc: GraphQLError) -> str:
    where = ""
    if exc.locations:
        loc = exc.locations[0]
        where = f" (line {loc.line}, column {loc.column})"
    return exc.message.splitlines()[0].rstrip(".") + where


def _first_message(errors: Any) -> str:
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message", "")).strip()
    return ""
