"""GraphQL types of pipelines, their stages, deals, stage history and lead assignment rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

import crm_graphql.pipeline.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.companies.types import CompanyType
from crm_graphql.customers.types import PAGE_ARGS_DOC, CustomerType
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last
from crm_graphql.graphql.batch_decorators import to_list, to_many, to_one
from crm_graphql.graphql.relations import related_connection, related_list, related_one
from crm_graphql.graphql.relay import Connection, GraphInfo, Node, NodeType, register
from crm_graphql.graphql.scalars import Money
from crm_graphql.pipeline.inputs import DealFilter, DealOrderField, DealSort
from crm_graphql.pipeline.loaders import rule_users
from crm_graphql.pipeline.models import (
    AssignmentStrategy,
    Deal,
    DealStageChange,
    DealStatus,
    LeadAssignmentRule,
    Pipeline,
    Stage,
    StageKind,
)
from crm_graphql.platform.users.types import UserType
from crm_graphql.tags.models import Tag
from crm_graphql.tags.types import TagType

BY_RANK = [DealSort(field=DealOrderField.RANK)]


@register(Pipeline)
@strawberry.type(
    name="Pipeline", description="A sales process: ordered stages that deals move through."
)
class PipelineType(NodeType, Node):
    name: str = strawberry.field(description="Name, e.g. Sales.")
    is_default: bool = strawberry.field(description="New deals go here unless told otherwise.")
    currency: str = strawberry.field(description="ISO 4217 currency of every deal in it.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the pipeline was created.")
    updated_at: datetime = strawberry.field(description="When the pipeline last changed.")
    deleted_at: datetime | None = strawberry.field(description="When it was deleted, if so.")

    @strawberry.field(description="The stages, in board order.")
    async def stages(self, info: GraphInfo) -> list[StageType]:
        stages: list[StageType] = await related_list(info, self, Pipeline.stages)
        return sorted(stages, key=lambda s: (s.position, s.pk))

    @strawberry.field(description="Deals in this pipeline. " + PAGE_ARGS_DOC)
    @to_many(Pipeline.deals)
    async def deals(
        self,
        info: GraphInfo,
        filter: Annotated[DealFilter | None, FILTER] = None,
        order_by: Annotated[list[DealSort] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DealType]:
        return await related_connection(
            info,
            self,
            Pipeline.deals,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )


@register(Stage)
@strawberry.type(
    name="PipelineStage",
    description="A column of a pipeline's board, with the win probability of its deals.",
)
class StageType(NodeType, Node):
    name: str = strawberry.field(description="Name shown on the column.")
    position: int = strawberry.field(description="0-based position among the pipeline's stages.")
    probability: int = strawberry.field(description="Win probability of its deals, percent.")
    kind: StageKind = strawberry.field(description="OPEN, or WON/LOST for closed deals.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the stage was created.")
    updated_at: datetime = strawberry.field(description="When the stage last changed.")
    deleted_at: datetime | None = strawberry.field(
        description="When it was removed from its pipeline (removed stages show only in "
        "deals' stage history)."
    )
    pipeline_id: strawberry.Private[int]

    @strawberry.field(description="The pipeline it belongs to.")
    @to_one(Stage.pipeline, include_deleted=True)
    async def pipeline(self, info: GraphInfo) -> PipelineType:
        return await related_one(info, self, Stage.pipeline, include_deleted=True)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Deals in this stage, in board order (top first) unless `orderBy` says "
        "otherwise. " + PAGE_ARGS_DOC
    )
    async def deals(
        self,
        info: GraphInfo,
        filter: Annotated[DealFilter | None, FILTER] = None,
        order_by: Annotated[list[DealSort] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DealType]:
        return await related_connection(
            info,
            self,
            Stage.deals,
            filter=filter,
            order_by=order_by or BY_RANK,
            first=first,
            after=after,
            last=last,
            before=before,
        )


@register(Deal)
@strawberry.type(name="Deal", description="A sales opportunity moving through a pipeline's stages.")
class DealType(NodeType, Node):
    title: str = strawberry.field(description="Title.")
    status: DealStatus = strawberry.field(description="OPEN, WON or LOST: its stage's kind.")
    expected_close_date: date | None = strawberry.field(description="When it should close.")
    closed_at: datetime | None = strawberry.field(description="When it was won or lost.")
    lost_reason: str | None = strawberry.field(description="Why it was lost, if it was.")
    source: str | None = strawberry.field(description="Where it came from.")
    stage_entered_at: datetime = strawberry.field(description="When it entered its current stage.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the deal was created.")
    updated_at: datetime = strawberry.field(description="When the deal last changed.")
    deleted_at: datetime | None = strawberry.field(description="When it was deleted, if so.")
    amount_minor: strawberry.Private[int]
    currency: strawberry.Private[str]
    rank: strawberry.Private[float]
    pipeline_id: strawberry.Private[int]
    stage_id: strawberry.Private[int]
    owner_id: strawberry.Private[int | None]
    customer_id: strawberry.Private[int | None]
    company_id: strawberry.Private[int | None]

    @strawberry.field(description="Expected value, in the pipeline's currency.")
    def amount(self) -> Money:
        return Money.of(self.amount_minor, self.currency)

    @strawberry.field(description="The pipeline it is in.")
    @to_one(Deal.pipeline, include_deleted=True)
    async def pipeline(self, info: GraphInfo) -> PipelineType:
        return await related_one(info, self, Deal.pipeline, include_deleted=True)  # type: ignore[no-any-return]

    @strawberry.field(description="The stage it is in.")
    @to_one(Deal.stage)
    async def stage(self, info: GraphInfo) -> StageType:
        return await related_one(info, self, Deal.stage)  # type: ignore[no-any-return]

    @strawberry.field(description="The user who owns it.")
    @to_one(Deal.owner)
    async def owner(self, info: GraphInfo) -> UserType | None:
        return await related_one(info, self, Deal.owner)  # type: ignore[no-any-return]

    @strawberry.field(description="The customer it is with, if any (and visible to you).")
    @to_one(Deal.customer)
    async def customer(self, info: GraphInfo) -> CustomerType | None:
        return await related_one(info, self, Deal.customer)  # type: ignore[no-any-return]

    @strawberry.field(description="The company it is with, if any (and visible to you).")
    @to_one(Deal.company)
    async def company(self, info: GraphInfo) -> CompanyType | None:
        return await related_one(info, self, Deal.company)  # type: ignore[no-any-return]

    @strawberry.field(description="Every stage it has been in, oldest first (creation first).")
    @to_list(Deal.stage_changes)
    async def stage_history(self, info: GraphInfo) -> list[DealStageChangeType]:
        return await related_list(info, self, Deal.stage_changes)


@register(DealStageChange)
@strawberry.type(name="DealStageChange", description="One step of a deal from a stage to another.")
class DealStageChangeType(NodeType, Node):
    changed_at: datetime = strawberry.field(description="When the deal entered `toStage`.")
    deal_id: strawberry.Private[int]
    from_stage_id: strawberry.Private[int | None]
    to_stage_id: strawberry.Private[int]
    user_id: strawberry.Private[int | None]

    @strawberry.field(description="The deal that moved.")
    @to_one(DealStageChange.deal)
    async def deal(self, info: GraphInfo) -> DealType | None:
        return await related_one(info, self, DealStageChange.deal)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The stage it left (null when the deal was created); also a removed one."
    )
    @to_one(DealStageChange.from_stage, include_deleted=True)
    async def from_stage(self, info: GraphInfo) -> StageType | None:
        return await related_one(info, self, DealStageChange.from_stage, include_deleted=True)  # type: ignore[no-any-return]

    @strawberry.field(description="The stage it entered; also a removed one.")
    @to_one(DealStageChange.to_stage, include_deleted=True)
    async def to_stage(self, info: GraphInfo) -> StageType:
        return await related_one(info, self, DealStageChange.to_stage, include_deleted=True)  # type: ignore[no-any-return]

    @strawberry.field(description="Who moved it (null for system changes).")
    @to_one(DealStageChange.user)
    async def user(self, info: GraphInfo) -> UserType | None:
        return await related_one(info, self, DealStageChange.user)  # type: ignore[no-any-return]


@register(LeadAssignmentRule)
@strawberry.type(
    name="LeadAssignmentRule",
    description="Gives new unowned leads an owner: rules are tried by position, and the first "
    "that matches hands the lead to its next user in turn.",
)
class LeadAssignmentRuleType(NodeType, Node):
    name: str = strawberry.field(description="Name.")
    position: int = strawberry.field(description="Rules are tried by ascending position.")
    strategy: AssignmentStrategy = strawberry.field(description="Which leads it takes.")
    country: str | None = strawberry.field(description="TERRITORY: the leads' country.")
    active: bool = strawberry.field(description="Inactive rules are skipped.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the rule was created.")
    updated_at: datetime = strawberry.field(description="When the rule last changed.")
    tag_id: strawberry.Private[int | None]
    next_index: strawberry.Private[int]

    @strawberry.field(description="TAG: the leads' tag.")
    async def tag(self, info: GraphInfo) -> TagType | None:
        if self.tag_id is None:
            return None
        loader = info.context.loaders.by_id(Tag, include_deleted=True)
        row = await loader.load(self.tag_id)
        return None if row is None else TagType.from_row(row)

    @strawberry.field(
        description="The users who take turns, in turn order (inactive or non-SALES users "
        "among them are skipped)."
    )
    async def users(self, info: GraphInfo) -> list[UserType]:
        return [UserType.from_row(row) for row in await rule_users(info, self.pk)]
