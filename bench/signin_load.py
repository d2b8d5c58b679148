"""Writers beside sign-ins on SQLite: what argon2 inside a write transaction costs writers.

Serves the API with uvicorn on a fresh SQLite file (demo data), then runs, each for
--seconds: N writers alone (logInteraction through HTTP, one request at a time each), and the
same N writers with --signers clients signing in (the right password) beside them. Prints
writes/s, write latency p50/p99, failed writes (errors, "database is locked") and sign-ins/s.

    python bench/signin_load.py --writers 4 --signers 6 --seconds 15
    python bench/signin_load.py --workers 2                      # two uvicorn processes
    python bench/signin_load.py --root /path/to/other/checkout   # the same load on other code
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import percentile
from bench.procs import ROOT, free_port, server

PASSWORD = "crm-demo-password"
SIGNERS = ["sales@example.com", "sales2@example.com", "support@example.com", "viewer@example.com"]
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code message } } }"
LOG = "mutation($i: LogInteractionInput!) { logInteraction(input: $i) { errors { code } } }"
CUSTOMERS = "query($n: Int!) { customers(first: $n) { nodes { id } } }"


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    locked: int = 0
    signins: int = 0
    signin_failures: int = 0


async def _post(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> Any:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    return response.json()


async def _writer(base: str, token: str, customer: str, until: float, tally: Tally) -> None:
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        while time.monotonic() < until:
            started = time.perf_counter()
            body = await _post(
                client, LOG, {"i": {"customerId": customer, "kind": "NOTE", "subject": "bench"}}
            )
            tally.latencies.append(time.perf_counter() - started)
            data = (body.get("data") or {}).get("logInteraction")
            if body.get("errors") or data is None or data["errors"]:
                tally.failures += 1
                tally.locked += "database is locked" in str(body)


async def _signer(base: str, email: str, until: float, tally: Tally) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        while time.monotonic() < until:
            body = await _post(client, LOGIN, {"i": {"email": email, "password": PASSWORD}})
            payload = (body.get("data") or {}).get("login")
            if payload and payload["token"]:
                tally.signins += 1
            else:
                tally.signin_failures += 1


async def _phase(
    base: str, token: str, customers: list[str], signers: int, seconds: float
) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    tasks = [_writer(base, token, c, until, tally) for c in customers]
    tasks += [_signer(base, SIGNERS[i % len(SIGNERS)], until, tally) for i in range(signers)]
    await asyncio.gather(*tasks)
    return tally


def _report(label: str, tally: Tally, seconds: float) -> None:
    lat = tally.latencies or [0.0]
    print(
        f"{label:<28} writes/s {len(tally.latencies) / seconds:7.1f}  "
        f"p50 {percentile(lat, 50) * 1000:7.1f} ms  p99 {percentile(lat, 99) * 1000:7.1f} ms  "
        f"failed {tally.failures} (locked {tally.locked})  "
        f"sign-ins/s {tally.signins / seconds:5.1f} (failed {tally.signin_failures})"
    )


async def _measure(base: str, writers: int, signers: int, seconds: float) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        login = await _post(
            client, LOGIN, {"i": {"email": "admin@example.com", "password": PASSWORD}}
        )
        token = login["data"]["login"]["token"]
        client.headers["authorization"] = f"Bearer {token}"
        found = await _post(client, CUSTOMERS, {"n": writers})
    customers = [node["id"] for node in found["data"]["customers"]["nodes"]]
    await _phase(base, token, customers, 0, 1.0)  # warm up
    alone = await _phase(base, token, customers, 0, seconds)
    _report(f"{writers} writers alone", alone, seconds)
    beside = await _phase(base, token, customers, signers, seconds)
    _report(f"{writers} writers + {signers} sign-ins", beside, seconds)
    before, after = len(alone.latencies), len(beside.latencies)
    print(f"sign-ins cost writers {100 * (1 - after / max(before, 1)):.0f} % of their writes/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--signers", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args()
    root = args.root.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = dict(os.environ)
        env.update(
            PYTHONPATH=str(root),
            CRM_DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
            CRM_SEED_CUSTOMERS="50",
            CRM_ENV="test",
        )
        command = [sys.executable, "-m", "crm_graphql", "serve", "--port", str(port)]
        command += ["--workers", str(args.workers)]
        log = Path(tmp) / "server.log"
        with server(command, env, "/healthz", port, log) as base:
            print(
                f"serving {root} on SQLite, {args.workers} worker(s); {args.seconds:g} s per phase"
            )
            asyncio.run(_measure(base, args.writers, args.signers, args.seconds))


if __name__ == "__main__":
    main()
