"""Audit entries and stored rows as the audit tests write and read them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crm_graphql.core.db import write_session
from crm_graphql.platform.audit.models import AuditRecord
from crm_graphql.platform.audit.service import AuditEntry, append


def entry(n: int) -> AuditEntry:
    return AuditEntry("updateCustomer", "Customer", n, {"name": {"before": f"a{n}", "after": "b"}})


async def append_entries(
    sessions: async_sessionmaker[AsyncSession], entries: list[AuditEntry]
) -> list[AuditRecord]:
    async with write_session(sessions) as session:
        return await append(
            session,
            entries,
            actor_user_id=7,
            token_id=9,
            request_id="req-1",
            client_address="192.0.2.1",
        )


async def fill(sessions: async_sessionmaker[AsyncSession], count: int) -> list[AuditRecord]:
    records = []
    for n in range(count):
        records += await append_entries(sessions, [entry(n)])
    return records


async def stored(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(select(AuditRecord.__table__).order_by("id"))).all())


async def tamper(engine: AsyncEngine, statement: str, **params: Any) -> None:
    """Runs `statement` after taking the append-only protection away, as an intruder with
    DDL rights could."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.exec_driver_sql(
                "ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only"
            )
        else:
            await conn.exec_driver_sql("DROP TRIGGER audit_records_no_update")
            await conn.exec_driver_sql("DROP TRIGGER audit_records_no_delete")
        await conn.execute(text(statement), params)
