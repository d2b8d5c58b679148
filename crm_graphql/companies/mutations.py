"""Company mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.companies import service
from crm_graphql.companies.inputs import CreateCompanyInput, UpdateCompanyInput
from crm_graphql.companies.models import Company
from crm_graphql.companies.types import CompanyType
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


@strawberry.type(description="The result of a company mutation.")
class CompanyPayload:
    company: CompanyType | None = strawberry.field(
        description="The company as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


def _payload(company: Company | None, errors: list[UserError]) -> CompanyPayload:
    return CompanyPayload(
        company=CompanyType.from_model(company) if company else None, errors=errors
    )


def _fields(values: dict[str, object]) -> dict[str, object]:
    if "owner_id" in values:
        values["owner_id"] = optional_id(values["owner_id"], "User", ("ownerId",))
    return values


@strawberry.type
class CompanyMutation:
    @strawberry.mutation(description="Creates a company.")
    async def create_company(
        self, info: GraphInfo, input: Annotated[CreateCompanyInput, INPUT]
    ) -> CompanyPayload:
        async def action(session: AsyncSession) -> Company:
            return await service.create_company(
                session=session, fields=_fields(provided(input, exclude=()))
            )

        return _payload(*await mutate(info, action))

    @strawberry.mutation(description="Changes a company, if `expectedVersion` is current.")
    async def update_company(
        self, info: GraphInfo, input: Annotated[UpdateCompanyInput, INPUT]
    ) -> CompanyPayload:
        async def action(session: AsyncSession) -> Company:
            return await service.update_company(
                session=session,
                company_id=expect_id(input.id, "Company", ("id",)),
                expected_version=input.expected_version,
                fields=_fields(provided(input)),
            )

        return _payload(*await mutate(info, action))

    delete_company = delete_mutation(
        Company,
        payload=CompanyPayload,
        description="Deletes a company softly; `restoreCompany` undoes it.",
    )

    restore_company = restore_mutation(
        Company, payload=CompanyPayload, description="Restores a deleted company."
    )
