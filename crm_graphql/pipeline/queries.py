"""Pipeline, deal and lead assignment root fields."""

from __future__ import annotations

from typing import Annotated

import strawberry

from crm_graphql.customers.types import PAGE_ARGS_DOC
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last, ObjectId
from crm_graphql.graphql.fields import resolve_by_id, root_connection
from crm_graphql.graphql.relay import Connection, GraphInfo
from crm_graphql.pipeline.inputs import (
    DealFilter,
    DealSort,
    LeadAssignmentRuleOrderField,
    LeadAssignmentRuleSort,
    PipelineFilter,
    PipelineSort,
)
from crm_graphql.pipeline.types import DealType, LeadAssignmentRuleType, PipelineType

BY_POSITION = [LeadAssignmentRuleSort(field=LeadAssignmentRuleOrderField.POSITION)]


@strawberry.type
class PipelineQuery:
    @strawberry.field(description="One pipeline by ID (null if it does not exist).")
    async def pipeline(self, info: GraphInfo, id: ObjectId) -> PipelineType | None:
        return await resolve_by_id(info, PipelineType, id)

    @strawberry.field(description="Pipelines, filtered, sorted and paginated. " + PAGE_ARGS_DOC)
    async def pipelines(
        self,
        info: GraphInfo,
        filter: Annotated[PipelineFilter | None, FILTER] = None,
        order_by: Annotated[list[PipelineSort] | None, ORDER_BY] = None,
        include_deleted: Annotated[
            bool, strawberry.argument(description="Also list deleted pipelines.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PipelineType]:
        return await root_connection(
            info,
            PipelineType,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
            include_deleted=include_deleted,
        )

    @strawberry.field(description="One deal by ID (null if it does not exist or is hidden).")
    async def deal(self, info: GraphInfo, id: ObjectId) -> DealType | None:
        return await resolve_by_id(info, DealType, id)

    @strawberry.field(
        description="Deals you can see, filtered, sorted and paginated. " + PAGE_ARGS_DOC
    )
    async def deals(
        self,
        info: GraphInfo,
        filter: Annotated[DealFilter | None, FILTER] = None,
        order_by: Annotated[list[DealSort] | None, ORDER_BY] = None,
        include_deleted: Annotated[
            bool, strawberry.argument(description="Also list deleted deals.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DealType]:
        return await root_connection(
            info,
            DealType,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
            include_deleted=include_deleted,
        )

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
