"""Orders through the API: items priced from products, status transitions, payments, lists."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest

from tests.support import factories
from tests.support.graphql_client import GraphQLClient

ORDER = """
query($id: ID!) {
  order(id: $id) {
    id number status version currency notes placedAt deletedAt
    total { amount currency } paid { amount currency } balanceDue { amount currency }
    customer { id }
    items { quantity unitPrice { amount currency } lineTotal { amount currency } product { id } }
    payments { amount { amount currency } method reference paidAt }
  }
}
"""

UPDATE = """
mutation($input: UpdateOrderInput!) {
  updateOrder(input: $input) {
    order {
      id version notes total { amount } items { quantity unitPrice { amount } product { id } }
    }
    errors { field message code }
  }
}
"""

CHANGE_STATUS = """
mutation($input: ChangeOrderStatusInput!) {
  changeOrderStatus(input: $input) {
    order { id status version placedAt }
    errors { field message code }
  }
}
"""

ADD_PAYMENT = """
mutation($input: AddPaymentInput!) {
  addPayment(input: $input) {
    order {
      id status version paid { amount currency } balanceDue { amount currency }
      payments { amount { amount currency } method reference paidAt }
    }
    errors { field message code }
  }
}
"""

DELETE = """
mutation($input: DeleteInput!) {
  deleteOrder(input: $input) { order { id deletedAt version } errors { field message code } }
}
"""

RESTORE = """
mutation($input: RestoreInput!) {
  restoreOrder(input: $input) { order { id deletedAt } errors { field message code } }
}
"""

DELETE_CUSTOMER = """
mutation($input: DeleteInput!) { deleteCustomer(input: $input) { errors { code } } }
"""

DELETE_PRODUCT = """
mutation($input: DeleteInput!) { deleteProduct(input: $input) { errors { code } } }
"""

ORDERS = """
query($filter: OrderFilter, $orderBy: [OrderOrder!], $includeDeleted: Boolean! = false) {
  orders(filter: $filter, orderBy: $orderBy, includeDeleted: $includeDeleted) {
    totalCount nodes { id status total { amount currency } }
  }
}
"""

CUSTOMER_ORDERS = """
query($id: ID!, $orderBy: [OrderOrder!]) {
  customer(id: $id) {
    orders(orderBy: $orderBy) { totalCount nodes { id total { amount } } }
  }
}
"""

CUSTOMERS = """
query($filter: CustomerFilter!) {
  customers(filter: $filter, orderBy: [{field: NAME}]) { totalCount nodes { name } }
}
"""

PAST = "2024-03-01T09:30:00+00:00"


def _pk(global_id: str) -> int:
    type_name, _, pk = (
        base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode().partition(":")
    )
    assert type_name == "Order"
    return int(pk)


def _global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def _fields(errors: list[dict[str, Any]]) -> dict[tuple[str, ...], str]:
    return {tuple(e["field"]): e["code"] for e in errors}


async def _read(gql: GraphQLClient, order_id: str) -> dict[str, Any]:
    order: dict[str, Any] = (await gql.query(ORDER, {"id": order_id}))["order"]
    return order


async def _order_count(gql: GraphQLClient, customer_id: str) -> int:
    data = await gql.query(
        ORDERS, {"filter": {"customerId": {"eq": customer_id}}, "includeDeleted": True}
    )
    count: int = data["orders"]["totalCount"]
    return count


async def _new_order(
    gql: GraphQLClient, *, price: str = "25.00", quantity: int = 4, status: str = "DRAFT"
) -> dict[str, Any]:
    """An order of one product, for 100.00 EUR by default."""
    customer = await factories.customer(gql)
    product = await factories.product(gql, price=price)
    return await factories.order(
        gql, customer["id"], [{"productId": product["id"], "quantity": quantity}], status=status
    )


async def _change(gql: GraphQLClient, order: dict[str, Any], status: str) -> dict[str, Any]:
    data = await gql.mutate(
        CHANGE_STATUS,
        {"input": {"id": order["id"], "expectedVersion": order["version"], "status": status}},
    )
    changed: dict[str, Any] = data["order"]
    return changed


async def _pay(gql: GraphQLClient, order_id: str, amount: str, **fields: Any) -> dict[str, Any]:
    data = await gql.mutate(
        ADD_PAYMENT,
        {
            "input": {
                "orderId": order_id,
                "amount": {"amount": amount, "currency": "EUR"},
                "method": "CARD",
                **fields,
            }
        },
    )
    paid: dict[str, Any] = data["order"]
    return paid


async def _order_in(gql: GraphQLClient, status: str) -> dict[str, Any]:
    """A 100.00 EUR order brought to `status` through the API."""
    if status == "DRAFT":
        return await _new_order(gql)
    if status == "CANCELLED":
        return await _change(gql, await _new_order(gql), "CANCELLED")
    placed = await _new_order(gql, status="PLACED")
    if status == "PLACED":
        return placed
    paid = await _pay(gql, placed["id"], "100.00")
    assert paid["status"] == "PAID"
    if status == "PAID":
        return paid
    return await _change(gql, paid, status)  # SHIPPED or REFUNDED


# --- createOrder --------------------------------------------------------------------------------


async def test_create_order_prices_items_from_products(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    pen = await factories.product(gql, price="19.99")
    pad = await factories.product(gql, price="5.50")
    created = await factories.order(
        gql,
        customer["id"],
        [{"productId": pen["id"], "quantity": 3}, {"productId": pad["id"], "quantity": 2}],
        notes="  ring twice  ",
    )
    assert created["number"] == f"SO-{_pk(created['id']):06d}"
    assert created["status"] == "DRAFT"
    assert created["version"] == 1
    assert created["currency"] == "EUR"
    assert created["total"] == {"amount": "70.97", "currency": "EUR"}
    assert created["paid"] == {"amount": "0.00"}
    assert created["balanceDue"] == {"amount": "70.97"}
    assert created["items"] == [
        {
            "quantity": 3,
            "unitPrice": {"amount": "19.99"},
            "lineTotal": {"amount": "59.97"},
            "product": {"id": pen["id"], "name": pen["name"]},
        },
        {
            "quantity": 2,
            "unitPrice": {"amount": "5.50"},
            "lineTotal": {"amount": "11.00"},
            "product": {"id": pad["id"], "name": pad["name"]},
        },
    ]
    order = await _read(gql, created["id"])
    assert order["customer"] == {"id": customer["id"]}
    assert order["notes"] == "ring twice"
    assert order["placedAt"] is None
    assert order["payments"] == []
    assert order["total"] == {"amount": "70.97", "currency": "EUR"}


async def test_explicit_unit_price_overrides_the_list_price(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    eur = await factories.product(gql, price="10.00")
    usd = await factories.product(gql, price="12.00", currency="USD")
    created = await factories.order(
        gql,
        customer["id"],
        [
            {"productId": eur["id"], "quantity": 4, "unitPrice": "7.25"},
            {"productId": usd["id"], "quantity": 1, "unitPrice": "11.10"},
        ],
    )
    assert [i["unitPrice"]["amount"] for i in created["items"]] == ["7.25", "11.10"]
    assert [i["lineTotal"]["amount"] for i in created["items"]] == ["29.00", "11.10"]
    assert created["total"] == {"amount": "40.10", "currency": "EUR"}


async def test_currency_is_normalised_and_uses_its_minor_unit(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    product = await factories.product(gql, price="1500", currency="JPY")
    created = await factories.order(
        gql, customer["id"], [{"productId": product["id"], "quantity": 3}], currency=" jpy "
    )
    assert created["currency"] == "JPY"
    assert created["total"] == {"amount": "4500", "currency": "JPY"}
    assert created["items"][0]["unitPrice"] == {"amount": "1500"}


async def test_product_priced_in_another_currency_needs_a_unit_price(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    product = await factories.product(gql, price="12.00", currency="USD")
    errors = await gql.user_errors(
        factories.CREATE_ORDER,
        {
            "input": {
                "customerId": customer["id"],
                "currency": "EUR",
                "items": [{"productId": product["id"], "quantity": 1}],
            }
        },
    )
    assert _fields(errors) == {("input", "items", "0", "unitPrice"): "VALIDATION"}
    assert "USD" in errors[0]["message"]
    assert await _order_count(gql, customer["id"]) == 0


@pytest.mark.parametrize("quantity", [0, -1, 1_000_001])
async def test_quantity_must_be_between_one_and_a_million(
    gql: GraphQLClient, quantity: int
) -> None:
    customer = await factories.customer(gql)
    product = await factories.product(gql)
    errors = await gql.user_errors(
        factories.CREATE_ORDER,
        {
            "input": {
                "customerId": customer["id"],
                "currency": "EUR",
                "items": [
                    {"productId": product["id"], "quantity": 1},
                    {"productId": product["id"], "quantity": quantity},
                ],
            }
        },
    )
    assert _fields(errors) == {("input", "items", "1", "quantity"): "VALIDATION"}
    assert await _order_count(gql, customer["id"]) == 0


async def test_largest_quantity_is_accepted(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    product = await factories.product(gql, price="0.01")
    created = await factories.order(
        gql, customer["id"], [{"productId": product["id"], "quantity": 1_000_000}]
    )
    assert created["total"] == {"amount": "10000.00", "currency": "EUR"}


async def test_unknown_deleted_and_inactive_products_are_refused(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    sellable = await factories.product(gql)
    deleted = await factories.product(gql)
    await gql.mutate(DELETE_PRODUCT, {"input": {"id": deleted["id"]}})
    inactive = await factories.product(gql, isActive=False)
    errors = await gql.user_errors(
        factories.CREATE_ORDER,
        {
            "input": {
                "customerId": customer["id"],
                "currency": "EUR",
                "items": [
                    {"productId": sellable["id"], "quantity": 1},
                    {"productId": deleted["id"], "quantity": 1},
                    {"productId": _global_id("Product", 999_999_999), "quantity": 1},
                    {"productId": inactive["id"], "quantity": 1},
                ],
            }
        },
    )
    assert _fields(errors) == {
        ("input", "items", "1", "productId"): "NOT_FOUND",
        ("input", "items", "2", "productId"): "NOT_FOUND",
        ("input", "items", "3", "productId"): "VALIDATION",
    }
    assert await _order_count(gql, customer["id"]) == 0


async def test_product_id_of_the_wrong_type_is_refused(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    errors = await gql.user_errors(
        factories.CREATE_ORDER,
        {
            "input": {
                "customerId": customer["id"],
                "currency": "EUR",
                "items": [{"productId": customer["id"], "quantity": 1}],
            }
        },
    )
    assert errors == [
        {
            "field": ["input", "items", "0", "productId"],
            "message": "Expected the ID of a Product, got the ID of a Customer.",
            "code": "VALIDATION",
        }
    ]
    assert await _order_count(gql, customer["id"]) == 0


async def test_unknown_or_deleted_customer_is_not_found(gql: GraphQLClient) -> None:
    product = await factories.product(gql)
    customer = await factories.customer(gql)
    await gql.mutate(DELETE_CUSTOMER, {"input": {"id": customer["id"]}})
    items = [{"productId": product["id"], "quantity": 1}]
    for customer_id in (customer["id"], _global_id("Customer", 999_999_999)):
        errors = await gql.user_errors(
            factories.CREATE_ORDER,
            {"input": {"customerId": customer_id, "currency": "EUR", "items": items}},
        )
        assert _fields(errors) == {("input", "customerId"): "NOT_FOUND"}
    assert await _order_count(gql, customer["id"]) == 0


@pytest.mark.parametrize("currency", ["EURO", "XXX", "XAU", ""])
async def test_bad_currency_code_is_refused(gql: GraphQLClient, currency: str) -> None:
    customer = await factories.customer(gql)
    product = await factories.product(gql)
    errors = await gql.user_errors(
        factories.CREATE_ORDER,
        {
            "input": {
                "customerId": customer["id"],
                "currency": currency,
                "items": [{"productId": product["id"], "quantity": 1}],
            }
        },
    )
    assert _fields(errors) == {("input", "currency"): "VALIDATION"}
    assert await _order_count(gql, customer["id"]) == 0


@pytest.mark.parametrize(
    ("currency", "price", "unit_price"),
    [("EUR", "1.00", "1.234"), ("JPY", "100", "99.5"), ("KWD", "1.000", "0.0001")],
)
async def test_unit_price_with_too_many_decimals_is_refused(
    gql: GraphQLClient, currency: str, price: str, unit_price: str
) -> None:
    customer = await factories.customer(gql)
    product = await factories.product(gql, price=price, currency=currency)
    errors = await gql.user_errors(
        factories.CREATE_ORDER,
        {
            "input": {
                "customerId": customer["id"],
                "currency": currency,
                "items": [{"productId": product["id"], "quantity": 1, "unitPrice": unit_price}],
            }
        },
    )
    assert _fields(errors) == {("input", "items", "0", "unitPrice"): "VALIDATION"}
    assert "decimal places" in errors[0]["message"]
    assert await _order_count(gql, customer["id"]) == 0


async def test_negative_unit_price_is_refused(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    product = await factories.product(gql)
    errors = await gql.user_errors(
        factories.CREATE_ORDER,
        {
            "input": {
                "customerId": customer["id"],
                "currency": "EUR",
                "items": [{"productId": product["id"], "quantity": 1, "unitPrice": "-0.01"}],
            }
        },
    )
    assert _fields(errors) == {("input", "items", "0", "unitPrice"): "VALIDATION"}
    assert await _order_count(gql, customer["id"]) == 0


async def test_every_problem_is_reported_at_once(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    product = await factories.product(gql)
    errors = await gql.user_errors(
        factories.CREATE_ORDER,
        {
            "input": {
                "customerId": customer["id"],
                "currency": "EUR",
                "status": "SHIPPED",
                "notes": "x" * 10_001,
                "items": [
                    {"productId": product["id"], "quantity": 0},
                    {"productId": product["id"], "quantity": 1, "unitPrice": "0.001"},
                ],
            }
        },
    )
    assert _fields(errors) == {
        ("input", "notes"): "VALIDATION",
        ("input", "items", "0", "quantity"): "VALIDATION",
        ("input", "items", "1", "unitPrice"): "VALIDATION",
        ("input", "status"): "INVALID_TRANSITION",
    }
    assert await _order_count(gql, customer["id"]) == 0


async def test_a_total_beyond_the_largest_amount_is_refused(gql: GraphQLClient) -> None:
    # 1,000,000 x 9,999,999,999,999.99 EUR: each value is allowed, their product is not storable
    customer = await factories.customer(gql)
    product = await factories.product(gql)
    errors = await gql.user_errors(
        factories.CREATE_ORDER,
        {
            "input": {
                "customerId": customer["id"],
                "currency": "EUR",
                "items": [
                    {
                        "productId": product["id"],
                        "quantity": 1_000_000,
                        "unitPrice": "9999999999999.99",
                    }
                ],
            }
        },
    )
    assert _fields(errors) == {("input", "items"): "VALIDATION"}
    assert await _order_count(gql, customer["id"]) == 0


async def test_placed_order_needs_items_and_records_when_it_was_placed(
    gql: GraphQLClient,
) -> None:
    customer = await factories.customer(gql)
    errors = await gql.user_errors(
        factories.CREATE_ORDER,
        {
            "input": {
                "customerId": customer["id"],
                "currency": "EUR",
                "items": [],
                "status": "PLACED",
            }
        },
    )
    assert _fields(errors) == {("input", "items"): "VALIDATION"}
    assert await _order_count(gql, customer["id"]) == 0
    # an empty draft is fine
    draft = await factories.order(gql, customer["id"], [])
    assert draft["total"] == {"amount": "0.00", "currency": "EUR"}
    assert draft["items"] == []
    # a placed order with items has its placedAt
    before = datetime.datetime.now(datetime.UTC)
    placed = await _new_order(gql, status="PLACED")
    assert placed["status"] == "PLACED"
    placed_at = datetime.datetime.fromisoformat((await _read(gql, placed["id"]))["placedAt"])
    assert before - datetime.timedelta(seconds=5) <= placed_at
    assert placed_at <= datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=5)


@pytest.mark.parametrize("status", ["PAID", "SHIPPED", "CANCELLED", "REFUNDED"])
async def test_new_orders_are_draft_or_placed(gql: GraphQLClient, status: str) -> None:
    customer = await factories.customer(gql)
    product = await factories.product(gql)
    errors = await gql.user_errors(
        factories.CREATE_ORDER,
        {
            "input": {
                "customerId": customer["id"],
                "currency": "EUR",
                "items": [{"productId": product["id"], "quantity": 1}],
                "status": status,
            }
        },
    )
    assert _fields(errors) == {("input", "status"): "INVALID_TRANSITION"}
    assert await _order_count(gql, customer["id"]) == 0


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
    order = await _order_in(gql, start)
    assert order["status"] == start
    changed = await _change(gql, order, target)
    assert changed["status"] == target
    assert changed["version"] == order["version"] + 1
    stored = await _read(gql, order["id"])
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
    order = await _order_in(gql, start)
    errors = await gql.user_errors(
        CHANGE_STATUS,
        {"input": {"id": order["id"], "expectedVersion": order["version"], "status": target}},
    )
    assert _fields(errors) == {("input", "status"): "INVALID_TRANSITION"}
    assert f"is {start} cannot become {target}" in errors[0]["message"]
    stored = await _read(gql, order["id"])
    assert (stored["status"], stored["version"]) == (start, order["version"])


async def test_paid_is_refused_while_a_balance_is_due(gql: GraphQLClient) -> None:
    order = await _order_in(gql, "PLACED")
    errors = await gql.user_errors(
        CHANGE_STATUS, {"input": {"id": order["id"], "expectedVersion": 1, "status": "PAID"}}
    )
    assert _fields(errors) == {("input", "status"): "INVALID_TRANSITION"}
    assert "100.00 EUR" in errors[0]["message"]
    # still refused after a partial payment
    partly = await _pay(gql, order["id"], "99.99")
    errors = await gql.user_errors(
        CHANGE_STATUS,
        {"input": {"id": order["id"], "expectedVersion": partly["version"], "status": "PAID"}},
    )
    assert _fields(errors) == {("input", "status"): "INVALID_TRANSITION"}
    assert "0.01 EUR" in errors[0]["message"]
    stored = await _read(gql, order["id"])
    assert (stored["status"], stored["version"]) == ("PLACED", partly["version"])


async def test_a_draft_without_items_cannot_be_placed(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    draft = await factories.order(gql, customer["id"], [])
    errors = await gql.user_errors(
        CHANGE_STATUS, {"input": {"id": draft["id"], "expectedVersion": 1, "status": "PLACED"}}
    )
    assert _fields(errors) == {("input", "status"): "VALIDATION"}
    stored = await _read(gql, draft["id"])
    assert (stored["status"], stored["version"], stored["placedAt"]) == ("DRAFT", 1, None)


async def test_stale_version_is_a_conflict(gql: GraphQLClient) -> None:
    order = await _order_in(gql, "DRAFT")
    await gql.mutate(UPDATE, {"input": {"id": order["id"], "expectedVersion": 1, "notes": "v2"}})
    errors = await gql.user_errors(
        CHANGE_STATUS, {"input": {"id": order["id"], "expectedVersion": 1, "status": "PLACED"}}
    )
    assert _fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    stored = await _read(gql, order["id"])
    assert (stored["status"], stored["version"]) == ("DRAFT", 2)


# --- payments -----------------------------------------------------------------------------------


async def test_partial_then_full_payment_makes_the_order_paid(gql: GraphQLClient) -> None:
    order = await _order_in(gql, "PLACED")
    partly = await _pay(gql, order["id"], "40", reference="  tx-1  ", expectedVersion=1)
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
    stored = await _read(gql, order["id"])
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
    order = await _order_in(gql, "PLACED")
    await _pay(gql, order["id"], "10.00")
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
    assert _fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    stored = await _read(gql, order["id"])
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
    order = await _order_in(gql, "PLACED")
    errors = await gql.user_errors(
        ADD_PAYMENT, {"input": {"orderId": order["id"], "amount": amount, "method": "CARD"}}
    )
    assert _fields(errors) == {field: "VALIDATION"}
    stored = await _read(gql, order["id"])
    assert stored["payments"] == []
    assert (stored["status"], stored["version"], stored["paid"]["amount"]) == ("PLACED", 1, "0.00")


async def test_payment_dated_in_the_future_is_refused(gql: GraphQLClient) -> None:
    order = await _order_in(gql, "PLACED")
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
    assert _fields(errors) == {("input", "paidAt"): "VALIDATION"}
    stored = await _read(gql, order["id"])
    assert (stored["payments"], stored["version"]) == ([], 1)


async def test_payment_time_without_a_time_zone_is_refused(gql: GraphQLClient) -> None:
    # a DateTime without an offset is refused by the scalar: a 400 naming the problem
    order = await _order_in(gql, "PLACED")
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
    stored = await _read(gql, order["id"])
    assert (stored["payments"], stored["version"]) == ([], 1)


async def test_a_partly_paid_order_cannot_be_cancelled(gql: GraphQLClient) -> None:
    # "CANCELLED before payment, REFUNDED after": money taken must not vanish with a cancel
    order = await _order_in(gql, "PLACED")
    partly = await _pay(gql, order["id"], "40.00")
    errors = await gql.user_errors(
        CHANGE_STATUS,
        {"input": {"id": order["id"], "expectedVersion": partly["version"], "status": "CANCELLED"}},
    )
    assert _fields(errors) == {("input", "status"): "INVALID_TRANSITION"}
    stored = await _read(gql, order["id"])
    assert (stored["status"], stored["version"]) == ("PLACED", partly["version"])


@pytest.mark.parametrize("status", ["PAID", "SHIPPED", "CANCELLED", "REFUNDED"])
async def test_payments_are_taken_on_placed_orders_only(gql: GraphQLClient, status: str) -> None:
    order = await _order_in(gql, status)
    payments_before = len((await _read(gql, order["id"]))["payments"])
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
    assert ("input", "orderId") in _fields(errors)
    assert _fields(errors)[("input", "orderId")] == "INVALID_TRANSITION"
    stored = await _read(gql, order["id"])
    assert len(stored["payments"]) == payments_before
    assert (stored["status"], stored["version"]) == (status, order["version"])


async def test_payment_on_a_draft_is_an_invalid_transition(gql: GraphQLClient) -> None:
    order = await _order_in(gql, "DRAFT")
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
    assert _fields(errors) == {("input", "orderId"): "INVALID_TRANSITION"}
    stored = await _read(gql, order["id"])
    assert (stored["payments"], stored["paid"]["amount"], stored["version"]) == ([], "0.00", 1)


# --- updateOrder --------------------------------------------------------------------------------


async def test_replacing_the_items_of_a_draft_recomputes_the_total(gql: GraphQLClient) -> None:
    order = await _order_in(gql, "DRAFT")
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
    stored = await _read(gql, order["id"])
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
    order = await _order_in(gql, "DRAFT")
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
    assert _fields(errors) == {
        ("input", "items", "0", "unitPrice"): "VALIDATION",
        ("input", "items", "1", "quantity"): "VALIDATION",
    }
    stored = await _read(gql, order["id"])
    assert [i["quantity"] for i in stored["items"]] == [4]
    assert (stored["total"]["amount"], stored["version"], stored["notes"]) == ("100.00", 1, None)


async def test_items_of_a_placed_order_cannot_change(gql: GraphQLClient) -> None:
    order = await _order_in(gql, "PLACED")
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
    assert _fields(errors) == {("input", "items"): "INVALID_TRANSITION"}
    stored = await _read(gql, order["id"])
    assert [i["quantity"] for i in stored["items"]] == [4]
    assert (stored["total"]["amount"], stored["version"]) == ("100.00", 1)


async def test_notes_change_on_any_live_order(gql: GraphQLClient) -> None:
    order = await _order_in(gql, "PLACED")
    updated = await gql.mutate(
        UPDATE, {"input": {"id": order["id"], "expectedVersion": 1, "notes": "  gift wrap  "}}
    )
    assert (updated["order"]["notes"], updated["order"]["version"]) == ("gift wrap", 2)
    assert updated["order"]["total"] == {"amount": "100.00"}
    # stale version
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": order["id"], "expectedVersion": 1, "notes": "stale"}}
    )
    assert _fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    assert (await _read(gql, order["id"]))["notes"] == "gift wrap"
    # null clears
    cleared = await gql.mutate(
        UPDATE, {"input": {"id": order["id"], "expectedVersion": 2, "notes": None}}
    )
    assert (cleared["order"]["notes"], cleared["order"]["version"]) == (None, 3)
    # too long
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": order["id"], "expectedVersion": 3, "notes": "x" * 10_001}}
    )
    assert _fields(errors) == {("input", "notes"): "VALIDATION"}
    assert (await _read(gql, order["id"]))["version"] == 3


async def test_items_keep_their_product_after_it_is_deleted(gql: GraphQLClient) -> None:
    order = await _order_in(gql, "PLACED")
    product_id = order["items"][0]["product"]["id"]
    await gql.mutate(DELETE_PRODUCT, {"input": {"id": product_id}})
    stored = await _read(gql, order["id"])
    assert stored["items"][0]["product"] == {"id": product_id}
    assert stored["total"]["amount"] == "100.00"


# --- delete and restore -------------------------------------------------------------------------


async def test_soft_delete_and_restore(gql: GraphQLClient) -> None:
    order = await _order_in(gql, "PLACED")
    customer_id = (await _read(gql, order["id"]))["customer"]["id"]
    by_customer = {"filter": {"customerId": {"eq": customer_id}}}
    # a stale version is a conflict
    errors = await gql.user_errors(DELETE, {"input": {"id": order["id"], "expectedVersion": 7}})
    assert _fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    assert (await _read(gql, order["id"]))["deletedAt"] is None
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
    assert _fields(errors) == {("input", "id"): "NOT_FOUND"}
    errors = await gql.user_errors(
        CHANGE_STATUS,
        {"input": {"id": order["id"], "expectedVersion": 2, "status": "CANCELLED"}},
    )
    assert _fields(errors) == {("input", "id"): "NOT_FOUND"}
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
    assert _fields(errors) == {("input", "orderId"): "NOT_FOUND"}
    # restore
    restored = await gql.mutate(RESTORE, {"input": {"id": order["id"]}})
    assert restored["order"]["deletedAt"] is None
    stored = await _read(gql, order["id"])
    assert (stored["status"], stored["payments"], stored["deletedAt"]) == ("PLACED", [], None)
    assert (await gql.query(ORDERS, by_customer))["orders"]["totalCount"] == 1
    errors = await gql.user_errors(RESTORE, {"input": {"id": order["id"]}})
    assert _fields(errors) == {("input", "id"): "VALIDATION"}


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
