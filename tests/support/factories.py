"""Records made through the API, with unique names so tests never see each other's data."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from tests.support.graphql_client import GraphQLClient

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


CREATE_CUSTOMER = """
mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    customer { id name version lifecycleStage birthday primaryEmail primaryPhone }
    errors { field message code }
  }
}
"""

CREATE_COMPANY = """
mutation($input: CreateCompanyInput!) {
  createCompany(input: $input) {
    company { id name version industry domain website }
    errors { field message code }
  }
}
"""

CREATE_TAG = """
mutation($input: CreateTagInput!) {
  createTag(input: $input) { tag { id name color version } errors { field message code } }
}
"""

CREATE_PRODUCT = """
mutation($input: CreateProductInput!) {
  createProduct(input: $input) {
    product { id sku name version unitPrice { amount currency } }
    errors { field message code }
  }
}
"""

CREATE_ORDER = """
mutation($input: CreateOrderInput!) {
  createOrder(input: $input) {
    order {
      id number status version currency
      total { amount currency } paid { amount } balanceDue { amount }
      items { quantity unitPrice { amount } lineTotal { amount } product { id name } }
    }
    errors { field message code }
  }
}
"""


async def customer(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    data = await gql.mutate(CREATE_CUSTOMER, {"input": {"name": unique("Customer"), **fields}})
    result: dict[str, Any] = data["customer"]
    return result


async def company(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    data = await gql.mutate(CREATE_COMPANY, {"input": {"name": unique("Company"), **fields}})
    result: dict[str, Any] = data["company"]
    return result


async def tag(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    data = await gql.mutate(CREATE_TAG, {"input": {"name": unique("tag"), **fields}})
    result: dict[str, Any] = data["tag"]
    return result


async def product(
    gql: GraphQLClient, price: str = "10.00", currency: str = "EUR", **fields: Any
) -> dict[str, Any]:
    sku = f"T-{next(_counter)}-{uuid.uuid4().hex[:6]}"
    data = await gql.mutate(
        CREATE_PRODUCT,
        {
            "input": {
                "sku": sku,
                "name": unique("Product"),
                "unitPrice": {"amount": price, "currency": currency},
                **fields,
            }
        },
    )
    result: dict[str, Any] = data["product"]
    return result


async def order(
    gql: GraphQLClient,
    customer_id: str,
    items: list[dict[str, Any]],
    currency: str = "EUR",
    **fields: Any,
) -> dict[str, Any]:
    data = await gql.mutate(
        CREATE_ORDER,
        {"input": {"customerId": customer_id, "currency": currency, "items": items, **fields}},
    )
    result: dict[str, Any] = data["order"]
    return result
