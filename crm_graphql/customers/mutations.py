"""Customer mutations: customers, their contact methods and addresses."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.ids import expect_id
from crm_graphql.customers import contacts, service
from crm_graphql.customers.inputs import (
    AddAddressInput,
    AddContactMethodInput,
    AddressInput,
    ContactMethodInput,
    CreateCustomerInput,
    RevealNationalIdInput,
    UpdateAddressInput,
    UpdateContactMethodInput,
    UpdateCustomerInput,
)
from crm_graphql.customers.models import Address, ContactMethod, Customer
from crm_graphql.customers.types import (
    AddressType,
    ContactMethodType,
    CustomerType,
    national_id_cipher,
)
from crm_graphql.graphql.arguments import INPUT
from crm_graphql.graphql.mutation_fields import delete_mutation, restore_mutation
from crm_graphql.graphql.payloads import (
    RemoveInput,
    UserError,
    optional_id,
    provided,
)
from crm_graphql.graphql.relay import GraphInfo
from crm_graphql.graphql.transaction import mutate


@strawberry.type(description="The result of a customer mutation.")
class CustomerPayload:
    customer: CustomerType | None = strawberry.field(
        description="The customer as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


@strawberry.type(description="The result of a contact method mutation.")
class ContactMethodPayload:
    contact_method: ContactMethodType | None = strawberry.field(
        description="The contact method as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


@strawberry.type(description="The result of an address mutation.")
class AddressPayload:
    address: AddressType | None = strawberry.field(
        description="The address as it now is (null when there are errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was written, if so.")


def _customer_payload(customer: Customer | None, errors: list[UserError]) -> CustomerPayload:
    return CustomerPayload(
        customer=CustomerType.from_model(customer) if customer else None, errors=errors
    )


def _contact_payload(
    contact: ContactMethod | None, errors: list[UserError]
) -> ContactMethodPayload:
    return ContactMethodPayload(
        contact_method=ContactMethodType.from_model(contact) if contact else None, errors=errors
    )


def _address_payload(address: Address | None, errors: list[UserError]) -> AddressPayload:
    return AddressPayload(
        address=AddressType.from_model(address) if address else None, errors=errors
    )


def _new_contact(c: ContactMethodInput | AddContactMethodInput) -> contacts.NewContactMethod:
    return contacts.NewContactMethod(
        kind=c.kind, value=c.value, label=c.label, is_primary=c.is_primary
    )


def _new_address(a: AddressInput) -> contacts.NewAddress:
    return contacts.NewAddress(
        kind=a.kind,
        line1=a.line1,
        line2=a.line2,
        city=a.city,
        region=a.region,
        postal_code=a.postal_code,
        country=a.country,
    )


def _customer_fields(values: dict[str, object]) -> dict[str, object]:
    if "owner_id" in values:
        values["owner_id"] = optional_id(values["owner_id"], "User", ("ownerId",))
    if "company_id" in values:
        values["company_id"] = optional_id(values["company_id"], "Company", ("companyId",))
    return values


@strawberry.type(description="A national ID in clear, for those allowed to see it.")
class RevealNationalIdPayload:
    customer: CustomerType | None = strawberry.field(description="The customer.")
    national_id: str | None = strawberry.field(
        description="The national ID in clear (null when none is stored or on errors)."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing was shown, if so.")


@strawberry.type
class CustomerMutation:
    @strawberry.mutation(description="Creates a customer with contacts, addresses and tags.")
    async def create_customer(
        self, info: GraphInfo, input: Annotated[CreateCustomerInput, INPUT]
    ) -> CustomerPayload:
        async def action(session: AsyncSession) -> Customer:
            fields = _customer_fields(
                provided(input, exclude=("contact_methods", "addresses", "tag_ids"))
            )
            tag_ids = [
                expect_id(t, "Tag", ("tagIds", str(i))) for i, t in enumerate(input.tag_ids or [])
            ]
            return await service.create_customer(
                session=session,
                fields=fields,
                contact_methods=[_new_contact(c) for c in input.contact_methods or []],
                addresses=[_new_address(a) for a in input.addresses or []],
                tag_ids=tag_ids,
                phone_region=info.context.settings.default_phone_region,
                cipher=national_id_cipher(info),
            )

        return _customer_payload(*await mutate(info, action))

    @strawberry.mutation(
        description="Changes a customer's fields, if `expectedVersion` is current."
    )
    async def update_customer(
        self, info: GraphInfo, input: Annotated[UpdateCustomerInput, INPUT]
    ) -> CustomerPayload:
        async def action(session: AsyncSession) -> Customer:
            return await service.update_customer(
                session=session,
                customer_id=expect_id(input.id, "Customer", ("id",)),
                expected_version=input.expected_version,
                fields=_customer_fields(provided(input)),
                cipher=national_id_cipher(info),
            )

        return _customer_payload(*await mutate(info, action))

    delete_customer = delete_mutation(
        Customer,
        payload=CustomerPayload,
        description="Deletes a customer softly; `restoreCustomer` undoes it.",
    )

    restore_customer = restore_mutation(
        Customer, payload=CustomerPayload, description="Restores a deleted customer."
    )

    @strawberry.mutation(description="Adds a phone, email or handle to a customer.")
    async def add_contact_method(
        self, info: GraphInfo, input: Annotated[AddContactMethodInput, INPUT]
    ) -> ContactMethodPayload:
        async def action(session: AsyncSession) -> ContactMethod:
            return await contacts.add_contact_method(
                session=session,
                customer_id=expect_id(input.customer_id, "Customer", ("customerId",)),
                new=_new_contact(input),
                phone_region=info.context.settings.default_phone_region,
            )

        return _contact_payload(*await mutate(info, action))

    @strawberry.mutation(description="Changes a contact method or makes it primary.")
    async def update_contact_method(
        self, info: GraphInfo, input: Annotated[UpdateContactMethodInput, INPUT]
    ) -> ContactMethodPayload:
        async def action(session: AsyncSession) -> ContactMethod:
            return await contacts.update_contact_method(
                session=session,
                contact_method_id=expect_id(input.id, "ContactMethod", ("id",)),
                expected_version=input.expected_version,
                fields=provided(input),
                phone_region=info.context.settings.default_phone_region,
            )

        return _contact_payload(*await mutate(info, action))

    @strawberry.mutation(description="Removes a contact method permanently.")
    async def remove_contact_method(
        self, info: GraphInfo, input: Annotated[RemoveInput, INPUT]
    ) -> ContactMethodPayload:
        async def action(session: AsyncSession) -> ContactMethod:
            return await contacts.remove_contact_method(
                session=session, contact_method_id=expect_id(input.id, "ContactMethod", ("id",))
            )

        return _contact_payload(*await mutate(info, action))

    @strawberry.mutation(description="Adds an address to a customer or a company.")
    async def add_address(
        self, info: GraphInfo, input: Annotated[AddAddressInput, INPUT]
    ) -> AddressPayload:
        async def action(session: AsyncSession) -> Address:
            return await contacts.add_address(
                session=session,
                customer_id=optional_id(input.customer_id, "Customer", ("customerId",)),
                company_id=optional_id(input.company_id, "Company", ("companyId",)),
                new=_new_address(input),
            )

        return _address_payload(*await mutate(info, action))

    @strawberry.mutation(description="Changes an address.")
    async def update_address(
        self, info: GraphInfo, input: Annotated[UpdateAddressInput, INPUT]
    ) -> AddressPayload:
        async def action(session: AsyncSession) -> Address:
            return await contacts.update_address(
                session=session,
                address_id=expect_id(input.id, "Address", ("id",)),
                expected_version=input.expected_version,
                fields=provided(input),
            )

        return _address_payload(*await mutate(info, action))

    @strawberry.mutation(description="Removes an address permanently.")
    async def remove_address(
        self, info: GraphInfo, input: Annotated[RemoveInput, INPUT]
    ) -> AddressPayload:
        async def action(session: AsyncSession) -> Address:
            return await contacts.remove_address(
                session=session, address_id=expect_id(input.id, "Address", ("id",))
            )

        return _address_payload(*await mutate(info, action))

    @strawberry.mutation(description="Shows a customer's national ID in clear; audited.")
    async def reveal_national_id(
        self, info: GraphInfo, input: Annotated[RevealNationalIdInput, INPUT]
    ) -> RevealNationalIdPayload:
        async def action(session: AsyncSession) -> tuple[Customer, str | None]:
            return await service.reveal_national_id(
                session=session,
                customer_id=expect_id(input.customer_id, "Customer", ("customerId",)),
                cipher=national_id_cipher(info),
            )

        found, errors = await mutate(info, action)
        if found is None:
            return RevealNationalIdPayload(customer=None, national_id=None, errors=errors)
        customer, secret = found
        return RevealNationalIdPayload(
            customer=CustomerType.from_model(customer), national_id=secret, errors=[]
        )
