"""Interaction root fields."""

from __future__ import annotations

import strawberry

from crm_graphql.graphql.fields import node_field, root_list
from crm_graphql.interactions.inputs import InteractionFilter, InteractionSort
from crm_graphql.interactions.types import InteractionType


@strawberry.type
class InteractionQuery:
    interaction = node_field(
        InteractionType, description="One interaction by ID (null if it does not exist)."
    )
    interactions = root_list(
        InteractionType,
        filter=InteractionFilter,
        sort=InteractionSort,
        include_deleted="Also list deleted interactions.",
        description="Interactions, filtered, sorted and paginated.",
    )
