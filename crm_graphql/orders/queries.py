"""Order root fields."""

from __future__ import annotations

import strawberry

from crm_graphql.graphql.fields import node_field, root_list
from crm_graphql.orders.inputs import OrderFilter, OrderSort
from crm_graphql.orders.types import OrderType


@strawberry.type
class OrderQuery:
    order = node_field(OrderType, description="One order by ID (null if it does not exist).")
    orders = root_list(
        OrderType,
        filter=OrderFilter,
        sort=OrderSort,
        include_deleted="Also list deleted orders.",
        description="Orders, filtered, sorted and paginated.",
    )
