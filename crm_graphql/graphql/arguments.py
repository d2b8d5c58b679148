"""Described argument types shared by every list and mutation field."""

from __future__ import annotations

from typing import Annotated

import strawberry

FILTER = strawberry.argument(description="Only items matching all of these conditions.")
ORDER_BY = strawberry.argument(
    description="Sort keys, most significant first; the ID always breaks ties (default: ID)."
)
INPUT = strawberry.argument(description="What to change; see the input type.")

First = Annotated[
    int | None,
    strawberry.argument(description="Return the first n items (after `after`, if given)."),
]
After = Annotated[str | None, strawberry.argument(description="Return items after this cursor.")]
Last = Annotated[
    int | None,
    strawberry.argument(description="Return the last n items (before `before`, if given)."),
]
Before = Annotated[str | None, strawberry.argument(description="Return items before this cursor.")]
ObjectId = Annotated[strawberry.ID, strawberry.argument(description="The object's global ID.")]

PAGE_ARGS_DOC = "first/after or last/before: keyset pagination, at most CRM_MAX_PAGE_SIZE."
