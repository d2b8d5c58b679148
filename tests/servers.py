"""Real server processes for tests: `crm-graphql serve` started, awaited and stopped."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from tests.conftest import free_port


class Served(NamedTuple):
    host: str  # host:port
    pid: int  # of `crm-graphql serve` (with several workers, their supervisor)


@contextmanager
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
