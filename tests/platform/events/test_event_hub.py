"""The event hub's shared results: one caller leaving must not fail the others."""

from __future__ import annotations

import asyncio

import pytest

from crm_graphql.platform.events.hub import Memo


async def test_a_cancelled_caller_does_not_cancel_the_others() -> None:
    memo = Memo()
    started = asyncio.Event()
    release = asyncio.Event()

    async def compute() -> int:
        started.set()
        await release.wait()
        return 42

    first = asyncio.create_task(memo.get("key", compute))
    await started.wait()
    second = asyncio.create_task(memo.get("key", compute))
    await asyncio.sleep(0)
    first.cancel()  # its client left
    release.set()
    assert await second == 42
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_a_failed_computation_is_not_kept() -> None:
    memo = Memo()
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database went away")
        return "ok"

    with pytest.raises(RuntimeError):
        await memo.get("key", flaky)
    assert await memo.get("key", flaky) == "ok"
