"""Interaction mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.ids import expect_id
from crm_graphql.graphql.arguments import INPUT
from crm_graphql.graphql.mutation_fields import delete_mutation, restore_mutation
from crm_graphql.graphql.payloads import (
    UserError,
    optional_id,
    provided,
)
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.graphql.transaction import mutate
from crm_graphql.interactions import service
from crm_graphql.interactions.inputs import LogInteractionInput, UpdateInteractionInput
from crm_graphql.interactions.models import Interaction
from crm_graphql.interactions.types import InteractionType


@strawberry.type(description="The result of an interaction mutation.")
class InteractionPayload:
    interaction: InteractionType | None = strawberry.field(
        description="The interaction as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


def _payload(interaction: Interaction | None, errors: list[UserError]) -> InteractionPayload:
    return InteractionPayload(
        interaction=InteractionType.from_model(interaction) if interaction else None,
        errors=errors,
    )


@strawberry.type
class InteractionMutation:
    @strawberry.mutation(description="Logs a call, email, chat, meeting or note on a customer.")
    async def log_interaction(
        self, info: GraphInfo, input: Annotated[LogInteractionInput, INPUT]
    ) -> InteractionPayload:
        async def action(session: AsyncSession) -> Interaction:
            fields = provided(input, exclude=())
            fields["customer_id"] = expect_id(input.customer_id, "Customer", ("customerId",))
            fields["user_id"] = optional_id(input.user_id, "User", ("userId",))
            return await service.log_interaction(session=session, fields=fields)

        return _payload(*await mutate(info, action))

    @strawberry.mutation(description="Changes an interaction, if `expectedVersion` is current.")
    async def update_interaction(
        self, info: GraphInfo, input: Annotated[UpdateInteractionInput, INPUT]
    ) -> InteractionPayload:
        async def action(session: AsyncSession) -> Interaction:
            return await service.update_interaction(
                session=session,
                interaction_id=expect_id(input.id, "Interaction", ("id",)),
                expected_version=input.expected_version,
                fields=provided(input),
            )

        return _payload(*await mutate(info, action))

    delete_interaction = delete_mutation(
        Interaction, payload=InteractionPayload, description="Deletes an interaction softly."
    )

    restore_interaction = restore_mutation(
        Interaction, payload=InteractionPayload, description="Restores a deleted interaction."
    )
