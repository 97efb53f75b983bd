"""Fixtures of the interop tests: the documents in tests/data/interop and small workspaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.core.inference import infer_value
from designer.core.models import (
    Api,
    ApiKeyHeaderAuth,
    BasicAuth,
    BearerAuth,
    BodyType,
    Call,
    GraphQLQuery,
    Method,
    Parameter,
    Placement,
    Workspace,
)
from designer.core.structure import ValueType

DATA = Path(__file__).parents[2] / "data" / "interop"


def graphql_search_call(*, first_optional: bool = False) -> Call:
    """A GraphQL call with a required text variable and an integer one, as exports meet them."""
    return Call(
        name="Search",
        method=Method.POST,
        path="/graphql",
        graphql=GraphQLQuery(
            query="query Search($term: String!, $first: Int) { products { id } }",
            operation_name="Search",
        ),
        parameters=[
            Parameter(name="term", value="lamp", placement=Placement.BODY, graphql_type="String!"),
            Parameter(
                name="first",
                value="5",
                placement=Placement.BODY,
                type=ValueType.INTEGER,
                graphql_type="Int",
                optional=first_optional,
            ),
        ],
    )


def rich_workspace() -> Workspace:
    """Three APIs covering every placement, body type and auth, with structures."""
    orders = infer_value(
        {
            "data": [
                {
                    "id": 1,
                    "email": "ana@example.com",
                    "total": 12.5,
                    "note": None,
                    "created": "2026-01-10T09:00:00Z",
                    "items": [{"sku": "A-1", "qty": 2}],
                },
                {
                    "id": 2,
                    "email": "bo@example.com",
                    "total": 3,
                    "note": "gift",
                    "created": "2026-01-11T10:00:00Z",
                    "items": [],
                    "coupon": "WINTER",
                },
            ],
            "has_more": False,
            # Keys that are data (currency codes): a map, which every format must carry.
            "totals_by_currency": {"EUR": 15.5, "USD": 16.8, "GBP": 13.1, "JPY": 2500},
        }
    )
    shop = Api(
        name="Shop",
        description="The shop's public API",
        base_url="https://shop.example.com/v1",
        auth=BearerAuth(),
        headers=[
            Parameter(name="Accept", value="application/json", placement=Placement.HEADER),
            Parameter(name="X-Tenant", value="acme", placement=Placement.HEADER, dynamic=False),
        ],
        calls=[
            Call(
                name="List orders",
                path="/orders",
                parameters=[
                    Parameter(name="page", value="1"),
                    Parameter(name="status", optional=True, description="filter"),
                ],
                structure=orders,
            ),
            Call(
                name="Get order",
                path="/orders/{id}",
                parameters=[Parameter(name="id", value="42", placement=Placement.PATH)],
                structure=infer_value({"id": 42, "paid": True, "tags": ["a", "b"]}),
            ),
            Call(
                name="Create order",
                method=Method.POST,
                path="/orders",
                body_type=BodyType.JSON,
                parameters=[
                    Parameter(
                        name="customer.email", value="ana@example.com", placement=Placement.BODY
                    ),
                    Parameter(name="note", optional=True, placement=Placement.BODY),
                    Parameter(name="X-Signature", private=True, placement=Placement.HEADER),
                ],
            ),
        ],
    )
    crm = Api(
        name="CRM",
        base_url="https://crm.example.org",
        auth=ApiKeyHeaderAuth(header="X-Api-Key", prefix="Key "),
        calls=[
            Call(
                name="Search",
                path="/contacts",
                parameters=[Parameter(name="q", value="ana")],
                structure=infer_value([{"name": "Ana", "phone": None}]),
            ),
            Call(
                name="Add note",
                method=Method.PUT,
                path="/contacts/{id}/note",
                body_type=BodyType.FORM,
                parameters=[
                    Parameter(name="id", value="7", placement=Placement.PATH),
                    Parameter(name="text", value="hello", placement=Placement.BODY),
                ],
            ),
        ],
    )
    legacy = Api(
        name="Legacy",
        base_url="https://legacy.example.net/api",
        auth=BasicAuth(username="robot"),
        calls=[
            Call(
                name="Echo",
                method=Method.POST,
                path="/echo",
                body_type=BodyType.RAW,
                content_type="text/plain",
                body_template="hello <who>",
                parameters=[Parameter(name="who", value="world", placement=Placement.BODY)],
            )
        ],
    )
    return Workspace(name="Rich", apis=[shop, crm, legacy])


@pytest.fixture
def rich() -> Workspace:
    return rich_workspace()
