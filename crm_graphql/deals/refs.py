"""Lazy references to the GraphQL types of the deal domain, for annotations elsewhere: they
import nothing at run time, so any module may use them without an import circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.deals.inputs import DealFilter, DealListFilter, DealSort
    from crm_graphql.deals.types import DealType

DealRef = Annotated["DealType", strawberry.lazy("crm_graphql.deals.types")]
DealFilterRef = Annotated["DealFilter", strawberry.lazy("crm_graphql.deals.inputs")]
DealListFilterRef = Annotated["DealListFilter", strawberry.lazy("crm_graphql.deals.inputs")]
DealSortRef = Annotated["DealSort", strawberry.lazy("crm_graphql.deals.inputs")]
