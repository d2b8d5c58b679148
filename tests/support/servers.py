"""Real servers for tests: an app served by uvicorn in this process, or `crm-graphql serve`
processes started, awaited and stopped."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from tests.support.waiting import eventually


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[str]:
    """`app` served by uvicorn in this process (its lifespan run by the caller): host:port."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started or task.done())
    assert not task.done(), "uvicorn did not start"
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class Served(NamedTuple):
    host: str  # host:port
    pid: int  # of `crm-graphql serve` (with several workers, their supervisor)


@contextlib.contextmanager
def serve(env: dict[str, str], log_path: Path, *options: str) -> Iterator[Served]:
    """`crm-graphql serve` on a free loopback port with `env`, ready (its /healthz answers);
    stopped afterwards. Its output goes to `log_path`."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "crm_graphql", "serve", "--port", str(port), *options],
            env={**env, "CRM_PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        host = f"127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    pytest.fail(f"server exited: {log_path.read_text()}")
                try:
                    if httpx.get(f"http://{host}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"server did not start: {log_path.read_text()}")
                time.sleep(0.1)
            yield Served(host, process.pid)
        finally:
            process.terminate()
            process.wait(timeout=20)
