"""The demo API's GraphQL endpoint: products and orders, introspection included.

Served by :mod:`designer.core.demo.server` at ``/v1/graphql`` (POST with the
JSON envelope, or GET with the query string). Built on graphql-core's own
executor, so its answers, errors and introspection are those of a real server.
``order(id:)`` of an unknown order answers ``null`` with an error beside the
data: a partial result. Every answer is 200, errors included, as with most
GraphQL servers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
from graphql import GraphQLError, GraphQLSchema, build_schema, graphql_sync

from designer.core.demo import data as demo_data

__all__ = ["SDL", "answer"]

SDL = '''
"""A product of the demo catalogue."""
type Product {
  id: ID!
  sku: String!
  name: String!
  category: String!
  price: Price!
  inStock: Boolean!
  stock: Int!
  tags: [String!]!
  rating: Float
}

type Price {
  amount: Float!
  currency: String!
}

type OrderLine {
  productId: ID!
  quantity: Int!
  unitPrice: Float!
}

type Customer {
  name: String!
  email: String!
}

type Order {
  id: Int!
  status: String!
  placedAt: String!
  customer: Customer!
  lines: [OrderLine!]!
  total: Float!
}

input OrderInput {
  productId: ID!
  quantity: Int!
}

type Query {
  """A page of products."""
  products(page: Int = 1, perPage: Int = 20, category: String): [Product!]!
  """One product, by SKU (SKU-00001)."""
  product(sku: String!): Product
  """One order (1001 to 1040); any other id is null, with an error."""
  order(id: Int!): Order
}

type Mutation {
  """Creates nothing: answers the order it would create."""
  createOrder(input: OrderInput!): Order!
}
'''


def _product(i: int) -> dict[str, Any]:
    p = demo_data.product(i)
    return {
        "id": p["id"],
        "sku": p["sku"],
        "name": p["name"],
        "category": p["category"],
        "price": p["price"],
        "inStock": p["in_stock"],
        "stock": p["stock"],
        "tags": p["tags"],
        "rating": p.get("rating"),
    }


def _order(order_id: int) -> dict[str, Any]:
    o = demo_data.order(order_id)
    return {
        "id": o["id"],
        "status": o["status"],
        "placedAt": o["placed_at"],
        "customer": {"name": o["customer"]["name"], "email": o["customer"]["email"]},
        "lines": [
            {"productId": x["product_id"], "quantity": x["quantity"], "unitPrice": x["unit_price"]}
            for x in o["lines"]
        ],
        "total": o["total"],
    }


class _Root:
    """Resolvers, looked up by field name on the root value."""

    @staticmethod
    def products(_info: Any, page: int = 1, perPage: int = 20, category: str | None = None) -> Any:
        per_page = max(1, min(100, perPage))
        first = (max(1, page) - 1) * per_page + 1
        numbers = range(first, min(first + per_page, demo_data.PRODUCT_COUNT + 1))
        found = [_product(i) for i in numbers]
        return [p for p in found if category is None or p["category"] == category]

    @staticmethod
    def product(_info: Any, sku: str) -> Any:
        number = sku.removeprefix("SKU-").lstrip("0")
        if number.isdigit() and 1 <= int(number) <= demo_data.PRODUCT_COUNT:
            return _product(int(number))
        return None

    @staticmethod
    def order(_info: Any, id: int) -> Any:
        if id not in demo_data.ORDER_IDS:
            raise GraphQLError(f"No order with id {id}; orders 1001 to 1040 exist")
        return _order(id)

    @staticmethod
    def createOrder(_info: Any, input: dict[str, Any]) -> Any:
        created = _order(1001)
        created.update(id=1041, status="pending")
        created["lines"] = [{**created["lines"][0], "quantity": input["quantity"]}]
        return created


@lru_cache(maxsize=1)
def _schema() -> GraphQLSchema:
    return build_schema(SDL)


def answer(method: str, query: dict[str, list[str]], body: bytes) -> tuple[int, bytes]:
    """The status and JSON answer of a GraphQL request (GET query string or POST envelope)."""
    try:
        if method == "GET":
            request = {k: v[0] for k, v in query.items()}
            if "variables" in request:
                request["variables"] = orjson.loads(request["variables"])
        else:
            request = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        return 400, orjson.dumps({"errors": [{"message": "The request is not valid JSON"}]})
    if not isinstance(request, dict) or not isinstance(request.get("query"), str):
        return 400, orjson.dumps({"errors": [{"message": "Send a 'query' string"}]})
    variables = request.get("variables")
    result = graphql_sync(
        _schema(),
        request["query"],
        root_value=_Root(),
        variable_values=variables if isinstance(variables, dict) else None,
        operation_name=request.get("operationName") or None,
    )
    # As most servers do (GraphQL over HTTP with application/json), even a query that
    # fails validation is answered 200: only the errors say it failed.
    return 200, orjson.dumps(result.formatted)
