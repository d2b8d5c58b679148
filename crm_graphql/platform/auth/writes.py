"""Access control's part in every write transaction (graphql/transaction.py): who may use a
mutation, and the notice that cached viewers are stale."""

from __future__ import annotations

from crm_graphql.data.access import Viewer
from crm_graphql.graphql.transaction import Write
from crm_graphql.platform.audit.recorder import Touched
from crm_graphql.platform.audit.writes import touched
from crm_graphql.platform.auth.permissions import ROOT_FIELDS


def may_use_mutation(viewer: Viewer, mutation: str) -> bool:
    """The permission matrix (ROOT_FIELDS): a mutation it does not list is denied."""
    need = ROOT_FIELDS.get(mutation)
    return need is not None and viewer.can(need)


def _changes_access(touched: Touched) -> bool:
    """A change that cached viewers may not survive: any token but a new one, any user (a new
    user with a manager changes that manager's team)."""
    return touched.entity_type == "User" or (
        touched.entity_type == "AccessToken" and not touched.inserted
    )


class AccessChanges:
    """After a write to users or tokens, every process reads its cached viewers afresh."""

    def __init__(self, write: Write) -> None:
        self.write = write
        self.changed = False

    async def before_commit(self) -> None:
        self.changed = any(_changes_access(t) for t in touched(self.write))

    async def after_commit(self) -> None:
        if self.changed:
            await self.write.context.resources.events.access_changed()
