"""The domain's model enums, registered once as GraphQL enums with descriptions."""

import strawberry

from crm_graphql.customers.models import (
    AddressKind,
    ContactKind,
    CustomerSource,
    Gender,
    LifecycleStage,
)

strawberry.enum(Gender, description="A person's gender, as they state it.")
strawberry.enum(
    LifecycleStage,
    description="Where a customer stands: LEAD, then PROSPECT, CUSTOMER, or CHURNED.",
)
strawberry.enum(CustomerSource, description="How a customer first came to us.")
strawberry.enum(ContactKind, description="The kind of a contact method.")
strawberry.enum(AddressKind, description="What an address is used for.")
