"""Lazy references to the GraphQL types of the users, for annotations elsewhere: they
import nothing at run time, so any module may use them without an import circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.platform.users.types import UserType


UserRef = Annotated["UserType", strawberry.lazy("crm_graphql.platform.users.types")]
