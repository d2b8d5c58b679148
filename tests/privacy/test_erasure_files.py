"""Erased personal data leaves the SQLite files themselves, not only the tables: the WAL
keeps the pages as they were until a checkpoint, and freed cells keep their bytes unless
secure_delete overwrites them."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from crm_graphql.app.cli import _purge
from crm_graphql.core.db import utcnow, write_session
from crm_graphql.core.ids import decode_id
from crm_graphql.core.settings import Settings
from crm_graphql.customers.models import Customer
from tests.support import factories
from tests.support.databases import sqlite_only
from tests.support.graphql_client import GraphQLClient

ERASE = """
mutation($input: EraseCustomerInput!) {
  eraseCustomer(input: $input) { customer { erasedAt } errors { code message } }
}
"""


def _files(settings: Settings) -> list[Path]:
    database = make_url(settings.database_url).database
    assert database
    main = Path(database)
    return [main, main.with_name(main.name + "-wal")]


def _holding(settings: Settings, *marks: str) -> list[str]:
    """Which of the database's files hold any of `marks`, as bytes (UTF-8)."""
    found = []
    for path in _files(settings):
        content = path.read_bytes() if path.exists() else b""
        if any(mark.encode() in content for mark in marks):
            found.append(path.name)
    return found


async def _person(gql: GraphQLClient) -> tuple[dict[str, object], str, str]:
    mark = "WAL" + uuid.uuid4().hex[:12].upper()
    name, mail = f"Person {mark}", f"{mark.lower()}@wal.example"
    customer = await factories.customer(
        gql, name=name, contactMethods=[{"kind": "EMAIL", "value": mail}]
    )
    return customer, name, mail


@sqlite_only  # the files are SQLite's; PostgreSQL's storage is the operator's
async def test_erase_customer_leaves_the_name_and_email_in_no_file(
    gql: GraphQLClient, settings: Settings
) -> None:
    customer, name, mail = await _person(gql)
    assert _holding(settings, name, mail)  # the check itself finds the data before erasure
    erased = await gql.mutate(ERASE, {"input": {"customerId": customer["id"], "reason": "GDPR"}})
    assert erased["errors"] == []
    assert _holding(settings, name, mail) == []


@sqlite_only  # the files are SQLite's; PostgreSQL's storage is the operator's
async def test_purge_expired_leaves_the_name_and_email_in_no_file(
    gql: GraphQLClient, settings: Settings, app: Starlette
) -> None:
    customer, name, mail = await _person(gql)
    decoded = decode_id(str(customer["id"]))
    assert decoded is not None
    async with write_session(app.state.resources.sessionmaker) as session:
        await session.execute(
            update(Customer)
            .where(Customer.id == decoded.pk)
            .values(deleted_at=utcnow() - timedelta(days=400))
        )
    assert _holding(settings, name, mail)
    report = await _purge(dataclasses.replace(settings, retention_days=365))
    assert report["customers_erased"] >= 1
    assert _holding(settings, name, mail) == []
