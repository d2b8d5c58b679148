"""The raw floor on SQLite: the W1 and W3 JSON shapes from the standard library's sqlite3 and
orjson, no GraphQL.

Run as `uvicorn --app-dir bench raw_sqlite:app --workers 2 --loop uvloop --http httptools`
with BENCH_RAW_SQLITE set to the database file. The endpoints, request bodies and answers are
raw_server.py's (POST /w1, POST /w3, GET /healthz), and so is the code that builds the answers:
its `_dashboard` and `_lookup` run unchanged on `SqliteConnection`, which offers the two
asyncpg methods they call (`fetch`, `fetchrow`) and runs each of raw_server.py's statements as
its SQLite translation below (`= ANY($1::int[])` becomes `IN (?, ?, ...)`).

Each worker opens one read-only connection at start-up; every query runs inline on the event
loop (sqlite3 is synchronous; no thread pool), so a worker serves one request at a time.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import asyncpg
import raw_server as pg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# raw_server.py's statements and their SQLite translations; `{ids}` stands for one `?` per
# element of the statement's list argument.
STATEMENTS = {
    pg.PAGE_SQL: """
SELECT id, name, company_id FROM customers WHERE deleted_at IS NULL ORDER BY id LIMIT ?
""",
    pg.ONE_SQL: "SELECT id, name, company_id FROM customers WHERE id = ? AND deleted_at IS NULL",
    pg.COMPANIES_SQL: """
SELECT id, name FROM companies WHERE id IN ({ids}) AND deleted_at IS NULL
""",
    pg.TAGS_SQL: """
SELECT ct.customer_id, t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
WHERE ct.customer_id IN ({ids}) AND t.deleted_at IS NULL ORDER BY ct.customer_id, t.id
""",
    pg.CONTACTS_SQL: """
SELECT customer_id, kind, value FROM contact_methods WHERE customer_id IN ({ids}) AND is_primary
""",
    pg.ORDERS_SQL: """
SELECT id, customer_id, total_minor, currency FROM (
  SELECT id, customer_id, total_minor, currency,
         row_number() OVER (PARTITION BY customer_id ORDER BY id) AS position
  FROM orders WHERE customer_id IN ({ids}) AND deleted_at IS NULL
) ranked WHERE position <= ? ORDER BY customer_id, position
""",
    pg.ITEMS_SQL: """
SELECT i.order_id, i.quantity, p.name FROM order_items i JOIN products p ON p.id = i.product_id
WHERE i.order_id IN ({ids}) ORDER BY i.order_id, i.id
""",
}


class SqliteConnection:
    """The part of asyncpg.Connection that raw_server.py's answer builders use, on sqlite3."""

    def __init__(self, path: str) -> None:
        uri = f"{Path(path).resolve().as_uri()}?mode=ro"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._db.row_factory = sqlite3.Row

    def _execute(self, statement: str, args: Sequence[Any]) -> sqlite3.Cursor:
        sql, params = STATEMENTS[statement], []
        for arg in args:
            if isinstance(arg, list):
                sql = sql.replace("{ids}", ", ".join(["?"] * len(arg)))
                params.extend(arg)
            else:
                params.append(arg)
        return self._db.execute(sql, params)

    async def fetch(self, statement: str, *args: Any) -> list[sqlite3.Row]:
        return self._execute(statement, args).fetchall()

    async def fetchrow(self, statement: str, *args: Any) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._execute(statement, args).fetchone()
        return row

    def close(self) -> None:
        self._db.close()


def _conn(request: Request) -> asyncpg.Connection:
    # Duck typing: SqliteConnection has what raw_server.py's builders call on a connection.
    return cast(asyncpg.Connection, request.app.state.db)


async def w1(request: Request) -> Response:
    first = int((await pg._variables(request)).get("first", 100))
    return pg._json({"data": await pg._dashboard(_conn(request), first)})


async def w3(request: Request) -> Response:
    pk = pg._customer_pk(str((await pg._variables(request)).get("id", "")))
    return pg._json({"data": await pg._lookup(_conn(request), pk)})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.db = SqliteConnection(os.environ["BENCH_RAW_SQLITE"])
    try:
        yield
    finally:
        app.state.db.close()


app = Starlette(
    routes=[
        Route("/w1", w1, methods=["POST"]),
        Route("/w3", w3, methods=["POST"]),
        Route("/healthz", pg.healthz),
    ],
    lifespan=lifespan,
)
