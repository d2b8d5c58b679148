"""The markdown report: machine description, figures and ratios (ours / raw)."""

from __future__ import annotations

import asyncio
import os
import platform
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

Row = tuple[str, str, float | None, float | None, float | None]
SQLITE_KEY = "sqlite_"  # figures and failures of the SQLite part
SQLITE_NOTE = "SQLite "  # its notes


def _meminfo_gib() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


async def _pg_version(dsn: str) -> str:
    try:
        conn = await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError):  # `--only SQLite` needs no PostgreSQL
        return "unavailable"
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


def machine(dsn: str) -> dict[str, str]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "cpu": _cpu_model(),
        "memory": _meminfo_gib(),
        "python": platform.python_version(),
        "postgresql": asyncio.run(_pg_version(dsn)),
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(),
    }


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _ratio(ours: float | None, raw: float | None) -> str:
    return "—" if ours is None or not raw else f"{ours / raw:.2f}"


def _rows(figures: dict[str, float]) -> list[Row]:
    def each(key: str) -> tuple[float | None, float | None, float | None]:
        return figures.get(f"api_{key}"), figures.get(f"raw_{key}"), figures.get(f"pg_{key}")

    return [
        ("W1 dashboard, 1 client", "p50 latency (ms)", *each("w1_p50_ms")),
        ("W1 dashboard, 1 client", "p99 latency (ms)", *each("w1_p99_ms")),
        ("W1 dashboard, 8 clients", "requests/s", *each("w1_rps")),
        ("W3 lookup, 32 clients", "requests/s", *each("w3_rps")),
        ("W4 logInteraction, 8 clients", "requests/s", figures.get("api_w4_rps"), None, None),
    ]


def _sqlite_rows(figures: dict[str, float]) -> list[tuple[str, str, float | None, float | None]]:
    def each(key: str) -> tuple[float | None, float | None]:
        return figures.get(f"sqlite_api_{key}"), figures.get(f"sqlite_raw_{key}")

    return [
        ("W1 dashboard, 1 client", "p50 latency (ms)", *each("w1_p50_ms")),
        ("W1 dashboard, 1 client", "p99 latency (ms)", *each("w1_p99_ms")),
        ("W1 dashboard, 8 clients", "requests/s", *each("w1_rps")),
        ("W3 lookup, 32 clients", "requests/s", *each("w3_rps")),
        ("W4 logInteraction, 8 clients", "requests/s", figures.get("sqlite_api_w4_rps"), None),
    ]


def _split(results: dict[str, Any], sqlite: bool) -> dict[str, Any]:
    """The figures, failures and notes of the SQLite part (sqlite=True) or of the rest."""

    def keep(key: str) -> bool:
        return key.startswith(SQLITE_KEY) == sqlite

    return {
        **results,
        "figures": {k: v for k, v in results["figures"].items() if keep(k)},
        "failures": {k: v for k, v in results["failures"].items() if keep(k)},
        "notes": [n for n in results["notes"] if n.startswith(SQLITE_NOTE) == sqlite],
    }


def _failures_and_notes(results: dict[str, Any]) -> list[str]:
    lines = [
        f"Failed requests: {sum(results['failures'].values())} "
        f"({', '.join(f'{k} {v}' for k, v in results['failures'].items())}).",
    ]
    return lines + [f"{note[0].upper()}{note[1:]}." for note in results["notes"]]


def _sqlite_section(
    results: dict[str, Any], info: dict[str, str], settings: dict[str, Any]
) -> list[str]:
    lines = [
        "## On SQLite",
        "",
        f"Data: the same {settings['customers']:,} customers (seed 42) in a fresh SQLite "
        f"{info.get('sqlite', '')} file on the same disk (`crm-graphql migrate`, "
        "`crm-graphql seed`, then `ANALYZE`), in WAL mode as the API's connections set it. "
        "crm-graphql: `crm-graphql serve --workers 2`, production mode. Raw floor: "
        "bench/raw_sqlite.py, raw_server.py's answer-building code on the standard library's "
        "sqlite3 (one read-only connection per worker, queries run inline on the event loop) "
        "and orjson, 2 uvicorn workers (uvloop, httptools). Same load as on PostgreSQL: one "
        "asyncio process on the same machine; medians of "
        f"{settings['repeats']} runs ({settings['seconds']:g} s each for requests/s, "
        f"{settings['latency_requests']} requests each for latency) after a warm-up. "
        "Ratios are ours / raw: above 1 is slower for latency, below 1 is slower for "
        "requests/s.",
        "",
        "| workload | metric | crm-graphql | raw sqlite3 | ours / raw |",
        "|---|---|---:|---:|---:|",
    ]
    for workload, metric, ours, raw in _sqlite_rows(results["figures"]):
        lines.append(
            f"| {workload} | {metric} | {_fmt(ours)} | {_fmt(raw)} | {_ratio(ours, raw)} |"
        )
    return [*lines, "", *_failures_and_notes(results)]


def _timings(timings: dict[str, float]) -> str:
    parts = []
    if "data_s" in timings:
        parts.append(f"data preparation took {timings['data_s']:.0f} s")
    if "sqlite_s" in timings:
        parts.append(
            f"the SQLite part took {timings['sqlite_s']:.0f} s (data preparation "
            f"{timings.get('sqlite_data_s', 0):.0f} s, of which seeding "
            f"{timings.get('sqlite_seed_s', 0):.0f} s)"
        )
    parts.append(f"the whole run {timings.get('total_s', 0):.0f} s")
    text = "; ".join(parts)
    return f"{text[0].upper()}{text[1:]}."


def _http_section(results: dict[str, Any], settings: dict[str, Any]) -> list[str]:
    lines = [
        f"Data: {settings['customers']:,} customers (seed 42). Servers: 2 uvicorn workers "
        "(uvloop, httptools) each; load from one asyncio process on the same machine "
        "(httpx, HTTP/1.1 keep-alive, one client per worker). Figures are medians of "
        f"{settings['repeats']} runs ({settings['seconds']:g} s each for requests/s, "
        f"{settings['latency_requests']} requests each for latency) after a warm-up.",
        "",
        "Ratios are ours / theirs: above 1 is slower for latency, below 1 is slower for "
        "requests/s. PostGraphile 5 (amber preset, Node 22, 2 cluster workers) serves the same "
        "tables; its answers are converted to our API's shape and compared.",
        "",
        "| workload | metric | crm-graphql | raw asyncpg | PostGraphile | ours / raw "
        "| ours / PostGraphile |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for workload, metric, ours, raw, peer in _rows(results["figures"]):
        lines.append(
            f"| {workload} | {metric} | {_fmt(ours)} | {_fmt(raw)} | {_fmt(peer)} "
            f"| {_ratio(ours, raw)} | {_ratio(ours, peer)} |"
        )
    statements = results["statements"]
    counts = ", ".join(f"first {k}: {v}" for k, v in sorted(statements.items()))
    equal = len(set(statements.values())) == 1
    lines += [
        "",
        f"W2 SQL statements per W1 request ({counts}): {'equal' if equal else 'NOT EQUAL'}.",
        "",
        *_failures_and_notes(results),
    ]
    return lines


def _pair(row: dict[str, Any], worker: str) -> str:
    p50, p99 = row.get(f"{worker}_p50_ms"), row.get(f"{worker}_p99_ms")
    return "—" if p50 is None else f"{_fmt(p50)} / {_fmt(p99)}"


def _delivery(row: dict[str, Any]) -> str:
    if row["incomplete"] or row["problems"]:
        return f"**FAILED**: {row['incomplete']} of {row['subscribers']:,} subscribers incomplete"
    return f"all {row['events']} to each, in order, once"


def _live_section(rows: list[dict[str, Any]], settings: dict[str, Any]) -> list[str]:
    lines = [
        "## W6: subscription latency, commit to client",
        "",
        f"Data: {settings['customers']:,} customers. Two `crm-graphql serve` processes, A and "
        "B (one uvicorn worker each, production mode), on the same database with "
        "CRM_EVENT_POLL_SECONDS=3600, so only the bus delivers. Subscribers: "
        "`dealEvents(pipelineId)` of the default pipeline over graphql-transport-ws "
        "(`websockets`, permessage-deflate), signed in as the demo admin, from one asyncio "
        "process on the same machine: 1 on A, or "
        f"{settings['subscribers']:,} alternating between A and B. Writer: `moveDeal` "
        f"through B, one deal back and forth between two OPEN stages: {settings['moves']} "
        f"moves, each {settings['interval_ms']:g} ms after the previous one and not before "
        "every subscriber has the previous event (so events do not queue behind each other; "
        "*move every* is the resulting mean), after at least "
        f"{settings['warmup_moves']} warm-up moves (until every subscriber is live).",
        "",
        "Latency = the client's receive wall time minus the event's `occurredAt` (taken just "
        "before the commit, same clock): an upper bound of commit-to-client. p50/p99 over "
        f"every (event, subscriber) pair; with 1 subscriber, p99 of {settings['moves']} is "
        "the maximum. "
        "*First* and *last* are per event: the earliest and the latest subscriber to get it. "
        "Delivery is checked against the events table.",
        "",
        "| bus | subscribers | p50 (ms) | p99 (ms) | max (ms) | on A p50 / p99 | "
        "on B p50 / p99 | first p50 | last p50 / p99 | moveDeal p50 | move every | delivery |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        last = f"{_fmt(row['last_p50_ms'])} / {_fmt(row['last_p99_ms'])}"
        lines.append(
            f"| {row['bus']} | {row['subscribers']:,} | {_fmt(row['p50_ms'])} | "
            f"{_fmt(row['p99_ms'])} | {_fmt(row['max_ms'])} | {_pair(row, 'A')} | "
            f"{_pair(row, 'B')} | {_fmt(row['first_p50_ms'])} | {last} | "
            f"{_fmt(row['write_p50_ms'])} | {_fmt(row['move_period_ms'])} | {_delivery(row)} |"
        )
    lines += [
        "",
        "Where the time goes: CPU per event of each server process and of the client while "
        "measuring (the client also parses every message).",
        "",
        "| bus | subscribers | server A CPU per event (ms) | server B CPU per event (ms) | "
        "client CPU (% of a core) | scenario (s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cpu = row["server_cpu_ms_per_event"]
        lines.append(
            f"| {row['bus']} | {row['subscribers']:,} | {_fmt(cpu.get('A'))} | "
            f"{_fmt(cpu.get('B'))} | {row['client_cpu'] * 100:.0f} | {row['seconds']:.0f} |"
        )
    for row in rows:
        lines += [f"W6 problem ({row['bus']}, {row['subscribers']}): {p}." for p in row["problems"]]
    return lines


def markdown(results: dict[str, Any], info: dict[str, str], settings: dict[str, Any]) -> str:
    lines = [
        "# crm-graphql benchmark",
        "",
        f"Date: {info['date']}. Machine: {info['nproc']} CPUs ({info['cpu']}), "
        f"{info['memory']} memory, {info['os']}; Python {info['python']}, "
        f"PostgreSQL {info['postgresql']}, SQLite {info.get('sqlite', 'unknown')}.",
        "",
    ]
    sections = []
    postgresql, sqlite = _split(results, sqlite=False), _split(results, sqlite=True)
    if postgresql["figures"]:
        sections.append(_http_section(postgresql, settings))
    if sqlite["figures"]:
        sections.append(_sqlite_section(sqlite, info, settings))
    if results["live"]:
        sections.append(_live_section(results["live"], settings))
    for n, section in enumerate(sections):
        if n:
            lines.append("")
        lines += section
    lines += ["", _timings(results["timings"]), ""]
    return "\n".join(lines)
