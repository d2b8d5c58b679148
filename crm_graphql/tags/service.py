"""Tag domain logic: unique names, colours, and tagging customers and companies."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.db import utcnow
from crm_graphql.core.errors import ErrorCode, Problems
from crm_graphql.core.validators import required_text
from crm_graphql.data.records import check_version, find, require_all
from crm_graphql.platform.audit.recorder import note
from crm_graphql.tags.models import Tag, company_tags, customer_tags

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_BULK = 500


async def require_tags(
    session: AsyncSession, pks: Sequence[int], field: Sequence[str], problems: Problems
) -> list[Tag]:
    """The live tags named by `pks` (duplicates dropped); NOT_FOUND problems for missing ones."""
    return list(dict.fromkeys(await require_all(session, Tag, pks, field, problems)))


async def _clean(
    session: AsyncSession, values: Mapping[str, Any], problems: Problems, tag_id: int | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in values:
        name = problems.check(required_text, values["name"] or "", ("name",), 50)
        if name is not None:
            key = name.casefold()
            clash = (
                await session.execute(select(Tag).where(Tag.name_key == key))
            ).scalar_one_or_none()
            if clash is not None and clash.id != tag_id:
                hint = " (it is deleted: restore it instead)" if clash.deleted_at else ""
                problems.add(
                    ("name",), f"A tag named {clash.name!r} exists{hint}.", ErrorCode.DUPLICATE
                )
            out["name"], out["name_key"] = name, key
    if "color" in values:
        color = values["color"]
        if color is not None and not _COLOR.match(color):
            problems.add(("color",), "A colour is #RRGGBB, e.g. #1E90FF.")
        out["color"] = color.upper() if color else None
    return out


async def create_tag(*, session: AsyncSession, fields: Mapping[str, Any]) -> Tag:
    problems = Problems()
    values = await _clean(session, fields, problems, None)
    problems.raise_if_any()
    tag = Tag(**values)
    session.add(tag)
    await session.flush()
    return tag


async def update_tag(
    *, session: AsyncSession, tag_id: int, expected_version: int, fields: Mapping[str, Any]
) -> Tag:
    tag = await find(session, Tag, tag_id, ("id",))
    check_version(tag, expected_version, ("expectedVersion",))
    problems = Problems()
    values = await _clean(session, fields, problems, tag_id)
    problems.raise_if_any()
    for key, value in values.items():
        setattr(tag, key, value)
    await session.flush()
    return tag


def _link_table(target: str) -> Any:
    return customer_tags if target == "customer" else company_tags


async def set_tagging(
    *,
    session: AsyncSession,
    tag_ids: Sequence[int],
    target: str,
    target_ids: Sequence[int],
    targets_exist: Callable[[AsyncSession, list[int], Problems], Awaitable[object]],
    attach: bool,
) -> list[Tag]:
    """Attaches (or detaches) every tag to every target; idempotent."""
    problems = Problems()
    if not tag_ids:
        problems.add(("tagIds",), "Give at least one tag.")
    if not target_ids:
        problems.add((f"{target}Ids",), f"Give at least one {target}.")
    if len(tag_ids) * len(target_ids) > MAX_BULK * 10 or len(target_ids) > MAX_BULK:
        problems.add((f"{target}Ids",), f"At most {MAX_BULK} {target}s at once.")
    problems.raise_if_any()
    tags = await require_tags(session, tag_ids, ("tagIds",), problems)
    await targets_exist(session, list(target_ids), problems)
    problems.raise_if_any()
    table = _link_table(target)
    entity = "Customer" if target == "customer" else "Company"
    change = (
        {"tags": {"before": None, "after": [t.id for t in tags]}}
        if attach
        else {"tags": {"before": [t.id for t in tags], "after": None}}
    )
    for target_id in dict.fromkeys(target_ids):  # Core writes: tell the audit log
        note(session, entity, target_id, change)
    column = table.c[f"{target}_id"]
    keys = list(dict.fromkeys(target_ids))
    if attach:
        rows = [
            {f"{target}_id": t, "tag_id": tag.id, "created_at": utcnow()}
            for tag in tags
            for t in keys
        ]
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        await session.execute(insert(table).on_conflict_do_nothing(), rows)
    else:
        await session.execute(
            delete(table).where(column.in_(keys), table.c.tag_id.in_([t.id for t in tags]))
        )
    return tags
