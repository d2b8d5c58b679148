"""The domain's model enums, registered once as GraphQL enums with descriptions."""

import strawberry

from crm_graphql.orders.models import OrderStatus, PaymentMethod

strawberry.enum(
    OrderStatus,
    description="DRAFT -> PLACED -> PAID -> SHIPPED; CANCELLED before payment, REFUNDED after.",
)
strawberry.enum(PaymentMethod, description="How a payment was made.")
