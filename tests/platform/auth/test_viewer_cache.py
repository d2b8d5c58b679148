"""The per-process cache of signed-in viewers (auth/viewers.py), on its own clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Executable, update
from starlette.applications import Starlette

from crm_graphql.core.db import StatementStats, current_stats, write_session
from crm_graphql.data.reader import AnyRow, Reader
from crm_graphql.graphql.context import Resources
from crm_graphql.platform.auth import service
from crm_graphql.platform.auth.models import AccessToken
from crm_graphql.platform.auth.permissions import Permission
from crm_graphql.platform.auth.viewers import ViewerCache
from crm_graphql.platform.users.models import UserRole
from tests.support.clock import MovableClock


@pytest.fixture
def resources(app: Starlette) -> Resources:
    resources: Resources = app.state.resources
    return resources


@pytest.fixture
def reader(resources: Resources) -> Reader:
    return Reader(resources.engine)


async def new_token(resources: Resources, expires_in: timedelta = timedelta(days=1)) -> Any:
    hashed = await service.new_password("correct horse battery staple")
    async with write_session(resources.sessionmaker) as session:
        user = await service.create_user(
            session=session,
            email=f"cache-{uuid.uuid4().hex[:8]}@tests.example",
            name="Cache Test",
            role=UserRole.SALES,
            password=hashed,
        )
        return await service.create_api_token(
            session=session,
            user_id=user.id,
            name="cache test",
            scopes=frozenset({Permission.CUSTOMERS_READ}),
            expires_at=datetime.now(UTC) + expires_in,
            created_by=user.id,
        )


async def revoke_in_database(resources: Resources, token_id: int) -> None:
    """A change made outside the API (no mutation tells the caches)."""
    async with resources.engine.begin() as conn:
        await conn.execute(
            update(AccessToken)
            .where(AccessToken.id == token_id)
            .values(revoked_at=datetime.now(UTC))
        )


async def counted(cache: ViewerCache, reader: Reader, secret: str) -> tuple[Any, int]:
    """The viewer, and how many statements finding it took."""
    stats = StatementStats()
    token = current_stats.set(stats)
    try:
        return await cache.viewer(reader, secret), stats.statements
    finally:
        current_stats.reset(token)


async def test_a_cached_viewer_costs_no_statement(resources: Resources, reader: Reader) -> None:
    issued = await new_token(resources)
    cache = ViewerCache(5, clock=MovableClock().monotonic)
    first, statements = await counted(cache, reader, issued.secret)
    assert first is not None
    assert first.token_id == issued.record.id
    assert statements == 1
    again, statements = await counted(cache, reader, issued.secret)
    assert again == first
    assert statements == 0


async def test_a_change_outside_the_api_is_seen_when_the_lifetime_ends(
    resources: Resources, reader: Reader
) -> None:
    issued = await new_token(resources)
    clock = MovableClock()
    cache = ViewerCache(5, clock=clock.monotonic, now=clock.utcnow)
    assert await cache.viewer(reader, issued.secret) is not None
    await revoke_in_database(resources, issued.record.id)
    clock.advance(4.9)
    assert await cache.viewer(reader, issued.secret) is not None  # within the lifetime
    clock.advance(0.2)
    assert await cache.viewer(reader, issued.secret) is None
    assert len(cache) == 0  # refusals are not kept


async def test_a_viewer_is_not_kept_past_its_token_expiry(
    resources: Resources, reader: Reader
) -> None:
    issued = await new_token(resources, expires_in=timedelta(seconds=30))
    clock = MovableClock()
    cache = ViewerCache(3600, clock=clock.monotonic, now=clock.utcnow)
    assert await cache.viewer(reader, issued.secret) is not None
    clock.advance(29)
    _, statements = await counted(cache, reader, issued.secret)
    assert statements == 0
    clock.advance(2)  # past the token's expiry on the cache's clock: looked up again
    _, statements = await counted(cache, reader, issued.secret)
    assert statements == 1


async def test_clear_empties_the_cache(resources: Resources, reader: Reader) -> None:
    issued = await new_token(resources)
    cache = ViewerCache(5, clock=MovableClock().monotonic)
    assert await cache.viewer(reader, issued.secret) is not None
    await revoke_in_database(resources, issued.record.id)
    cache.clear()
    assert await cache.viewer(reader, issued.secret) is None


class ClearingReader(Reader):
    """A reader during whose statement the cache is cleared (a logout commits meanwhile)."""

    cache: ViewerCache

    async def rows(
        self, statement: Executable, parameters: dict[str, Any] | None = None
    ) -> list[AnyRow]:
        found = list(await super().rows(statement, parameters))
        self.cache.clear()
        return found


async def test_a_viewer_read_while_the_cache_was_cleared_is_not_kept(
    resources: Resources,
) -> None:
    issued = await new_token(resources)
    cache = ViewerCache(5, clock=MovableClock().monotonic)
    reader = ClearingReader(resources.engine)
    reader.cache = cache
    assert await cache.viewer(reader, issued.secret) is not None
    assert len(cache) == 0


async def test_a_cache_of_zero_seconds_looks_every_token_up(
    resources: Resources, reader: Reader
) -> None:
    issued = await new_token(resources)
    cache = ViewerCache(0, clock=MovableClock().monotonic)
    for _ in range(2):
        viewer, statements = await counted(cache, reader, issued.secret)
        assert viewer is not None
        assert statements == 1
    assert len(cache) == 0
