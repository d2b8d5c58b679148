"""Fixtures of the auth tests: clients sent from an address of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from tests.platform.auth.operations import Connect, new_address
from tests.support.graphql_client import GraphQLClient


@pytest.fixture
async def connect(app: Starlette) -> AsyncIterator[Connect]:
    """Makes clients, with a token or none, each from its own address unless one is given."""
    opened: list[httpx.AsyncClient] = []

    def make(token: str | None = None, address: str | None = None) -> GraphQLClient:
        transport = httpx.ASGITransport(app=app, client=(address or new_address(), 40000))
        headers = {"authorization": f"Bearer {token}"} if token is not None else {}
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)
        opened.append(http)
        return GraphQLClient(http)

    yield make
    for http in opened:
        await http.aclose()
