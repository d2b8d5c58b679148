"""Lazy references to the GraphQL types of the customer domain, for annotations elsewhere: they
import nothing at run time, so any module may use them without an import circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.customers.inputs import (
        CustomerFilter,
        CustomerSort,
    )
    from crm_graphql.customers.types import AddressType, CustomerType


CustomerRef = Annotated["CustomerType", strawberry.lazy("crm_graphql.customers.types")]
AddressRef = Annotated["AddressType", strawberry.lazy("crm_graphql.customers.types")]
CustomerFilterRef = Annotated["CustomerFilter", strawberry.lazy("crm_graphql.customers.inputs")]
CustomerSortRef = Annotated["CustomerSort", strawberry.lazy("crm_graphql.customers.inputs")]
