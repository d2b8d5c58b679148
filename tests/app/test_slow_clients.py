"""Slow and oversized clients against a real `crm-graphql serve`, over raw sockets (issue 11,
items 3 and 8): a head or body that does not arrive in time is cut off, an oversized body is
refused before it is read. HTTP-level only, so one database (SQLite) is enough here; the same
guard is exercised on both databases through the ASGI tests in tests/graphql/security/."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import Served, serve

DEADLINE = 1  # seconds, for the head and for the body
LIMIT = 4096  # CRM_MAX_BODY_BYTES
HEAD = b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    db = tmp_path_factory.mktemp("slow") / "crm.sqlite3"
    env = {
        **os.environ,
        "CRM_DATABASE_URL": f"sqlite:///{db}",
        "CRM_SEED_CUSTOMERS": "0",
        "CRM_HEADER_READ_SECONDS": str(DEADLINE),
        "CRM_BODY_READ_SECONDS": str(DEADLINE),
        "CRM_MAX_BODY_BYTES": str(LIMIT),
    }
    with serve(env, Path(db.parent) / "server.log") as running:
        yield running


def _connect(served: Served) -> socket.socket:
    host, port = served.host.split(":")
    sock = socket.create_connection((host, int(port)), timeout=DEADLINE * 10)
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or the socket times out)."""
    received = b""
    while chunk := sock.recv(65_536):
        received += chunk
    return received


def _dribble_until_closed(sock: socket.socket, data: bytes) -> tuple[bytes, float]:
    """Sends `data` one byte every 100 ms, the way a slowloris client does, until the server
    answers and closes; returns the answer and the seconds it took."""
    started = time.monotonic()
    sock.settimeout(0.1)
    answer = b""
    for byte in data:
        try:
            sock.sendall(bytes([byte]))
            chunk = sock.recv(65_536)
        except TimeoutError:
            continue  # the server is still waiting: send the next byte
        except (BrokenPipeError, ConnectionResetError):
            break
        if not chunk:
            break
        answer += chunk
    sock.settimeout(DEADLINE * 10)
    with contextlib.suppress(ConnectionResetError):
        answer += _read_until_closed(sock)
    return answer, time.monotonic() - started


def _status_and_error(answer: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    (error,) = json.loads(body)["errors"]
    assert b"connection: close" in head.lower()
    return status, error


def test_a_complete_request_is_served(served: Served) -> None:
    body = b'{"query":"{ __typename }"}'
    with _connect(served) as sock:
        sock.sendall(
            HEAD + b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
        )
        answer = _read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200"), answer
    assert answer.endswith(b'{"data":{"__typename":"Query"}}')


def test_headers_sent_slowly_are_cut_off_after_the_deadline(served: Served) -> None:
    with _connect(served) as sock:
        answer, seconds = _dribble_until_closed(sock, HEAD + b"X-Slow: " + b"a" * 200)
    status, error = _status_and_error(answer)
    assert status == 408
    assert error["extensions"] == {"code": "REQUEST_TIMEOUT"}
    assert DEADLINE * 0.9 <= seconds < DEADLINE * 5


def test_many_slow_heads_are_all_closed(served: Served) -> None:
    sockets = [_connect(served) for _ in range(100)]
    try:
        for sock in sockets:
            sock.sendall(HEAD[:20])
        started = time.monotonic()
        for sock in sockets:
            assert _read_until_closed(sock).startswith(b"HTTP/1.1 408")
        assert time.monotonic() - started < DEADLINE * 5
    finally:
        for sock in sockets:
            sock.close()


def test_a_body_sent_slowly_is_cut_off_after_the_deadline(served: Served) -> None:
    body = b'{"query":"{ __typename }"' + b" " * 1000 + b"}"
    with _connect(served) as sock:
        sock.sendall(HEAD + b"Content-Length: %d\r\n\r\n" % len(body))
        answer, seconds = _dribble_until_closed(sock, body)
    status, error = _status_and_error(answer)
    assert status == 408
    assert error["extensions"] == {"code": "REQUEST_TIMEOUT"}
    assert DEADLINE * 0.9 <= seconds < DEADLINE * 5


def test_a_declared_200_mb_body_is_refused_unread(served: Served) -> None:
    with _connect(served) as sock:
        sock.sendall(HEAD + b"Content-Length: 209715200\r\n\r\n" + b" " * 65_536)
        status, error = _status_and_error(_read_until_closed(sock))
    assert status == 413
    assert error["extensions"] == {"code": "REQUEST_TOO_LARGE"}


def test_a_chunked_body_is_refused_once_past_the_limit(served: Served) -> None:
    chunk = b" " * 1024
    with _connect(served) as sock:
        sock.sendall(HEAD + b"Transfer-Encoding: chunked\r\n\r\n")
        sent = 0
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            while sent < LIMIT * 1000:  # the server hangs up long before
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        assert sent < LIMIT * 1000


def test_a_head_larger_than_64_kib_is_refused(served: Served) -> None:
    with _connect(served) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(HEAD + b"X-Big: " + b"a" * 70_000)
        answer = _read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 431"), answer
    assert b'"code":"REQUEST_TOO_LARGE"' in answer, answer


def test_the_next_head_on_a_kept_alive_connection_has_the_deadline_too(served: Served) -> None:
    body = b'{"query":"{ __typename }"}'
    with _connect(served) as sock:
        sock.sendall(HEAD + b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        first = b""
        while not first.endswith(b'{"data":{"__typename":"Query"}}'):
            first += sock.recv(65_536)
        assert first.startswith(b"HTTP/1.1 200")
        answer, seconds = _dribble_until_closed(sock, HEAD + b"X-Slow: " + b"a" * 200)
    status, error = _status_and_error(answer)
    assert (status, error["extensions"]) == (408, {"code": "REQUEST_TIMEOUT"})
    assert DEADLINE * 0.9 <= seconds < DEADLINE * 5
