"""Orders through the API: updates with versions, soft delete and restore, lists and filters."""

from __future__ import annotations

from typing import Any

from tests.orders.operations import (
    ADD_PAYMENT,
    CHANGE_STATUS,
    CUSTOMER_ORDERS,
    CUSTOMERS,
    DELETE,
    DELETE_PRODUCT,
    ORDER,
    ORDERS,
    RESTORE,
    UPDATE,
    error_fields,
    order_in,
    read_order,
)
from tests.support import factories
from tests.support.databases import sqlite_only
from tests.support.graphql_client import GraphQLClient

# --- updateOrder --------------------------------------------------------------------------------


async def test_replacing_the_items_of_a_draft_recomputes_the_total(gql: GraphQLClient) -> None:
    order = await order_in(gql, "DRAFT")
    old_product = order["items"][0]["product"]["id"]
    mug = await factories.product(gql, price="8.40")
    cap = await factories.product(gql, price="12.00")
    updated = await gql.mutate(
        UPDATE,
        {
            "input": {
                "id": order["id"],
                "expectedVersion": 1,
                "items": [
                    {"productId": mug["id"], "quantity": 5},
                    {"productId": cap["id"], "quantity": 1, "unitPrice": "9.99"},
                ],
            }
        },
    )
    assert updated["order"]["version"] == 2
    assert updated["order"]["total"] == {"amount": "51.99"}
    stored = await read_order(gql, order["id"])
    assert [
        (i["product"]["id"], i["quantity"], i["lineTotal"]["amount"]) for i in stored["items"]
    ] == [
        (mug["id"], 5, "42.00"),
        (cap["id"], 1, "9.99"),
    ]
    assert old_product not in {i["product"]["id"] for i in stored["items"]}
    assert (stored["total"]["amount"], stored["balanceDue"]["amount"]) == ("51.99", "51.99")
    # an empty list empties the draft
    emptied = await gql.mutate(
        UPDATE, {"input": {"id": order["id"], "expectedVersion": 2, "items": []}}
    )
    assert (emptied["order"]["items"], emptied["order"]["total"]) == ([], {"amount": "0.00"})
    assert emptied["order"]["version"] == 3


async def test_invalid_replacement_items_leave_the_draft_as_it_was(gql: GraphQLClient) -> None:
    order = await order_in(gql, "DRAFT")
    usd = await factories.product(gql, price="3.00", currency="USD")
    errors = await gql.user_errors(
        UPDATE,
        {
            "input": {
                "id": order["id"],
                "expectedVersion": 1,
                "notes": "changed",
                "items": [
                    {"productId": usd["id"], "quantity": 1},
                    {"productId": usd["id"], "quantity": 0, "unitPrice": "3.00"},
                ],
            }
        },
    )
    assert error_fields(errors) == {
        ("input", "items", "0", "unitPrice"): "VALIDATION",
        ("input", "items", "1", "quantity"): "VALIDATION",
    }
    stored = await read_order(gql, order["id"])
    assert [i["quantity"] for i in stored["items"]] == [4]
    assert (stored["total"]["amount"], stored["version"], stored["notes"]) == ("100.00", 1, None)


async def test_items_of_a_placed_order_cannot_change(gql: GraphQLClient) -> None:
    order = await order_in(gql, "PLACED")
    product = await factories.product(gql, price="1.00")
    errors = await gql.user_errors(
        UPDATE,
        {
            "input": {
                "id": order["id"],
                "expectedVersion": 1,
                "items": [{"productId": product["id"], "quantity": 1}],
            }
        },
    )
    assert error_fields(errors) == {("input", "items"): "INVALID_TRANSITION"}
    stored = await read_order(gql, order["id"])
    assert [i["quantity"] for i in stored["items"]] == [4]
    assert (stored["total"]["amount"], stored["version"]) == ("100.00", 1)


async def test_notes_change_on_any_live_order(gql: GraphQLClient) -> None:
    order = await order_in(gql, "PLACED")
    updated = await gql.mutate(
        UPDATE, {"input": {"id": order["id"], "expectedVersion": 1, "notes": "  gift wrap  "}}
    )
    assert (updated["order"]["notes"], updated["order"]["version"]) == ("gift wrap", 2)
    assert updated["order"]["total"] == {"amount": "100.00"}
    # stale version
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": order["id"], "expectedVersion": 1, "notes": "stale"}}
    )
    assert error_fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    assert (await read_order(gql, order["id"]))["notes"] == "gift wrap"
    # null clears
    cleared = await gql.mutate(
        UPDATE, {"input": {"id": order["id"], "expectedVersion": 2, "notes": None}}
    )
    assert (cleared["order"]["notes"], cleared["order"]["version"]) == (None, 3)
    # too long
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": order["id"], "expectedVersion": 3, "notes": "x" * 10_001}}
    )
    assert error_fields(errors) == {("input", "notes"): "VALIDATION"}
    assert (await read_order(gql, order["id"]))["version"] == 3


async def test_items_keep_their_product_after_it_is_deleted(gql: GraphQLClient) -> None:
    order = await order_in(gql, "PLACED")
    product_id = order["items"][0]["product"]["id"]
    await gql.mutate(DELETE_PRODUCT, {"input": {"id": product_id}})
    stored = await read_order(gql, order["id"])
    assert stored["items"][0]["product"] == {"id": product_id}
    assert stored["total"]["amount"] == "100.00"


# --- delete and restore -------------------------------------------------------------------------


async def test_soft_delete_and_restore(gql: GraphQLClient) -> None:
    order = await order_in(gql, "PLACED")
    customer_id = (await read_order(gql, order["id"]))["customer"]["id"]
    by_customer = {"filter": {"customerId": {"eq": customer_id}}}
    # a stale version is a conflict
    errors = await gql.user_errors(DELETE, {"input": {"id": order["id"], "expectedVersion": 7}})
    assert error_fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    assert (await read_order(gql, order["id"]))["deletedAt"] is None
    # delete
    deleted = await gql.mutate(DELETE, {"input": {"id": order["id"], "expectedVersion": 1}})
    assert deleted["order"]["deletedAt"] is not None
    assert (await gql.query(ORDER, {"id": order["id"]}))["order"] is None
    assert (await gql.query(ORDERS, by_customer))["orders"]["totalCount"] == 0
    listed = await gql.query(ORDERS, {**by_customer, "includeDeleted": True})
    assert [n["id"] for n in listed["orders"]["nodes"]] == [order["id"]]
    customer = await gql.query(CUSTOMER_ORDERS, {"id": customer_id})
    assert customer["customer"]["orders"] == {"totalCount": 0, "nodes": []}
    # a deleted order takes no changes
    errors = await gql.user_errors(DELETE, {"input": {"id": order["id"]}})
    assert error_fields(errors) == {("input", "id"): "NOT_FOUND"}
    errors = await gql.user_errors(
        CHANGE_STATUS,
        {"input": {"id": order["id"], "expectedVersion": 2, "status": "CANCELLED"}},
    )
    assert error_fields(errors) == {("input", "id"): "NOT_FOUND"}
    errors = await gql.user_errors(
        ADD_PAYMENT,
        {
            "input": {
                "orderId": order["id"],
                "amount": {"amount": "1.00", "currency": "EUR"},
                "method": "CASH",
            }
        },
    )
    assert error_fields(errors) == {("input", "orderId"): "NOT_FOUND"}
    # restore
    restored = await gql.mutate(RESTORE, {"input": {"id": order["id"]}})
    assert restored["order"]["deletedAt"] is None
    stored = await read_order(gql, order["id"])
    assert (stored["status"], stored["payments"], stored["deletedAt"]) == ("PLACED", [], None)
    assert (await gql.query(ORDERS, by_customer))["orders"]["totalCount"] == 1
    errors = await gql.user_errors(RESTORE, {"input": {"id": order["id"]}})
    assert error_fields(errors) == {("input", "id"): "VALIDATION"}


# --- lists and filters --------------------------------------------------------------------------


async def _orders_of_one_customer(gql: GraphQLClient) -> tuple[dict[str, Any], dict[str, str]]:
    """A customer with orders of 50.00 (DRAFT), 150.00 (PLACED), 300.00 (DRAFT) EUR and one of
    500.00 USD; returns the customer and the order IDs by label."""
    customer = await factories.customer(gql)
    product = await factories.product(gql, price="50.00")
    ids = {}
    for label, quantity, status in (("50", 1, "DRAFT"), ("150", 3, "PLACED"), ("300", 6, "DRAFT")):
        created = await factories.order(
            gql, customer["id"], [{"productId": product["id"], "quantity": quantity}], status=status
        )
        ids[label] = created["id"]
    usd = await factories.order(
        gql,
        customer["id"],
        [{"productId": product["id"], "quantity": 1, "unitPrice": "500.00"}],
        currency="USD",
    )
    ids["usd"] = usd["id"]
    return customer, ids


async def test_customer_orders_sorted_by_total(gql: GraphQLClient) -> None:
    customer, ids = await _orders_of_one_customer(gql)
    data = await gql.query(
        CUSTOMER_ORDERS,
        {"id": customer["id"], "orderBy": [{"field": "TOTAL", "direction": "DESC"}]},
    )
    orders = data["customer"]["orders"]
    assert orders["totalCount"] == 4
    assert [n["id"] for n in orders["nodes"]] == [ids["usd"], ids["300"], ids["150"], ids["50"]]
    data = await gql.query(CUSTOMER_ORDERS, {"id": customer["id"]})
    assert [n["id"] for n in data["customer"]["orders"]["nodes"]] == [
        ids["50"],
        ids["150"],
        ids["300"],
        ids["usd"],
    ]


async def test_root_orders_filters(gql: GraphQLClient) -> None:
    customer, ids = await _orders_of_one_customer(gql)
    mine = {"customer": {"name": {"eq": customer["name"]}}}
    by_total = [{"field": "TOTAL", "direction": "DESC"}]

    async def listed(**conditions: Any) -> list[str]:
        data = await gql.query(ORDERS, {"filter": {**mine, **conditions}, "orderBy": by_total})
        assert data["orders"]["totalCount"] == len(data["orders"]["nodes"])
        return [n["id"] for n in data["orders"]["nodes"]]

    assert await listed() == [ids["usd"], ids["300"], ids["150"], ids["50"]]
    assert await listed(status={"eq": "PLACED"}) == [ids["150"]]
    assert await listed(status={"in": ["DRAFT"]}) == [ids["usd"], ids["300"], ids["50"]]
    assert await listed(total={"currency": "EUR", "gt": "100"}) == [ids["300"], ids["150"]]
    assert await listed(total={"currency": "EUR", "gte": "50", "lt": "150.00"}) == [ids["50"]]
    assert await listed(total={"currency": "usd", "gt": "100"}) == [ids["usd"]]
    assert await listed(total={"currency": "EUR", "eq": "150"}, status={"eq": "DRAFT"}) == []
    data = await gql.query(ORDERS, {"filter": {**mine, "total": {"currency": "EUR", "gt": "100"}}})
    assert data["orders"]["nodes"][0]["total"] == {"amount": "150.00", "currency": "EUR"}


@sqlite_only
async def test_money_filter_with_a_bad_currency_is_a_query_error(gql: GraphQLClient) -> None:
    errors = await gql.errors(ORDERS, {"filter": {"total": {"currency": "EURO", "gt": "1"}}})
    assert "currency" in errors[0]["message"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    errors = await gql.errors(ORDERS, {"filter": {"total": {"currency": "EUR", "gt": "1.001"}}})
    assert "decimal places" in errors[0]["message"]


async def test_customers_with_some_order_over_an_amount(gql: GraphQLClient) -> None:
    prefix = factories.unique("Big spender")
    product = await factories.product(gql, price="50.00")

    async def customer_with(name: str, *orders: tuple[int, str]) -> list[dict[str, Any]]:
        customer = await factories.customer(gql, name=f"{prefix} {name}")
        return [
            await factories.order(
                gql,
                customer["id"],
                [{"productId": product["id"], "quantity": quantity, "unitPrice": "50.00"}],
                currency=currency,
            )
            for quantity, currency in orders
        ]

    await customer_with("A", (1, "EUR"), (3, "EUR"))  # 50 and 150 EUR
    await customer_with("B", (2, "EUR"))  # exactly 100 EUR
    await customer_with("C", (10, "USD"))  # 500 USD
    await customer_with("D")  # no orders
    (big,) = await customer_with("E", (4, "EUR"))  # 200 EUR, deleted below
    await gql.mutate(DELETE, {"input": {"id": big["id"]}})
    over_100 = {"total": {"currency": "EUR", "gt": "100"}}
    mine = {"name": {"startsWith": prefix}}
    some = await gql.query(CUSTOMERS, {"filter": {**mine, "orders": {"some": over_100}}})
    none = await gql.query(CUSTOMERS, {"filter": {**mine, "orders": {"none": over_100}}})
    assert some["customers"]["nodes"] == [{"name": f"{prefix} A"}]
    assert [n["name"] for n in none["customers"]["nodes"]] == [
        f"{prefix} B",
        f"{prefix} C",
        f"{prefix} D",
        f"{prefix} E",
    ]


PAGE = """
query($filter: OrderFilter, $orderBy: [OrderOrder!], $first: Int, $after: String) {
  orders(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount nodes { id } pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_paging_through_orders_by_total_with_ties(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    product = await factories.product(gql, price="10.00")
    ids = [
        (
            await factories.order(
                gql, customer["id"], [{"productId": product["id"], "quantity": quantity}]
            )
        )["id"]
        for quantity in (2, 5, 2, 9, 5)
    ]
    variables: dict[str, Any] = {
        "filter": {"customerId": {"eq": customer["id"]}},
        "orderBy": [{"field": "TOTAL", "direction": "DESC"}],
        "first": 2,
    }
    seen: list[str] = []
    for _ in range(5):
        page = (await gql.query(PAGE, variables))["orders"]
        assert page["totalCount"] == 5
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        variables["after"] = page["pageInfo"]["endCursor"]
    # ties are broken by ID, ascending
    assert seen == [ids[3], ids[1], ids[4], ids[0], ids[2]]
