"""Several server processes on one port, balanced by the kernel.

uvicorn's own workers share one listening socket: every process wakes for a new connection
and the first to accept takes it, so a burst of keep-alive connections (a load balancer's, a
benchmark's) often lands on one process while another idles. Here each worker binds its own
socket with SO_REUSEPORT and Linux spreads connections over them evenly. The supervisor
restarts a worker that dies and forwards SIGTERM/SIGINT for a graceful stop.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

import uvicorn

logger = logging.getLogger("crm_graphql")
RESTART_DELAY = 1.0
STOP_TIMEOUT = 30.0  # seconds the workers get to finish their requests


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _worker(options: dict[str, Any]) -> None:
    sock = _bind(options["host"], options["port"])
    uvicorn.Server(uvicorn.Config(**options)).run(sockets=[sock])


def run(options: dict[str, Any], workers: int) -> None:
    """Runs `workers` uvicorn servers with `options` (uvicorn.Config's) until a signal."""
    # bound here first: a port in use fails at once instead of in every worker, forever
    _bind(options["host"], options["port"]).close()
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> tuple[BaseProcess, float]:
        process = context.Process(target=_worker, args=(options,), daemon=False)
        process.start()
        return process, time.monotonic()

    processes = [start() for _ in range(workers)]
    delay = RESTART_DELAY

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if signum == signal.SIGTERM:
            for process, _ in processes:
                if process.is_alive():
                    process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # a terminal sends SIGINT to the workers itself
    while not stopping:
        for index, (process, started) in enumerate(processes):
            if process.is_alive() or stopping:
                continue
            logger.warning("worker %s exited (%s); restarting it", process.pid, process.exitcode)
            # one that dies young (a broken database, say) is restarted ever more slowly
            delay = RESTART_DELAY if time.monotonic() - started > 60 else min(delay * 2, 60.0)
            time.sleep(delay)
            if not stopping:
                processes[index] = start()
        time.sleep(0.5)
    for process, _ in processes:
        process.join(timeout=STOP_TIMEOUT)
        if process.is_alive():  # e.g. SIGINT sent to the supervisor alone
            process.terminate()
            process.join()
