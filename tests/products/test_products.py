"""Products through the API: SKUs, exact prices in any currency, versions, soft delete,
money filters and sorting by price."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support import factories
from tests.support.databases import sqlite_only
from tests.support.graphql_client import GraphQLClient

PRODUCT = """
query($id: ID!) {
  product(id: $id) {
    id sku name description isActive version deletedAt unitPrice { amount currency }
  }
}
"""

UPDATE = """
mutation($input: UpdateProductInput!) {
  updateProduct(input: $input) {
    product { id sku name description isActive version unitPrice { amount currency } }
    errors { field message code }
  }
}
"""

DELETE = """
mutation($input: DeleteInput!) {
  deleteProduct(input: $input) { product { id deletedAt } errors { field message code } }
}
"""

RESTORE = """
mutation($input: RestoreInput!) {
  restoreProduct(input: $input) { product { id deletedAt } errors { field message code } }
}
"""

BY_SKU = """
query($sku: String!, $includeDeleted: Boolean! = true) {
  products(filter: {sku: {eq: $sku}}, includeDeleted: $includeDeleted) { totalCount nodes { id } }
}
"""

BY_NAME = """
query($name: String!) {
  products(filter: {name: {eq: $name}}, includeDeleted: true) { totalCount }
}
"""

PRICED = """
query($prefix: String!, $price: MoneyFilter, $direction: OrderDirection! = ASC) {
  products(
    filter: {name: {startsWith: $prefix}, unitPrice: $price}
    orderBy: [{field: UNIT_PRICE, direction: $direction}]
  ) {
    totalCount nodes { id unitPrice { amount currency } }
  }
}
"""


def new_product(**fields: Any) -> dict[str, Any]:
    """A complete CreateProductInput, with a unique SKU and name."""
    return {
        "sku": f"P-{uuid.uuid4().hex[:10]}",
        "name": factories.unique("Product"),
        "unitPrice": {"amount": "10.00", "currency": "EUR"},
        **fields,
    }


def fields_and_codes(errors: list[dict[str, Any]]) -> set[tuple[tuple[str, ...], str]]:
    return {(tuple(e["field"]), e["code"]) for e in errors}


async def test_create_product_upper_cases_the_sku(gql: GraphQLClient) -> None:
    token = uuid.uuid4().hex[:8]
    created = await gql.mutate(
        factories.CREATE_PRODUCT,
        {
            "input": new_product(
                sku=f"  ab-{token} ",
                name=" Widget ",
                unitPrice={"amount": "19.99", "currency": "eur"},
            )
        },
    )
    product = created["product"]
    assert product["sku"] == f"AB-{token.upper()}"
    assert product["unitPrice"] == {"amount": "19.99", "currency": "EUR"}
    data = await gql.query(PRODUCT, {"id": product["id"]})
    assert data["product"] == {
        "id": product["id"],
        "sku": f"AB-{token.upper()}",
        "name": "Widget",
        "description": None,
        "isActive": True,
        "version": 1,
        "deletedAt": None,
        "unitPrice": {"amount": "19.99", "currency": "EUR"},
    }


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("19.99", "EUR", "19.99"),
        ("5", "EUR", "5.00"),
        ("0.5", "USD", "0.50"),
        ("19.990", "EUR", "19.99"),
        ("0", "GBP", "0.00"),
        ("1500", "JPY", "1500"),
        ("1500.0", "JPY", "1500"),
        ("1.234", "KWD", "1.234"),
        ("7", "KWD", "7.000"),
        ("9999999999.99", "EUR", "9999999999.99"),
    ],
)
async def test_prices_are_exact_in_the_currency_minor_unit(
    gql: GraphQLClient, amount: str, currency: str, shown: str
) -> None:
    created = await factories.product(gql, price=amount, currency=currency)
    assert created["unitPrice"] == {"amount": shown, "currency": currency}
    data = await gql.query(PRODUCT, {"id": created["id"]})
    assert data["product"]["unitPrice"] == {"amount": shown, "currency": currency}


async def test_skus_are_unique_ignoring_case(gql: GraphQLClient) -> None:
    token = uuid.uuid4().hex[:8]
    await gql.mutate(factories.CREATE_PRODUCT, {"input": new_product(sku=f"sku-{token}")})
    name = factories.unique("Copy")
    errors = await gql.user_errors(
        factories.CREATE_PRODUCT, {"input": new_product(sku=f" SKU-{token.upper()}", name=name)}
    )
    assert errors == [
        {
            "field": ["input", "sku"],
            "message": f"A product with SKU SKU-{token.upper()} exists.",
            "code": "DUPLICATE",
        }
    ]
    assert (await gql.query(BY_NAME, {"name": name}))["products"]["totalCount"] == 0
    # a deleted product keeps its SKU
    deleted = await gql.mutate(
        factories.CREATE_PRODUCT, {"input": new_product(sku=f"gone-{token}")}
    )
    await gql.mutate(DELETE, {"input": {"id": deleted["product"]["id"]}})
    errors = await gql.user_errors(
        factories.CREATE_PRODUCT, {"input": new_product(sku=f"GONE-{token}")}
    )
    assert fields_and_codes(errors) == {(("input", "sku"), "DUPLICATE")}


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("19.999", "EUR"), ("0.001", "USD"), ("1500.5", "JPY"), ("1.2345", "KWD")],
)
async def test_too_many_decimals_for_the_currency_are_refused(
    gql: GraphQLClient, amount: str, currency: str
) -> None:
    name = factories.unique("Precise")
    errors = await gql.user_errors(
        factories.CREATE_PRODUCT,
        {"input": new_product(name=name, unitPrice={"amount": amount, "currency": currency})},
    )
    assert fields_and_codes(errors) == {(("input", "unitPrice", "amount"), "VALIDATION")}
    assert "decimal places" in errors[0]["message"]
    assert (await gql.query(BY_NAME, {"name": name}))["products"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("NaN", "Not a valid amount."),
        ("Infinity", "Not a valid amount."),
        ("10000000000000.00", "The amount is too large."),
    ],
)
async def test_non_finite_and_huge_amounts_are_refused(
    gql: GraphQLClient, amount: str, message: str
) -> None:
    name = factories.unique("Odd")
    errors = await gql.user_errors(
        factories.CREATE_PRODUCT,
        {"input": new_product(name=name, unitPrice={"amount": amount, "currency": "EUR"})},
    )
    assert errors == [
        {"field": ["input", "unitPrice", "amount"], "message": message, "code": "VALIDATION"}
    ]
    assert (await gql.query(BY_NAME, {"name": name}))["products"]["totalCount"] == 0


async def test_negative_prices_are_refused(gql: GraphQLClient) -> None:
    name = factories.unique("Negative")
    errors = await gql.user_errors(
        factories.CREATE_PRODUCT,
        {"input": new_product(name=name, unitPrice={"amount": "-0.01", "currency": "EUR"})},
    )
    assert errors == [
        {
            "field": ["input", "unitPrice", "amount"],
            "message": "Must not be negative.",
            "code": "VALIDATION",
        }
    ]
    assert (await gql.query(BY_NAME, {"name": name}))["products"]["totalCount"] == 0


@pytest.mark.parametrize("currency", ["ABC", "EURO", "", "XAU", "XXX"])
async def test_unknown_currency_codes_are_refused(gql: GraphQLClient, currency: str) -> None:
    name = factories.unique("Foreign")
    errors = await gql.user_errors(
        factories.CREATE_PRODUCT,
        {"input": new_product(name=name, unitPrice={"amount": "1.00", "currency": currency})},
    )
    assert fields_and_codes(errors) == {(("input", "unitPrice", "currency"), "VALIDATION")}
    assert (await gql.query(BY_NAME, {"name": name}))["products"]["totalCount"] == 0


async def test_create_product_reports_every_problem(gql: GraphQLClient) -> None:
    errors = await gql.user_errors(
        factories.CREATE_PRODUCT,
        {
            "input": {
                "sku": "  ",
                "name": "",
                "unitPrice": {"amount": "1.001", "currency": "EUR"},
                "description": "x" * 10_001,
            }
        },
    )
    assert fields_and_codes(errors) == {
        (("input", "sku"), "VALIDATION"),
        (("input", "name"), "VALIDATION"),
        (("input", "unitPrice", "amount"), "VALIDATION"),
        (("input", "description"), "VALIDATION"),
    }


async def test_update_product_with_expected_version(gql: GraphQLClient) -> None:
    created = await factories.product(gql, price="10.00", description="Blue")
    token = uuid.uuid4().hex[:8]
    updated = await gql.mutate(
        UPDATE,
        {
            "input": {
                "id": created["id"],
                "expectedVersion": 1,
                "sku": f"new-{token}",
                "unitPrice": {"amount": "1250", "currency": "JPY"},
                "isActive": False,
            }
        },
    )
    product = updated["product"]
    assert product["version"] == 2
    assert product["sku"] == f"NEW-{token.upper()}"
    assert product["unitPrice"] == {"amount": "1250", "currency": "JPY"}
    assert product["isActive"] is False
    assert (product["name"], product["description"]) == (created["name"], "Blue")
    # a stale version is a conflict and writes nothing
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": created["id"], "expectedVersion": 1, "name": "Stale"}}
    )
    assert fields_and_codes(errors) == {(("input", "expectedVersion"), "CONFLICT")}
    data = await gql.query(PRODUCT, {"id": created["id"]})
    assert (data["product"]["name"], data["product"]["version"]) == (created["name"], 2)
    # null clears the description; its own SKU in another case is no duplicate
    cleared = await gql.mutate(
        UPDATE,
        {
            "input": {
                "id": created["id"],
                "expectedVersion": 2,
                "description": None,
                "sku": f"New-{token}",
            }
        },
    )
    assert cleared["product"]["description"] is None
    assert cleared["product"]["sku"] == f"NEW-{token.upper()}"
    assert cleared["product"]["version"] == 3


async def test_update_product_rejects_bad_input_and_writes_nothing(gql: GraphQLClient) -> None:
    created = await factories.product(gql, price="10.00")
    other = await factories.product(gql)
    errors = await gql.user_errors(
        UPDATE,
        {
            "input": {
                "id": created["id"],
                "expectedVersion": 1,
                "sku": other["sku"].lower(),
                "name": None,
                "unitPrice": None,
                "isActive": None,
            }
        },
    )
    assert fields_and_codes(errors) == {
        (("input", "sku"), "DUPLICATE"),
        (("input", "name"), "VALIDATION"),
        (("input", "unitPrice"), "VALIDATION"),
        (("input", "isActive"), "VALIDATION"),
    }
    errors = await gql.user_errors(
        UPDATE,
        {
            "input": {
                "id": created["id"],
                "expectedVersion": 1,
                "unitPrice": {"amount": "-5", "currency": "KWD"},
            }
        },
    )
    assert fields_and_codes(errors) == {(("input", "unitPrice", "amount"), "VALIDATION")}
    errors = await gql.user_errors(
        UPDATE,
        {
            "input": {
                "id": created["id"],
                "expectedVersion": 1,
                "unitPrice": {"amount": "5", "currency": "ZZZ"},
            }
        },
    )
    assert fields_and_codes(errors) == {(("input", "unitPrice", "currency"), "VALIDATION")}
    data = await gql.query(PRODUCT, {"id": created["id"]})
    assert data["product"]["sku"] == created["sku"]
    assert data["product"]["unitPrice"] == {"amount": "10.00", "currency": "EUR"}
    assert data["product"]["version"] == 1


async def test_soft_delete_and_restore_product(gql: GraphQLClient) -> None:
    created = await factories.product(gql)
    errors = await gql.user_errors(DELETE, {"input": {"id": created["id"], "expectedVersion": 2}})
    assert fields_and_codes(errors) == {(("input", "expectedVersion"), "CONFLICT")}
    deleted = await gql.mutate(DELETE, {"input": {"id": created["id"], "expectedVersion": 1}})
    assert deleted["product"]["deletedAt"] is not None
    visible = await gql.query(BY_SKU, {"sku": created["sku"], "includeDeleted": False})
    assert visible["products"]["totalCount"] == 0
    listed = await gql.query(BY_SKU, {"sku": created["sku"]})
    assert listed["products"]["nodes"] == [{"id": created["id"]}]
    assert (await gql.query(PRODUCT, {"id": created["id"]}))["product"] is None
    errors = await gql.user_errors(DELETE, {"input": {"id": created["id"]}})
    assert fields_and_codes(errors) == {(("input", "id"), "NOT_FOUND")}
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": created["id"], "expectedVersion": 2, "name": "Ghost"}}
    )
    assert fields_and_codes(errors) == {(("input", "id"), "NOT_FOUND")}
    # restored
    restored = await gql.mutate(RESTORE, {"input": {"id": created["id"]}})
    assert restored["product"]["deletedAt"] is None
    data = await gql.query(PRODUCT, {"id": created["id"]})
    assert data["product"]["unitPrice"] == created["unitPrice"]
    visible = await gql.query(BY_SKU, {"sku": created["sku"], "includeDeleted": False})
    assert visible["products"]["totalCount"] == 1
    errors = await gql.user_errors(RESTORE, {"input": {"id": created["id"]}})
    assert fields_and_codes(errors) == {(("input", "id"), "VALIDATION")}


async def test_filter_by_price_in_a_currency_and_sort_by_price(gql: GraphQLClient) -> None:
    prefix = factories.unique("Priced")
    made = {}
    for price, currency in [
        ("99.50", "EUR"),
        ("10.00", "EUR"),
        ("5.00", "EUR"),
        ("10.01", "EUR"),
        ("20.00", "USD"),
        ("5000", "JPY"),
    ]:
        product = await factories.product(
            gql, price=price, currency=currency, name=f"{prefix} {price} {currency}"
        )
        made[(price, currency)] = product["id"]

    async def ids(price: dict[str, Any] | None, direction: str = "ASC") -> list[str]:
        variables = {"prefix": prefix, "price": price, "direction": direction}
        data = await gql.query(PRICED, variables)
        nodes = data["products"]["nodes"]
        assert data["products"]["totalCount"] == len(nodes)
        return [n["id"] for n in nodes]

    eur = [made[("5.00", "EUR")], made[("10.00", "EUR")], made[("10.01", "EUR")]]
    eur.append(made[("99.50", "EUR")])
    assert await ids({"currency": "EUR", "gt": "10"}) == eur[2:]
    assert await ids({"currency": "EUR", "gt": "10"}, "DESC") == eur[:1:-1]
    assert await ids({"currency": "EUR", "gte": "10"}) == eur[1:]
    assert await ids({"currency": "EUR", "lt": "10.01", "gt": "5"}) == [eur[1]]
    assert await ids({"currency": "eur", "eq": "10"}) == [eur[1]]
    assert await ids({"currency": "EUR", "lte": "10.00"}, "DESC") == [eur[1], eur[0]]
    assert await ids({"currency": "EUR"}) == eur
    assert await ids({"currency": "JPY", "gt": "10"}) == [made[("5000", "JPY")]]
    assert await ids({"currency": "GBP"}) == []
    data = await gql.query(PRICED, {"prefix": prefix, "price": {"currency": "EUR", "gt": "10"}})
    assert [n["unitPrice"] for n in data["products"]["nodes"]] == [
        {"amount": "10.01", "currency": "EUR"},
        {"amount": "99.50", "currency": "EUR"},
    ]


@pytest.mark.parametrize(
    ("price", "reason"),
    [
        ({"currency": "EUR", "gt": "10.001"}, "at most 2 decimal places"),
        ({"currency": "NOPE", "gt": "1"}, "not an ISO 4217 currency code"),
    ],
)
@sqlite_only
async def test_impossible_price_filters_are_bad_user_input(
    gql: GraphQLClient, price: dict[str, Any], reason: str
) -> None:
    errors = await gql.errors(PRICED, {"prefix": "x", "price": price})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert reason in errors[0]["message"]


@sqlite_only
async def test_price_filter_errors_name_the_field_as_the_schema_does(gql: GraphQLClient) -> None:
    errors = await gql.errors(PRICED, {"prefix": "x", "price": {"currency": "JPY", "lt": "0.5"}})
    assert errors[0]["message"].startswith("`unitPrice` filter:"), errors[0]["message"]
