"""Product mutations."""

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
from crm_graphql.products import service
from crm_graphql.products.inputs import CreateProductInput, UpdateProductInput
from crm_graphql.products.models import Product
from crm_graphql.products.types import ProductType


@strawberry.type(description="The result of a product mutation.")
class ProductPayload:
    product: ProductType | None = strawberry.field(
        description="The product as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


def _payload(product: Product | None, errors: list[UserError]) -> ProductPayload:
    return ProductPayload(
        product=ProductType.from_model(product) if product else None, errors=errors
    )


@strawberry.type
class ProductMutation:
    @strawberry.mutation(description="Creates a product.")
    async def create_product(
        self, info: GraphInfo, input: Annotated[CreateProductInput, INPUT]
    ) -> ProductPayload:
        async def action(session: AsyncSession) -> Product:
            return await service.create_product(session=session, fields=provided(input, exclude=()))

        return _payload(*await mutate(info, action))

    @strawberry.mutation(description="Changes a product, if `expectedVersion` is current.")
    async def update_product(
        self, info: GraphInfo, input: Annotated[UpdateProductInput, INPUT]
    ) -> ProductPayload:
        async def action(session: AsyncSession) -> Product:
            return await service.update_product(
                session=session,
                product_id=expect_id(input.id, "Product", ("id",)),
                expected_version=input.expected_version,
                fields=provided(input),
            )

        return _payload(*await mutate(info, action))

    delete_product = delete_mutation(
        Product,
        payload=ProductPayload,
        description="Deletes a product softly; existing orders keep it.",
    )

    restore_product = restore_mutation(
        Product, payload=ProductPayload, description="Restores a deleted product."
    )
