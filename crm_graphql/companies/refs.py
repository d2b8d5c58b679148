"""Lazy references to the GraphQL types of the company domain, for annotations elsewhere: they
import nothing at run time, so any module may use them without an import circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.companies.inputs import CompanyFilter, CompanySort
    from crm_graphql.companies.types import CompanyType


CompanyRef = Annotated["CompanyType", strawberry.lazy("crm_graphql.companies.types")]
CompanyFilterRef = Annotated["CompanyFilter", strawberry.lazy("crm_graphql.companies.inputs")]
CompanySortRef = Annotated["CompanySort", strawberry.lazy("crm_graphql.companies.inputs")]
