"""Product root fields."""

from __future__ import annotations

import strawberry

from crm_graphql.graphql.fields import node_field, root_list
from crm_graphql.products.inputs import ProductFilter, ProductSort
from crm_graphql.products.types import ProductType


@strawberry.type
class ProductQuery:
    product = node_field(ProductType, description="One product by ID (null if it does not exist).")
    products = root_list(
        ProductType,
        filter=ProductFilter,
        sort=ProductSort,
        include_deleted="Also list deleted products.",
        description="Products, filtered, sorted and paginated.",
    )
