"""Tag root fields."""

from __future__ import annotations

import strawberry

from crm_graphql.graphql.fields import node_field, root_list
from crm_graphql.tags.inputs import TagFilter, TagSort
from crm_graphql.tags.types import TagType


@strawberry.type
class TagQuery:
    tag = node_field(TagType, description="One tag by ID (null if it does not exist).")
    tags = root_list(
        TagType,
        filter=TagFilter,
        sort=TagSort,
        include_deleted="Also list deleted tags.",
        description="Tags, filtered, sorted and paginated.",
    )
