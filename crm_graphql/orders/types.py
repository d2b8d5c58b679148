"""GraphQL types of orders, their items and payments."""

from __future__ import annotations

from datetime import datetime

import strawberry

import crm_graphql.orders.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.customers.refs import CustomerRef
from crm_graphql.graphql.fields import to_list, to_one
from crm_graphql.graphql.relay import Node, NodeType, register
from crm_graphql.graphql.scalars import Money
from crm_graphql.orders.models import Order, OrderItem, OrderStatus, Payment, PaymentMethod
from crm_graphql.products.refs import ProductRef

# GraphQL shows fields in the order of their annotations: computed fields are declared in
# their place, their resolvers just before them.


@register(OrderItem)
@strawberry.type(name="OrderItem", description="One line of an order: a product and quantity.")
class OrderItemType(NodeType, Node):
    quantity: int = strawberry.field(description="How many units.")
    unit_price_minor: strawberry.Private[int]
    currency: strawberry.Private[str]
    product_id: strawberry.Private[int]
    order_id: strawberry.Private[int]

    def _unit_price(self) -> Money:
        return Money.of(self.unit_price_minor, self.currency)

    unit_price: Money = strawberry.field(
        resolver=_unit_price, description="Price of one unit on this order."
    )

    def _line_total(self) -> Money:
        return Money.of(self.quantity * self.unit_price_minor, self.currency)

    line_total: Money = strawberry.field(
        resolver=_line_total, description="Quantity times unit price."
    )
    product: ProductRef = to_one(
        OrderItem.product,
        include_deleted=True,
        description="The product (also when it was deleted since).",
    )
    order: OrderType | None = to_one(OrderItem.order, description="The order this line belongs to.")


@register(Payment)
@strawberry.type(name="Payment", description="Money received against an order.")
class PaymentType(NodeType, Node):
    method: PaymentMethod = strawberry.field(description="How it was paid.")
    reference: str | None = strawberry.field(description="Bank or card reference.")
    paid_at: datetime = strawberry.field(description="When it was paid.")
    created_at: datetime = strawberry.field(description="When it was recorded.")
    amount_minor: strawberry.Private[int]
    currency: strawberry.Private[str]
    order_id: strawberry.Private[int]

    def _amount(self) -> Money:
        return Money.of(self.amount_minor, self.currency)

    amount: Money = strawberry.field(resolver=_amount, description="The amount paid.")
    order: OrderType | None = to_one(Payment.order, description="The order paid for.")


@register(Order)
@strawberry.type(name="Order", description="A customer's order: items, payments and status.")
class OrderType(NodeType, Node):
    status: OrderStatus = strawberry.field(description="Where the order stands.")
    currency: str = strawberry.field(description="ISO 4217 currency of every amount on it.")
    placed_at: datetime | None = strawberry.field(description="When it was placed.")
    notes: str | None = strawberry.field(description="Free notes.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the order was created.")
    updated_at: datetime = strawberry.field(description="When the order last changed.")
    deleted_at: datetime | None = strawberry.field(description="When it was deleted, if so.")
    total_minor: strawberry.Private[int]
    paid_minor: strawberry.Private[int]
    customer_id: strawberry.Private[int]

    def _number(self) -> str:
        return f"SO-{self.pk:06d}"

    number: str = strawberry.field(resolver=_number, description="Order number, e.g. SO-000042.")

    def _total(self) -> Money:
        return Money.of(self.total_minor, self.currency)

    total: Money = strawberry.field(resolver=_total, description="Sum of the line totals.")

    def _paid(self) -> Money:
        return Money.of(self.paid_minor, self.currency)

    paid: Money = strawberry.field(resolver=_paid, description="Sum of the payments received.")

    def _balance_due(self) -> Money:
        return Money.of(self.total_minor - self.paid_minor, self.currency)

    balance_due: Money = strawberry.field(resolver=_balance_due, description="Total less payments.")
    customer: CustomerRef | None = to_one(Order.customer, description="The customer who placed it.")
    items: list[OrderItemType] = to_list(
        Order.items, description="The lines of the order (at most 500)."
    )
    payments: list[PaymentType] = to_list(
        Order.payments, description="Payments received, oldest first."
    )
