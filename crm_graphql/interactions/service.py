"""Interaction domain logic."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.db import utcnow
from crm_graphql.core.errors import Problems
from crm_graphql.core.validators import optional_text
from crm_graphql.customers.service import require_customer
from crm_graphql.data.records import check_version, find
from crm_graphql.interactions.models import Interaction
from crm_graphql.platform.users.service import require_active_user

MAX_DURATION = 7 * 24 * 3600
CLOCK_SKEW = timedelta(minutes=5)


async def _clean(
    session: AsyncSession, values: Mapping[str, Any], problems: Problems
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "subject":
            out[key] = problems.check(optional_text, value, ("subject",), 300)
        elif key == "body":
            out[key] = problems.check(optional_text, value, ("body",), 100_000)
        elif key == "occurred_at":
            if value is None:
                problems.add(("occurredAt",), "Must not be null.")
            elif value > utcnow() + CLOCK_SKEW:
                problems.add(("occurredAt",), "Must not be in the future.")
            out[key] = value
        elif key == "duration_seconds":
            if value is not None and not 0 <= value <= MAX_DURATION:
                problems.add(("durationSeconds",), f"Must be between 0 and {MAX_DURATION}.")
            out[key] = value
        elif key in {"kind", "direction"}:
            if value is None:
                problems.add((key,), "Must not be null.")
            out[key] = value
        elif key == "user_id":
            out[key] = value and await require_active_user(session, value, ("userId",), problems)
        elif key == "customer_id":
            await require_customer(session, value, ("customerId",), problems)
            out[key] = value
        else:  # pragma: no cover - the GraphQL inputs only carry the keys above
            raise KeyError(key)
    return out


async def log_interaction(*, session: AsyncSession, fields: Mapping[str, Any]) -> Interaction:
    problems = Problems()
    values = await _clean(
        session, {**fields, "occurred_at": fields.get("occurred_at") or utcnow()}, problems
    )
    if not values.get("subject") and not values.get("body"):
        problems.add(("subject",), "Give a subject or a body.")
    problems.raise_if_any()
    interaction = Interaction(**values)
    session.add(interaction)
    await session.flush()
    return interaction


async def update_interaction(
    *,
    session: AsyncSession,
    interaction_id: int,
    expected_version: int,
    fields: Mapping[str, Any],
) -> Interaction:
    interaction = await find(session, Interaction, interaction_id, ("id",))
    check_version(interaction, expected_version, ("expectedVersion",))
    problems = Problems()
    values = await _clean(session, fields, problems)
    subject = values.get("subject", interaction.subject)
    if not subject and not values.get("body", interaction.body):
        problems.add(("subject",), "Give a subject or a body.")
    problems.raise_if_any()
    for key, value in values.items():
        setattr(interaction, key, value)
    await session.flush()
    return interaction
