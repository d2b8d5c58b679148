"""Filter, sort and mutation inputs of orders."""

from __future__ import annotations

import datetime
import decimal
import enum

import strawberry

import crm_graphql.orders.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.customers.inputs import CustomerFilter
from crm_graphql.graphql.filters import DateTimeFilter, EnumFilter, IDFilter, MoneyFilter, Sort
from crm_graphql.graphql.scalars import MoneyInput
from crm_graphql.orders.models import OrderStatus, PaymentMethod


@strawberry.input(description="Conditions on orders; all given conditions must hold.")
class OrderFilter:
    and_: list[OrderFilter] | None = strawberry.field(
        default=None, name="and", description="All of these filters match."
    )
    or_: list[OrderFilter] | None = strawberry.field(
        default=None, name="or", description="At least one of these filters matches."
    )
    not_: OrderFilter | None = strawberry.field(
        default=None, name="not", description="This filter does not match."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The order's ID.")
    customer_id: IDFilter | None = strawberry.field(default=None, description="Customer's ID.")
    status: EnumFilter[OrderStatus] | None = strawberry.field(default=None, description="Status.")
    total: MoneyFilter | None = strawberry.field(default=None, description="Order total.")
    placed_at: DateTimeFilter | None = strawberry.field(default=None, description="Placed.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    customer: CustomerFilter | None = strawberry.field(
        default=None, description="The customer matches."
    )


@strawberry.input(description="Conditions on a list of orders (e.g. a customer's).")
class OrderListFilter:
    some: OrderFilter | None = strawberry.field(default=None, description="Any matches.")
    none: OrderFilter | None = strawberry.field(default=None, description="None match.")
    every: OrderFilter | None = strawberry.field(default=None, description="All match.")


@strawberry.enum(description="Fields orders can be sorted by.")
class OrderOrderField(enum.Enum):
    ID = "id"
    STATUS = "status"
    TOTAL = "total_minor"
    PLACED_AT = "placed_at"
    CREATED_AT = "created_at"


@strawberry.input(name="OrderOrder", description="A sort key for orders.")
class OrderSort(Sort[OrderOrderField]):
    pass


@strawberry.input(description="One line of a new order.")
class OrderItemInput:
    product_id: strawberry.ID = strawberry.field(description="The product.")
    quantity: int = strawberry.field(description="How many units; at least 1.")
    unit_price: decimal.Decimal | None = strawberry.field(
        default=None,
        description="Price of one unit in the order's currency; the product's list price if "
        "omitted (then the product must be priced in that currency).",
    )


@strawberry.input(description="A new order.")
class CreateOrderInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer ordering.")
    currency: str = strawberry.field(description="ISO 4217 currency of the order.")
    items: list[OrderItemInput] = strawberry.field(description="The lines (at most 500).")
    notes: str | None = strawberry.field(default=None, description="Free notes.")
    status: OrderStatus = strawberry.field(
        default=OrderStatus.DRAFT, description="DRAFT (default) or PLACED."
    )


@strawberry.input(description="Changes to an order; items can change only on drafts.")
class UpdateOrderInput:
    id: strawberry.ID = strawberry.field(description="The order.")
    expected_version: int = strawberry.field(description="The version you last read.")
    notes: str | None = strawberry.field(default=strawberry.UNSET, description="Free notes.")
    items: list[OrderItemInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces every line (drafts only)."
    )


@strawberry.input(description="Moves an order to another status.")
class ChangeOrderStatusInput:
    id: strawberry.ID = strawberry.field(description="The order.")
    expected_version: int = strawberry.field(description="The version you last read.")
    status: OrderStatus = strawberry.field(description="The new status; see OrderStatus.")


@strawberry.input(description="A payment received against a placed order.")
class AddPaymentInput:
    order_id: strawberry.ID = strawberry.field(description="The order.")
    amount: MoneyInput = strawberry.field(description="Amount, in the order's currency.")
    method: PaymentMethod = strawberry.field(description="How it was paid.")
    paid_at: datetime.datetime | None = strawberry.field(
        default=None, description="When it was paid (default now)."
    )
    reference: str | None = strawberry.field(default=None, description="Bank or card reference.")
    expected_version: int | None = strawberry.field(
        default=None, description="If given, only if the order is still at this version."
    )
