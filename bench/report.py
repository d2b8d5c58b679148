"""The markdown report: machine description, figures and ratios (ours / raw)."""

from __future__ import annotations

import asyncio
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

Row = tuple[str, str, float | None, float | None]


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
    def both(key: str) -> tuple[float | None, float | None]:
        return figures.get(f"api_{key}"), figures.get(f"raw_{key}")

    return [
        ("W1 dashboard, 1 client", "p50 latency (ms)", *both("w1_p50_ms")),
        ("W1 dashboard, 1 client", "p99 latency (ms)", *both("w1_p99_ms")),
        ("W1 dashboard, 8 clients", "requests/s", *both("w1_rps")),
        ("W3 lookup, 32 clients", "requests/s", *both("w3_rps")),
        ("W4 logInteraction, 8 clients", "requests/s", figures.get("api_w4_rps"), None),
    ]


def markdown(results: dict[str, Any], info: dict[str, str], settings: dict[str, Any]) -> str:
    lines = [
        "# crm-graphql benchmark",
        "",
        f"Date: {info['date']}. Machine: {info['nproc']} CPUs ({info['cpu']}), "
        f"{info['memory']} memory, {info['os']}; Python {info['python']}, "
        f"PostgreSQL {info['postgresql']}.",
        "",
        f"Data: {settings['customers']:,} customers (seed 42). Servers: 2 uvicorn workers "
        "(uvloop, httptools) each; load from one asyncio process on the same machine "
        "(httpx, HTTP/1.1 keep-alive, one client per worker). Figures are medians of "
        f"{settings['repeats']} runs ({settings['seconds']:g} s each for requests/s, "
        f"{settings['latency_requests']} requests each for latency) after a warm-up.",
        "",
        "Ratios are ours / raw: above 1 is slower for latency, below 1 is slower for requests/s.",
        "",
        "| workload | metric | crm-graphql | raw asyncpg | ours / raw |",
        "|---|---|---:|---:|---:|",
    ]
    for workload, metric, ours, raw in _rows(results["figures"]):
        lines.append(
            f"| {workload} | {metric} | {_fmt(ours)} | {_fmt(raw)} | {_ratio(ours, raw)} |"
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
    timings = results["timings"]
    lines += [
        "",
        f"Data preparation took {timings.get('data_s', 0):.0f} s; the whole run "
        f"{timings.get('total_s', 0):.0f} s.",
        "",
    ]
    return "\n".join(lines)
