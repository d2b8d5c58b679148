"""GraphQL types of orders, their items and payments."""

from __future__ import annotations

from datetime import datetime

import strawberry

import crm_graphql.orders.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.customers.types import CustomerType
from crm_graphql.graphql.fields import related_list, related_one, to_list, to_one
from crm_graphql.graphql.relay import GraphInfo, Node, NodeType, register
from crm_graphql.graphql.scalars import Money
from crm_graphql.orders.models import Order, OrderItem, OrderStatus, Payment, PaymentMethod
from crm_graphql.products.types import ProductType


@register(OrderItem)
@strawberry.type(name="OrderItem", description="One line of an order: a product and quantity.")
class OrderItemType(NodeType, Node):
    quantity: int = strawberry.field(description="How many units.")
    unit_price_minor: strawberry.Private[int]
    currency: strawberry.Private[str]
    product_id: strawberry.Private[int]
    order_id: strawberry.Private[int]

    @strawberry.field(description="Price of one unit on this order.")
    def unit_price(self) -> Money:
        return Money.of(self.unit_price_minor, self.currency)

    @strawberry.field(description="Quantity times unit price.")
    def line_total(self) -> Money:
        return Money.of(self.quantity * self.unit_price_minor, self.currency)

    @strawberry.field(description="The product (also when it was deleted since).")
    @to_one(OrderItem.product, include_deleted=True)
    async def product(self, info: GraphInfo) -> ProductType:
        return await related_one(info, self, OrderItem.product, include_deleted=True)  # type: ignore[no-any-return]

    @strawberry.field(description="The order this line belongs to.")
    @to_one(OrderItem.order)
    async def order(self, info: GraphInfo) -> OrderType | None:
        return await related_one(info, self, OrderItem.order)  # type: ignore[no-any-return]


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

    @strawberry.field(description="The amount paid.")
    def amount(self) -> Money:
        return Money.of(self.amount_minor, self.currency)

    @strawberry.field(description="The order paid for.")
    @to_one(Payment.order)
    async def order(self, info: GraphInfo) -> OrderType | None:
        return await related_one(info, self, Payment.order)  # type: ignore[no-any-return]


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

    @strawberry.field(description="Order number, e.g. SO-000042.")
    def number(self) -> str:
        return f"SO-{self.pk:06d}"

    @strawberry.field(description="Sum of the line totals.")
    def total(self) -> Money:
        return Money.of(self.total_minor, self.currency)

    @strawberry.field(description="Sum of the payments received.")
    def paid(self) -> Money:
        return Money.of(self.paid_minor, self.currency)

    @strawberry.field(description="Total less payments.")
    def balance_due(self) -> Money:
        return Money.of(self.total_minor - self.paid_minor, self.currency)

    @strawberry.field(description="The customer who placed it.")
    @to_one(Order.customer)
    async def customer(self, info: GraphInfo) -> CustomerType | None:
        return await related_one(info, self, Order.customer)  # type: ignore[no-any-return]

    @strawberry.field(description="The lines of the order (at most 500).")
    @to_list(Order.items)
    async def items(self, info: GraphInfo) -> list[OrderItemType]:
        return await related_list(info, self, Order.items)

    @strawberry.field(description="Payments received, oldest first.")
    @to_list(Order.payments)
    async def payments(self, info: GraphInfo) -> list[PaymentType]:
        return await related_list(info, self, Order.payments)
