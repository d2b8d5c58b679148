"""The audit log's hash chain on a migrated database: it holds under concurrent writers, shows
tampering where it happened, and its rows cannot be changed through SQL."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_graphql.core.db import write_session
from crm_graphql.platform.audit.models import GENESIS_HASH, AuditRecord
from crm_graphql.platform.audit.service import append, record_hash, verify
from tests.platform.audit.entries import append_entries, entry, fill, stored, tamper

# --- the chain -------------------------------------------------------------------------------


async def test_an_empty_log_verifies(engine: AsyncEngine) -> None:
    result = await verify(engine)
    assert (result.ok, result.checked, result.first_broken_id, result.head_hash) == (
        True,
        0,
        None,
        None,
    )


async def test_a_long_chain_verifies_in_batches(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    records = []
    for n in range(40):
        records += await append_entries(sessions, [entry(n * 3 + i) for i in range(1 + n % 3)])
    rows = await stored(engine)
    assert len(rows) == len(records) == 79
    assert rows[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
        assert after.id > before.id
    assert all(record_hash(row) == row.hash for row in rows)
    assert rows[0].actor_user_id == 7
    assert rows[0].token_id == 9
    assert rows[0].request_id == "req-1"
    assert rows[0].client_address == "192.0.2.1"
    assert json.loads(rows[0].changes) == {"name": {"before": "a0", "after": "b"}}

    for batch_size in (7, 79, 1000):
        result = await verify(engine, batch_size=batch_size)
        assert (result.ok, result.checked, result.first_broken_id, result.reason) == (
            True,
            79,
            None,
            None,
        )
        assert result.head_hash == rows[-1].hash
    async with sessions() as session:
        assert (await verify(session, batch_size=9)).ok


async def test_an_append_without_entries_writes_nothing(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert await append_entries(sessions, []) == []
    assert await stored(engine) == []


async def test_concurrent_appenders_extend_one_chain(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async def writer(w: int) -> None:
        for t in range(3):
            async with write_session(sessions) as session:
                # work before the append, so that transactions overlap on PostgreSQL
                await session.execute(select(func.count()).select_from(AuditRecord))
                await asyncio.sleep(0.002)
                await append(
                    session,
                    [entry(w * 100 + t), entry(w * 100 + t + 50)],
                    actor_user_id=w,
                    token_id=None,
                    request_id=f"w{w}-{t}",
                    client_address=None,
                )

    await asyncio.gather(*(writer(w) for w in range(12)))
    rows = await stored(engine)
    assert len(rows) == 72
    prev_hashes = [row.prev_hash for row in rows]
    assert len(set(prev_hashes)) == 72
    assert set(prev_hashes) == {GENESIS_HASH} | {row.hash for row in rows[:-1]}
    # the two entries of one transaction are neighbours in the chain
    for first, second in zip(rows[::2], rows[1::2], strict=True):
        assert first.request_id == second.request_id
        assert first.at == second.at
    result = await verify(engine, batch_size=10)
    assert (result.ok, result.checked) == (True, 72)


# --- tampering -------------------------------------------------------------------------------


async def test_a_changed_record_is_found(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    records = await fill(sessions, 10)
    victim = records[4].id
    await tamper(
        engine,
        "UPDATE audit_records SET changes = :changes WHERE id = :id",
        changes='{"name":{"after":"b","before":"someone else"}}',
        id=victim,
    )
    result = await verify(engine, batch_size=3)
    assert (result.ok, result.checked, result.first_broken_id) == (False, 5, victim)
    assert result.reason is not None
    assert "content" in result.reason
    assert result.head_hash == records[3].hash


async def test_a_rehashed_record_breaks_the_next_link(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    records = await fill(sessions, 10)
    victim = next(row for row in await stored(engine) if row.id == records[4].id)
    forged = AuditRecord(**{**victim._mapping, "action": "deleteCustomer"})
    await tamper(
        engine,
        "UPDATE audit_records SET action = :action, hash = :hash WHERE id = :id",
        action="deleteCustomer",
        hash=record_hash(forged),
        id=victim.id,
    )
    result = await verify(engine)
    assert (result.ok, result.first_broken_id) == (False, records[5].id)
    assert result.reason is not None
    assert f"record {victim.id}" in result.reason


async def test_a_removed_record_is_found(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    records = await fill(sessions, 10)
    await tamper(engine, "DELETE FROM audit_records WHERE id = :id", id=records[4].id)
    result = await verify(engine, batch_size=4)
    assert (result.ok, result.checked, result.first_broken_id) == (False, 5, records[5].id)
    assert result.reason is not None
    assert "removed" in result.reason


async def test_a_removed_first_record_is_found(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    records = await fill(sessions, 3)
    await tamper(engine, "DELETE FROM audit_records WHERE id = :id", id=records[0].id)
    result = await verify(engine)
    assert (result.ok, result.checked, result.first_broken_id) == (False, 1, records[1].id)
    assert result.head_hash is None


async def test_rows_cannot_be_updated_or_deleted(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    records = await fill(sessions, 3)
    statements = [
        "UPDATE audit_records SET changes = '{}'",
        "UPDATE audit_records SET action = 'x' WHERE id = 2",
        "DELETE FROM audit_records WHERE id = 2",
        "DELETE FROM audit_records",
    ]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_records")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as conn:
                await conn.exec_driver_sql(statement)
    rows = await stored(engine)
    assert [row.hash for row in rows] == [r.hash for r in records]
    assert (await verify(engine)).ok
