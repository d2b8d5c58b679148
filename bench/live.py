"""W6: commit-to-client latency of subscriptions across two server processes.

N WebSocket connections speak graphql-transport-ws directly with the `websockets` package (much
lighter than gql for 1,000 connections), each subscribed to `dealEvents` of the default
pipeline; a writer moves one deal back and forth between two OPEN stages through worker B.
Latency per (event, subscriber) = the client's receive wall time - the event's `occurredAt`
(set just before the commit, on the same machine's clock: an upper bound of commit-to-client).
Every subscriber must get every event of the log, in order, once: checked against the events
table itself.
"""

from __future__ import annotations

import asyncio
import base64
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import asyncpg
import httpx
import orjson
from load import percentile
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

PROTOCOL = "graphql-transport-ws"
SUBSCRIPTION = """
subscription W6($pipeline: ID!) {
  dealEvents(pipelineId: $pipeline) { sequence occurredAt deal { id } }
}
"""
PIPELINES = "{ pipelines(first: 20) { nodes { id isDefault stages { id kind } } } }"
OPEN_DEAL = """
query W6Deal($pipeline: ID!) {
  deals(first: 1, filter: {pipelineId: {eq: $pipeline}, status: {eq: OPEN}}) {
    nodes { id version stage { id } }
  }
}
"""
MOVE = """
mutation W6Move($input: MoveDealInput!) {
  moveDeal(input: $input) { deal { version } errors { code message } }
}
"""
CONNECT_CONCURRENCY = 50
TIMEOUT = 30.0
MAX_WARMUP_MOVES = 100
DRAIN_SECONDS = 20.0
DELIVERY_SECONDS = 10.0  # a move waits at most this long for the previous event to arrive
POLL_SECONDS = 0.005
FILES_PER_SUBSCRIBER = 2  # the client's socket, and the server's when it inherits the limit
SPARE_FILES = 512

CpuReader = Callable[[], dict[str, float]]  # cumulative CPU seconds per server process


def raise_open_files(subscribers: int) -> int:
    """Raises this process's soft open-file limit (servers started later inherit it) so that
    `subscribers` sockets fit; returns the limit. Fails when the hard limit is too low."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = FILES_PER_SUBSCRIBER * subscribers + SPARE_FILES
    if soft >= needed:
        return soft
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise RuntimeError(f"W6 needs {needed} open files, the hard limit is {hard} (ulimit -Hn)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    return needed


@dataclass(frozen=True, slots=True)
class Received:
    at: float  # client wall time when the message arrived
    seq: int
    occurred_at: float  # the event's occurredAt, POSIX seconds


@dataclass(slots=True)
class Subscriber:
    worker: str  # "A" or "B"
    received: list[Received] = field(default_factory=list)
    error: str | None = None

    @property
    def last_seq(self) -> int:
        return self.received[-1].seq if self.received else 0


@dataclass(frozen=True, slots=True)
class Board:
    """What the writer needs: the pipeline, a deal in an OPEN stage and a second OPEN stage."""

    pipeline_id: str
    pipeline_pk: int
    deal_id: str
    version: int
    stages: tuple[str, str]


@dataclass(slots=True)
class LiveResult:
    subscribers: int
    placement: str
    events: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    by_worker_ms: dict[str, list[float]] = field(default_factory=dict)
    first_ms: list[float] = field(default_factory=list)  # per event: the earliest receiver
    last_ms: list[float] = field(default_factory=list)  # per event: the latest receiver
    write_ms: list[float] = field(default_factory=list)
    move_period_ms: float = 0.0  # mean time from one measured move to the next
    incomplete: int = 0  # subscribers that did not get every event exactly once, in order
    problems: list[str] = field(default_factory=list)
    client_cpu: float = 0.0  # share of one core the client used while measuring
    server_cpu_s: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        def pct(values: list[float], p: float) -> float | None:
            return percentile(values, p) if values else None

        row: dict[str, Any] = {
            "subscribers": self.subscribers,
            "placement": self.placement,
            "events": self.events,
            "samples": len(self.latencies_ms),
            "p50_ms": pct(self.latencies_ms, 50),
            "p99_ms": pct(self.latencies_ms, 99),
            "max_ms": max(self.latencies_ms, default=None),
            "first_p50_ms": pct(self.first_ms, 50),
            "last_p50_ms": pct(self.last_ms, 50),
            "last_p99_ms": pct(self.last_ms, 99),
            "write_p50_ms": pct(self.write_ms, 50),
            "move_period_ms": self.move_period_ms,
            "incomplete": self.incomplete,
            "problems": self.problems[:10],
            "client_cpu": self.client_cpu,
            "server_cpu_ms_per_event": {
                worker: 1000 * seconds / self.events if self.events else None
                for worker, seconds in self.server_cpu_s.items()
            },
            "seconds": self.seconds,
        }
        for worker, values in sorted(self.by_worker_ms.items()):
            row[f"{worker}_p50_ms"] = pct(values, 50)
            row[f"{worker}_p99_ms"] = pct(values, 99)
        return row


def _timestamp(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def _pk(global_id: str) -> int:
    raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    return int(raw.rpartition(":")[2])


async def _graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    body = orjson.dumps({"query": query, "variables": variables or {}})
    response = await client.post("/graphql", content=body)
    payload = response.json()
    if response.status_code != 200 or payload.get("errors") or payload.get("data") is None:
        raise RuntimeError(f"W6 request failed ({response.status_code}): {str(payload)[:1000]}")
    return dict(payload["data"])


def _http(base: str, token: str) -> httpx.AsyncClient:
    headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
    return httpx.AsyncClient(base_url=base, headers=headers, timeout=TIMEOUT)


async def find_board(base: str, token: str) -> Board:
    async with _http(base, token) as client:
        pipelines = (await _graphql(client, PIPELINES))["pipelines"]["nodes"]
        default = next(p for p in pipelines if p["isDefault"])
        found = await _graphql(client, OPEN_DEAL, {"pipeline": default["id"]})
    if not found["deals"]["nodes"]:
        raise RuntimeError("W6 needs an OPEN deal on the default pipeline: seed 5+ customers")
    deal = found["deals"]["nodes"][0]
    here = deal["stage"]["id"]
    other = next(s["id"] for s in default["stages"] if s["kind"] == "OPEN" and s["id"] != here)
    return Board(default["id"], _pk(default["id"]), deal["id"], deal["version"], (here, other))


class Writer:
    """Moves the board's deal between its two stages through one server, keeping its version."""

    def __init__(self, client: httpx.AsyncClient, board: Board) -> None:
        self._client = client
        self._board = board
        self._version = board.version
        self._moves = 0

    async def move(self) -> float:
        """One moveDeal; the seconds it took."""
        target = self._board.stages[(self._moves + 1) % 2]
        move = {"id": self._board.deal_id, "expectedVersion": self._version, "stageId": target}
        variables = {"input": move}
        start = time.perf_counter()
        payload = (await _graphql(self._client, MOVE, variables))["moveDeal"]
        seconds = time.perf_counter() - start
        if payload["errors"] or payload["deal"] is None:
            raise RuntimeError(f"moveDeal failed: {payload}")
        self._version = payload["deal"]["version"]
        self._moves += 1
        return seconds


async def _listen(
    url: str,
    init: str,
    subscribe: str,
    subscriber: Subscriber,
    gate: asyncio.Semaphore,
    ready: asyncio.Future[None],
) -> None:
    """One connection: connection_init with the token, connection_ack, subscribe; then it
    records every event until cancelled."""
    ws: ClientConnection | None = None
    try:
        async with gate:
            ws = await connect(
                url,
                subprotocols=[Subprotocol(PROTOCOL)],
                open_timeout=TIMEOUT,
                close_timeout=2,
                ping_interval=None,
                max_queue=None,
            )
            await ws.send(init)
            ack = orjson.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
            if ack.get("type") != "connection_ack":
                raise RuntimeError(f"expected connection_ack, got {ack}")
            await ws.send(subscribe)
        ready.set_result(None)
        async for raw in ws:
            at = time.time()
            message = orjson.loads(raw)
            kind = message.get("type")
            if kind == "next" and not message["payload"].get("errors"):
                event = message["payload"]["data"]["dealEvents"]
                subscriber.received.append(
                    Received(at, int(event["sequence"]), _timestamp(event["occurredAt"]))
                )
            elif kind == "ping":
                await ws.send('{"type":"pong"}')
            else:
                subscriber.error = f"unexpected message: {str(message)[:300]}"
                return
        subscriber.error = "the server closed the connection"
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        subscriber.error = repr(exc)[:300]
    finally:
        if not ready.done():
            ready.set_result(None)
        if ws is not None:
            await ws.close()


class Audience:
    """The subscribers, their connections and their tasks."""

    def __init__(
        self, urls: dict[str, str], placement: Sequence[str], token: str, pipeline_id: str
    ) -> None:
        self.subscribers = [Subscriber(worker) for worker in placement]
        self._urls = urls
        self._init = orjson.dumps(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        ).decode()
        payload = {"query": SUBSCRIPTION, "variables": {"pipeline": pipeline_id}}
        self._subscribe = orjson.dumps(
            {"id": "1", "type": "subscribe", "payload": payload}
        ).decode()
        self._tasks: list[asyncio.Task[None]] = []

    async def connect(self) -> None:
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        loop = asyncio.get_running_loop()
        ready: list[asyncio.Future[None]] = []
        for subscriber in self.subscribers:
            future: asyncio.Future[None] = loop.create_future()
            ready.append(future)
            url = self._urls[subscriber.worker]
            self._tasks.append(
                asyncio.create_task(
                    _listen(url, self._init, self._subscribe, subscriber, gate, future)
                )
            )
        await asyncio.wait_for(asyncio.gather(*ready), TIMEOUT * 4)
        self.raise_errors()

    def raise_errors(self) -> None:
        failed = [s.error for s in self.subscribers if s.error]
        if failed:
            raise RuntimeError(f"{len(failed)} W6 subscribers failed, e.g. {failed[0]}")

    def all_received_something(self) -> bool:
        return all(s.received for s in self.subscribers)

    def counts(self) -> list[int]:
        return [len(s.received) for s in self.subscribers]

    def each_got_more_than(self, counts: list[int]) -> bool:
        return all(
            len(s.received) > n or s.error for s, n in zip(self.subscribers, counts, strict=True)
        )

    async def wait(self, done: Callable[[], bool], seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(POLL_SECONDS)
        return True

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def _logged_events(dsn: str, pipeline_pk: int, after: int) -> list[tuple[int, float]]:
    """The truth: (seq, occurred_at) of the pipeline's deal events after `after`."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT seq, occurred_at FROM events WHERE entity_type = 'DEAL' "
            "AND pipeline_id = $1 AND seq > $2 ORDER BY seq",
            pipeline_pk,
            after,
        )
    finally:
        await conn.close()
    return [(int(r["seq"]), r["occurred_at"].timestamp()) for r in rows]


async def _log_head(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT COALESCE(MAX(seq), 0) FROM events"))
    finally:
        await conn.close()


async def _paced(writer: Writer, count: int, interval: float) -> list[float]:
    """`count` moves, one every `interval` seconds (or back to back when a move is slower)."""
    times = []
    start = time.perf_counter()
    for n in range(count):
        delay = start + n * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        times.append(await writer.move())
    return times


async def _one_at_a_time(
    writer: Writer, audience: Audience, count: int, interval: float
) -> tuple[list[float], float]:
    """`count` moves, each `interval` seconds after the previous one and not before every
    subscriber has the previous one's event: latency, not queueing behind earlier events.
    Returns the moves' seconds and the mean seconds from one move to the next."""
    times = []
    first = time.perf_counter()
    for n in range(count):
        started = time.perf_counter()
        before = audience.counts()
        times.append(await writer.move())
        await audience.wait(partial(audience.each_got_more_than, before), DELIVERY_SECONDS)
        if n < count - 1:
            await asyncio.sleep(max(0.0, started + interval - time.perf_counter()))
    return times, (started - first) / max(1, count - 1)


def _check(
    result: LiveResult, audience: Audience, truth: list[tuple[int, float]], after: int
) -> None:
    """Delivery: each subscriber got exactly the logged events, in order; then latencies."""
    expected = [seq for seq, _ in truth]
    occurred = dict(truth)
    by_event: dict[int, list[float]] = {seq: [] for seq in expected}
    for index, subscriber in enumerate(audience.subscribers):
        got = [r for r in subscriber.received if r.seq > after]
        sequences = [r.seq for r in got]
        if sequences != expected or subscriber.error:
            result.incomplete += 1
            missing = len(set(expected) - set(sequences))
            duplicates = len(sequences) - len(set(sequences))
            result.problems.append(
                f"subscriber {index} on {subscriber.worker}: {len(sequences)} of "
                f"{len(expected)} events, {missing} missing, {duplicates} duplicated, "
                f"in order: {sequences == sorted(sequences)}, error: {subscriber.error}"
            )
        for r in got:
            if abs(r.occurred_at - occurred.get(r.seq, r.occurred_at)) > 1e-3:
                result.problems.append(f"event {r.seq}: occurredAt differs from the log")
            ms = (r.at - r.occurred_at) * 1000
            result.latencies_ms.append(ms)
            result.by_worker_ms.setdefault(subscriber.worker, []).append(ms)
            if r.seq in by_event:
                by_event[r.seq].append(ms)
    result.first_ms = [min(v) for v in by_event.values() if v]
    result.last_ms = [max(v) for v in by_event.values() if v]


async def measure(
    *,
    urls: dict[str, str],
    writer_base: str,
    token: str,
    dsn: str,
    placement: Sequence[str],
    moves: int,
    warmup: int,
    interval: float,
    cpu: CpuReader,
    log: Callable[[str], None],
) -> LiveResult:
    """One scenario: connect the subscribers, warm up until every one of them is live, then
    `moves` paced moves, and wait for every subscriber to get every event (or time out)."""
    started = time.perf_counter()
    kinds = sorted(set(placement))
    result = LiveResult(len(placement), "+".join(f"{placement.count(w)} on {w}" for w in kinds))
    board = await find_board(writer_base, token)
    audience = Audience(urls, placement, token, board.pipeline_id)
    try:
        await audience.connect()
        log(f"W6: {len(placement)} subscribers connected ({result.placement})")
        async with _http(writer_base, token) as client:
            writer = Writer(client, board)
            # the server registers a subscription after `subscribe` arrives: move until all
            # of them have seen an event, then until all have seen the same last one
            await _paced(writer, warmup, interval)
            extra = 0
            while not audience.all_received_something() and extra < MAX_WARMUP_MOVES:
                await _paced(writer, 1, interval)
                extra += 1
            head = await _log_head(dsn)
            settled = await audience.wait(
                lambda: all(s.last_seq >= head for s in audience.subscribers), DRAIN_SECONDS
            )
            audience.raise_errors()
            if not settled:
                raise RuntimeError("W6 subscribers did not all get the warm-up events")
            log(f"W6: warmed up with {warmup + extra} moves; measuring {moves}")
            cpu_before, process_before, wall_before = cpu(), time.process_time(), time.time()
            times, period = await _one_at_a_time(writer, audience, moves, interval)
            result.write_ms = [seconds * 1000 for seconds in times]
            result.move_period_ms = period * 1000
            truth = await _logged_events(dsn, board.pipeline_pk, head)
            last = truth[-1][0] if truth else head
            await audience.wait(
                lambda: all(s.last_seq >= last or s.error for s in audience.subscribers),
                DRAIN_SECONDS,
            )
            wall = time.time() - wall_before
            result.client_cpu = (time.process_time() - process_before) / wall
            cpu_after = cpu()
            result.server_cpu_s = {w: cpu_after[w] - cpu_before[w] for w in cpu_after}
    finally:
        await audience.close()
    result.events = len(truth)
    if len(truth) != moves:
        result.problems.append(f"the log has {len(truth)} deal events for {moves} moves")
    _check(result, audience, truth, head)
    result.seconds = time.perf_counter() - started
    return result
