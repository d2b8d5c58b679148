"""Lazy references to the GraphQL types of the interaction domain, for annotations elsewhere: they
import nothing at run time, so any module may use them without an import circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.interactions.inputs import InteractionFilter, InteractionSort
    from crm_graphql.interactions.types import InteractionType


InteractionRef = Annotated["InteractionType", strawberry.lazy("crm_graphql.interactions.types")]
InteractionFilterRef = Annotated[
    "InteractionFilter", strawberry.lazy("crm_graphql.interactions.inputs")
]
InteractionSortRef = Annotated[
    "InteractionSort", strawberry.lazy("crm_graphql.interactions.inputs")
]
