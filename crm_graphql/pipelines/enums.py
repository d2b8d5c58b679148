"""The domain's model enums, registered once as GraphQL enums with descriptions."""

import strawberry

from crm_graphql.pipelines.models import StageKind

strawberry.enum(
    StageKind,
    description="What a stage means: OPEN (work in progress), WON or LOST (the deal is closed).",
)
