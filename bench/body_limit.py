"""Memory of one `crm-graphql serve` worker around an unauthenticated 200 MB POST (issue 11,
item 3): RSS before, its peak (VmHWM) and after, read from /proc.

    python bench/body_limit.py [--root DIR] [--megabytes 200]

`--root` runs the server from another checkout (e.g. `git archive integ` unpacked) to compare.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.procs import ROOT, free_port, server_process


def _status(pid: int, field: str) -> int:
    """A /proc/<pid>/status field in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _post(port: int, megabytes: int) -> str:
    """Streams `megabytes` of JSON-ish padding and returns the status line (or what happened)."""
    chunk = b" " * (1 << 20)
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        size = megabytes * len(chunk) + 2
        sock.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n{" % size
        )
        try:
            for _ in range(megabytes):
                sock.sendall(chunk)
            sock.sendall(b"}")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused early: the answer may still be readable
        try:
            answer = sock.recv(65_536)
        except ConnectionResetError:
            return "connection reset by the server"
    return answer.split(b"\r\n", 1)[0].decode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--megabytes", type=int, default=200)
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
        with server_process(command, env, "/healthz", port, Path(tmp) / "server.log") as (_, pid):
            before, peak_before = _status(pid, "VmRSS"), _status(pid, "VmHWM")
            started = time.monotonic()
            outcome = _post(port, args.megabytes)
            seconds = time.monotonic() - started
            time.sleep(1)  # let the worker finish and free what it will
            peak, after = _status(pid, "VmHWM"), _status(pid, "VmRSS")
    print(
        f"{args.root}: {args.megabytes} MB POST -> {outcome} in {seconds:.1f} s; "
        f"RSS before {before // 1024} MB (peak so far {peak_before // 1024} MB), "
        f"peak {peak // 1024} MB, after {after // 1024} MB"
    )


if __name__ == "__main__":
    main()
