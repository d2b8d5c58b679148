"""The domain's model enums, registered once as GraphQL enums with descriptions."""

import strawberry

from crm_graphql.platform.users.models import UserRole

strawberry.enum(UserRole, description="What a user may do; see the README's roles table.")
