"""Lazy references to the GraphQL types of the order domain, for annotations elsewhere: they
import nothing at run time, so any module may use them without an import circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.orders.inputs import OrderFilter, OrderSort
    from crm_graphql.orders.types import OrderType


OrderRef = Annotated["OrderType", strawberry.lazy("crm_graphql.orders.types")]
OrderFilterRef = Annotated["OrderFilter", strawberry.lazy("crm_graphql.orders.inputs")]
OrderSortRef = Annotated["OrderSort", strawberry.lazy("crm_graphql.orders.inputs")]
