"""GraphQL types of the customer domain: Customer, ContactMethod, Address."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

import strawberry

import crm_graphql.customers.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.companies.refs import CompanyRef
from crm_graphql.core.db import utcnow
from crm_graphql.customers.inputs import AddressFilter, ContactMethodFilter
from crm_graphql.customers.loaders import primary_contacts
from crm_graphql.customers.models import (
    Address,
    AddressKind,
    ContactKind,
    ContactMethod,
    Customer,
    CustomerSource,
    Gender,
    LifecycleStage,
)
from crm_graphql.customers.national_id import NationalIdCipher
from crm_graphql.deals.refs import DealFilterRef, DealRef, DealSortRef
from crm_graphql.graphql.arguments import PAGE_ARGS_DOC
from crm_graphql.graphql.fields import PAGE_ARGUMENTS, batch_field, to_list, to_many, to_one
from crm_graphql.graphql.relay import Connection, GraphInfo, Node, NodeType, register
from crm_graphql.interactions.refs import (
    InteractionFilterRef,
    InteractionRef,
    InteractionSortRef,
)
from crm_graphql.orders.refs import OrderFilterRef, OrderRef, OrderSortRef
from crm_graphql.platform.audit.queries import customer_histories
from crm_graphql.platform.audit.refs import AuditRecordRef
from crm_graphql.platform.users.refs import UserRef
from crm_graphql.privacy.refs import ConsentRef
from crm_graphql.tags.refs import TagFilterRef, TagRef, TagSortRef

__all__ = ["PAGE_ARGS_DOC", "AddressType", "ContactMethodType", "CustomerType"]


@register(ContactMethod)
@strawberry.type(name="ContactMethod", description="A phone, email or social handle of a person.")
class ContactMethodType(NodeType, Node):
    kind: ContactKind = strawberry.field(description="Phone, email, social handle or other.")
    value: str = strawberry.field(
        description="The normalised value: E.164 phone numbers, lower-case emails."
    )
    label: str | None = strawberry.field(description="A free label, e.g. work or mobile.")
    is_primary: bool = strawberry.field(description="The one to use for this kind.")
    version: int = strawberry.field(description="Increases on every change.")
    created_at: datetime = strawberry.field(description="When it was added.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    customer_id: strawberry.Private[int]

    customer: CustomerType | None = to_one(
        ContactMethod.customer, description="The person it belongs to."
    )


@register(Address)
@strawberry.type(name="Address", description="A postal address of a person or a company.")
class AddressType(NodeType, Node):
    kind: AddressKind = strawberry.field(description="Home, work, billing, shipping, registered.")
    line1: str = strawberry.field(description="First address line (street and number).")
    line2: str | None = strawberry.field(description="Second address line.")
    city: str = strawberry.field(description="City or town.")
    region: str | None = strawberry.field(description="State, province or region.")
    postal_code: str | None = strawberry.field(description="Postal or ZIP code.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country code.")
    version: int = strawberry.field(description="Increases on every change.")
    created_at: datetime = strawberry.field(description="When it was added.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    customer_id: strawberry.Private[int | None]
    company_id: strawberry.Private[int | None]

    customer: CustomerType | None = to_one(
        Address.customer, description="The person it belongs to, if any."
    )
    company: CompanyRef | None = to_one(
        Address.company, description="The company it belongs to, if any."
    )


@register(Customer)
@strawberry.type(
    name="Customer",
    description="A person we sell to or talk with, with contacts, company, orders and history.",
)
class CustomerType(NodeType, Node):
    name: str = strawberry.field(description="Full name.")
    gender: Gender | None = strawberry.field(description="Gender, as the person states it.")
    birthday: date | None = strawberry.field(description="Date of birth.")
    occupation: str | None = strawberry.field(description="Job title or occupation.")
    lifecycle_stage: LifecycleStage = strawberry.field(description="Lead, prospect, customer...")
    source: CustomerSource | None = strawberry.field(description="How they first came to us.")
    version: int = strawberry.field(
        description="Increases on every change; send it back as `expectedVersion` to update."
    )
    created_at: datetime = strawberry.field(description="When the record was created.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    deleted_at: datetime | None = strawberry.field(
        description="When it was deleted (deleted customers can be restored)."
    )
    erased_at: datetime | None = strawberry.field(
        description="When the person's data was erased (eraseCustomer); such records stay deleted."
    )
    owner_id: strawberry.Private[int | None]
    company_id: strawberry.Private[int | None]
    national_id_enc: strawberry.Private[str | None]

    # computed fields are declared in their place among the others (GraphQL shows fields in
    # the order of their annotations), their resolvers just before them
    def _national_id(self, info: GraphInfo) -> str | None:
        if self.national_id_enc is None:
            return None
        return national_id_cipher(info).masked(self.pk, self.national_id_enc)

    national_id: str | None = strawberry.field(
        resolver=_national_id,
        description="National ID number, masked (e.g. ••••••1234); `revealNationalId` shows it.",
    )

    def _age(self) -> int | None:
        if self.birthday is None:
            return None
        today = utcnow().date()
        before_birthday = (today.month, today.day) < (self.birthday.month, self.birthday.day)
        return today.year - self.birthday.year - before_birthday

    age: int | None = strawberry.field(
        resolver=_age, description="Age in whole years, derived from the birthday."
    )
    company: CompanyRef | None = to_one(
        Customer.company, description="The company the person works for."
    )
    owner: UserRef | None = to_one(Customer.owner, description="The user who owns this customer.")
    primary_email: str | None = batch_field(
        partial(primary_contacts, kind=ContactKind.EMAIL),
        uses=lambda: ("id",),
        description="The primary email address, if any.",
    )
    primary_phone: str | None = batch_field(
        partial(primary_contacts, kind=ContactKind.PHONE),
        uses=lambda: ("id",),
        description="The primary phone number (E.164), if any.",
    )
    contact_methods: Connection[ContactMethodType] = to_many(
        Customer.contact_methods,
        filter=ContactMethodFilter,
        description="Phones, emails and social handles.",
    )
    addresses: Connection[AddressType] = to_many(
        Customer.addresses, filter=AddressFilter, description="Postal addresses."
    )
    tags: Connection[TagRef] = to_many(
        Customer.tags, filter=TagFilterRef, sort=TagSortRef, description="Tags on this customer."
    )
    orders: Connection[OrderRef] = to_many(
        Customer.orders,
        filter=OrderFilterRef,
        sort=OrderSortRef,
        description="Orders placed by this customer.",
    )
    deals: Connection[DealRef] = to_many(
        Customer.deals,
        filter=DealFilterRef,
        sort=DealSortRef,
        description="Deals with this customer.",
    )
    consents: list[ConsentRef] = to_list(
        Customer.consents, description="Consents given and withdrawn, oldest first."
    )
    interactions: Connection[InteractionRef] = to_many(
        Customer.interactions,
        filter=InteractionFilterRef,
        sort=InteractionSortRef,
        description="Calls, emails, chats, meetings and notes.",
    )
    history: Connection[AuditRecordRef] = batch_field(
        customer_histories,
        uses=lambda: ("id",),
        arguments=PAGE_ARGUMENTS,
        description="What happened to this customer, its contact methods and addresses, "
        "newest first (empty without audit:read). " + PAGE_ARGS_DOC,
    )


def national_id_cipher(info: GraphInfo) -> NationalIdCipher:
    resources = info.context.resources
    return NationalIdCipher(resources.keyring, resources.blind_index)
