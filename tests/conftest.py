"""Fixtures: every API test runs against SQLite and against PostgreSQL, through HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from crm_graphql.app.factory import create_app
from crm_graphql.core.settings import Settings
from crm_graphql.platform.users.models import UserRole
from tests.support.databases import fresh_database
from tests.support.graphql_client import GraphQLClient, SignIn
from tests.support.servers import serving

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
async def database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    async with fresh_database(backend, tmp_path_factory.mktemp(backend)) as url:
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, debug=True, env="test", max_page_size=500)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    app = create_app(settings)
    if not settings.is_sqlite:
        from crm_graphql.core.migrations import upgrade

        await upgrade(app.state.resources.engine)
    async with app.router.lifespan_context(app):
        yield app


ADMIN_EMAIL = "admin@tests.example"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
async def anon(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client without credentials."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture(scope="session")
async def sign_in(app: Starlette, anon: httpx.AsyncClient) -> SignIn:
    return SignIn(app, anon)


@pytest.fixture(scope="session")
async def http(app: Starlette, sign_in: SignIn) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as an administrator."""
    token = await sign_in.token_for(ADMIN_EMAIL, UserRole.ADMIN)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver",
        headers={"authorization": f"Bearer {token}"},
    ) as client:
        yield client


@pytest.fixture(scope="session")
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
def tmp_dir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture(scope="session")
async def live_host(app: Starlette) -> AsyncIterator[str]:
    """The session's app served over the network, for WebSocket clients: host:port."""
    async with serving(app) as host:
        yield host
