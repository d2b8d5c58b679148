"""Lazy references to the lead assignment domain's GraphQL types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.leads.inputs import LeadAssignmentRuleSort
    from crm_graphql.leads.types import LeadAssignmentRuleType

LeadAssignmentRuleRef = Annotated[
    "LeadAssignmentRuleType", strawberry.lazy("crm_graphql.leads.types")
]
LeadAssignmentRuleSortRef = Annotated[
    "LeadAssignmentRuleSort", strawberry.lazy("crm_graphql.leads.inputs")
]
