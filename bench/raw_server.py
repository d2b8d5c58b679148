"""The raw floor: the W1 and W3 JSON shapes from asyncpg and orjson, no GraphQL.

Run as `uvicorn --app-dir bench raw_server:app --workers 2 --loop uvloop --http httptools`
with BENCH_RAW_DSN set. POST /w1 takes {"variables": {"first": N}}; POST /w3 takes
{"variables": {"id": "<global customer id>"}}. Answers are `{"data": ...}` like the API's.
"""

from __future__ import annotations

import base64
import os
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm_graphql.core.money import format_decimal

Json = dict[str, Any]
POOL_SIZE = 10

PAGE_SQL = """
SELECT id, name, company_id FROM customers WHERE deleted_at IS NULL ORDER BY id LIMIT $1
"""
ONE_SQL = "SELECT id, name, company_id FROM customers WHERE id = $1 AND deleted_at IS NULL"
COMPANIES_SQL = "SELECT id, name FROM companies WHERE id = ANY($1::int[]) AND deleted_at IS NULL"
TAGS_SQL = """
SELECT ct.customer_id, t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
WHERE ct.customer_id = ANY($1::int[]) AND t.deleted_at IS NULL ORDER BY ct.customer_id, t.id
"""
CONTACTS_SQL = """
SELECT customer_id, kind, value FROM contact_methods
WHERE customer_id = ANY($1::int[]) AND is_primary
"""
ORDERS_SQL = """
SELECT id, customer_id, total_minor, currency FROM (
  SELECT id, customer_id, total_minor, currency,
         row_number() OVER (PARTITION BY customer_id ORDER BY id) AS position
  FROM orders WHERE customer_id = ANY($1::int[]) AND deleted_at IS NULL
) ranked WHERE position <= $2 ORDER BY customer_id, position
"""
ITEMS_SQL = """
SELECT i.order_id, i.quantity, p.name FROM order_items i JOIN products p ON p.id = i.product_id
WHERE i.order_id = ANY($1::int[]) ORDER BY i.order_id, i.id
"""
ORDERS_PER_CUSTOMER = 10


def _json(payload: Json) -> Response:
    return Response(orjson.dumps(payload), media_type="application/json")


def _customer_pk(global_id: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        kind, _, pk = raw.partition(":")
        return int(pk) if kind == "Customer" else None
    except ValueError:
        return None


async def _companies(conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> dict[int, Json]:
    ids = list({r["company_id"] for r in rows if r["company_id"] is not None})
    found = await conn.fetch(COMPANIES_SQL, ids) if ids else []
    return {r["id"]: {"name": r["name"]} for r in found}


async def _tags(conn: asyncpg.Connection, ids: list[int]) -> dict[int, list[Json]]:
    tags: dict[int, list[Json]] = defaultdict(list)
    for r in await conn.fetch(TAGS_SQL, ids):
        tags[r["customer_id"]].append({"name": r["name"]})
    return tags


async def _contacts(conn: asyncpg.Connection, ids: list[int]) -> dict[tuple[int, str], str]:
    rows = await conn.fetch(CONTACTS_SQL, ids)
    return {(r["customer_id"], r["kind"]): r["value"] for r in rows}


async def _orders(conn: asyncpg.Connection, ids: list[int]) -> dict[int, list[Json]]:
    orders = await conn.fetch(ORDERS_SQL, ids, ORDERS_PER_CUSTOMER)
    items: dict[int, list[Json]] = defaultdict(list)
    order_ids = [r["id"] for r in orders]
    for r in await conn.fetch(ITEMS_SQL, order_ids) if order_ids else []:
        items[r["order_id"]].append({"quantity": r["quantity"], "product": {"name": r["name"]}})
    by_customer: dict[int, list[Json]] = defaultdict(list)
    for r in orders:
        total = {
            "amount": format_decimal(r["total_minor"], r["currency"]),
            "currency": r["currency"],
        }
        by_customer[r["customer_id"]].append({"total": total, "items": items[r["id"]]})
    return by_customer


async def _dashboard(conn: asyncpg.Connection, first: int) -> Json:
    page = await conn.fetch(PAGE_SQL, first)
    ids = [r["id"] for r in page]
    companies = await _companies(conn, page)
    tags = await _tags(conn, ids)
    contacts = await _contacts(conn, ids)
    orders = await _orders(conn, ids)
    nodes = [
        {
            "name": r["name"],
            "company": companies.get(r["company_id"]),
            "tags": {"nodes": tags[r["id"]]},
            "primaryEmail": contacts.get((r["id"], "EMAIL")),
            "primaryPhone": contacts.get((r["id"], "PHONE")),
            "orders": {"nodes": orders[r["id"]]},
        }
        for r in page
    ]
    return {"customers": {"nodes": nodes}}


async def _lookup(conn: asyncpg.Connection, pk: int | None) -> Json:
    row = await conn.fetchrow(ONE_SQL, pk) if pk is not None else None
    if row is None:
        return {"customer": None}
    companies = await _companies(conn, [row])
    tags = await _tags(conn, [row["id"]])
    customer = {
        "name": row["name"],
        "company": companies.get(row["company_id"]),
        "tags": {"nodes": tags[row["id"]]},
    }
    return {"customer": customer}


async def _variables(request: Request) -> Json:
    body = orjson.loads(await request.body())
    variables = body.get("variables") or {}
    return variables if isinstance(variables, dict) else {}


async def w1(request: Request) -> Response:
    first = int((await _variables(request)).get("first", 100))
    async with request.app.state.pool.acquire() as conn:
        return _json({"data": await _dashboard(conn, first)})


async def w3(request: Request) -> Response:
    pk = _customer_pk(str((await _variables(request)).get("id", "")))
    async with request.app.state.pool.acquire() as conn:
        return _json({"data": await _lookup(conn, pk)})


async def healthz(request: Request) -> Response:
    return _json({"status": "ok"})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    dsn = os.environ["BENCH_RAW_DSN"]
    app.state.pool = await asyncpg.create_pool(dsn, min_size=2, max_size=POOL_SIZE)
    try:
        yield
    finally:
        await app.state.pool.close()


app = Starlette(
    routes=[
        Route("/w1", w1, methods=["POST"]),
        Route("/w3", w3, methods=["POST"]),
        Route("/healthz", healthz),
    ],
    lifespan=lifespan,
)
