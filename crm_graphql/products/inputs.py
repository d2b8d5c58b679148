"""Filter, sort and mutation inputs of products."""

from __future__ import annotations

import enum

import strawberry

from crm_graphql.graphql.filters import (
    BooleanFilter,
    DateTimeFilter,
    IDFilter,
    MoneyFilter,
    Sort,
    StringFilter,
)
from crm_graphql.graphql.scalars import MoneyInput


@strawberry.input(description="Conditions on products; all given conditions must hold.")
class ProductFilter:
    and_: list[ProductFilter] | None = strawberry.field(
        default=None, name="and", description="All of these filters match."
    )
    or_: list[ProductFilter] | None = strawberry.field(
        default=None, name="or", description="At least one of these filters matches."
    )
    not_: ProductFilter | None = strawberry.field(
        default=None, name="not", description="This filter does not match."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The product's ID.")
    sku: StringFilter | None = strawberry.field(default=None, description="SKU.")
    name: StringFilter | None = strawberry.field(default=None, description="Name.")
    unit_price: MoneyFilter | None = strawberry.field(default=None, description="List price.")
    is_active: BooleanFilter | None = strawberry.field(default=None, description="On sale.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")


@strawberry.enum(description="Fields products can be sorted by.")
class ProductOrderField(enum.Enum):
    ID = "id"
    SKU = "sku"
    NAME = "name"
    UNIT_PRICE = "unit_price_minor"
    CREATED_AT = "created_at"


@strawberry.input(name="ProductOrder", description="A sort key for products.")
class ProductSort(Sort[ProductOrderField]):
    pass


@strawberry.input(description="A new product.")
class CreateProductInput:
    sku: str = strawberry.field(description="Stock-keeping unit; unique.")
    name: str = strawberry.field(description="Name.")
    description: str | None = strawberry.field(default=None, description="Description.")
    unit_price: MoneyInput = strawberry.field(description="List price of one unit.")
    is_active: bool = strawberry.field(default=True, description="On sale (default true).")


@strawberry.input(description="Changes to a product: omitted fields stay, null clears.")
class UpdateProductInput:
    id: strawberry.ID = strawberry.field(description="The product to change.")
    expected_version: int = strawberry.field(description="The version you last read.")
    sku: str | None = strawberry.field(default=strawberry.UNSET, description="SKU.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Name.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Description.")
    unit_price: MoneyInput | None = strawberry.field(
        default=strawberry.UNSET, description="List price."
    )
    is_active: bool | None = strawberry.field(default=strawberry.UNSET, description="On sale.")
