"""Waiting for something asynchronous to happen, without guessing how long it takes."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

INTERVAL = 0.01  # seconds between two looks


async def eventually(
    predicate: Callable[[], bool | Awaitable[bool]], *, within: float = 10.0, message: str = ""
) -> None:
    """Returns as soon as `predicate()` is true (it may be async); fails after `within` seconds.

    A fixed sleep either waits too long or, on a busy machine, not long enough; this waits as
    long as it takes, and still fails when the thing never happens."""
    try:
        async with asyncio.timeout(within):
            while True:  # polled: what it waits for announces itself nowhere
                if await _holds(predicate):
                    return
                await asyncio.sleep(INTERVAL)
    except TimeoutError:
        raise AssertionError(message or f"not true within {within} s: {predicate}") from None


async def _holds(predicate: Callable[[], bool | Awaitable[bool]]) -> bool:
    outcome = predicate()
    if inspect.isawaitable(outcome):
        outcome = await outcome
    return bool(outcome)
