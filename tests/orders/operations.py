"""The orders API as the order tests use it: operation texts and small helpers."""

from __future__ import annotations

import base64
from typing import Any

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


def pk_of(global_id: str) -> int:
    type_name, _, pk = (
        base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode().partition(":")
    )
    assert type_name == "Order"
    return int(pk)


def global_id_of(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def error_fields(errors: list[dict[str, Any]]) -> dict[tuple[str, ...], str]:
    return {tuple(e["field"]): e["code"] for e in errors}


async def read_order(gql: GraphQLClient, order_id: str) -> dict[str, Any]:
    order: dict[str, Any] = (await gql.query(ORDER, {"id": order_id}))["order"]
    return order


async def order_count(gql: GraphQLClient, customer_id: str) -> int:
    data = await gql.query(
        ORDERS, {"filter": {"customerId": {"eq": customer_id}}, "includeDeleted": True}
    )
    count: int = data["orders"]["totalCount"]
    return count


async def new_order(
    gql: GraphQLClient, *, price: str = "25.00", quantity: int = 4, status: str = "DRAFT"
) -> dict[str, Any]:
    """An order of one product, for 100.00 EUR by default."""
    customer = await factories.customer(gql)
    product = await factories.product(gql, price=price)
    return await factories.order(
        gql, customer["id"], [{"productId": product["id"], "quantity": quantity}], status=status
    )


async def change(gql: GraphQLClient, order: dict[str, Any], status: str) -> dict[str, Any]:
    data = await gql.mutate(
        CHANGE_STATUS,
        {"input": {"id": order["id"], "expectedVersion": order["version"], "status": status}},
    )
    changed: dict[str, Any] = data["order"]
    return changed


async def pay(gql: GraphQLClient, order_id: str, amount: str, **fields: Any) -> dict[str, Any]:
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


async def order_in(gql: GraphQLClient, status: str) -> dict[str, Any]:
    """A 100.00 EUR order brought to `status` through the API."""
    if status == "DRAFT":
        return await new_order(gql)
    if status == "CANCELLED":
        return await change(gql, await new_order(gql), "CANCELLED")
    placed = await new_order(gql, status="PLACED")
    if status == "PLACED":
        return placed
    paid = await pay(gql, placed["id"], "100.00")
    assert paid["status"] == "PAID"
    if status == "PAID":
        return paid
    return await change(gql, paid, status)  # SHIPPED or REFUNDED
