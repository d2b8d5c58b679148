"""Starting and stopping the server processes under test, on loopback only."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
STARTUP_SECONDS = 60.0
STOP_SECONDS = 10.0


def free_port() -> int:
    """A port that is free on loopback right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def run_checked(args: Sequence[str], env: Mapping[str, str], timeout: float) -> str:
    """Runs a short command to completion and returns its stdout; raises on failure."""
    done = subprocess.run(
        list(args), env=dict(env), cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout


def crm(*args: str) -> list[str]:
    """The argument vector of one `crm-graphql` command from the venv."""
    return [str(BIN / "crm-graphql"), *args]


def _wait_ready(proc: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with {proc.returncode}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready at {url} after {STARTUP_SECONDS} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=STOP_SECONDS)


@contextmanager
def server_process(
    args: Sequence[str], env: Mapping[str, str], ready_path: str, port: int, log: Path
) -> Iterator[tuple[str, int]]:
    """Runs a server in its own process group until the block ends; yields its base URL and
    its process id."""
    base = f"http://{HOST}:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            list(args),
            env=dict(env),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_ready(proc, base + ready_path)
            yield base, proc.pid
        finally:
            _stop(proc)


@contextmanager
def server(
    args: Sequence[str], env: Mapping[str, str], ready_path: str, port: int, log: Path
) -> Iterator[str]:
    """As `server_process`, yielding only the base URL."""
    with server_process(args, env, ready_path, port, log) as (base, _pid):
        yield base


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
