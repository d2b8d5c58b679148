"""Reproducible draws: integer-weighted choices, patterned codes, moments before a fixed time."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Final, Generic, TypeVar

_T = TypeVar("_T")

# Fixed so that the output never depends on the clock; everything lies before it.
BASE_TIME: Final = datetime(2026, 1, 1, tzinfo=UTC)
DAY: Final = 86_400
YEAR: Final = 365 * DAY


def names(words: str) -> tuple[str, ...]:
    return tuple(words.split())


def phrases(words: str) -> tuple[str, ...]:
    return tuple(words.split("|"))


class Pick(Generic[_T]):
    """A weighted choice with integer weights, so that draws are exact and reproducible."""

    def __init__(self, pairs: Iterable[tuple[_T, int]]) -> None:
        items = list(pairs)
        self.items = [item for item, _ in items]
        self.cumulative = list(itertools.accumulate(weight for _, weight in items))

    def __call__(self, rng: random.Random) -> _T:
        index = bisect.bisect_right(self.cumulative, rng.randrange(self.cumulative[-1]))
        return self.items[index]


def fill(pattern: str, rng: random.Random) -> str:
    """Replaces '#' with a digit, '%' with a non-zero digit and '@' with a letter."""
    out = []
    for char in pattern:
        if char == "#":
            out.append(str(rng.randrange(10)))
        elif char == "%":
            out.append(str(rng.randint(1, 9)))
        elif char == "@":
            out.append(chr(65 + rng.randrange(26)))
        else:
            out.append(char)
    return "".join(out)


def at(seconds_before_base: int) -> datetime:
    return BASE_TIME - timedelta(seconds=seconds_before_base)


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(span + 1)) if span > 0 else start


def later(rng: random.Random, start: datetime, max_seconds: int) -> datetime:
    """A moment up to `max_seconds` after `start`, never past the base time."""
    return between(rng, start, min(start + timedelta(seconds=max_seconds), BASE_TIME))
