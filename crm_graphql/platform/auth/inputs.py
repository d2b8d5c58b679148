"""Mutation inputs of the auth domain."""

from __future__ import annotations

import datetime

import strawberry

import crm_graphql.platform.auth.enums  # noqa: F401  (registers the GraphQL enums)
from crm_graphql.platform.auth.permissions import Permission


@strawberry.input(description="Credentials of a user.")
class LoginInput:
    email: str = strawberry.field(description="The user's email address.")
    password: str = strawberry.field(description="The user's password.")


@strawberry.input(description="A token for an integration, acting as one user.")
class CreateApiTokenInput:
    name: str = strawberry.field(description="What it is for, e.g. 'ERP sync'.")
    user_id: strawberry.ID = strawberry.field(description="The user whose rights it carries.")
    permissions: list[Permission] = strawberry.field(
        description="What it may do; only rights the user's role has take effect."
    )
    expires_at: datetime.datetime = strawberry.field(description="At most a year ahead.")


@strawberry.input(description="A token to revoke at once.")
class RevokeApiTokenInput:
    id: strawberry.ID = strawberry.field(description="The token's ID.")
