"""GraphQL type of products."""

from __future__ import annotations

from datetime import datetime

import strawberry

from crm_graphql.graphql.relay import Node, NodeType, register
from crm_graphql.graphql.scalars import Money
from crm_graphql.products.models import Product


@register(Product)
@strawberry.type(name="Product", description="Something we sell.")
class ProductType(NodeType, Node):
    sku: str = strawberry.field(description="Stock-keeping unit; unique, upper case.")
    name: str = strawberry.field(description="Name.")
    description: str | None = strawberry.field(description="Description.")
    is_active: bool = strawberry.field(description="Inactive products cannot be ordered.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the product was created.")
    updated_at: datetime = strawberry.field(description="When the product last changed.")
    deleted_at: datetime | None = strawberry.field(description="When it was deleted, if so.")
    unit_price_minor: strawberry.Private[int]
    currency: strawberry.Private[str]

    @strawberry.field(description="List price of one unit.")
    def unit_price(self) -> Money:
        return Money.of(self.unit_price_minor, self.currency)
