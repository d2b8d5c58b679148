"""Lead assignment root fields."""

from __future__ import annotations

import strawberry

from crm_graphql.graphql.fields import root_list
from crm_graphql.leads.inputs import LeadAssignmentRuleOrderField, LeadAssignmentRuleSort
from crm_graphql.leads.types import LeadAssignmentRuleType


@strawberry.type
class LeadAssignmentQuery:
    lead_assignment_rules = root_list(
        LeadAssignmentRuleType,
        sort=LeadAssignmentRuleSort,
        default_order=[LeadAssignmentRuleSort(field=LeadAssignmentRuleOrderField.POSITION)],
        description="Lead assignment rules, in the order they are tried unless `orderBy` says "
        "otherwise.",
    )
