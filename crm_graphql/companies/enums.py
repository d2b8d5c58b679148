"""The domain's model enums, registered once as GraphQL enums with descriptions."""

import strawberry

from crm_graphql.companies.models import CompanySize

strawberry.enum(
    CompanySize,
    description="Head-count band: MICRO <10, SMALL <50, MEDIUM <250, LARGE <1000, ENTERPRISE more.",
)
