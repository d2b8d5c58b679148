"""The auth domain's enums, registered once as GraphQL enums with descriptions."""

import strawberry

from crm_graphql.platform.auth.models import TokenKind
from crm_graphql.platform.auth.permissions import Permission

strawberry.enum(TokenKind, description="SESSION tokens come from `login`; API tokens from admins.")
strawberry.enum(Permission, description="One right, e.g. CUSTOMERS_READ; see the roles table.")
