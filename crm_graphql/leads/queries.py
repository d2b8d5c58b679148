"""Lead assignment root fields."""

from __future__ import annotations

from typing import Annotated

import strawberry

from crm_graphql.customers.types import PAGE_ARGS_DOC
from crm_graphql.graphql.arguments import ORDER_BY, After, Before, First, Last
from crm_graphql.graphql.fields import root_connection
from crm_graphql.graphql.relay import Connection, GraphInfo
from crm_graphql.leads.inputs import LeadAssignmentRuleOrderField, LeadAssignmentRuleSort
from crm_graphql.leads.types import LeadAssignmentRuleType

BY_POSITION = [LeadAssignmentRuleSort(field=LeadAssignmentRuleOrderField.POSITION)]


@strawberry.type
class LeadAssignmentQuery:
    @strawberry.field(
        description="Lead assignment rules, in the order they are tried unless `orderBy` says "
        "otherwise. " + PAGE_ARGS_DOC
    )
    async def lead_assignment_rules(
        self,
        info: GraphInfo,
        order_by: Annotated[list[LeadAssignmentRuleSort] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[LeadAssignmentRuleType]:
        return await root_connection(
            info,
            LeadAssignmentRuleType,
            filter=None,
            order_by=order_by or BY_POSITION,
            first=first,
            after=after,
            last=last,
            before=before,
        )
