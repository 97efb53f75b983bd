"""Imported requests that carry a GraphQL envelope become GraphQL calls.

Postman (``body.mode == "graphql"``) and Insomnia (``application/graphql``)
store a GraphQL request as ``{"query", "variables"}``; collection import
reads that as a JSON or raw body. This pass turns such a body into the
call's GraphQL document, and each variable the document declares into a
typed body parameter whose sample is the collection's value.
"""

from __future__ import annotations

from typing import Any

import orjson

from designer.core.gql.fields import graphql_value_type
from designer.core.interop.common import ImportResult
from designer.core.models import BodyType, Call, GraphQLQuery, Parameter, Placement, ValueType

__all__ = ["adopt_graphql", "graphql_call", "postman_graphql_body"]


def _envelope(call: Call) -> dict[str, Any] | None:
    if call.body_type not in (BodyType.JSON, BodyType.RAW) or call.graphql is not None:
        return None
    if not call.body_template.strip():
        return _envelope_from_parameters(call)
    try:
        body = orjson.loads(call.body_template)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return None
    return body


def _envelope_from_parameters(call: Call) -> dict[str, Any] | None:
    """The envelope of a JSON body the importer turned into (dotted, typed) parameters."""
    from designer.core.http.body import nest_dotted
    from designer.core.values import BadValue, json_value

    pairs: list[tuple[str, Any]] = []
    for p in call.parameters:
        if p.placement is not Placement.BODY:
            continue
        try:
            pairs.append((p.name, json_value(p.type, p.value)))
        except BadValue:
            pairs.append((p.name, p.value))
    body = nest_dotted(pairs)
    return body if isinstance(body.get("query"), str) else None


def _sample(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return orjson.dumps(value).decode()


def graphql_call(call: Call) -> Call | None:
    """``call`` as a GraphQL call, if its body is a GraphQL envelope; else None."""
    body = _envelope(call)
    if body is None:
        return None
    # graphql-core is loaded only for a GraphQL body: most imports have none.
    from graphql import GraphQLError, parse, print_ast
    from graphql.language import NonNullTypeNode, OperationDefinitionNode

    try:
        document = parse(body["query"])
    except GraphQLError:
        return None  # a "query" key that is not GraphQL: a plain JSON API
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return None
    name = str(body.get("operationName") or "")
    chosen = next((o for o in operations if o.name and o.name.value == name), operations[0])
    variables = body.get("variables")
    if isinstance(variables, str):  # Postman keeps them as the text the user typed
        try:
            variables = orjson.loads(variables) if variables.strip() else {}
        except orjson.JSONDecodeError:
            variables = {}
    values = variables if isinstance(variables, dict) else {}
    parameters = [p for p in call.parameters if p.placement is not Placement.BODY]
    for definition in chosen.variable_definitions or ():
        type_text = print_ast(definition.type)
        var = definition.variable.name.value
        parameters.append(
            Parameter(
                name=var,
                value=_sample(values.get(var)),
                placement=Placement.BODY,
                # An object or list sample names an input object or list type.
                type=ValueType.JSON
                if isinstance(values.get(var), dict | list)
                else graphql_value_type(type_text),
                graphql_type=type_text,
                optional=not isinstance(definition.type, NonNullTypeNode),
            )
        )
    if not name and len(operations) > 1 and chosen.name:
        name = chosen.name.value
    return call.model_copy(
        update={
            "parameters": parameters,
            "body_type": BodyType.NONE,
            "body_template": "",
            "content_type": "",
            "graphql": GraphQLQuery(query=body["query"], operation_name=name),
        }
    )


def adopt_graphql(result: ImportResult) -> ImportResult:
    """``result`` with every call whose body is a GraphQL envelope made a GraphQL call."""
    for api in result.apis:
        for index, call in enumerate(api.calls):
            converted = graphql_call(call)
            if converted is not None:
                api.calls[index] = converted
    return result


def postman_graphql_body(
    query: GraphQLQuery, params: list[Parameter], values: dict[str, str]
) -> dict[str, Any]:
    """A Postman ``graphql`` body: the query, and the variables as the JSON text Postman keeps.

    ``values`` are the texts the export chose (a sample, or ``{{VARIABLE}}`` for
    a secret); a typed sample is written as its JSON value, a variable as text.
    """
    from designer.core.values import BadValue, json_value

    variables: dict[str, Any] = {}
    for p in params:
        text = values.get(p.name, "")
        if not text.strip() and p.optional:
            continue
        try:
            variables[p.name] = text if "{{" in text else json_value(p.type, text)
        except BadValue:
            variables[p.name] = text
    text_variables = orjson.dumps(variables, option=orjson.OPT_INDENT_2).decode()
    return {"mode": "graphql", "graphql": {"query": query.query, "variables": text_variables}}
