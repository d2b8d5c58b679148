"""Lead assignment mutations: the rules, and running them over unowned leads."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.ids import expect_id
from crm_graphql.customers.models import Customer
from crm_graphql.customers.types import CustomerType
from crm_graphql.graphql.arguments import INPUT
from crm_graphql.graphql.payloads import UserError, mutate, optional_id, provided
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.leads import service
from crm_graphql.leads.inputs import (
    CreateLeadAssignmentRuleInput,
    DeleteLeadAssignmentRuleInput,
    UpdateLeadAssignmentRuleInput,
)
from crm_graphql.leads.models import LeadAssignmentRule
from crm_graphql.leads.types import LeadAssignmentRuleType


@strawberry.type(description="The result of a lead assignment rule mutation.")
class LeadAssignmentRulePayload:
    lead_assignment_rule: LeadAssignmentRuleType | None = strawberry.field(
        description="The rule as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


@strawberry.type(description="The result of assigning leads.")
class AssignLeadsPayload:
    customers: list[CustomerType] | None = strawberry.field(
        description="The leads that got an owner, in ID order (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


def _rule(rule: LeadAssignmentRule | None, errors: list[UserError]) -> LeadAssignmentRulePayload:
    return LeadAssignmentRulePayload(
        lead_assignment_rule=LeadAssignmentRuleType.from_model(rule) if rule else None,
        errors=errors,
    )


def _user_ids(ids: list[strawberry.ID]) -> list[int]:
    return [expect_id(pk, "User", ("userIds", str(i))) for i, pk in enumerate(ids)]


@strawberry.type
class LeadAssignmentMutation:
    @strawberry.mutation(description="Creates a lead assignment rule.")
    async def create_lead_assignment_rule(
        self, info: GraphInfo, input: Annotated[CreateLeadAssignmentRuleInput, INPUT]
    ) -> LeadAssignmentRulePayload:
        async def action(session: AsyncSession) -> LeadAssignmentRule:
            return await service.create_rule(
                session=session,
                name=input.name,
                strategy=input.strategy,
                user_ids=_user_ids(input.user_ids),
                country=input.country,
                tag_id=optional_id(input.tag_id, "Tag", ("tagId",)),
                position=input.position,
                active=input.active,
            )

        return _rule(*await mutate(info, action))

    @strawberry.mutation(description="Changes a lead assignment rule.")
    async def update_lead_assignment_rule(
        self, info: GraphInfo, input: Annotated[UpdateLeadAssignmentRuleInput, INPUT]
    ) -> LeadAssignmentRulePayload:
        async def action(session: AsyncSession) -> LeadAssignmentRule:
            fields = provided(input)
            if "tag_id" in fields:
                fields["tag_id"] = optional_id(fields["tag_id"], "Tag", ("tagId",))
            if fields.get("user_ids") is not None:
                fields["user_ids"] = _user_ids(fields["user_ids"])
            return await service.update_rule(
                session=session,
                rule_id=expect_id(input.id, "LeadAssignmentRule", ("id",)),
                expected_version=input.expected_version,
                fields=fields,
            )

        return _rule(*await mutate(info, action))

    @strawberry.mutation(description="Deletes a lead assignment rule permanently.")
    async def delete_lead_assignment_rule(
        self, info: GraphInfo, input: Annotated[DeleteLeadAssignmentRuleInput, INPUT]
    ) -> LeadAssignmentRulePayload:
        async def action(session: AsyncSession) -> LeadAssignmentRule:
            return await service.delete_rule(
                session=session,
                rule_id=expect_id(input.id, "LeadAssignmentRule", ("id",)),
                expected_version=input.expected_version,
            )

        return _rule(*await mutate(info, action))

    @strawberry.mutation(
        description="Runs the assignment rules over every unowned LEAD you can see, in ID "
        f"order (at most {service.MAX_ASSIGNED} per call): for leads whose addresses or "
        "tags were added after they were created."
    )
    async def assign_leads(self, info: GraphInfo) -> AssignLeadsPayload:
        async def action(session: AsyncSession) -> list[Customer]:
            return await service.assign_leads(session=session)

        customers, errors = await mutate(info, action)
        return AssignLeadsPayload(
            customers=None
            if customers is None
            else [CustomerType.from_model(c) for c in customers],
            errors=errors,
        )
