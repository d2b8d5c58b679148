"""Password checks run on their own pool, below the priority of request handling."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from crm_graphql.platform.auth import passwords


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice values are Linux's")
async def test_password_checks_run_at_a_lower_cpu_priority(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int]] = []

    def recording(password_hash: str | None, password: str) -> bool:
        tid = threading.get_native_id()
        seen.append((tid, os.getpriority(os.PRIO_PROCESS, tid)))
        return False

    monkeypatch.setattr(passwords, "verify_password", recording)
    assert await passwords.verified(None, "whatever it is") is False
    here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    [(tid, niceness)] = seen
    assert tid != threading.get_native_id()
    assert niceness == min(here + passwords.NICENESS, 19)


async def test_hashes_made_on_the_pool_verify() -> None:
    made = await passwords.hashed("correct horse battery staple")
    assert await passwords.verified(made, "correct horse battery staple")
    assert not await passwords.verified(made, "not the right password")
    assert not await passwords.verified(None, "correct horse battery staple")
