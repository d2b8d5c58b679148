"""Mutation inputs of the privacy domain."""

from __future__ import annotations

import strawberry


@strawberry.input(description="A consent given or withdrawn by a customer.")
class RecordConsentInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    purpose: str = strawberry.field(description="What for, e.g. marketing-email.")
    granted: bool = strawberry.field(description="True: given; false: withdrawn or refused.")
    text_version: str = strawberry.field(description="Version of the wording shown.")
    source: str | None = strawberry.field(default=None, description="Where, e.g. web-form.")


@strawberry.input(description="Whose data to export.")
class ExportCustomerDataInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer (deleted ones too).")


@strawberry.input(description="Whose personal data to erase, irreversibly.")
class EraseCustomerInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer (deleted ones too).")
    reason: str = strawberry.field(description="Why, e.g. 'GDPR art. 17 request #123'.")
