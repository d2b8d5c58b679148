"""Lazy references to the GraphQL types of the product domain, for annotations elsewhere: they
import nothing at run time, so any module may use them without an import circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.products.types import ProductType


ProductRef = Annotated["ProductType", strawberry.lazy("crm_graphql.products.types")]
