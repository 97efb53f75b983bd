"""Load an API's GraphQL schema by asking the server (the introspection query)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from designer.core.gql.schema import INTROSPECTION_QUERY, schema_from_introspection
from designer.core.models import Api, Call, GraphQLQuery, Method
from designer.core.secrets.store import SecretStore

if TYPE_CHECKING:
    from designer.core.http.execute import Executor

__all__ = ["graphql_path", "introspect"]


def graphql_path(api: Api) -> str:
    """Where the API's GraphQL endpoint is: the path of its first GraphQL call, else the base."""
    return next((c.path for c in api.calls if c.graphql is not None), "")


async def introspect(
    executor: Executor,
    api: Api,
    secrets: SecretStore,
    path: str | None = None,
    environment: str | None = None,
) -> str:
    """The SDL of the schema the API's GraphQL endpoint describes, with the API's auth."""
    from designer.core.calls.service import CallService
    from designer.core.errors import InputError

    call = Call(
        name="introspection",
        method=Method.POST,
        path=graphql_path(api) if path is None else path,
        graphql=GraphQLQuery(query=INTROSPECTION_QUERY, operation_name="IntrospectionQuery"),
    )
    # The stored schema may be stale: introspection is valid against any schema anyway.
    unchecked = api.model_copy(update={"graphql_schema": ""})
    built, response = await CallService(executor, secrets).send(unchecked, call, None, environment)
    try:
        answer = orjson.loads(response.body)
    except orjson.JSONDecodeError:
        answer = None
    if response.status >= 400 and not (isinstance(answer, dict) and "data" in answer):
        raise InputError(
            f"{built.url} answered {response.status} {response.reason} to the introspection "
            "query: check the API's base URL and the GraphQL path"
        )
    return schema_from_introspection(answer, built.url.split("?")[0])
