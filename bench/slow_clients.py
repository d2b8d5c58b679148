"""Slowloris against one `crm-graphql serve` worker (issue 11, item 8): N connections that
send headers one byte at a time and M that send bodies so, and how many the server still holds
after `--wait` seconds.

    python bench/slow_clients.py [--root DIR] [--heads 500] [--bodies 100] [--wait 15]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.procs import ROOT, free_port, server

HEAD = b"POST /graphql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"


async def _slow(port: int, prefix: bytes, drip: bytes, until: float) -> bool:
    """Sends `prefix`, then `drip` one byte a second; True if the server closed first."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(prefix)
        for byte in drip:
            if time.monotonic() > until:
                return False
            writer.write(bytes([byte]))
            await writer.drain()
            try:
                if await asyncio.wait_for(reader.read(65_536), timeout=1) == b"":
                    return True
            except TimeoutError:
                continue
            return True  # an answer (408): the server closes after it
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True
    finally:
        writer.close()


async def _attack(port: int, heads: int, bodies: int, wait: float) -> tuple[int, int]:
    until = time.monotonic() + wait
    head_tasks = [_slow(port, HEAD, b"X-Slow: " + b"a" * 1000, until) for _ in range(heads)]
    body_tasks = [
        _slow(port, HEAD + b"Content-Length: 1000\r\n\r\n", b" " * 1000, until)
        for _ in range(bodies)
    ]
    closed = await asyncio.gather(*head_tasks, *body_tasks)
    return heads - sum(closed[:heads]), bodies - sum(closed[heads:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--heads", type=int, default=500)
    parser.add_argument("--bodies", type=int, default=100)
    parser.add_argument("--wait", type=float, default=15)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": str(args.root),
            "CRM_DATABASE_URL": f"sqlite:///{tmp}/crm.sqlite3",
            "CRM_SEED_CUSTOMERS": "0",
        }
        command = [sys.executable, "-m", "crm_graphql", "serve", "--port", str(port)]
        with server(command, env, "/healthz", port, Path(tmp) / "server.log"):
            open_heads, open_bodies = asyncio.run(_attack(port, args.heads, args.bodies, args.wait))
    print(
        f"{args.root}: after {args.wait:g} s still open: {open_heads} of {args.heads} slow heads, "
        f"{open_bodies} of {args.bodies} slow bodies"
    )


if __name__ == "__main__":
    main()
