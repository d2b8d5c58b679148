"""`make bench`: a fresh seeded PostgreSQL database, the API and the raw floor under HTTP load
(W1-W4); the same data in a fresh SQLite file, the API and a raw sqlite3 floor under the same
load (SQLite); then subscription latency across two server processes on each event bus (W6).

Prints a markdown report and writes it to bench/results/latest.md (raw figures to latest.json).
`--only W1-W4`, `--only SQLite` or `--only W6` runs one part (on fresh data too) and only prints
its report (raw figures to bench/results/only-<part>.json). Sizes can be lowered for a quick
try: BENCH_CUSTOMERS, BENCH_SECONDS, BENCH_LATENCY_REQUESTS, BENCH_SUBSCRIBERS, BENCH_MOVES.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import live
import orjson
import postgraphile as pg
import report
import workloads as wl
from load import (
    MakeBody,
    Target,
    latencies,
    median,
    percentile,
    throughput,
)
from procs import BIN, ROOT, cpu_seconds, crm, free_port, run_checked, server, server_process

from crm_graphql.devtools.seed import DEMO_PASSWORD

PG = "postgresql://postgres@127.0.0.1:5432"
ADMIN_DSN = f"{PG}/test"
DATABASE = "crm_bench"
BENCH_DSN = f"{PG}/{DATABASE}"
RESULTS = ROOT / "bench" / "results"
LOGS = Path(tempfile.gettempdir()) / "crm-bench-logs"
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "10000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
LATENCY_REQUESTS = int(os.environ.get("BENCH_LATENCY_REQUESTS", "60"))
REPEATS = 3
WARMUP_SECONDS = 2.0
ID_SEED = 20260101
ADMIN = ("admin@example.com", DEMO_PASSWORD)
W2_PAGE_SIZES = (10, 100, 500)
JSON = {"content-type": "application/json"}
PARTS = ("W1-W4", "SQLite", "W6")
SQLITE_FILE = "crm.sqlite3"
W6_BUSES = (
    ("Redis", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")),
    ("PostgreSQL", BENCH_DSN),
)
W6_SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "1000"))
W6_MOVES = int(os.environ.get("BENCH_MOVES", "50"))
W6_WARMUP_MOVES = 5
W6_INTERVAL_SECONDS = 0.1
T = TypeVar("T")


@dataclass
class Results:
    """Everything measured, keyed by short names (see report.py)."""

    figures: dict[str, float] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    statements: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    live: list[dict[str, Any]] = field(default_factory=list)  # W6, one row per scenario


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(coro: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return asyncio.run(coro())


# --- data ------------------------------------------------------------------------------------


async def recreate_database() -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await conn.close()


def base_env() -> dict[str, str]:
    """CRM_* settings shared by every command: the bench database and throwaway keys."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
    key = run_checked(crm("generate-key"), env, 30).strip()
    index_key = run_checked(crm("generate-key"), env, 30).strip()
    env.update(
        CRM_DATABASE_URL=BENCH_DSN,
        CRM_ENV="production",
        CRM_DEBUG="0",
        CRM_ENCRYPTION_KEYS=f"bench:{key}",
        CRM_BLIND_INDEX_KEY=index_key,
        CRM_MAX_QUERY_COST="10000000",
    )
    return env


def prepare_data(env: dict[str, str], results: Results) -> None:
    start = time.perf_counter()
    asyncio.run(recreate_database())
    run_checked(crm("migrate"), env, 300)
    log(f"seeding {CUSTOMERS} customers")
    log(run_checked(crm("seed", "--customers", str(CUSTOMERS)), env, 900).strip())
    asyncio.run(analyze())
    results.timings["data_s"] = time.perf_counter() - start


async def analyze() -> None:
    conn = await asyncpg.connect(BENCH_DSN)
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def sqlite_env(env: dict[str, str], path: Path) -> dict[str, str]:
    """`base_env()` (same keys) with the SQLite file as the database."""
    return {**env, "CRM_DATABASE_URL": f"sqlite:///{path}"}


def prepare_sqlite(env: dict[str, str], path: Path, results: Results) -> None:
    """Migrates and seeds the SQLite file (before serving: `serve` seeds an empty one itself)."""
    start = time.perf_counter()
    run_checked(crm("migrate"), env, 300)
    log(f"seeding {CUSTOMERS} customers into {path}")
    seeding = time.perf_counter()
    log(run_checked(crm("seed", "--customers", str(CUSTOMERS)), env, 900).strip())
    results.timings["sqlite_seed_s"] = time.perf_counter() - seeding
    with closing(sqlite3.connect(path)) as db:
        db.execute("ANALYZE")
        db.commit()
    results.timings["sqlite_data_s"] = time.perf_counter() - start
    log(f"SQLite data ready in {results.timings['sqlite_data_s']:.1f} s")


# --- measuring -------------------------------------------------------------------------------


def login(url: str) -> str:
    body = {"query": wl.LOGIN_MUTATION, "variables": {"email": ADMIN[0], "password": ADMIN[1]}}
    payload = httpx.post(url, content=orjson.dumps(body), headers=JSON, timeout=30.0).json()
    token = (payload.get("data") or {}).get("login", {}).get("token")
    if not token:
        raise RuntimeError(f"sign-in failed: {payload}")
    return str(token)


def probe(target: Target, body: dict[str, Any]) -> dict[str, Any]:
    """One request whose answer must be a clean 200; returns its `data`."""
    response = httpx.post(
        target.url, content=orjson.dumps(body), headers={**JSON, **target.headers}, timeout=60
    )
    payload = response.json()
    if response.status_code != 200 or payload.get("errors") or payload.get("data") is None:
        raise RuntimeError(f"probe failed ({response.status_code}): {str(payload)[:1000]}")
    return dict(payload["data"])


async def measure_latency(target: Target, make_body: MakeBody) -> tuple[float, float, int]:
    """Median over the repeats of p50 and p99 (seconds) on one client, and total failures."""
    await latencies(target, make_body, max(5, LATENCY_REQUESTS // 6))
    p50s, p99s, failed = [], [], 0
    for _ in range(REPEATS):
        times, failures = await latencies(target, make_body, LATENCY_REQUESTS)
        p50s.append(percentile(times, 50))
        p99s.append(percentile(times, 99))
        failed += failures
    return median(p50s), median(p99s), failed


async def measure_rps(target: Target, make_body: MakeBody, clients: int) -> tuple[float, int]:
    """Median requests/s over the repeats after a warm-up, and total failures."""
    await throughput(target, make_body, clients, WARMUP_SECONDS)
    rates, failed = [], 0
    for _ in range(REPEATS):
        result = await throughput(target, make_body, clients, SECONDS)
        rates.append(result.rps)
        failed += result.failures
    return median(rates), failed


def record_latency(results: Results, name: str, target: Target, make_body: MakeBody) -> None:
    p50, p99, failed = run(lambda: measure_latency(target, make_body))
    results.figures[f"{name}_p50_ms"] = p50 * 1000
    results.figures[f"{name}_p99_ms"] = p99 * 1000
    results.failures[f"{name}_latency"] = failed
    log(f"{name}: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, {failed} failed")


def record_rps(
    results: Results, name: str, target: Target, make_body: MakeBody, clients: int
) -> None:
    rps, failed = run(lambda: measure_rps(target, make_body, clients))
    results.figures[f"{name}_rps"] = rps
    results.failures[f"{name}_rps"] = failed
    log(f"{name}: {rps:.1f} req/s with {clients} clients, {failed} failed")


# --- the servers -----------------------------------------------------------------------------


def api_server(env: dict[str, str], debug: bool, name: str) -> Any:
    port = free_port()
    args = crm("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2")
    return server(
        args, {**env, "CRM_DEBUG": "1" if debug else "0"}, "/healthz", port, log_path(name)
    )


def raw_server(module: str, env: dict[str, str], name: str) -> Any:
    """A raw floor (`bench/<module>.py`) under uvicorn, run as the API is: 2 workers, uvloop,
    httptools."""
    port = free_port()
    args = [
        str(BIN / "python"), "-m", "uvicorn", "--app-dir", "bench", f"{module}:app",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
        "--loop", "uvloop", "--http", "httptools", "--log-level", "warning",
    ]  # fmt: skip
    return server(args, env, "/healthz", port, log_path(name))


def log_path(name: str) -> Path:
    """Server logs go to the temp directory (bench/results keeps only the results)."""
    LOGS.mkdir(parents=True, exist_ok=True)
    return LOGS / f"{name}.log"


def bench_api(
    env: dict[str, str], ids: list[str], results: Results, prefix: str = ""
) -> dict[str, Any]:
    """W1, W3 and W4 against the production-mode API; returns W1 and W3 answers to compare.
    Figures are named `<prefix>api_...`, the server log `<prefix>api.log`."""
    with api_server(env, debug=False, name=f"{prefix}api") as base:
        url = f"{base}/graphql"
        target = Target(url, {"authorization": f"Bearer {login(url)}"})
        samples = {
            "W1": probe(target, wl.dashboard(100)(0, 0)),
            "W3": probe(target, wl.lookup(ids)(0, 0)),
        }
        record_latency(results, f"{prefix}api_w1", target, wl.dashboard(100))
        record_rps(results, f"{prefix}api_w1", target, wl.dashboard(100), 8)
        record_rps(results, f"{prefix}api_w3", target, wl.lookup(ids), 32)
        check_write(probe(target, wl.log_interaction(ids)(0, 0)))
        record_rps(results, f"{prefix}api_w4", target, wl.log_interaction(ids), 8)
        return samples


def check_write(data: dict[str, Any]) -> None:
    payload = data["logInteraction"]
    if payload["errors"] or not payload["interaction"]:
        raise RuntimeError(f"logInteraction failed: {payload}")


def count_statements(env: dict[str, str], results: Results) -> None:
    """W2: statements per W1 request at three page sizes, from a CRM_DEBUG=1 server. Every
    request looks its token up there (no viewer cache), so each count includes that statement
    whichever worker answers."""
    no_cache = {**env, "CRM_AUTH_CACHE_SECONDS": "0"}
    with api_server(no_cache, debug=True, name="api-debug") as base:
        url = f"{base}/graphql"
        headers = {**JSON, "authorization": f"Bearer {login(url)}"}
        for first in W2_PAGE_SIZES:
            body = orjson.dumps(wl.dashboard(first)(0, 0))
            response = httpx.post(url, content=body, headers=headers, timeout=60).json()
            if response.get("errors"):
                raise RuntimeError(f"W2 at first={first} failed: {response['errors']}")
            results.statements[first] = int(response["extensions"]["sql"]["statements"])
    log(f"W2 statements: {results.statements}")


def bench_raw(
    base: str,
    ids: list[str],
    results: Results,
    samples: dict[str, Any],
    *,
    prefix: str = "",
    label: str = "raw",
) -> None:
    """W1 and W3 against a raw floor at `base`, its answers checked against `samples`."""
    w1 = Target(f"{base}/w1", {})
    w3 = Target(f"{base}/w3", {})
    for name, target, body in (
        ("W1", w1, wl.dashboard(100)(0, 0)),
        ("W3", w3, wl.lookup(ids)(0, 0)),
    ):
        compare(
            results, f"{label} {name} answer equal to the API's", probe(target, body), samples[name]
        )
    record_latency(results, f"{prefix}raw_w1", w1, wl.dashboard(100))
    record_rps(results, f"{prefix}raw_w1", w1, wl.dashboard(100), 8)
    record_rps(results, f"{prefix}raw_w3", w3, wl.lookup(ids), 32)


def difference(ours: Any, theirs: Any, where: str = "data") -> str | None:
    """Where two JSON answers first differ (a path and both values), or None if equal."""
    if isinstance(ours, dict) and isinstance(theirs, dict) and ours.keys() == theirs.keys():
        found = (difference(ours[k], theirs[k], f"{where}.{k}") for k in ours)
        return next((d for d in found if d), None)
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        found = (difference(ours[n], theirs[n], f"{where}[{n}]") for n in range(len(ours)))
        return next((d for d in found if d), None)
    if ours == theirs:
        return None
    if isinstance(ours, list) and isinstance(theirs, list):
        return f"{where}: {len(ours)} vs {len(theirs)} items"
    return f"{where}: {str(ours)[:120]} vs {str(theirs)[:120]}"


def compare(results: Results, what: str, answer: dict[str, Any], sample: dict[str, Any]) -> None:
    """Notes `<what>: True`, or `<what>: False (first difference <path>: <ours> vs <theirs>)`."""
    differs = difference(answer, sample)
    results.notes.append(
        f"{what}: {differs is None}" + (f" (first difference {differs})" if differs else "")
    )
    if differs:
        log(f"{what}: NO, first difference {differs}")


def bench_sqlite(
    env: dict[str, str], ids: list[str], results: Results, pg_samples: dict[str, Any] | None
) -> None:
    """The API and the raw sqlite3 floor on the same data in a fresh SQLite file: W1, W3 and W4
    for the API (W4 last, as on PostgreSQL), then W1 and W3 for the floor."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="crm-bench-sqlite-") as tmp:
        path = Path(tmp) / SQLITE_FILE
        senv = sqlite_env(env, path)
        prepare_sqlite(senv, path, results)
        samples = bench_api(senv, ids, results, prefix="sqlite_")
        for name in ("W1", "W3"):
            if pg_samples is None:
                results.notes.append(
                    f"SQLite API {name} answer not compared with the PostgreSQL API's "
                    "(PostgreSQL part not run)"
                )
            else:
                what = f"SQLite API {name} answer equal to the PostgreSQL API's"
                compare(results, what, samples[name], pg_samples[name])
        raw_env = {**env, "BENCH_RAW_SQLITE": str(path)}
        with raw_server("raw_sqlite", raw_env, "sqlite_raw") as base:
            bench_raw(base, ids, results, samples, prefix="sqlite_", label="SQLite raw")
    results.timings["sqlite_s"] = time.perf_counter() - started
    log(f"SQLite part took {results.timings['sqlite_s']:.0f} s")


def bench_postgraphile(ids: list[str], results: Results, samples: dict[str, Any]) -> None:
    """PostGraphile 5 (Node 22, amber preset, 2 workers) on the same database and load."""
    pg.install()
    LOGS.mkdir(parents=True, exist_ok=True)
    with pg.start(BENCH_DSN, free_port(), LOGS) as base:
        target = Target(pg.graphql_url(base), {})
        for name, body in (("W1", pg.dashboard(100)(0, 0)), ("W3", pg.lookup(ids)(0, 0))):
            same = pg.to_api_shape(name, probe(target, body)) == samples[name]
            results.notes.append(f"PostGraphile {name} answer equal to the API's: {same}")
        record_latency(results, "pg_w1", target, pg.dashboard(100))
        record_rps(results, "pg_w1", target, pg.dashboard(100), 8)
        record_rps(results, "pg_w3", target, pg.lookup(ids), 32)


# --- W6: subscriptions across two server processes ------------------------------------------


def live_server(env: dict[str, str], bus_url: str, name: str) -> Any:
    """One `crm-graphql serve` process (one worker) on `bus_url`; only the bus delivers."""
    port = free_port()
    args = crm("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1")
    bus = {"CRM_EVENT_BUS_URL": bus_url, "CRM_EVENT_POLL_SECONDS": "3600"}
    return server_process(args, {**env, **bus}, "/healthz", port, log_path(name))


def placement(subscribers: int) -> list[str]:
    """One subscriber on A; more alternate between A and B (half each)."""
    return ["A"] if subscribers == 1 else ["AB"[n % 2] for n in range(subscribers)]


def record_live(
    results: Results,
    bus: str,
    subscribers: int,
    urls: dict[str, str],
    writer_base: str,
    token: str,
    cpu: live.CpuReader,
) -> None:
    result = asyncio.run(
        live.measure(
            urls=urls,
            writer_base=writer_base,
            token=token,
            dsn=BENCH_DSN,
            placement=placement(subscribers),
            moves=W6_MOVES,
            warmup=W6_WARMUP_MOVES,
            interval=W6_INTERVAL_SECONDS,
            cpu=cpu,
            log=log,
        )
    )
    row = {"bus": bus, **result.summary()}
    results.live.append(row)
    log(
        f"W6 {bus}, {subscribers} subscribers: p50 {row['p50_ms'] or 0:.1f} ms, "
        f"p99 {row['p99_ms'] or 0:.1f} ms, {row['events']} events, {row['incomplete']} "
        f"subscribers incomplete, {result.seconds:.0f} s"
    )
    if row["incomplete"] or row["problems"]:
        log(f"W6 DELIVERY FAILED on {bus} with {subscribers} subscribers: {row['problems']}")


def bench_live(env: dict[str, str], results: Results) -> None:
    """W6 on each bus: worker A and worker B, subscribers on them, moves through B."""
    limit = live.raise_open_files(W6_SUBSCRIBERS)
    log(f"W6: open-file limit {limit}")
    for bus, url in W6_BUSES:
        slug = bus.lower()
        with (
            live_server(env, url, f"w6-{slug}-a") as (a_base, a_pid),
            live_server(env, url, f"w6-{slug}-b") as (b_base, b_pid),
        ):
            token = login(f"{b_base}/graphql")
            urls = {"A": f"ws{a_base[4:]}/graphql", "B": f"ws{b_base[4:]}/graphql"}

            def cpu(a: int = a_pid, b: int = b_pid) -> dict[str, float]:
                return {"A": cpu_seconds(a), "B": cpu_seconds(b)}

            for subscribers in dict.fromkeys((1, W6_SUBSCRIBERS)):
                record_live(results, bus, subscribers, urls, b_base, token, cpu)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", choices=PARTS, help="run one part of the benchmark")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    parts = (args.only,) if args.only else PARTS
    started = time.perf_counter()
    results = Results()
    env = base_env()
    if "W1-W4" in parts or "W6" in parts:
        prepare_data(env, results)
    ids = wl.random_ids(CUSTOMERS, ID_SEED)
    samples: dict[str, Any] | None = None
    if "W1-W4" in parts:
        samples = bench_api(env, ids, results)
        count_statements(env, results)
        with raw_server("raw_server", {**env, "BENCH_RAW_DSN": BENCH_DSN}, "raw") as base:
            bench_raw(base, ids, results, samples)
        bench_postgraphile(ids, results, samples)
    if "SQLite" in parts:
        bench_sqlite(env, ids, results, samples)
    if "W6" in parts:
        bench_live(env, results)
    results.timings["total_s"] = time.perf_counter() - started
    machine = report.machine(ADMIN_DSN)  # the server version; crm_bench may not exist
    settings = {"customers": CUSTOMERS, "seconds": SECONDS, "repeats": REPEATS,
                "latency_requests": LATENCY_REQUESTS, "subscribers": W6_SUBSCRIBERS,
                "moves": W6_MOVES, "warmup_moves": W6_WARMUP_MOVES,
                "interval_ms": W6_INTERVAL_SECONDS * 1000}  # fmt: skip
    text = report.markdown(results.__dict__, machine, settings)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    raw = {"machine": machine, "settings": settings, "parts": parts, **results.__dict__}
    name = "latest" if parts == PARTS else f"only-{args.only}"
    if parts == PARTS:
        (RESULTS / "latest.md").write_text(text, encoding="utf-8")
    (RESULTS / f"{name}.json").write_bytes(orjson.dumps(raw, option=orjson.OPT_NON_STR_KEYS))
    delivered = all(not row["incomplete"] and not row["problems"] for row in results.live)
    return 0 if delivered else 1


if __name__ == "__main__":
    raise SystemExit(main())
