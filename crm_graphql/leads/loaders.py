"""Batch loads of the lead assignment domain beyond the generic relation loaders."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import select

from crm_graphql.data.reader import AnyRow
from crm_graphql.leads.models import lead_assignment_rule_users
from crm_graphql.platform.users.models import User

if TYPE_CHECKING:
    from crm_graphql.graphql.relay import GraphInfo


async def rule_users(info: GraphInfo, rule_id: int) -> list[AnyRow]:
    """The users of an assignment rule in turn order, for every rule of the request at once."""
    ctx = info.context

    async def users_by_rule(ids: list[int]) -> list[list[AnyRow]]:
        link = lead_assignment_rule_users
        users = User.__table__
        rows = await ctx.reader.rows(
            select(*users.c, link.c.rule_id.label("crm_rule"))
            .join(link, link.c.user_id == users.c.id)
            .where(link.c.rule_id.in_(ids), *ctx.scope(User))
            .order_by(link.c.rule_id, link.c.position)
        )
        found: dict[int, list[AnyRow]] = defaultdict(list)
        for row in rows:
            found[row.crm_rule].append(row)
        return [found[i] for i in ids]

    loader = ctx.loaders.custom("users_by_rule", users_by_rule)
    return await loader.load(rule_id)  # type: ignore[no-any-return]
