"""Viewers of recently used bearer tokens, kept for a few seconds per process.

Every request names its token; looking it up costs a statement (and a connection) each time.
The cache keeps a token's viewer for CRM_AUTH_CACHE_SECONDS at most, never past the token's
expiry, keyed by the token's SHA-256 (secrets are not kept). A mutation that changes a token
or a user (a logout, a revoked API token) empties its own process's cache after its commit and
tells the others through the event bus (Redis or PostgreSQL), which empty theirs as the
message arrives; a process whose bus connection drops empties its cache then and again once it
listens anew. Where no message can arrive (several workers on memory://, a failed publish, a
user changed with the CLI), the other processes see the change within the cache's lifetime.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from crm_graphql.core.db import utcnow
from crm_graphql.data.access import Viewer
from crm_graphql.data.reader import Reader
from crm_graphql.platform.auth.service import signed_in, token_digest

SIZE = 10_000  # tokens per process


@dataclass(frozen=True, slots=True)
class _Entry:
    viewer: Viewer
    until: float  # on the cache's clock


class ViewerCache:
    def __init__(
        self,
        seconds: float,
        *,
        size: int = SIZE,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.seconds = seconds
        self._size = size
        # when entries lapse (monotonic) and the wall time tokens expire by; tests move both
        self.clock = clock
        self.now = now
        self._entries: OrderedDict[str, _Entry] = OrderedDict()  # oldest first, evicted first
        self._generation = 0  # bumped by every clear()

    async def viewer(self, reader: Reader, secret: str) -> Viewer | None:
        """The viewer `secret` stands for (None: unknown, expired or revoked)."""
        if self.seconds <= 0:
            found = await signed_in(reader, secret, now=self.now)
            return found.viewer if found is not None else None
        key = token_digest(secret)
        now = self.clock()
        entry = self._entries.get(key)
        if entry is not None:
            if entry.until > now:
                return entry.viewer
            del self._entries[key]
        generation = self._generation
        found = await signed_in(reader, secret, now=self.now)
        if found is None:
            return None
        # a clear() while the token was read may have been about this token: not kept
        if generation == self._generation:
            left = (found.expires_at - self.now()).total_seconds()
            self._entries[key] = _Entry(found.viewer, now + min(self.seconds, left))
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return found.viewer

    def clear(self) -> None:
        """Tokens or users changed (or may have): every viewer is read afresh."""
        self._entries.clear()
        self._generation += 1

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, secret: object) -> bool:
        """Whether the viewer of this token is kept (expired or not)."""
        return isinstance(secret, str) and token_digest(secret) in self._entries
