"""The body limit: refused with 413 by Content-Length or while streaming, before
authentication and parsing (issue 11, item 3)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from crm_graphql.app.factory import create_app
from crm_graphql.core.settings import Settings, SettingsError

JSON = {"content-type": "application/json"}
QUERY = b'{"query":"{ tags(first: 1) { totalCount } }"}'


def _padded(size: int) -> bytes:
    """A valid operation of exactly `size` bytes (JSON allows any amount of whitespace)."""
    return QUERY[:-1] + b" " * (size - len(QUERY)) + b"}"


def _assert_too_large(response: httpx.Response, limit: int) -> None:
    assert response.status_code == 413, response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert str(limit) in error["message"]
    assert response.headers["connection"] == "close"
    assert response.headers["x-request-id"]


async def test_a_body_at_the_limit_is_served(http: httpx.AsyncClient, settings: Settings) -> None:
    response = await http.post("/graphql", content=_padded(settings.max_body_bytes), headers=JSON)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["tags"]["totalCount"] >= 0


async def test_a_declared_length_over_the_limit_is_refused_before_signing_in(
    anon: httpx.AsyncClient, settings: Settings
) -> None:
    body = _padded(settings.max_body_bytes + 1)
    _assert_too_large(
        await anon.post("/graphql", content=body, headers=JSON), settings.max_body_bytes
    )


async def test_a_streamed_body_is_cut_once_it_passes_the_limit(
    anon: httpx.AsyncClient, settings: Settings
) -> None:
    chunk = b" " * 65_536
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        yield QUERY[:-1]
        while True:  # no Content-Length: chunked, never ending
            sent += len(chunk)
            yield chunk

    response = await anon.post("/graphql", content=endless(), headers=JSON)
    _assert_too_large(response, settings.max_body_bytes)
    assert sent <= settings.max_body_bytes + len(chunk)


@pytest.mark.parametrize(
    "declared",
    [
        pytest.param(b"lots", id="words"),
        pytest.param(b"\xb2", id="a-superscript-two"),  # a digit to isdigit(), not to int()
    ],
)
async def test_a_false_content_length_is_a_400(anon: httpx.AsyncClient, declared: bytes) -> None:
    response = await anon.post(
        "/graphql", content=QUERY, headers={**JSON, "content-length": declared}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_body_that_stops_arriving_is_a_408_after_the_deadline(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url, env="test", body_read_seconds=1))
    never = asyncio.Event()

    async def stalls() -> AsyncIterator[bytes]:
        yield QUERY[:-1]
        await never.wait()  # the client goes quiet mid-body
        yield b"}"

    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        started = time.monotonic()
        response = await client.post("/graphql", content=stalls(), headers=JSON)
    assert response.status_code == 408, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"
    assert response.headers["connection"] == "close"
    assert 0.9 <= time.monotonic() - started < 5


def test_settings_read_the_http_limits() -> None:
    defaults = Settings.from_env({})
    assert (defaults.max_body_bytes, defaults.body_read_seconds) == (1_048_576, 10)
    assert defaults.header_read_seconds == 10
    custom = Settings.from_env(
        {
            "CRM_MAX_BODY_BYTES": "2048",
            "CRM_BODY_READ_SECONDS": "3",
            "CRM_HEADER_READ_SECONDS": "4",
        }
    )
    assert (custom.max_body_bytes, custom.body_read_seconds, custom.header_read_seconds) == (
        2048,
        3,
        4,
    )
    with pytest.raises(SettingsError, match="CRM_MAX_BODY_BYTES"):
        Settings.from_env({"CRM_MAX_BODY_BYTES": "0"})
