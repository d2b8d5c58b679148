"""createOrder through the API: items priced from products, totals, checks and refusals."""

from __future__ import annotations

import datetime

import pytest

from tests.orders.operations import (
    DELETE_CUSTOMER,
    DELETE_PRODUCT,
    error_fields,
    global_id_of,
    new_order,
    order_count,
    pk_of,
    read_order,
)
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

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
    assert created["number"] == f"SO-{pk_of(created['id']):06d}"
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
    order = await read_order(gql, created["id"])
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
    assert error_fields(errors) == {("input", "items", "0", "unitPrice"): "VALIDATION"}
    assert "USD" in errors[0]["message"]
    assert await order_count(gql, customer["id"]) == 0


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
    assert error_fields(errors) == {("input", "items", "1", "quantity"): "VALIDATION"}
    assert await order_count(gql, customer["id"]) == 0


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
                    {"productId": global_id_of("Product", 999_999_999), "quantity": 1},
                    {"productId": inactive["id"], "quantity": 1},
                ],
            }
        },
    )
    assert error_fields(errors) == {
        ("input", "items", "1", "productId"): "NOT_FOUND",
        ("input", "items", "2", "productId"): "NOT_FOUND",
        ("input", "items", "3", "productId"): "VALIDATION",
    }
    assert await order_count(gql, customer["id"]) == 0


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
    assert await order_count(gql, customer["id"]) == 0


async def test_unknown_or_deleted_customer_is_not_found(gql: GraphQLClient) -> None:
    product = await factories.product(gql)
    customer = await factories.customer(gql)
    await gql.mutate(DELETE_CUSTOMER, {"input": {"id": customer["id"]}})
    items = [{"productId": product["id"], "quantity": 1}]
    for customer_id in (customer["id"], global_id_of("Customer", 999_999_999)):
        errors = await gql.user_errors(
            factories.CREATE_ORDER,
            {"input": {"customerId": customer_id, "currency": "EUR", "items": items}},
        )
        assert error_fields(errors) == {("input", "customerId"): "NOT_FOUND"}
    assert await order_count(gql, customer["id"]) == 0


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
    assert error_fields(errors) == {("input", "currency"): "VALIDATION"}
    assert await order_count(gql, customer["id"]) == 0


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
    assert error_fields(errors) == {("input", "items", "0", "unitPrice"): "VALIDATION"}
    assert "decimal places" in errors[0]["message"]
    assert await order_count(gql, customer["id"]) == 0


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
    assert error_fields(errors) == {("input", "items", "0", "unitPrice"): "VALIDATION"}
    assert await order_count(gql, customer["id"]) == 0


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
    assert error_fields(errors) == {
        ("input", "notes"): "VALIDATION",
        ("input", "items", "0", "quantity"): "VALIDATION",
        ("input", "items", "1", "unitPrice"): "VALIDATION",
        ("input", "status"): "INVALID_TRANSITION",
    }
    assert await order_count(gql, customer["id"]) == 0


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
    assert error_fields(errors) == {("input", "items"): "VALIDATION"}
    assert await order_count(gql, customer["id"]) == 0


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
    assert error_fields(errors) == {("input", "items"): "VALIDATION"}
    assert await order_count(gql, customer["id"]) == 0
    # an empty draft is fine
    draft = await factories.order(gql, customer["id"], [])
    assert draft["total"] == {"amount": "0.00", "currency": "EUR"}
    assert draft["items"] == []
    # a placed order with items has its placedAt
    before = datetime.datetime.now(datetime.UTC)
    placed = await new_order(gql, status="PLACED")
    assert placed["status"] == "PLACED"
    placed_at = datetime.datetime.fromisoformat((await read_order(gql, placed["id"]))["placedAt"])
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
    assert error_fields(errors) == {("input", "status"): "INVALID_TRANSITION"}
    assert await order_count(gql, customer["id"]) == 0
