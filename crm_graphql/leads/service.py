"""Lead assignment: rules that give new unowned leads an owner, in turn among their users.

Rules are tried by position; the first active one that matches a lead (TERRITORY: the lead has
an address in the rule's country; TAG: it has the rule's tag; ROUND_ROBIN: any lead) and has an
active SALES user hands the lead to its next user in turn. The rules are read FOR UPDATE, so
concurrent assignments take turns one after another instead of handing out the same turn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.db import utcnow
from crm_graphql.core.errors import ErrorCode, Problems
from crm_graphql.core.validators import normalize_country, required_text
from crm_graphql.customers.models import Address, Customer, LifecycleStage
from crm_graphql.customers.service import on_customer_created
from crm_graphql.data.records import check_assignable, check_version, find, policy, visible
from crm_graphql.leads.models import (
    AssignmentStrategy,
    LeadAssignmentRule,
    lead_assignment_rule_users,
)
from crm_graphql.platform.audit.recorder import note
from crm_graphql.platform.users.models import User, UserRole
from crm_graphql.tags.models import Tag, customer_tags

MAX_RULE_USERS = 100
MAX_ASSIGNED = 1000  # per assignLeads call
CHUNK = 500


# --- rules ------------------------------------------------------------------------------------


async def _check_users(
    session: AsyncSession, user_ids: Sequence[int], problems: Problems
) -> list[int]:
    if not user_ids:
        problems.add(("userIds",), "Give at least one user.")
    if len(user_ids) > MAX_RULE_USERS:
        problems.add(("userIds",), f"At most {MAX_RULE_USERS} users.")
        return []
    rows = await session.execute(
        select(User.id, User.role, User.is_active).where(User.id.in_(set(user_ids)))
    )
    found = {row.id: row for row in rows}
    seen: set[int] = set()
    for i, pk in enumerate(user_ids):
        field = ("userIds", str(i))
        user = found.get(pk)
        if pk in seen:
            problems.add(field, "This user is named twice.", ErrorCode.DUPLICATE)
        elif user is None or not user.is_active:
            problems.add(field, "No active User with this ID exists.", ErrorCode.NOT_FOUND)
        elif user.role is not UserRole.SALES:
            problems.add(field, f"Only SALES users take leads; this user is {user.role.value}.")
        else:
            check_assignable(session, pk, field, problems)  # a MANAGER: its own team only
        seen.add(pk)
    return list(user_ids)


async def _check_target(
    session: AsyncSession,
    strategy: AssignmentStrategy,
    country: str | None,
    tag_id: int | None,
    problems: Problems,
) -> tuple[str | None, int | None]:
    """The rule's country and tag for its strategy: each only for the strategy that uses it."""
    if strategy is AssignmentStrategy.TERRITORY:
        if country is None:
            problems.add(("country",), "A TERRITORY rule needs a country.")
        else:
            country = problems.check(normalize_country, country, ("country",))
    elif country is not None:
        problems.add(("country",), "Only TERRITORY rules have a country.")
    if strategy is AssignmentStrategy.TAG:
        if tag_id is None:
            problems.add(("tagId",), "A TAG rule needs a tag.")
        elif await visible(session, Tag, tag_id) is None:
            problems.add(("tagId",), "No Tag with this ID exists.", ErrorCode.NOT_FOUND)
    elif tag_id is not None:
        problems.add(("tagId",), "Only TAG rules have a tag.")
    return country, tag_id


async def _set_users(session: AsyncSession, rule: LeadAssignmentRule, user_ids: list[int]) -> None:
    """Core writes of the association rows (they carry the turn order): told to the audit log."""
    link = lead_assignment_rule_users
    before = list(
        (
            await session.execute(
                select(link.c.user_id).where(link.c.rule_id == rule.id).order_by(link.c.position)
            )
        ).scalars()
    )
    await session.execute(delete(link).where(link.c.rule_id == rule.id))
    await session.execute(
        insert(link),
        [{"rule_id": rule.id, "user_id": pk, "position": i} for i, pk in enumerate(user_ids)],
    )
    note(session, "LeadAssignmentRule", rule.id, {"users": {"before": before, "after": user_ids}})


async def create_rule(
    *,
    session: AsyncSession,
    name: str,
    strategy: AssignmentStrategy,
    user_ids: Sequence[int],
    country: str | None,
    tag_id: int | None,
    position: int | None,
    active: bool,
) -> LeadAssignmentRule:
    problems = Problems()
    clean_name = problems.check(required_text, name, ("name",), 120)
    country, tag_id = await _check_target(session, strategy, country, tag_id, problems)
    users = await _check_users(session, user_ids, problems)
    problems.raise_if_any()
    assert clean_name is not None
    if position is None:
        last = await session.scalar(select(func.max(LeadAssignmentRule.position)))
        position = 0 if last is None else int(last) + 1
    rule = LeadAssignmentRule(
        name=clean_name,
        strategy=strategy,
        country=country,
        tag_id=tag_id,
        position=position,
        active=active,
        next_index=0,
    )
    session.add(rule)
    await session.flush()
    await _set_users(session, rule, users)
    return rule


async def update_rule(
    *, session: AsyncSession, rule_id: int, expected_version: int, fields: Mapping[str, Any]
) -> LeadAssignmentRule:
    rule = await find(session, LeadAssignmentRule, rule_id, ("id",))
    check_version(rule, expected_version, ("expectedVersion",))
    problems = Problems()
    for key in ("strategy", "position", "active"):
        if key in fields and fields[key] is None:
            problems.add((key,), "Must not be null.")
    strategy = fields.get("strategy") or rule.strategy
    # a strategy change drops what only the old strategy used, unless it is given again
    kept_country = rule.country if strategy is AssignmentStrategy.TERRITORY else None
    kept_tag = rule.tag_id if strategy is AssignmentStrategy.TAG else None
    country, tag_id = await _check_target(
        session,
        strategy,
        fields.get("country", kept_country),
        fields.get("tag_id", kept_tag),
        problems,
    )
    name = problems.check(required_text, fields.get("name", rule.name) or "", ("name",), 120)
    users = None
    if "user_ids" in fields:
        users = await _check_users(session, fields["user_ids"] or [], problems)
    problems.raise_if_any()
    assert name is not None
    rule.name, rule.strategy, rule.country, rule.tag_id = name, strategy, country, tag_id
    if fields.get("position") is not None:
        rule.position = fields["position"]
    if fields.get("active") is not None:
        rule.active = fields["active"]
    if users is not None:
        await _set_users(session, rule, users)
        rule.next_index = 0
        rule.updated_at = utcnow()  # the users are part of the rule: its version moves
    await session.flush()
    return rule


async def delete_rule(
    *, session: AsyncSession, rule_id: int, expected_version: int | None
) -> LeadAssignmentRule:
    rule = await find(session, LeadAssignmentRule, rule_id, ("id",))
    check_version(rule, expected_version, ("expectedVersion",))
    link = lead_assignment_rule_users
    await session.execute(delete(link).where(link.c.rule_id == rule.id))
    await session.delete(rule)
    await session.flush()
    return rule


# --- assigning --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Turns:
    """An active rule as the assigner uses it: what it matches and whose turn it is."""

    id: int
    strategy: AssignmentStrategy
    country: str | None
    tag_id: int | None
    users: list[int]
    next_index: int
    taken: bool = False

    def matches(self, countries: set[str], tags: set[int]) -> bool:
        if not self.users:
            return False
        if self.strategy is AssignmentStrategy.TERRITORY:
            return self.country in countries
        if self.strategy is AssignmentStrategy.TAG:
            return self.tag_id in tags
        return True

    def take_turn(self) -> int:
        turn = self.next_index % len(self.users)
        self.next_index = (turn + 1) % len(self.users)
        self.taken = True
        return self.users[turn]


async def _active_rules(session: AsyncSession) -> list[_Turns]:
    """Every active rule, locked, with its active SALES users in turn order. Read without the
    writer's row scope: anyone creating a lead triggers the rules, not only their managers."""
    table = LeadAssignmentRule.__table__
    rows = await session.execute(
        select(table.c.id, table.c.strategy, table.c.country, table.c.tag_id, table.c.next_index)
        .where(table.c.active.is_(True))
        .order_by(table.c.position, table.c.id)
        .with_for_update()
    )
    rules = [_Turns(r.id, r.strategy, r.country, r.tag_id, [], r.next_index) for r in rows]
    if not rules:
        return []
    link = lead_assignment_rule_users
    users = User.__table__
    members = await session.execute(
        select(link.c.rule_id, link.c.user_id)
        .join(users, users.c.id == link.c.user_id)
        .where(
            link.c.rule_id.in_([r.id for r in rules]),
            users.c.is_active.is_(True),
            users.c.role == UserRole.SALES,
        )
        .order_by(link.c.rule_id, link.c.position)
    )
    by_rule: dict[int, list[int]] = defaultdict(list)
    for member in members:
        by_rule[member.rule_id].append(member.user_id)
    for rule in rules:
        rule.users = by_rule[rule.id]
    return rules


async def _save_turns(session: AsyncSession, rules: Sequence[_Turns]) -> None:
    # Core: the turn is bookkeeping, not an edit of the rule (its version stays)
    table = cast(Table, LeadAssignmentRule.__table__)
    for rule in rules:
        if rule.taken:
            await session.execute(
                update(table).where(table.c.id == rule.id).values(next_index=rule.next_index)
            )


async def _facts(
    session: AsyncSession, customer_ids: Sequence[int]
) -> tuple[dict[int, set[str]], dict[int, set[int]]]:
    """Countries of the addresses, and tags, of each customer."""
    countries: dict[int, set[str]] = defaultdict(set)
    tags: dict[int, set[int]] = defaultdict(set)
    rows = await session.execute(
        select(Address.customer_id, Address.country).where(Address.customer_id.in_(customer_ids))
    )
    for row in rows:
        countries[row.customer_id].add(row.country)
    link = customer_tags
    rows = await session.execute(
        select(link.c.customer_id, link.c.tag_id).where(link.c.customer_id.in_(customer_ids))
    )
    for row in rows:
        tags[row.customer_id].add(row.tag_id)
    return countries, tags


def _assignable(customer: Customer) -> bool:
    return (
        customer.owner_id is None
        and customer.lifecycle_stage is LifecycleStage.LEAD
        and customer.deleted_at is None
    )


async def _assign(
    session: AsyncSession, customers: Sequence[Customer], rules: Sequence[_Turns], limit: int
) -> list[Customer]:
    countries, tags = await _facts(session, [c.id for c in customers])
    assigned: list[Customer] = []
    for customer in customers:
        if len(assigned) == limit:
            break
        rule = next(
            (r for r in rules if r.matches(countries[customer.id], tags[customer.id])), None
        )
        if rule is not None:
            customer.owner_id = rule.take_turn()
            assigned.append(customer)
    return assigned


async def assign_lead(*, session: AsyncSession, customer: Customer) -> int | None:
    """Gives an unowned LEAD the owner the first matching rule picks (flushed); its owner, or
    None when no rule matches. Leads with an owner, and other customers, are left as they are."""
    if not _assignable(customer):
        return None
    rules = await _active_rules(session)
    if not rules:
        return None
    assigned = await _assign(session, [customer], rules, 1)
    await _save_turns(session, rules)
    await session.flush()
    return assigned[0].owner_id if assigned else None


async def assign_leads(*, session: AsyncSession) -> list[Customer]:
    """Assigns the unowned LEAD customers the writer can see, in ID order, at most
    MAX_ASSIGNED of them: for leads whose addresses or tags were added after creation."""
    rules = await _active_rules(session)
    if not rules:
        return []
    active = policy(session)
    scope = active.scope(Customer) if active else []
    candidates = list(
        (
            await session.execute(
                select(Customer.id)
                .where(
                    Customer.owner_id.is_(None),
                    Customer.lifecycle_stage == LifecycleStage.LEAD,
                    Customer.deleted_at.is_(None),
                    *scope,
                )
                .order_by(Customer.id)
            )
        ).scalars()
    )
    assigned: list[Customer] = []
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        stmt = select(Customer).where(Customer.id.in_(chunk)).order_by(Customer.id)
        customers = [
            c for c in (await session.execute(stmt.with_for_update())).scalars() if _assignable(c)
        ]
        assigned += await _assign(session, customers, rules, MAX_ASSIGNED - len(assigned))
        if len(assigned) == MAX_ASSIGNED:
            break
    await _save_turns(session, rules)
    await session.flush()
    return assigned


# a new unowned lead gets its owner in the transaction that creates it
on_customer_created(assign_lead)
