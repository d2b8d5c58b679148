"""The domain's model enums, registered once as GraphQL enums with descriptions."""

import strawberry

from crm_graphql.leads.models import AssignmentStrategy

strawberry.enum(
    AssignmentStrategy,
    description="Which leads a rule takes: any (ROUND_ROBIN), those with an address in its "
    "country (TERRITORY), or those with its tag (TAG).",
)
