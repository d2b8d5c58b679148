"""Company root fields."""

from __future__ import annotations

import strawberry
from sqlalchemy import ColumnElement, or_

from crm_graphql.companies.inputs import CompanyFilter, CompanySort
from crm_graphql.companies.models import Company
from crm_graphql.companies.types import CompanyType
from crm_graphql.graphql.fields import node_field, root_list, text_search
from crm_graphql.graphql.filters import like_pattern


def company_search(text: str) -> ColumnElement[bool]:
    """Name, domain or website contains the text."""
    pattern = like_pattern(text.strip())
    return or_(
        *(
            col.ilike(pattern, escape="\\")
            for col in (Company.name, Company.domain, Company.website)
        )
    )


@strawberry.type
class CompanyQuery:
    company = node_field(CompanyType, description="One company by ID (null if it does not exist).")
    companies = root_list(
        CompanyType,
        filter=CompanyFilter,
        sort=CompanySort,
        narrowing=[
            text_search(company_search, description="Text found in the name, domain or website.")
        ],
        include_deleted="Also list deleted companies.",
        description="Companies, filtered, sorted and paginated.",
    )
