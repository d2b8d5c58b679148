"""Order mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.ids import expect_id
from crm_graphql.graphql.arguments import INPUT
from crm_graphql.graphql.mutation_fields import delete_mutation, restore_mutation
from crm_graphql.graphql.payloads import UserError, provided
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.graphql.transaction import mutate
from crm_graphql.orders import service
from crm_graphql.orders.inputs import (
    AddPaymentInput,
    ChangeOrderStatusInput,
    CreateOrderInput,
    OrderItemInput,
    UpdateOrderInput,
)
from crm_graphql.orders.models import Order
from crm_graphql.orders.types import OrderType


@strawberry.type(description="The result of an order mutation.")
class OrderPayload:
    order: OrderType | None = strawberry.field(
        description="The order as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


def _payload(order: Order | None, errors: list[UserError]) -> OrderPayload:
    return OrderPayload(order=OrderType.from_model(order) if order else None, errors=errors)


def _items(items: list[OrderItemInput]) -> list[service.NewItem]:
    return [
        service.NewItem(
            product_id=expect_id(item.product_id, "Product", ("items", str(i), "productId")),
            quantity=item.quantity,
            unit_price=item.unit_price,
        )
        for i, item in enumerate(items)
    ]


@strawberry.type
class OrderMutation:
    @strawberry.mutation(description="Creates an order with its items, as DRAFT or PLACED.")
    async def create_order(
        self, info: GraphInfo, input: Annotated[CreateOrderInput, INPUT]
    ) -> OrderPayload:
        async def action(session: AsyncSession) -> Order:
            return await service.create_order(
                session=session,
                customer_id=expect_id(input.customer_id, "Customer", ("customerId",)),
                currency=input.currency,
                items=_items(input.items),
                notes=input.notes,
                status=input.status,
            )

        return _payload(*await mutate(info, action))

    @strawberry.mutation(description="Changes an order's notes, or a draft's items.")
    async def update_order(
        self, info: GraphInfo, input: Annotated[UpdateOrderInput, INPUT]
    ) -> OrderPayload:
        async def action(session: AsyncSession) -> Order:
            items = None if input.items is strawberry.UNSET else input.items
            return await service.update_order(
                session=session,
                order_id=expect_id(input.id, "Order", ("id",)),
                expected_version=input.expected_version,
                fields=provided(input, exclude=("id", "expected_version", "items")),
                items=None if items is None else _items(items),
            )

        return _payload(*await mutate(info, action))

    @strawberry.mutation(description="Moves an order to a new status, if the move is allowed.")
    async def change_order_status(
        self, info: GraphInfo, input: Annotated[ChangeOrderStatusInput, INPUT]
    ) -> OrderPayload:
        async def action(session: AsyncSession) -> Order:
            return await service.change_order_status(
                session=session,
                order_id=expect_id(input.id, "Order", ("id",)),
                expected_version=input.expected_version,
                status=input.status,
            )

        return _payload(*await mutate(info, action))

    @strawberry.mutation(description="Records a payment; a fully paid order becomes PAID.")
    async def add_payment(
        self, info: GraphInfo, input: Annotated[AddPaymentInput, INPUT]
    ) -> OrderPayload:
        async def action(session: AsyncSession) -> Order:
            return await service.add_payment(
                session=session,
                order_id=expect_id(input.order_id, "Order", ("orderId",)),
                expected_version=input.expected_version,
                payment=service.NewPayment(
                    amount=input.amount.amount,
                    currency=input.amount.currency,
                    method=input.method,
                    paid_at=input.paid_at,
                    reference=input.reference,
                ),
            )

        return _payload(*await mutate(info, action))

    delete_order = delete_mutation(
        Order,
        payload=OrderPayload,
        description="Deletes an order softly; `restoreOrder` undoes it.",
    )

    restore_order = restore_mutation(
        Order, payload=OrderPayload, description="Restores a deleted order."
    )
