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
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> BaseProcess:
        process = context.Process(target=_worker, args=(options,), daemon=False)
        process.start()
        return process

    processes = [start() for _ in range(workers)]

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if signum == signal.SIGTERM:
            for process in processes:
                if process.is_alive():
                    process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # the terminal sends SIGINT to the workers itself
    while not stopping:
        for index, process in enumerate(processes):
            if not process.is_alive() and not stopping:
                logger.warning(
                    "worker %s exited (%s); restarting it", process.pid, process.exitcode
                )
                time.sleep(RESTART_DELAY)
                processes[index] = start()
        time.sleep(0.5)
    for process in processes:
        process.join()
