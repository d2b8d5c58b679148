"""An order's life through the API: status transitions and payments."""

from __future__ import annotations

import datetime

import pytest

from tests.orders.operations import (
    ADD_PAYMENT,
    CHANGE_STATUS,
    PAST,
    UPDATE,
    change,
    error_fields,
    order_in,
    pay,
    read_order,
)
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

# --- status transitions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("DRAFT", "PLACED"),
        ("DRAFT", "CANCELLED"),
        ("PLACED", "CANCELLED"),
        ("PAID", "SHIPPED"),
        ("PAID", "REFUNDED"),
        ("SHIPPED", "REFUNDED"),
    ],
)
async def test_allowed_status_transitions(gql: GraphQLClient, start: str, target: str) -> None:
    order = await order_in(gql, start)
    assert order["status"] == start
    changed = await change(gql, order, target)
    assert changed["status"] == target
    assert changed["version"] == order["version"] + 1
    stored = await read_order(gql, order["id"])
    assert (stored["status"], stored["version"]) == (target, order["version"] + 1)
    assert (stored["placedAt"] is None) == (start == "DRAFT" and target == "CANCELLED")


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("DRAFT", "DRAFT"),
        ("DRAFT", "PAID"),
        ("DRAFT", "SHIPPED"),
        ("DRAFT", "REFUNDED"),
        ("PLACED", "DRAFT"),
        ("PLACED", "PLACED"),
        ("PLACED", "SHIPPED"),
        ("PLACED", "REFUNDED"),
        ("PAID", "DRAFT"),
        ("PAID", "PLACED"),
        ("PAID", "CANCELLED"),
        ("SHIPPED", "PAID"),
        ("SHIPPED", "CANCELLED"),
        ("CANCELLED", "PLACED"),
        ("CANCELLED", "DRAFT"),
        ("REFUNDED", "PAID"),
        ("REFUNDED", "SHIPPED"),
    ],
)
async def test_forbidden_status_transitions_write_nothing(
    gql: GraphQLClient, start: str, target: str
) -> None:
    order = await order_in(gql, start)
    errors = await gql.user_errors(
        CHANGE_STATUS,
        {"input": {"id": order["id"], "expectedVersion": order["version"], "status": target}},
    )
    assert error_fields(errors) == {("input", "status"): "INVALID_TRANSITION"}
    assert f"is {start} cannot become {target}" in errors[0]["message"]
    stored = await read_order(gql, order["id"])
    assert (stored["status"], stored["version"]) == (start, order["version"])


async def test_paid_is_refused_while_a_balance_is_due(gql: GraphQLClient) -> None:
    order = await order_in(gql, "PLACED")
    errors = await gql.user_errors(
        CHANGE_STATUS, {"input": {"id": order["id"], "expectedVersion": 1, "status": "PAID"}}
    )
    assert error_fields(errors) == {("input", "status"): "INVALID_TRANSITION"}
    assert "100.00 EUR" in errors[0]["message"]
    # still refused after a partial payment
    partly = await pay(gql, order["id"], "99.99")
    errors = await gql.user_errors(
        CHANGE_STATUS,
        {"input": {"id": order["id"], "expectedVersion": partly["version"], "status": "PAID"}},
    )
    assert error_fields(errors) == {("input", "status"): "INVALID_TRANSITION"}
    assert "0.01 EUR" in errors[0]["message"]
    stored = await read_order(gql, order["id"])
    assert (stored["status"], stored["version"]) == ("PLACED", partly["version"])


async def test_a_draft_without_items_cannot_be_placed(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    draft = await factories.order(gql, customer["id"], [])
    errors = await gql.user_errors(
        CHANGE_STATUS, {"input": {"id": draft["id"], "expectedVersion": 1, "status": "PLACED"}}
    )
    assert error_fields(errors) == {("input", "status"): "VALIDATION"}
    stored = await read_order(gql, draft["id"])
    assert (stored["status"], stored["version"], stored["placedAt"]) == ("DRAFT", 1, None)


async def test_stale_version_is_a_conflict(gql: GraphQLClient) -> None:
    order = await order_in(gql, "DRAFT")
    await gql.mutate(UPDATE, {"input": {"id": order["id"], "expectedVersion": 1, "notes": "v2"}})
    errors = await gql.user_errors(
        CHANGE_STATUS, {"input": {"id": order["id"], "expectedVersion": 1, "status": "PLACED"}}
    )
    assert error_fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    stored = await read_order(gql, order["id"])
    assert (stored["status"], stored["version"]) == ("DRAFT", 2)


# --- payments -----------------------------------------------------------------------------------


async def test_partial_then_full_payment_makes_the_order_paid(gql: GraphQLClient) -> None:
    order = await order_in(gql, "PLACED")
    partly = await pay(gql, order["id"], "40", reference="  tx-1  ", expectedVersion=1)
    assert partly["status"] == "PLACED"
    assert partly["version"] == 2
    assert partly["paid"] == {"amount": "40.00", "currency": "EUR"}
    assert partly["balanceDue"] == {"amount": "60.00", "currency": "EUR"}
    fully = await gql.mutate(
        ADD_PAYMENT,
        {
            "input": {
                "orderId": order["id"],
                "amount": {"amount": "60.00", "currency": "eur"},
                "method": "BANK_TRANSFER",
                "paidAt": "2024-03-01T11:30:00+02:00",
                "expectedVersion": 2,
            }
        },
    )
    paid = fully["order"]
    assert paid["status"] == "PAID"
    assert paid["version"] == 3
    assert paid["paid"] == {"amount": "100.00", "currency": "EUR"}
    assert paid["balanceDue"] == {"amount": "0.00", "currency": "EUR"}
    stored = await read_order(gql, order["id"])
    payments = stored["payments"]
    assert [(p["amount"], p["method"], p["reference"]) for p in payments] == [
        ({"amount": "40.00", "currency": "EUR"}, "CARD", "tx-1"),
        ({"amount": "60.00", "currency": "EUR"}, "BANK_TRANSFER", None),
    ]
    assert datetime.datetime.fromisoformat(
        payments[1]["paidAt"]
    ) == datetime.datetime.fromisoformat(PAST)
    assert (stored["status"], stored["version"]) == ("PAID", 3)


async def test_payment_with_stale_version_is_a_conflict(gql: GraphQLClient) -> None:
    order = await order_in(gql, "PLACED")
    await pay(gql, order["id"], "10.00")
    errors = await gql.user_errors(
        ADD_PAYMENT,
        {
            "input": {
                "orderId": order["id"],
                "amount": {"amount": "10.00", "currency": "EUR"},
                "method": "CASH",
                "expectedVersion": 1,
            }
        },
    )
    assert error_fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    stored = await read_order(gql, order["id"])
    assert stored["paid"]["amount"] == "10.00"
    assert len(stored["payments"]) == 1


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ({"amount": "10.00", "currency": "USD"}, ("input", "amount", "currency")),
        ({"amount": "10.00", "currency": "EURO"}, ("input", "amount", "currency")),
        ({"amount": "100.01", "currency": "EUR"}, ("input", "amount", "amount")),
        ({"amount": "0", "currency": "EUR"}, ("input", "amount", "amount")),
        ({"amount": "-5.00", "currency": "EUR"}, ("input", "amount", "amount")),
        ({"amount": "1.001", "currency": "EUR"}, ("input", "amount", "amount")),
    ],
)
async def test_bad_payment_amounts_write_nothing(
    gql: GraphQLClient, amount: dict[str, str], field: tuple[str, ...]
) -> None:
    order = await order_in(gql, "PLACED")
    errors = await gql.user_errors(
        ADD_PAYMENT, {"input": {"orderId": order["id"], "amount": amount, "method": "CARD"}}
    )
    assert error_fields(errors) == {field: "VALIDATION"}
    stored = await read_order(gql, order["id"])
    assert stored["payments"] == []
    assert (stored["status"], stored["version"], stored["paid"]["amount"]) == ("PLACED", 1, "0.00")


async def test_payment_dated_in_the_future_is_refused(gql: GraphQLClient) -> None:
    order = await order_in(gql, "PLACED")
    tomorrow = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    errors = await gql.user_errors(
        ADD_PAYMENT,
        {
            "input": {
                "orderId": order["id"],
                "amount": {"amount": "10.00", "currency": "EUR"},
                "method": "CARD",
                "paidAt": tomorrow.isoformat(),
            }
        },
    )
    assert error_fields(errors) == {("input", "paidAt"): "VALIDATION"}
    stored = await read_order(gql, order["id"])
    assert (stored["payments"], stored["version"]) == ([], 1)


async def test_payment_time_without_a_time_zone_is_refused(gql: GraphQLClient) -> None:
    # a DateTime without an offset is refused by the scalar: a 400 naming the problem
    order = await order_in(gql, "PLACED")
    response = await gql.raw(
        ADD_PAYMENT,
        {
            "input": {
                "orderId": order["id"],
                "amount": {"amount": "10.00", "currency": "EUR"},
                "method": "CARD",
                "paidAt": "2024-03-01T09:30:00",
            }
        },
    )
    assert response.status_code == 400
    assert "time zone" in response.json()["errors"][0]["message"]
    stored = await read_order(gql, order["id"])
    assert (stored["payments"], stored["version"]) == ([], 1)


async def test_a_partly_paid_order_cannot_be_cancelled(gql: GraphQLClient) -> None:
    # "CANCELLED before payment, REFUNDED after": money taken must not vanish with a cancel
    order = await order_in(gql, "PLACED")
    partly = await pay(gql, order["id"], "40.00")
    errors = await gql.user_errors(
        CHANGE_STATUS,
        {"input": {"id": order["id"], "expectedVersion": partly["version"], "status": "CANCELLED"}},
    )
    assert error_fields(errors) == {("input", "status"): "INVALID_TRANSITION"}
    stored = await read_order(gql, order["id"])
    assert (stored["status"], stored["version"]) == ("PLACED", partly["version"])


@pytest.mark.parametrize("status", ["PAID", "SHIPPED", "CANCELLED", "REFUNDED"])
async def test_payments_are_taken_on_placed_orders_only(gql: GraphQLClient, status: str) -> None:
    order = await order_in(gql, status)
    payments_before = len((await read_order(gql, order["id"]))["payments"])
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
    assert ("input", "orderId") in error_fields(errors)
    assert error_fields(errors)[("input", "orderId")] == "INVALID_TRANSITION"
    stored = await read_order(gql, order["id"])
    assert len(stored["payments"]) == payments_before
    assert (stored["status"], stored["version"]) == (status, order["version"])


async def test_payment_on_a_draft_is_an_invalid_transition(gql: GraphQLClient) -> None:
    order = await order_in(gql, "DRAFT")
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
    assert error_fields(errors) == {("input", "orderId"): "INVALID_TRANSITION"}
    stored = await read_order(gql, order["id"])
    assert (stored["payments"], stored["paid"]["amount"], stored["version"]) == ([], "0.00", 1)
