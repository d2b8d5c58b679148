"""Writing the generated rows: the emptiness checks, chunked Core inserts in one transaction,
and PostgreSQL's sequences moved past the ids assigned here."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Table, exists, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import crm_graphql.app.models  # noqa: F401  (every table in Base.metadata)
from crm_graphql.core.db import WRITE_OPTION, Base
from crm_graphql.devtools.seed.catalogue import add_products, add_tags
from crm_graphql.devtools.seed.companies import add_companies
from crm_graphql.devtools.seed.customers import CustomerGenerator
from crm_graphql.devtools.seed.errors import SeedError
from crm_graphql.devtools.seed.rows import ID_TABLES, TABLE_ORDER, Row, Rows
from crm_graphql.devtools.seed.sales import Board, DealGenerator, default_board
from crm_graphql.devtools.seed.staff import add_users

CHUNK_ROWS: Final = 5_000
CUSTOMER_BLOCK: Final = 500
CUSTOMERS_PER_DEAL: Final = 5


@dataclass(frozen=True, slots=True)
class SeedReport:
    """How many rows of the main tables `seed` wrote."""

    users: int
    companies: int
    customers: int
    tags: int
    products: int
    orders: int
    order_items: int
    payments: int
    interactions: int
    deals: int
    deal_stage_changes: int


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


async def _insert(conn: AsyncConnection, rows_by_table: Mapping[str, Sequence[Row]]) -> None:
    for name in TABLE_ORDER:
        rows = rows_by_table.get(name, ())
        for start in range(0, len(rows), CHUNK_ROWS):
            await conn.execute(_table(name).insert(), rows[start : start + CHUNK_ROWS])


async def _has_rows(conn: AsyncConnection, name: str) -> bool:
    return bool(await conn.scalar(select(exists().select_from(_table(name)))))


async def _reset_sequences(conn: AsyncConnection) -> None:
    """Moves PostgreSQL's id sequences past the ids assigned here."""
    for name in ID_TABLES:
        await conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )


def _batches(
    rows: Rows, customers: int, seed: int, board: Board | None
) -> Iterator[dict[str, list[Row]]]:
    """The catalogue first, then customers in blocks, so memory stays flat for large runs.
    Exactly one customer in CUSTOMERS_PER_DEAL (rounded down) gets a deal, drawn per block."""
    rng = random.Random(seed)
    # deals draw from their own stream (seeded from a string: stable across runs)
    deal_rng = random.Random(f"deals:{seed}")
    add_users(rows)
    add_tags(rng, rows)
    catalogue = add_products(rng, rows)
    companies = add_companies(rng, rows, max(1, customers // 10))
    yield rows.take()
    deals = DealGenerator(deal_rng, rows, catalogue, board)
    generator = CustomerGenerator(rng, rows, companies, catalogue, deals)
    for start in range(0, customers, CUSTOMER_BLOCK):
        size = min(CUSTOMER_BLOCK, customers - start)
        count = (start + size) // CUSTOMERS_PER_DEAL - start // CUSTOMERS_PER_DEAL
        with_deal = set(deal_rng.sample(range(size), count))
        for index in range(size):
            generator.add(with_deal=index in with_deal)
        yield rows.take()


async def is_empty(engine: AsyncEngine) -> bool:
    """True when the database holds neither customers nor users (a fresh install)."""
    async with engine.connect() as conn:
        return not (await _has_rows(conn, "customers") or await _has_rows(conn, "users"))


async def seed(engine: AsyncEngine, *, customers: int = 200, seed: int = 42) -> SeedReport:
    """Fills an empty, migrated database with demo data; the same arguments give the same rows.

    Raises SeedError if the customers table (or any other table written here) has rows.
    """
    if customers < 0:
        raise SeedError(f"customers must not be negative, got {customers}")
    rows = Rows()
    async with engine.connect() as conn:
        conn = await conn.execution_options(**{WRITE_OPTION: True})
        if await _has_rows(conn, "customers"):
            raise SeedError("the database already has customers; seed only fills an empty one")
        filled = [name for name in TABLE_ORDER if await _has_rows(conn, name)]
        if filled:
            raise SeedError(f"the database is not empty (rows in: {', '.join(filled)})")
        board = await default_board(conn)
        for batch in _batches(rows, customers, seed, board):
            await _insert(conn, batch)
        if conn.dialect.name == "postgresql":
            await _reset_sequences(conn)
        await conn.commit()
    return _report(rows)


def _report(rows: Rows) -> SeedReport:
    return SeedReport(
        users=rows.count("users"),
        companies=rows.count("companies"),
        customers=rows.count("customers"),
        tags=rows.count("tags"),
        products=rows.count("products"),
        orders=rows.count("orders"),
        order_items=rows.count("order_items"),
        payments=rows.count("payments"),
        interactions=rows.count("interactions"),
        deals=rows.count("deals"),
        deal_stage_changes=rows.count("deal_stage_changes"),
    )
