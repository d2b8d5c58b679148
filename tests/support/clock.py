"""A clock a test moves by hand, so that nothing waits for real time to pass."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from crm_graphql.core.db import utcnow


class MovableClock:
    """The real time plus however far the test has moved it: as a monotonic clock (seconds)
    and as the wall clock (aware UTC datetimes), moving together."""

    def __init__(self) -> None:
        self.ahead = 0.0  # seconds

    def monotonic(self) -> float:
        return time.monotonic() + self.ahead

    def utcnow(self) -> datetime:
        return utcnow() + timedelta(seconds=self.ahead)

    def advance(self, seconds: float) -> None:
        self.ahead += seconds
