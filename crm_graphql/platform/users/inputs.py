"""Filter and sort inputs of users."""

from __future__ import annotations

import enum

import strawberry

import crm_graphql.platform.users.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.graphql.filters import BooleanFilter, EnumFilter, IDFilter, Sort, StringFilter
from crm_graphql.platform.users.models import UserRole


@strawberry.input(description="Conditions on users; all given conditions must hold.")
class UserFilter:
    and_: list[UserFilter] | None = strawberry.field(
        default=None, name="and", description="All of these filters match."
    )
    or_: list[UserFilter] | None = strawberry.field(
        default=None, name="or", description="At least one of these filters matches."
    )
    not_: UserFilter | None = strawberry.field(
        default=None, name="not", description="This filter does not match."
    )
    id: IDFilter | None = strawberry.field(default=None, description="The user's ID.")
    name: StringFilter | None = strawberry.field(default=None, description="Name.")
    email: StringFilter | None = strawberry.field(default=None, description="Email.")
    role: EnumFilter[UserRole] | None = strawberry.field(default=None, description="Role.")
    is_active: BooleanFilter | None = strawberry.field(default=None, description="Active.")


@strawberry.enum(description="Fields users can be sorted by.")
class UserOrderField(enum.Enum):
    ID = "id"
    NAME = "name"
    EMAIL = "email"
    CREATED_AT = "created_at"


@strawberry.input(name="UserOrder", description="A sort key for users.")
class UserSort(Sort[UserOrderField]):
    pass
