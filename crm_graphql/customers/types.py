"""GraphQL types of the customer domain: Customer, ContactMethod, Address."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Annotated

import strawberry

import crm_graphql.customers.enums  # noqa: F401  (registers the GraphQL enums)
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
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last
from crm_graphql.graphql.fields import (
    batched,
    related_connection,
    related_list,
    related_one,
    to_list,
    to_many,
    to_one,
)
from crm_graphql.graphql.relay import Connection, GraphInfo, Node, NodeType, register
from crm_graphql.platform.audit.queries import customer_history
from crm_graphql.platform.audit.types import AuditRecordType

if TYPE_CHECKING:
    from crm_graphql.companies.types import CompanyType
    from crm_graphql.interactions.inputs import InteractionFilter, InteractionSort
    from crm_graphql.interactions.types import InteractionType
    from crm_graphql.orders.inputs import OrderFilter, OrderSort
    from crm_graphql.orders.types import OrderType
    from crm_graphql.platform.users.types import UserType
    from crm_graphql.privacy.types import ConsentType
    from crm_graphql.tags.inputs import TagFilter, TagSort
    from crm_graphql.tags.types import TagType


Company = Annotated["CompanyType", strawberry.lazy("crm_graphql.companies.types")]
User = Annotated["UserType", strawberry.lazy("crm_graphql.platform.users.types")]
Tag = Annotated["TagType", strawberry.lazy("crm_graphql.tags.types")]
TagFilterArg = Annotated["TagFilter", strawberry.lazy("crm_graphql.tags.inputs")]
TagSortArg = Annotated["TagSort", strawberry.lazy("crm_graphql.tags.inputs")]
Order = Annotated["OrderType", strawberry.lazy("crm_graphql.orders.types")]
OrderFilterArg = Annotated["OrderFilter", strawberry.lazy("crm_graphql.orders.inputs")]
OrderSortArg = Annotated["OrderSort", strawberry.lazy("crm_graphql.orders.inputs")]
Interaction = Annotated["InteractionType", strawberry.lazy("crm_graphql.interactions.types")]
Consent = Annotated["ConsentType", strawberry.lazy("crm_graphql.privacy.types")]
InteractionFilterArg = Annotated[
    "InteractionFilter", strawberry.lazy("crm_graphql.interactions.inputs")
]
InteractionSortArg = Annotated[
    "InteractionSort", strawberry.lazy("crm_graphql.interactions.inputs")
]


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

    @strawberry.field(description="The person it belongs to.")
    @to_one(ContactMethod.customer)
    async def customer(self, info: GraphInfo) -> CustomerType | None:
        return await related_one(info, self, ContactMethod.customer)  # type: ignore[no-any-return]


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

    @strawberry.field(description="The person it belongs to, if any.")
    @to_one(Address.customer)
    async def customer(self, info: GraphInfo) -> CustomerType | None:
        return await related_one(info, self, Address.customer)  # type: ignore[no-any-return]

    @strawberry.field(description="The company it belongs to, if any.")
    @to_one(Address.company)
    async def company(self, info: GraphInfo) -> Company | None:
        return await related_one(info, self, Address.company)  # type: ignore[no-any-return]


PAGE_ARGS_DOC = "first/after or last/before: keyset pagination, at most CRM_MAX_PAGE_SIZE."


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

    @strawberry.field(
        description="National ID number, masked (e.g. ••••••1234); `revealNationalId` shows it."
    )
    def national_id(self, info: GraphInfo) -> str | None:
        if self.national_id_enc is None:
            return None
        return national_id_cipher(info).masked(self.pk, self.national_id_enc)

    @strawberry.field(description="Age in whole years, derived from the birthday.")
    def age(self) -> int | None:
        if self.birthday is None:
            return None
        today = utcnow().date()
        before_birthday = (today.month, today.day) < (self.birthday.month, self.birthday.day)
        return today.year - self.birthday.year - before_birthday

    @strawberry.field(description="The company the person works for.")
    @to_one(Customer.company)
    async def company(self, info: GraphInfo) -> Company | None:
        return await related_one(info, self, Customer.company)  # type: ignore[no-any-return]

    @strawberry.field(description="The user who owns this customer.")
    @to_one(Customer.owner)
    async def owner(self, info: GraphInfo) -> User | None:
        return await related_one(info, self, Customer.owner)  # type: ignore[no-any-return]

    @strawberry.field(description="The primary email address, if any.")
    @batched(partial(primary_contacts, kind=ContactKind.EMAIL), uses=lambda: ("id",))
    async def primary_email(self, info: GraphInfo) -> str | None:
        (email,) = await primary_contacts(info.context, [self], ContactKind.EMAIL)
        return email

    @strawberry.field(description="The primary phone number (E.164), if any.")
    @batched(partial(primary_contacts, kind=ContactKind.PHONE), uses=lambda: ("id",))
    async def primary_phone(self, info: GraphInfo) -> str | None:
        (phone,) = await primary_contacts(info.context, [self], ContactKind.PHONE)
        return phone

    @strawberry.field(description="Phones, emails and social handles. " + PAGE_ARGS_DOC)
    async def contact_methods(
        self,
        info: GraphInfo,
        filter: Annotated[ContactMethodFilter | None, FILTER] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ContactMethodType]:
        return await related_connection(
            info,
            self,
            Customer.contact_methods,
            filter=filter,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Postal addresses. " + PAGE_ARGS_DOC)
    async def addresses(
        self,
        info: GraphInfo,
        filter: Annotated[AddressFilter | None, FILTER] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AddressType]:
        return await related_connection(
            info,
            self,
            Customer.addresses,
            filter=filter,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Tags on this customer. " + PAGE_ARGS_DOC)
    @to_many(Customer.tags)
    async def tags(
        self,
        info: GraphInfo,
        filter: Annotated[TagFilterArg | None, FILTER] = None,
        order_by: Annotated[list[TagSortArg] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Tag]:
        return await related_connection(
            info,
            self,
            Customer.tags,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Orders placed by this customer. " + PAGE_ARGS_DOC)
    @to_many(Customer.orders)
    async def orders(
        self,
        info: GraphInfo,
        filter: Annotated[OrderFilterArg | None, FILTER] = None,
        order_by: Annotated[list[OrderSortArg] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Order]:
        return await related_connection(
            info,
            self,
            Customer.orders,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Deals with this customer. " + PAGE_ARGS_DOC)
    @to_many(Customer.deals)
    async def deals(
        self,
        info: GraphInfo,
        filter: Annotated[DealFilterRef | None, FILTER] = None,
        order_by: Annotated[list[DealSortRef] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DealRef]:
        return await related_connection(
            info,
            self,
            Customer.deals,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Consents given and withdrawn, oldest first.")
    @to_list(Customer.consents)
    async def consents(self, info: GraphInfo) -> list[Consent]:
        return await related_list(info, self, Customer.consents)

    @strawberry.field(description="Calls, emails, chats, meetings and notes. " + PAGE_ARGS_DOC)
    @to_many(Customer.interactions)
    async def interactions(
        self,
        info: GraphInfo,
        filter: Annotated[InteractionFilterArg | None, FILTER] = None,
        order_by: Annotated[list[InteractionSortArg] | None, ORDER_BY] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Interaction]:
        return await related_connection(
            info,
            self,
            Customer.interactions,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(
        description="What happened to this customer, its contact methods and addresses, "
        "newest first (empty without audit:read). " + PAGE_ARGS_DOC
    )
    async def history(
        self,
        info: GraphInfo,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AuditRecordType]:
        return await customer_history(
            info, self.pk, first=first, after=after, last=last, before=before
        )


def national_id_cipher(info: GraphInfo) -> NationalIdCipher:
    resources = info.context.resources
    return NationalIdCipher(resources.keyring, resources.blind_index)
