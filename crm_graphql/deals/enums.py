"""The domain's model enums, registered once as GraphQL enums with descriptions."""

import strawberry

from crm_graphql.deals.models import DealStatus

strawberry.enum(
    DealStatus, description="Where a deal stands; always the kind of the stage it is in."
)
