"""Tag mutations: tags themselves, and tagging customers and companies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.companies.service import require_companies
from crm_graphql.core.ids import expect_id
from crm_graphql.customers.service import require_customers
from crm_graphql.graphql.arguments import INPUT
from crm_graphql.graphql.mutation_fields import delete_mutation, restore_mutation
from crm_graphql.graphql.payloads import UserError, provided
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.graphql.transaction import mutate
from crm_graphql.tags import service
from crm_graphql.tags.inputs import (
    CreateTagInput,
    TagCompaniesInput,
    TagCustomersInput,
    UpdateTagInput,
)
from crm_graphql.tags.models import Tag
from crm_graphql.tags.types import TagType


@strawberry.type(description="The result of a tag mutation.")
class TagPayload:
    tag: TagType | None = strawberry.field(
        description="The tag as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


@strawberry.type(description="The result of tagging or untagging records.")
class TaggingPayload:
    tags: list[TagType] | None = strawberry.field(
        description="The tags applied or removed (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


def _payload(tag: Tag | None, errors: list[UserError]) -> TagPayload:
    return TagPayload(tag=TagType.from_model(tag) if tag else None, errors=errors)


def _tagging(tags: list[Tag] | None, errors: list[UserError]) -> TaggingPayload:
    return TaggingPayload(
        tags=[TagType.from_model(t) for t in tags] if tags is not None else None, errors=errors
    )


def _ids(values: list[strawberry.ID], type_name: str, field: str) -> list[int]:
    return [expect_id(v, type_name, (field, str(i))) for i, v in enumerate(values)]


@strawberry.type
class TagMutation:
    @strawberry.mutation(description="Creates a tag; names are unique ignoring case.")
    async def create_tag(
        self, info: GraphInfo, input: Annotated[CreateTagInput, INPUT]
    ) -> TagPayload:
        async def action(session: AsyncSession) -> Tag:
            return await service.create_tag(session=session, fields=provided(input, exclude=()))

        return _payload(*await mutate(info, action))

    @strawberry.mutation(description="Renames or recolours a tag.")
    async def update_tag(
        self, info: GraphInfo, input: Annotated[UpdateTagInput, INPUT]
    ) -> TagPayload:
        async def action(session: AsyncSession) -> Tag:
            return await service.update_tag(
                session=session,
                tag_id=expect_id(input.id, "Tag", ("id",)),
                expected_version=input.expected_version,
                fields=provided(input),
            )

        return _payload(*await mutate(info, action))

    delete_tag = delete_mutation(
        Tag, payload=TagPayload, description="Deletes a tag softly (it disappears from records)."
    )

    restore_tag = restore_mutation(Tag, payload=TagPayload, description="Restores a deleted tag.")

    @strawberry.mutation(description="Adds every given tag to every given customer.")
    async def tag_customers(
        self, info: GraphInfo, input: Annotated[TagCustomersInput, INPUT]
    ) -> TaggingPayload:
        return _tagging(
            *await mutate(
                info, _set_tagging(input.tag_ids, "customer", input.customer_ids, attach=True)
            )
        )

    @strawberry.mutation(description="Removes every given tag from every given customer.")
    async def untag_customers(
        self, info: GraphInfo, input: Annotated[TagCustomersInput, INPUT]
    ) -> TaggingPayload:
        return _tagging(
            *await mutate(
                info, _set_tagging(input.tag_ids, "customer", input.customer_ids, attach=False)
            )
        )

    @strawberry.mutation(description="Adds every given tag to every given company.")
    async def tag_companies(
        self, info: GraphInfo, input: Annotated[TagCompaniesInput, INPUT]
    ) -> TaggingPayload:
        return _tagging(
            *await mutate(
                info, _set_tagging(input.tag_ids, "company", input.company_ids, attach=True)
            )
        )

    @strawberry.mutation(description="Removes every given tag from every given company.")
    async def untag_companies(
        self, info: GraphInfo, input: Annotated[TagCompaniesInput, INPUT]
    ) -> TaggingPayload:
        return _tagging(
            *await mutate(
                info, _set_tagging(input.tag_ids, "company", input.company_ids, attach=False)
            )
        )


def _set_tagging(
    tag_ids: list[strawberry.ID], target: str, target_ids: list[strawberry.ID], *, attach: bool
) -> Callable[[AsyncSession], Awaitable[list[Tag]]]:
    """The action that links (or unlinks) tags and customers or companies."""
    type_name, exist = (
        ("Customer", require_customers) if target == "customer" else ("Company", require_companies)
    )

    async def action(session: AsyncSession) -> list[Tag]:
        return await service.set_tagging(
            session=session,
            tag_ids=_ids(tag_ids, "Tag", "tagIds"),
            target=target,
            target_ids=_ids(target_ids, type_name, f"{target}Ids"),
            targets_exist=exist,
            attach=attach,
        )

    return action
