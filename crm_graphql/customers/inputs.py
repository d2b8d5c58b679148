"""Filter, sort and mutation inputs of the customer domain."""

from __future__ import annotations

import datetime
import enum
from typing import TYPE_CHECKING, Annotated

import strawberry

import crm_graphql.customers.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.customers.models import (
    AddressKind,
    ContactKind,
    CustomerSource,
    Gender,
    LifecycleStage,
)
from crm_graphql.graphql.filters import (
    BooleanFilter,
    DateFilter,
    DateTimeFilter,
    EnumFilter,
    IDFilter,
    Sort,
    StringFilter,
)

if TYPE_CHECKING:
    from crm_graphql.companies.inputs import CompanyFilter
    from crm_graphql.interactions.inputs import InteractionListFilter
    from crm_graphql.orders.inputs import OrderListFilter
    from crm_graphql.tags.inputs import TagListFilter

CompanyFilterRef = Annotated["CompanyFilter", strawberry.lazy("crm_graphql.companies.inputs")]
TagListFilterRef = Annotated["TagListFilter", strawberry.lazy("crm_graphql.tags.inputs")]
OrderListFilterRef = Annotated["OrderListFilter", strawberry.lazy("crm_graphql.orders.inputs")]
InteractionListFilterRef = Annotated[
    "InteractionListFilter", strawberry.lazy("crm_graphql.interactions.inputs")
]

AND = "All of these filters match."
OR = "At least one of these filters matches."
NOT = "This filter does not match."


@strawberry.input(description="Conditions on contact methods; all given conditions must hold.")
class ContactMethodFilter:
    kind: EnumFilter[ContactKind] | None = strawberry.field(default=None, description="Kind.")
    value: StringFilter | None = strawberry.field(default=None, description="Normalised value.")
    label: StringFilter | None = strawberry.field(default=None, description="Label.")
    is_primary: BooleanFilter | None = strawberry.field(default=None, description="Primary.")


@strawberry.input(description="Conditions on the contact methods of a customer.")
class ContactMethodListFilter:
    some: ContactMethodFilter | None = strawberry.field(default=None, description="Any matches.")
    none: ContactMethodFilter | None = strawberry.field(default=None, description="None match.")
    every: ContactMethodFilter | None = strawberry.field(default=None, description="All match.")


@strawberry.input(description="Conditions on addresses; all given conditions must hold.")
class AddressFilter:
    kind: EnumFilter[AddressKind] | None = strawberry.field(default=None, description="Kind.")
    city: StringFilter | None = strawberry.field(default=None, description="City.")
    region: StringFilter | None = strawberry.field(default=None, description="Region.")
    postal_code: StringFilter | None = strawberry.field(default=None, description="Postal code.")
    country: StringFilter | None = strawberry.field(default=None, description="Country code.")


@strawberry.input(description="Conditions on the addresses of a customer or company.")
class AddressListFilter:
    some: AddressFilter | None = strawberry.field(default=None, description="Any matches.")
    none: AddressFilter | None = strawberry.field(default=None, description="None match.")
    every: AddressFilter | None = strawberry.field(default=None, description="All match.")


@strawberry.input(description="Conditions on customers; all given conditions must hold.")
class CustomerFilter:
    and_: list[CustomerFilter] | None = strawberry.field(default=None, name="and", description=AND)
    or_: list[CustomerFilter] | None = strawberry.field(default=None, name="or", description=OR)
    not_: CustomerFilter | None = strawberry.field(default=None, name="not", description=NOT)
    id: IDFilter | None = strawberry.field(default=None, description="The customer's ID.")
    name: StringFilter | None = strawberry.field(default=None, description="Full name.")
    gender: EnumFilter[Gender] | None = strawberry.field(default=None, description="Gender.")
    birthday: DateFilter | None = strawberry.field(default=None, description="Date of birth.")
    occupation: StringFilter | None = strawberry.field(default=None, description="Occupation.")
    lifecycle_stage: EnumFilter[LifecycleStage] | None = strawberry.field(
        default=None, description="Lifecycle stage."
    )
    source: EnumFilter[CustomerSource] | None = strawberry.field(
        default=None, description="Source."
    )
    owner_id: IDFilter | None = strawberry.field(default=None, description="Owning user's ID.")
    company_id: IDFilter | None = strawberry.field(default=None, description="Company's ID.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="Created.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="Changed.")
    company: CompanyFilterRef | None = strawberry.field(
        default=None, description="Their company matches."
    )
    contact_methods: ContactMethodListFilter | None = strawberry.field(
        default=None, description="Their contact methods match."
    )
    addresses: AddressListFilter | None = strawberry.field(
        default=None, description="Their addresses match."
    )
    tags: TagListFilterRef | None = strawberry.field(default=None, description="Their tags match.")
    orders: OrderListFilterRef | None = strawberry.field(
        default=None, description="Their orders match."
    )
    interactions: InteractionListFilterRef | None = strawberry.field(
        default=None, description="Their interactions match."
    )


@strawberry.input(description="Conditions on a list of customers (e.g. a company's people).")
class CustomerListFilter:
    some: CustomerFilter | None = strawberry.field(default=None, description="Any matches.")
    none: CustomerFilter | None = strawberry.field(default=None, description="None match.")
    every: CustomerFilter | None = strawberry.field(default=None, description="All match.")


@strawberry.enum(description="Fields customers can be sorted by.")
class CustomerOrderField(enum.Enum):
    ID = "id"
    NAME = "name"
    BIRTHDAY = "birthday"
    LIFECYCLE_STAGE = "lifecycle_stage"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(name="CustomerOrder", description="A sort key for customers.")
class CustomerSort(Sort[CustomerOrderField]):
    pass


@strawberry.input(description="A contact method to add.")
class ContactMethodInput:
    kind: ContactKind = strawberry.field(description="Phone, email, social handle or other.")
    value: str = strawberry.field(
        description="Phones in international form (+CC...) unless a default region is set."
    )
    label: str | None = strawberry.field(default=None, description="A free label, e.g. mobile.")
    is_primary: bool | None = strawberry.field(
        default=None, description="Make it the primary of its kind (the first one always is)."
    )


@strawberry.input(description="A postal address to add.")
class AddressInput:
    kind: AddressKind = strawberry.field(description="What the address is used for.")
    line1: str = strawberry.field(description="First line (street and number).")
    line2: str | None = strawberry.field(default=None, description="Second line.")
    city: str = strawberry.field(description="City or town.")
    region: str | None = strawberry.field(default=None, description="State or region.")
    postal_code: str | None = strawberry.field(default=None, description="Postal code.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country code, e.g. DE.")


@strawberry.input(description="A new customer, with optional contacts, addresses and tags.")
class CreateCustomerInput:
    name: str = strawberry.field(description="Full name.")
    gender: Gender | None = strawberry.field(default=None, description="Gender.")
    birthday: datetime.date | None = strawberry.field(
        default=None, description="Date of birth; not in the future."
    )
    occupation: str | None = strawberry.field(default=None, description="Occupation.")
    lifecycle_stage: LifecycleStage = strawberry.field(
        default=LifecycleStage.LEAD, description="Lifecycle stage (default LEAD)."
    )
    source: CustomerSource | None = strawberry.field(default=None, description="Source.")
    owner_id: strawberry.ID | None = strawberry.field(default=None, description="Owning user.")
    company_id: strawberry.ID | None = strawberry.field(default=None, description="Company.")
    national_id: str | None = strawberry.field(
        default=None, description="National ID number; stored encrypted, shown masked."
    )
    contact_methods: list[ContactMethodInput] | None = strawberry.field(
        default=None, description="Phones, emails and handles."
    )
    addresses: list[AddressInput] | None = strawberry.field(default=None, description="Addresses.")
    tag_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Tags.")


@strawberry.input(description="Changes to a customer: omitted fields stay, null clears.")
class UpdateCustomerInput:
    id: strawberry.ID = strawberry.field(description="The customer to change.")
    expected_version: int = strawberry.field(
        description="The version you last read; a newer one means a CONFLICT and no change."
    )
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Full name.")
    gender: Gender | None = strawberry.field(default=strawberry.UNSET, description="Gender.")
    birthday: datetime.date | None = strawberry.field(
        default=strawberry.UNSET, description="Date of birth."
    )
    occupation: str | None = strawberry.field(default=strawberry.UNSET, description="Occupation.")
    lifecycle_stage: LifecycleStage | None = strawberry.field(
        default=strawberry.UNSET, description="Lifecycle stage (cannot be cleared)."
    )
    source: CustomerSource | None = strawberry.field(
        default=strawberry.UNSET, description="Source."
    )
    owner_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Owning user."
    )
    company_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Company."
    )
    national_id: str | None = strawberry.field(
        default=strawberry.UNSET, description="National ID number; null removes it."
    )


@strawberry.input(description="A contact method for an existing customer.")
class AddContactMethodInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
    kind: ContactKind = strawberry.field(description="Phone, email, social handle or other.")
    value: str = strawberry.field(description="The phone number, email address or handle.")
    label: str | None = strawberry.field(default=None, description="A free label.")
    is_primary: bool | None = strawberry.field(
        default=None, description="Make it the primary of its kind."
    )


@strawberry.input(description="Changes to a contact method: omitted fields stay.")
class UpdateContactMethodInput:
    id: strawberry.ID = strawberry.field(description="The contact method.")
    expected_version: int = strawberry.field(description="The version you last read.")
    value: str | None = strawberry.field(default=strawberry.UNSET, description="New value.")
    label: str | None = strawberry.field(default=strawberry.UNSET, description="New label.")
    is_primary: bool | None = strawberry.field(
        default=strawberry.UNSET, description="True makes it the primary of its kind."
    )


@strawberry.input(description="An address for a customer or a company (exactly one).")
class AddAddressInput(AddressInput):
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="A customer.")
    company_id: strawberry.ID | None = strawberry.field(default=None, description="A company.")


@strawberry.input(description="Changes to an address: omitted fields stay.")
class UpdateAddressInput:
    id: strawberry.ID = strawberry.field(description="The address.")
    expected_version: int = strawberry.field(description="The version you last read.")
    kind: AddressKind | None = strawberry.field(default=strawberry.UNSET, description="Kind.")
    line1: str | None = strawberry.field(default=strawberry.UNSET, description="First line.")
    line2: str | None = strawberry.field(default=strawberry.UNSET, description="Second line.")
    city: str | None = strawberry.field(default=strawberry.UNSET, description="City.")
    region: str | None = strawberry.field(default=strawberry.UNSET, description="Region.")
    postal_code: str | None = strawberry.field(default=strawberry.UNSET, description="Postal code.")
    country: str | None = strawberry.field(default=strawberry.UNSET, description="Country code.")


@strawberry.input(description="Whose national ID to show in clear (the read is audited).")
class RevealNationalIdInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer.")
