"""The markdown report: machine description, figures and ratios (ours / raw)."""

from __future__ import annotations

import asyncio
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

Row = tuple[str, str, float | None, float | None, float | None]


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
    conn = await asyncpg.connect(dsn)
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
        f"Failed requests: {sum(results['failures'].values())} "
        f"({', '.join(f'{k} {v}' for k, v in results['failures'].items())}).",
    ]
    lines += [f"{note[0].upper()}{note[1:]}." for note in results["notes"]]
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
        f"PostgreSQL {info['postgresql']}.",
        "",
    ]
    if results["figures"]:
        lines += _http_section(results, settings)
    if results["live"]:
        if results["figures"]:
            lines.append("")
        lines += _live_section(results["live"], settings)
    timings = results["timings"]
    lines += [
        "",
        f"Data preparation took {timings.get('data_s', 0):.0f} s; the whole run "
        f"{timings.get('total_s', 0):.0f} s.",
        "",
    ]
    return "\n".join(lines)
