"""The load generator: keep-alive HTTP/1.1 clients (one httpx.AsyncClient per worker)."""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

Body = dict[str, Any]
MakeBody = Callable[[int, int], Body]  # (worker, request number) -> JSON body
REQUEST_TIMEOUT = 30.0
MAX_REQUESTS_PER_WORKER = 200_000


@dataclass(frozen=True, slots=True)
class Target:
    """Where requests go and with which headers."""

    url: str
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class Throughput:
    requests: int
    failures: int
    seconds: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _client(target: Target) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    headers = {"content-type": "application/json", **target.headers}
    return httpx.AsyncClient(
        http1=True, http2=False, limits=limits, timeout=REQUEST_TIMEOUT, headers=headers
    )


def ok(response: httpx.Response) -> bool:
    """A 200 whose JSON body has data and no errors."""
    if response.status_code != 200:
        return False
    payload = orjson.loads(response.content)
    return payload.get("data") is not None and not payload.get("errors")


async def send(client: httpx.AsyncClient, target: Target, body: Body) -> bool:
    """Posts one body; True when the answer is a clean 200 (transport errors count as failed)."""
    try:
        return ok(await client.post(target.url, content=orjson.dumps(body)))
    except (httpx.HTTPError, orjson.JSONDecodeError):
        return False


async def latencies(target: Target, make_body: MakeBody, count: int) -> tuple[list[float], int]:
    """Sequential requests on one client; seconds per request and the number that failed."""
    times: list[float] = []
    failures = 0
    async with _client(target) as client:
        for n in range(count):
            start = time.perf_counter()
            succeeded = await send(client, target, make_body(0, n))
            times.append(time.perf_counter() - start)
            failures += not succeeded
    return times, failures


async def _worker(
    target: Target, make_body: MakeBody, worker: int, deadline: float
) -> tuple[int, int]:
    done = failures = 0
    async with _client(target) as client:
        while time.perf_counter() < deadline and done < MAX_REQUESTS_PER_WORKER:
            succeeded = await send(client, target, make_body(worker, done))
            done += 1
            failures += not succeeded
    return done, failures


async def throughput(
    target: Target, make_body: MakeBody, clients: int, seconds: float
) -> Throughput:
    """Closed-loop load: `clients` workers send back to back until the deadline."""
    start = time.perf_counter()
    deadline = start + seconds
    results = await asyncio.gather(
        *(_worker(target, make_body, w, deadline) for w in range(clients))
    )
    elapsed = time.perf_counter() - start
    return Throughput(
        requests=sum(r[0] for r in results),
        failures=sum(r[1] for r in results),
        seconds=elapsed,
    )


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)
