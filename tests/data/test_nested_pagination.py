"""Pages of nested connections (a customer's orders): per parent, in one request, in any order."""

from __future__ import annotations

from tests.data.pagination_operations import (
    ORDERS_BY_NULL_PLACEMENT,
    ORDERS_PAGE,
    TAGGED_WITH_ORDERS,
    check_cursors,
    error_codes,
)
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

# --- nested connections ------------------------------------------------------------------------


async def _customer_with_orders(gql: GraphQLClient, prices: list[str]) -> tuple[str, list[str]]:
    customer = await factories.customer(gql)
    product = await factories.product(gql, price="1.00")
    ids = []
    for price in prices:
        order = await factories.order(
            gql, customer["id"], [{"productId": product["id"], "quantity": 1, "unitPrice": price}]
        )
        ids.append(order["id"])
    return customer["id"], ids


async def test_nested_orders_page_forward(gql: GraphQLClient) -> None:
    customer, ids = await _customer_with_orders(gql, ["10.00", "20.00", "30.00", "40.00", "50.00"])
    seen: list[str] = []
    infos = []
    after = None
    for _ in range(3):
        data = await gql.query(ORDERS_PAGE, {"id": customer, "first": 2, "after": after})
        orders = data["customer"]["orders"]
        assert orders["totalCount"] == 5
        check_cursors(orders)
        seen += [edge["node"]["id"] for edge in orders["edges"]]
        infos.append((orders["pageInfo"]["hasPreviousPage"], orders["pageInfo"]["hasNextPage"]))
        after = orders["pageInfo"]["endCursor"]
    assert seen == ids
    assert infos == [(False, True), (True, True), (True, False)]


async def test_nested_orders_last_one(gql: GraphQLClient) -> None:
    customer, ids = await _customer_with_orders(gql, ["30.00", "10.00", "20.00"])
    data = await gql.query(ORDERS_PAGE, {"id": customer, "last": 1})
    orders = data["customer"]["orders"]
    assert [edge["node"]["id"] for edge in orders["edges"]] == [ids[-1]]
    assert orders["pageInfo"]["hasPreviousPage"] is True
    assert orders["pageInfo"]["hasNextPage"] is False
    assert orders["totalCount"] == 3
    # the last by total descending is the smallest order
    data = await gql.query(
        ORDERS_PAGE,
        {"id": customer, "last": 1, "orderBy": [{"field": "TOTAL", "direction": "DESC"}]},
    )
    nodes = [edge["node"] for edge in data["customer"]["orders"]["edges"]]
    assert nodes == [{"id": ids[1], "total": {"amount": "10.00"}}]


async def test_nested_orders_page_by_total(gql: GraphQLClient) -> None:
    customer, ids = await _customer_with_orders(gql, ["30.00", "10.00", "50.00", "20.00"])
    order_by = [{"field": "TOTAL", "direction": "DESC"}]
    first = await gql.query(ORDERS_PAGE, {"id": customer, "orderBy": order_by, "first": 2})
    edges = first["customer"]["orders"]["edges"]
    assert [edge["node"]["id"] for edge in edges] == [ids[2], ids[0]]
    cursor = first["customer"]["orders"]["pageInfo"]["endCursor"]
    second = await gql.query(
        ORDERS_PAGE, {"id": customer, "orderBy": order_by, "first": 2, "after": cursor}
    )
    assert [edge["node"]["id"] for edge in second["customer"]["orders"]["edges"]] == [
        ids[3],
        ids[1],
    ]
    # the cursor is tied to its ordering in nested connections too
    codes = await error_codes(gql, ORDERS_PAGE, {"id": customer, "first": 2, "after": cursor})
    assert codes == ["BAD_USER_INPUT"]


async def test_nested_pages_are_per_parent(gql: GraphQLClient) -> None:
    # two tagged customers with three and one orders
    tag = await factories.tag(gql)
    prefix = factories.unique("Nested")
    product = await factories.product(gql)
    counts = {"a": 3, "b": 1}
    expected = {}
    for suffix, count in counts.items():
        customer = await factories.customer(gql, name=f"{prefix} {suffix}", tagIds=[tag["id"]])
        ids = []
        for _ in range(count):
            order = await factories.order(
                gql, customer["id"], [{"productId": product["id"], "quantity": 1}]
            )
            ids.append(order["id"])
        expected[f"{prefix} {suffix}"] = ids
    # every customer's first two orders in one request
    data = await gql.query(TAGGED_WITH_ORDERS, {"tag": tag["id"]})
    got = {node["name"]: node["orders"] for node in data["customers"]["nodes"]}
    assert {name: [o["id"] for o in orders["nodes"]] for name, orders in got.items()} == {
        f"{prefix} a": expected[f"{prefix} a"][:2],
        f"{prefix} b": expected[f"{prefix} b"],
    }
    assert {name: orders["totalCount"] for name, orders in got.items()} == {
        f"{prefix} a": 3,
        f"{prefix} b": 1,
    }
    assert {name: orders["pageInfo"]["hasNextPage"] for name, orders in got.items()} == {
        f"{prefix} a": True,
        f"{prefix} b": False,
    }


async def test_nested_connections_differing_only_in_null_placement(gql: GraphQLClient) -> None:
    # one placed order (placedAt set) and one draft (placedAt null)
    customer = await factories.customer(gql)
    product = await factories.product(gql)
    placed = await factories.order(
        gql, customer["id"], [{"productId": product["id"], "quantity": 1}], status="PLACED"
    )
    draft = await factories.order(
        gql, customer["id"], [{"productId": product["id"], "quantity": 1}]
    )
    # both placements in one request, under two aliases
    data = await gql.query(ORDERS_BY_NULL_PLACEMENT, {"id": customer["id"]})
    # each alias has its own order
    assert [o["id"] for o in data["customer"]["first"]["nodes"]] == [draft["id"], placed["id"]]
    assert [o["id"] for o in data["customer"]["last"]["nodes"]] == [placed["id"], draft["id"]]
