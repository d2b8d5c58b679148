"""Lazy references to the deal domain's GraphQL types, for the domains it ranks above."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.deals.inputs import DealFilter, DealListFilter, DealSort
    from crm_graphql.deals.types import DealStageChangeType, DealType

DealRef = Annotated["DealType", strawberry.lazy("crm_graphql.deals.types")]
DealStageChangeRef = Annotated["DealStageChangeType", strawberry.lazy("crm_graphql.deals.types")]
DealFilterRef = Annotated["DealFilter", strawberry.lazy("crm_graphql.deals.inputs")]
DealListFilterRef = Annotated["DealListFilter", strawberry.lazy("crm_graphql.deals.inputs")]
DealSortRef = Annotated["DealSort", strawberry.lazy("crm_graphql.deals.inputs")]
