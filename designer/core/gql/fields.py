"""New GraphQL calls from a schema: a query or mutation field, its arguments as variables.

The selection set picks the field's scalar and enum fields, and those of
its objects a few levels down, so a first Initialize already shows a useful
structure; the user trims or extends the query afterwards.
"""

from __future__ import annotations

from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
    is_required_argument,
)

from designer.core.errors import InputError
from designer.core.gql.schema import schema_of
from designer.core.models import Call, GraphQLQuery, Method, Parameter, Placement, UseAs, ValueType

__all__ = ["graphql_value_type", "call_from_field", "root_fields"]

#: How deep the generated selection goes into nested objects.
MAX_DEPTH = 3


#: The value type a sample of each built-in GraphQL scalar is read as.
_SCALARS = {
    "Int": ValueType.INTEGER,
    "Float": ValueType.NUMBER,
    "Boolean": ValueType.BOOLEAN,
    "String": ValueType.TEXT,
    "ID": ValueType.TEXT,
}


def graphql_value_type(graphql_type: str, input_objects: frozenset[str] = frozenset()) -> ValueType:
    """How a variable of ``graphql_type`` is typed: ``Int!`` an integer, ``[ID]`` JSON.

    Enums and custom scalars travel as strings; input objects (named in
    ``input_objects``, or by the usual ``…Input`` suffix) as JSON objects.
    """
    bare = graphql_type.strip().rstrip("!").strip()
    if bare.startswith("["):
        return ValueType.JSON
    if bare in _SCALARS:
        return _SCALARS[bare]
    return ValueType.JSON if bare in input_objects or bare.endswith("Input") else ValueType.TEXT


def _root(schema: GraphQLSchema, kind: str) -> GraphQLObjectType | None:
    return schema.mutation_type if kind == "mutation" else schema.query_type


def root_fields(sdl: str) -> list[str]:
    """Every field a call can be made from, as ``query.products`` or ``mutation.createOrder``."""
    schema = schema_of(sdl)
    out = []
    for kind in ("query", "mutation"):
        root = _root(schema, kind)
        if root is not None:
            out += [f"{kind}.{name}" for name in root.fields]
    return out


def _selection(field: GraphQLField, depth: int, indent: str) -> str:
    named = get_named_type(field.type)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLUnionType):
        return " { __typename }"
    assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
    lines = []
    for name, child in named.fields.items():
        if any(is_required_argument(a) for a in child.args.values()):
            continue  # it needs values the user has not chosen
        if is_leaf_type(get_named_type(child.type)):
            lines.append(f"{indent}  {name}")
        elif depth < MAX_DEPTH:
            lines.append(f"{indent}  {name}{_selection(child, depth + 1, indent + '  ')}")
    if not lines:
        lines = [f"{indent}  __typename"]
    return " {\n" + "\n".join(lines) + f"\n{indent}}}"


def call_from_field(sdl: str, chosen: str, path: str = "", name: str = "") -> Call:
    """A GraphQL call running ``chosen`` (``query.products``), its arguments as variables."""
    schema = schema_of(sdl)
    kind, _, field_name = chosen.strip().partition(".")
    kind = kind.lower()
    root = _root(schema, kind) if kind in ("query", "mutation") else None
    if root is None or field_name not in root.fields:
        known = ", ".join(root_fields(sdl)[:12]) or "none"
        raise InputError(
            f"The schema has no field '{chosen}': name one as query.FIELD or mutation.FIELD "
            f"(for example: {known})"
        )
    field = root.fields[field_name]
    inputs = frozenset(
        n for n, t in schema.type_map.items() if isinstance(t, GraphQLInputObjectType)
    )
    parameters = []
    definitions = []
    for arg_name, arg in field.args.items():
        type_text = str(arg.type)
        definitions.append(f"${arg_name}: {type_text}")
        parameters.append(
            Parameter(
                name=arg_name,
                placement=Placement.BODY,
                type=graphql_value_type(type_text, inputs),
                graphql_type=type_text,
                optional=not is_non_null_type(arg.type),
                description=(arg.description or "").strip(),
            )
        )
    operation = field_name[:1].upper() + field_name[1:]
    header = f"{kind} {operation}" + (f"({', '.join(definitions)})" if definitions else "")
    arguments = ", ".join(f"{a}: ${a}" for a in field.args)
    call_line = f"  {field_name}" + (f"({arguments})" if arguments else "")
    query = f"{header} {{\n{call_line}{_selection(field, 1, '  ')}\n}}\n"
    return Call(
        name=name or field_name,
        description=(field.description or "").strip(),
        use_as=UseAs.ACTION if kind == "mutation" else UseAs.DATA,
        method=Method.POST,
        path=path,
        parameters=parameters,
        graphql=GraphQLQuery(query=query, operation_name=operation),
    )
