"""Appending to the audit log's hash chain and verifying it.

Each record's `hash` is the hex SHA-256 of `prev_hash + canonical_json(fields)`, where
`fields` are its columns except `id` and `hash`, with two encodings fixed for repeatability:
`at` as ISO 8601 UTC with microseconds and a `Z` (2026-11-26T08:00:00.000000Z), and the
`changes` text replaced by its own hex SHA-256 under the key `changes_sha256`. The digest
commits to the text just as well, and a later, audited scrub of personal data from `changes`
could then keep the chain intact. The first record's prev_hash is GENESIS_HASH.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Executable, and_, exists, false, or_, select, text, true
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.sql.elements import False_, True_

from crm_graphql.core.db import Base, utcnow
from crm_graphql.data.access import Viewer, custom_rule, row_rule
from crm_graphql.data.reader import AnyRow, Reader
from crm_graphql.platform.audit.models import GENESIS_HASH, AuditRecord

# pg_advisory_xact_lock key of the chain's tail: any constant other code does not use
ADVISORY_LOCK_KEY = int.from_bytes(b"crmaudit", "big")
MAX_REQUEST_ID = 100
MAX_CLIENT_ADDRESS = 64
MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One entity's changes in one mutation: {field: {"before": x, "after": y}}, JSON-safe
    values, sensitive ones already "[REDACTED]"."""

    action: str
    entity_type: str
    entity_id: int | None
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of walking the chain. `checked` counts the records examined (the broken
    one included); `head_hash` is the hash of the last intact record: keep a copy elsewhere
    to notice records cut off the end, which no chain can show by itself."""

    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str | None = None
    head_hash: str | None = None


def iso_utc(value: datetime) -> str:
    """One spelling for an aware time: UTC, microseconds, `Z`."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes have no place in the audit log")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: equal data always gives equal text."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def record_hash(record: AuditRecord | AnyRow) -> str:
    """The hash a record (an instance or a row of audit_records) must carry."""
    fields = {
        "at": iso_utc(record.at),
        "actor_user_id": record.actor_user_id,
        "token_id": record.token_id,
        "action": record.action,
        "entity_type": record.entity_type,
        "entity_id": record.entity_id,
        "changes_sha256": sha256_hex(record.changes),
        "request_id": record.request_id,
        "client_address": record.client_address,
        "prev_hash": record.prev_hash,
    }
    return sha256_hex(record.prev_hash + canonical_json(fields))


def _clip(value: str | None, limit: int) -> str | None:
    return None if value is None else value[:limit]


async def lock_commit_order(session: AsyncSession) -> None:
    """Serialises appenders until their transactions end (the event log's order rests on it
    too). SQLite needs nothing here: a write transaction (db.write_session, BEGIN IMMEDIATE)
    already holds the database's only write lock. Were the lock missing anyway, the unique
    prev_hash would refuse a fork."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
        )


async def last_hash(session: AsyncSession) -> str:
    """The hash the next record links to."""
    table = AuditRecord.__table__
    found = await session.scalar(select(table.c.hash).order_by(table.c.id.desc()).limit(1))
    return GENESIS_HASH if found is None else str(found)


async def append(
    session: AsyncSession,
    entries: Sequence[AuditEntry],
    *,
    actor_user_id: int | None,
    token_id: int | None,
    request_id: str | None,
    client_address: str | None,
) -> list[AuditRecord]:
    """Adds one record per entry to the end of the chain, in the session's transaction (they
    commit or roll back with the changes they describe). Holds the chain's lock until that
    transaction ends, so call it last, just before the commit."""
    if not entries:
        return []
    for entry in entries:
        if not entry.action or len(entry.action) > MAX_NAME or len(entry.entity_type) > MAX_NAME:
            raise ValueError(f"bad audit entry names: {entry.action!r}, {entry.entity_type!r}")
    await lock_commit_order(session)
    prev = await last_hash(session)
    at = utcnow()  # taken under the lock, so times follow the chain's order
    records = []
    for entry in entries:
        record = AuditRecord(
            at=at,
            actor_user_id=actor_user_id,
            token_id=token_id,
            action=entry.action,
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            changes=canonical_json(entry.changes),
            request_id=_clip(request_id, MAX_REQUEST_ID),
            client_address=_clip(client_address, MAX_CLIENT_ADDRESS),
            prev_hash=prev,
        )
        record.hash = prev = record_hash(record)
        records.append(record)
    session.add_all(records)
    await session.flush()
    # verify() walks the chain in id order; ids must therefore follow the links
    ids = [r.id for r in records]
    if ids != sorted(ids):
        raise RuntimeError(f"audit records got ids out of chain order: {ids}")
    return records


Fetch = Callable[[Executable], Awaitable[Sequence[AnyRow]]]


def _fetcher(source: AsyncSession | AsyncConnection | Reader) -> Fetch:
    if isinstance(source, Reader):
        return source.rows

    async def fetch(statement: Executable) -> Sequence[AnyRow]:
        return (await source.execute(statement)).all()

    return fetch


async def verify(
    source: AsyncEngine | AsyncConnection | AsyncSession | Reader, *, batch_size: int = 1000
) -> VerifyResult:
    """Walks the whole chain in id order, `batch_size` rows at a time, recomputing every
    hash and link; stops at the first record that does not hold."""
    if isinstance(source, AsyncEngine):
        async with source.connect() as conn:
            return await verify(conn, batch_size=batch_size)
    fetch = _fetcher(source)
    table = AuditRecord.__table__
    expected = GENESIS_HASH
    previous_id: int | None = None
    checked = 0
    while True:
        stmt = select(table).order_by(table.c.id).limit(batch_size)
        if previous_id is not None:
            stmt = stmt.where(table.c.id > previous_id)
        rows = await fetch(stmt)
        for row in rows:
            checked += 1
            reason = None
            if row.prev_hash != expected:
                reason = (
                    "The first record does not start the chain: records before it were removed."
                    if previous_id is None
                    else f"It does not link to record {previous_id}: a record between them "
                    "was removed, or that one was rewritten with a new hash."
                )
            elif record_hash(row) != row.hash:
                reason = "Its content does not match its hash: the record was changed."
            if reason is not None:
                head = None if previous_id is None else expected
                return VerifyResult(False, checked, row.id, reason, head)
            expected, previous_id = row.hash, row.id
        if len(rows) < batch_size:
            break
    return VerifyResult(True, checked, head_hash=None if previous_id is None else expected)


def audit_rule(rule: Callable[[type[Base]], ColumnElement[bool]]) -> ColumnElement[bool]:
    """The audit records a viewer limited to some rows may read: those of objects it may
    reach now, `rule` being its row rule per model (data/access.row_rule). Records of objects
    that are gone, or of types without a model, are left out for such viewers."""
    audit = AuditRecord.__table__
    alternatives = []
    for mapper in Base.registry.mappers:
        model = mapper.class_
        table = mapper.local_table
        if model is AuditRecord or "id" not in table.c:
            continue
        condition = rule(model)
        if isinstance(condition, False_):
            continue
        is_type = audit.c.entity_type == model.__name__
        if isinstance(condition, True_):
            alternatives.append(is_type)
            continue
        reachable = exists(
            select(table.c.id)
            .where(table.c.id == audit.c.entity_id, condition)
            .correlate_except(table)
        )
        alternatives.append(and_(is_type, reachable))
    return or_(false(), *alternatives)


def _audit_row_rule(viewer: Viewer) -> ColumnElement[bool]:
    # an audit record shows its object's values: readable where the object is
    if not viewer.owns_only_its_records:
        return true()
    return audit_rule(lambda target: row_rule(viewer, target))


custom_rule(AuditRecord, _audit_row_rule)
