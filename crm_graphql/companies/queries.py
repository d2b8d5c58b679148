"""Company root fields."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import ColumnElement, or_

from crm_graphql.companies.inputs import CompanyFilter, CompanySort
from crm_graphql.companies.models import Company
from crm_graphql.companies.types import CompanyType
from crm_graphql.customers.types import PAGE_ARGS_DOC
from crm_graphql.graphql.arguments import FILTER, ORDER_BY, After, Before, First, Last, ObjectId
from crm_graphql.graphql.fields import resolve_by_id, root_connection
from crm_graphql.graphql.filters import like_pattern
from crm_graphql.graphql.relay import Connection, GraphInfo


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
    @strawberry.field(description="One company by ID (null if it does not exist).")
    async def company(self, info: GraphInfo, id: ObjectId) -> CompanyType | None:
        return await resolve_by_id(info, CompanyType, id)

    @strawberry.field(description="Companies, filtered, sorted and paginated. " + PAGE_ARGS_DOC)
    async def companies(
        self,
        info: GraphInfo,
        filter: Annotated[CompanyFilter | None, FILTER] = None,
        order_by: Annotated[list[CompanySort] | None, ORDER_BY] = None,
        search: Annotated[
            str | None,
            strawberry.argument(description="Text found in the name, domain or website."),
        ] = None,
        include_deleted: Annotated[
            bool, strawberry.argument(description="Also list deleted companies.")
        ] = False,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CompanyType]:
        return await root_connection(
            info,
            CompanyType,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
            include_deleted=include_deleted,
            where=[company_search(search)] if search and search.strip() else [],
        )
