"""User root fields."""

from __future__ import annotations

import strawberry

from crm_graphql.graphql.fields import node_field, root_list
from crm_graphql.platform.users.inputs import UserFilter, UserSort
from crm_graphql.platform.users.types import UserType


@strawberry.type
class UserQuery:
    user = node_field(UserType, description="One user by ID (null if it does not exist).")
    users = root_list(
        UserType,
        filter=UserFilter,
        sort=UserSort,
        page_note=False,
        description="Users of the CRM, filtered, sorted and paginated.",
    )
