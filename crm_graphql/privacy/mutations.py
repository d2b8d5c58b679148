"""Privacy mutations: consent, data-subject export and erasure (all audited)."""

from __future__ import annotations

from typing import Annotated, Any, cast

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.scalars import JSON

from crm_graphql.core.db import checkpoint_wal
from crm_graphql.core.ids import expect_id
from crm_graphql.customers.models import Customer
from crm_graphql.customers.types import CustomerType, national_id_cipher
from crm_graphql.graphql.arguments import INPUT
from crm_graphql.graphql.payloads import UserError
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.graphql.transaction import mutate
from crm_graphql.privacy import service
from crm_graphql.privacy.inputs import (
    EraseCustomerInput,
    ExportCustomerDataInput,
    RecordConsentInput,
)
from crm_graphql.privacy.models import Consent
from crm_graphql.privacy.types import ConsentType


@strawberry.type(description="The result of recording a consent.")
class ConsentPayload:
    consent: ConsentType | None = strawberry.field(description="The new consent record.")
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


@strawberry.type(description="Everything held about one person.")
class CustomerDataPayload:
    data: JSON | None = strawberry.field(
        description="The person's data as one JSON document (null on errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was exported, if so.")


@strawberry.type(description="The result of an erasure.")
class EraseCustomerPayload:
    customer: CustomerType | None = strawberry.field(
        description="What remains: an anonymous record that keeps the orders' books."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was erased, if so.")


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(description="Records a consent given or withdrawn (append-only).")
    async def record_consent(
        self, info: GraphInfo, input: Annotated[RecordConsentInput, INPUT]
    ) -> ConsentPayload:
        async def action(session: AsyncSession) -> Consent:
            return await service.record_consent(
                session=session,
                customer_id=expect_id(input.customer_id, "Customer", ("customerId",)),
                purpose=input.purpose,
                granted=input.granted,
                text_version=input.text_version,
                source=input.source,
            )

        consent, errors = await mutate(info, action)
        return ConsentPayload(
            consent=ConsentType.from_model(consent) if consent else None, errors=errors
        )

    @strawberry.mutation(description="Exports everything held about a person, as JSON; audited.")
    async def export_customer_data(
        self, info: GraphInfo, input: Annotated[ExportCustomerDataInput, INPUT]
    ) -> CustomerDataPayload:
        async def action(session: AsyncSession) -> dict[str, Any]:
            return await service.export_customer_data(
                session=session,
                customer_id=expect_id(input.customer_id, "Customer", ("customerId",)),
                cipher=national_id_cipher(info),
            )

        data, errors = await mutate(info, action)
        return CustomerDataPayload(data=cast(JSON | None, data), errors=errors)

    @strawberry.mutation(
        description="Erases a person's data everywhere, irreversibly; orders stay, anonymised."
    )
    async def erase_customer(
        self, info: GraphInfo, input: Annotated[EraseCustomerInput, INPUT]
    ) -> EraseCustomerPayload:
        async def action(session: AsyncSession) -> Customer:
            return await service.erase_customer(
                session=session,
                customer_id=expect_id(input.customer_id, "Customer", ("customerId",)),
                reason=input.reason,
            )

        customer, errors = await mutate(info, action)
        if customer is not None:  # committed: the old pages must not linger in the WAL
            await checkpoint_wal(info.context.resources.engine)
        return EraseCustomerPayload(
            customer=CustomerType.from_model(customer) if customer else None, errors=errors
        )
