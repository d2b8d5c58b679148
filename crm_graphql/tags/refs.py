"""Lazy references to the GraphQL types of the tag domain, for annotations elsewhere: they
import nothing at run time, so any module may use them without an import circle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from crm_graphql.tags.inputs import TagFilter, TagSort
    from crm_graphql.tags.types import TagType


TagRef = Annotated["TagType", strawberry.lazy("crm_graphql.tags.types")]
TagFilterRef = Annotated["TagFilter", strawberry.lazy("crm_graphql.tags.inputs")]
TagSortRef = Annotated["TagSort", strawberry.lazy("crm_graphql.tags.inputs")]
