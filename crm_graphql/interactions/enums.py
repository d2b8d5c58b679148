"""The domain's model enums, registered once as GraphQL enums with descriptions."""

import strawberry

from crm_graphql.interactions.models import InteractionDirection, InteractionKind

strawberry.enum(InteractionKind, description="What kind of contact it was.")
strawberry.enum(InteractionDirection, description="Who reached out, or INTERNAL for notes.")
