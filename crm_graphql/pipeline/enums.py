"""The domain's model enums, registered once as GraphQL enums with descriptions."""

import strawberry

from crm_graphql.pipeline.models import AssignmentStrategy, DealStatus, StageKind

strawberry.enum(
    StageKind,
    description="What a stage means: OPEN (work in progress), WON or LOST (the deal is closed).",
)
strawberry.enum(
    DealStatus, description="Where a deal stands; always the kind of the stage it is in."
)
strawberry.enum(
    AssignmentStrategy,
    description="Which leads a rule takes: any (ROUND_ROBIN), those with an address in its "
    "country (TERRITORY), or those with its tag (TAG).",
)
