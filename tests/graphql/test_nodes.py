"""Global object IDs through the API: `node`, `nodes` and the typed root lookups."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.support import factories
from tests.support.databases import sqlite_only
from tests.support.graphql_client import GraphQLClient

NODE = """
query($id: ID!) { node(id: $id) { __typename id } }
"""

NODE_DETAILS = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Customer { name }
    ... on Company { name }
    ... on Tag { name }
    ... on Product { sku }
    ... on Order { number }
    ... on OrderItem { quantity }
    ... on Payment { amount { amount } }
    ... on Interaction { subject }
    ... on ContactMethod { value }
    ... on Address { city }
  }
}
"""

NODES = """
query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }
"""

TYPED = """
query($id: ID!) {
  customer(id: $id) { id }
  company(id: $id) { id }
  tag(id: $id) { id }
  product(id: $id) { id }
  order(id: $id) { id }
  interaction(id: $id) { id }
}
"""

CUSTOMER_PARTS = """
query($id: ID!) {
  customer(id: $id) {
    contactMethods { nodes { id } }
    addresses { nodes { id } }
  }
}
"""

ORDER_PARTS = """
query($id: ID!) { order(id: $id) { items { id } payments { id } } }
"""

ADD_PAYMENT = """
mutation($input: AddPaymentInput!) { addPayment(input: $input) { errors { field message code } } }
"""

LOG_INTERACTION = """
mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) { interaction { id } errors { field message code } }
}
"""

DELETE = {
    type_name: f"""
mutation($input: DeleteInput!) {{
  delete{type_name}(input: $input) {{ errors {{ field message code }} }}
}}
"""
    for type_name in ("Customer", "Company", "Tag", "Product", "Order", "Interaction")
}

RESTORE_CUSTOMER = """
mutation($input: RestoreInput!) { restoreCustomer(input: $input) { errors { code } } }
"""


def _global_id(type_name: str, pk: Any) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


async def _one_of_everything(gql: GraphQLClient) -> dict[str, str]:
    """A record of every node type, made through the API: type name -> global ID."""
    company = await factories.company(gql)
    tag = await factories.tag(gql)
    customer = await factories.customer(
        gql,
        companyId=company["id"],
        tagIds=[tag["id"]],
        contactMethods=[{"kind": "EMAIL", "value": "node.test@example.com"}],
        addresses=[{"kind": "HOME", "line1": "1 Node Road", "city": "Graph", "country": "GB"}],
    )
    parts = (await gql.query(CUSTOMER_PARTS, {"id": customer["id"]}))["customer"]
    product = await factories.product(gql, price="12.50")
    order = await factories.order(
        gql, customer["id"], [{"productId": product["id"], "quantity": 2}], status="PLACED"
    )
    await gql.mutate(
        ADD_PAYMENT,
        {
            "input": {
                "orderId": order["id"],
                "amount": {"amount": "5.00", "currency": "EUR"},
                "method": "CASH",
            }
        },
    )
    order_parts = (await gql.query(ORDER_PARTS, {"id": order["id"]}))["order"]
    interaction = await gql.mutate(
        LOG_INTERACTION,
        {"input": {"customerId": customer["id"], "kind": "NOTE", "subject": "Node test"}},
    )
    return {
        "Customer": customer["id"],
        "Company": company["id"],
        "Tag": tag["id"],
        "Product": product["id"],
        "Order": order["id"],
        "OrderItem": order_parts["items"][0]["id"],
        "Payment": order_parts["payments"][0]["id"],
        "Interaction": interaction["interaction"]["id"],
        "ContactMethod": parts["contactMethods"]["nodes"][0]["id"],
        "Address": parts["addresses"]["nodes"][0]["id"],
    }


async def _node(gql: GraphQLClient, global_id: str) -> dict[str, Any] | None:
    node: dict[str, Any] | None = (await gql.query(NODE, {"id": global_id}))["node"]
    return node


async def test_node_fetches_every_type(gql: GraphQLClient) -> None:
    ids = await _one_of_everything(gql)
    found = {name: (await gql.query(NODE_DETAILS, {"id": i}))["node"] for name, i in ids.items()}
    assert {name: node["__typename"] for name, node in found.items()} == {n: n for n in ids}
    assert {name: node["id"] for name, node in found.items()} == ids
    assert found["OrderItem"]["quantity"] == 2
    assert found["Payment"]["amount"] == {"amount": "5.00"}
    assert found["Interaction"]["subject"] == "Node test"
    assert found["ContactMethod"]["value"] == "node.test@example.com"
    assert found["Address"]["city"] == "Graph"


@pytest.mark.parametrize(
    "global_id",
    [
        pytest.param("", id="empty"),
        pytest.param("garbage", id="garbage"),
        pytest.param("!!!***", id="not-base64"),
        pytest.param("é", id="non-ascii"),
        pytest.param("A" * 201, id="too-long"),
        pytest.param(_global_id("Customer", ""), id="no-key"),
        pytest.param(base64.urlsafe_b64encode(b"Customer").decode(), id="no-colon"),
        pytest.param(_global_id("", 1), id="no-type"),
        pytest.param(_global_id("Customer", "abc"), id="key-not-a-number"),
        pytest.param(_global_id("Customer", "-1"), id="negative-key"),
        pytest.param(_global_id("Customer", "1.0"), id="fractional-key"),
        pytest.param(_global_id("Customer", "1" * 19), id="key-of-19-digits"),
        pytest.param(_global_id("Customer", "²"), id="superscript-digit"),
        pytest.param(base64.urlsafe_b64encode(b"Customer:\xff").decode(), id="not-utf8"),
    ],
)
@sqlite_only
async def test_node_of_a_garbage_id_is_null(gql: GraphQLClient, global_id: str) -> None:
    body = (await gql.raw(NODE, {"id": global_id})).json()
    assert "errors" not in body, body["errors"]
    assert body["data"] == {"node": None}


@pytest.mark.parametrize("type_name", ["Widget", "Invoice", "customer", "Node", "PageInfo"])
async def test_node_of_an_unknown_type_is_null(gql: GraphQLClient, type_name: str) -> None:
    await factories.customer(gql)  # so that key 1 exists for real types
    assert await _node(gql, _global_id(type_name, 1)) is None


@pytest.mark.parametrize("pk", [0, 2_000_000_000, 99_999_999_999, 999_999_999_999_999_999])
async def test_node_of_a_missing_row_is_null(gql: GraphQLClient, pk: int) -> None:
    for type_name in ("Customer", "OrderItem", "Address"):
        body = (await gql.raw(NODE, {"id": _global_id(type_name, pk)})).json()
        assert "errors" not in body, body["errors"]
        assert body["data"] == {"node": None}


async def test_nodes_keep_order_and_null_where_missing(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    company = await factories.company(gql)
    tag = await factories.tag(gql)
    ids = [
        tag["id"],
        _global_id("Customer", 0),
        customer["id"],
        "garbage",
        company["id"],
        _global_id("Widget", 1),
        customer["id"],
    ]
    data = await gql.query(NODES, {"ids": ids})
    assert data["nodes"] == [
        {"__typename": "Tag", "id": tag["id"]},
        None,
        {"__typename": "Customer", "id": customer["id"]},
        None,
        {"__typename": "Company", "id": company["id"]},
        None,
        {"__typename": "Customer", "id": customer["id"]},
    ]
    assert (await gql.query(NODES, {"ids": []}))["nodes"] == []


async def test_nodes_take_at_most_100_ids(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    hundred = [customer["id"]] * 99 + [_global_id("Customer", 0)]
    data = await gql.query(NODES, {"ids": hundred})
    assert len(data["nodes"]) == 100
    assert data["nodes"][0] == {"__typename": "Customer", "id": customer["id"]}
    assert data["nodes"][-1] is None
    errors = await gql.errors(NODES, {"ids": [*hundred, customer["id"]]})
    assert [(e["message"], e["extensions"]["code"]) for e in errors] == [
        ("`nodes` takes at most 100 IDs.", "BAD_USER_INPUT")
    ]


async def test_typed_lookups_of_another_type_are_null(gql: GraphQLClient) -> None:
    ids = await _one_of_everything(gql)
    roots = {
        "Customer": "customer",
        "Company": "company",
        "Tag": "tag",
        "Product": "product",
        "Order": "order",
        "Interaction": "interaction",
    }
    for type_name, global_id in ids.items():
        # every typed root is asked for this ID
        data = await gql.query(TYPED, {"id": global_id})
        # only the root of its own type finds it
        expected = {root: None for root in roots.values()}
        if type_name in roots:
            expected[roots[type_name]] = {"id": global_id}
        assert data == expected, type_name


@sqlite_only
async def test_typed_lookups_of_garbage_are_null(gql: GraphQLClient) -> None:
    for global_id in ("garbage", _global_id("Customer", 0), _global_id("Widget", 1)):
        data = await gql.query(TYPED, {"id": global_id})
        assert set(data.values()) == {None}


async def test_deleted_records_are_null(gql: GraphQLClient) -> None:
    ids = await _one_of_everything(gql)
    deletable = ["Interaction", "Order", "Product", "Tag", "Customer", "Company"]
    for type_name in deletable:
        await gql.mutate(DELETE[type_name], {"input": {"id": ids[type_name]}})
    for type_name in deletable:
        assert await _node(gql, ids[type_name]) is None, type_name
        typed = await gql.query(TYPED, {"id": ids[type_name]})
        assert set(typed.values()) == {None}, type_name
    data = await gql.query(NODES, {"ids": [ids[t] for t in deletable]})
    assert data["nodes"] == [None] * len(deletable)
    # a restored record is found again
    await gql.mutate(RESTORE_CUSTOMER, {"input": {"id": ids["Customer"]}})
    assert await _node(gql, ids["Customer"]) == {"__typename": "Customer", "id": ids["Customer"]}
