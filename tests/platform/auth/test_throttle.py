"""Sign-in throttling through HTTP (OWASP's Authentication Cheat Sheet): wrong guesses slow
down their own (account, address) pair and address with growing waits; nobody locks anyone
else out, refused attempts extend nothing, X-Forwarded-For counts only from trusted proxies,
and an operator's `unlock` ends a wait."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import re
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from starlette.applications import Starlette

from crm_graphql.app.cli import _unlock
from crm_graphql.app.factory import create_app
from crm_graphql.core.settings import Settings
from crm_graphql.platform.auth import passwords
from crm_graphql.platform.auth.models import LoginAttempt
from crm_graphql.platform.auth.passwords import verify_password
from crm_graphql.platform.auth.throttle import FREE_PER_ADDRESS, FREE_PER_PAIR, delay
from crm_graphql.platform.users.models import UserRole
from tests.support.graphql_client import GraphQLClient, SignIn

PASSWORD = SignIn.password
WRONG = "not the right password at all"
LOGIN = """
mutation($input: LoginInput!) {
  login(input: $input) { token errors { field message code } }
}
"""
PROXY = "10.77.0.0/16"  # the trusted reverse proxies of these tests


def email(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@throttle.tests.example"


def new_address() -> str:
    return str(ipaddress.IPv6Address(uuid.uuid4().int))


Connect = Callable[..., GraphQLClient]


def _connector(app: Starlette, opened: list[httpx.AsyncClient]) -> Connect:
    def make(address: str | None = None, forwarded_for: str | None = None) -> GraphQLClient:
        transport = httpx.ASGITransport(app=app, client=(address or new_address(), 40000))
        headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)
        opened.append(http)
        return GraphQLClient(http)

    return make


@pytest.fixture
async def connect(app: Starlette) -> AsyncIterator[Connect]:
    opened: list[httpx.AsyncClient] = []
    yield _connector(app, opened)
    for http in opened:
        await http.aclose()


@pytest.fixture
async def behind_proxy(settings: Settings) -> AsyncIterator[Connect]:
    """Clients of an app that believes X-Forwarded-For from PROXY (same database)."""
    trusted = dataclasses.replace(settings, trusted_proxies=(ipaddress.ip_network(PROXY),))
    app = create_app(trusted)
    opened: list[httpx.AsyncClient] = []
    async with app.router.lifespan_context(app):
        yield _connector(app, opened)
        for http in opened:
            await http.aclose()


async def login(client: GraphQLClient, account: str, password: str) -> dict[str, Any]:
    data = await client.query(LOGIN, {"input": {"email": account, "password": password}})
    payload: dict[str, Any] = data["login"]
    return payload


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def fail_freely(client: GraphQLClient, account: str, times: int = FREE_PER_PAIR) -> None:
    for _ in range(times):
        assert codes(await login(client, account, WRONG)) == ["UNAUTHENTICATED"]


async def age(app: Starlette, account: str, seconds: float) -> None:
    """Moves an account's recorded attempts back in time, as if `seconds` had passed."""
    async with app.state.resources.engine.begin() as conn:
        rows = await conn.execute(
            select(LoginAttempt.id, LoginAttempt.at).where(LoginAttempt.email == account)
        )
        for pk, at in rows.all():
            await conn.execute(
                update(LoginAttempt)
                .where(LoginAttempt.id == pk)
                .values(at=at - timedelta(seconds=seconds))
            )


async def attempts(app: Starlette, account: str) -> int:
    async with app.state.resources.engine.connect() as conn:
        count = await conn.scalar(
            select(func.count()).select_from(LoginAttempt).where(LoginAttempt.email == account)
        )
    return int(count or 0)


async def test_a_guesser_waits_but_the_account_signs_in_from_elsewhere(
    sign_in: SignIn, connect: Connect
) -> None:
    account = email("hammered")
    await sign_in.user(account, UserRole.SALES)
    guesser = connect()
    await fail_freely(guesser, account)
    refused = await login(guesser, account, PASSWORD)  # even the right password must wait
    assert refused["token"] is None
    assert codes(refused) == ["RATE_LIMITED"]
    assert re.search(r"try again in \d+ seconds", refused["errors"][0]["message"])
    # the owner, from another address, is not locked out by the guesser
    assert (await login(connect(), account, PASSWORD))["token"]
    # and the guesser's address may still sign in to another account
    other = email("neighbour")
    await sign_in.user(other, UserRole.SALES)
    assert (await login(guesser, other, PASSWORD))["token"]


async def test_waits_grow_and_refused_attempts_do_not_extend_them(
    app: Starlette, sign_in: SignIn, connect: Connect
) -> None:
    account = email("growing")
    await sign_in.user(account, UserRole.SALES)
    client = connect()
    await fail_freely(client, account)
    for _ in range(5):  # refused while waiting: not recorded, the wait stays 1 s
        assert codes(await login(client, account, PASSWORD)) == ["RATE_LIMITED"]
    assert await attempts(app, account) == FREE_PER_PAIR
    await age(app, account, delay(FREE_PER_PAIR, FREE_PER_PAIR).total_seconds() + 0.1)
    await fail_freely(client, account, 1)  # one more failure: the wait doubles to 2 s
    assert delay(FREE_PER_PAIR + 1, FREE_PER_PAIR) == timedelta(seconds=2)
    await age(app, account, 1.0)
    assert codes(await login(client, account, PASSWORD)) == ["RATE_LIMITED"]
    await age(app, account, 1.1)
    assert (await login(client, account, PASSWORD))["token"]
    # a success clears the pair: the next wrong guess is free again
    await fail_freely(client, account, 1)


async def test_an_address_failing_on_many_accounts_waits(sign_in: SignIn, connect: Connect) -> None:
    here = new_address()
    client = connect(here)
    real = email("address-limit")
    await sign_in.user(real, UserRole.SALES)
    for _ in range(FREE_PER_ADDRESS):
        assert codes(await login(client, email("guess"), WRONG)) == ["UNAUTHENTICATED"]
    assert codes(await login(client, real, PASSWORD)) == ["RATE_LIMITED"]
    assert (await login(connect(), real, PASSWORD))["token"]


async def test_parallel_guesses_cannot_exceed_the_free_attempts(
    sign_in: SignIn, connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sent at the same time from one address, only the free attempts have their password
    checked, so a burst costs no more argon2 time than the free attempts (a slow machine may
    let one more through when the first wait ends meanwhile)."""
    account = email("parallel")
    await sign_in.user(account, UserRole.SALES)
    checked: list[str] = []

    def counting(password_hash: str | None, password: str) -> bool:
        checked.append(password)
        return verify_password(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    here = new_address()
    clients = [connect(here) for _ in range(4 * FREE_PER_PAIR)]
    results = await asyncio.gather(*(login(c, account, WRONG) for c in clients))
    found = [codes(payload)[0] for payload in results]
    assert found.count("UNAUTHENTICATED") <= FREE_PER_PAIR + 1, found
    assert found.count("RATE_LIMITED") >= 3 * FREE_PER_PAIR - 1, found
    assert len(checked) == found.count("UNAUTHENTICATED")


async def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    sign_in: SignIn, connect: Connect, behind_proxy: Connect
) -> None:
    account = email("forwarded")
    await sign_in.user(account, UserRole.SALES)
    # an untrusted peer cannot escape its wait by claiming to be someone else
    peer = new_address()
    await fail_freely(connect(peer, forwarded_for=new_address()), account)
    spoofed = connect(peer, forwarded_for=new_address())
    assert codes(await login(spoofed, account, PASSWORD)) == ["RATE_LIMITED"]
    # behind a trusted proxy, each client behind it is throttled on its own
    account2 = email("proxied")
    await sign_in.user(account2, UserRole.SALES)
    guesser = new_address()
    await fail_freely(behind_proxy("10.77.0.1", forwarded_for=f"1.2.3.4, {guesser}"), account2)
    again = behind_proxy("10.77.0.2", forwarded_for=guesser)
    assert codes(await login(again, account2, PASSWORD)) == ["RATE_LIMITED"]
    # a client-written entry left of the proxy's is not believed
    forged = behind_proxy("10.77.0.1", forwarded_for=f"{new_address()}, {guesser}")
    assert codes(await login(forged, account2, PASSWORD)) == ["RATE_LIMITED"]
    neighbour = behind_proxy("10.77.0.1", forwarded_for=new_address())
    assert (await login(neighbour, account2, PASSWORD))["token"]
    # the same header from an untrusted peer on the proxy-aware app counts for nothing
    outsider = new_address()
    await fail_freely(behind_proxy(outsider, forwarded_for=new_address()), account2)
    assert codes(
        await login(behind_proxy(outsider, forwarded_for=new_address()), account2, PASSWORD)
    ) == ["RATE_LIMITED"]


async def test_unlock_ends_the_wait(sign_in: SignIn, connect: Connect, settings: Settings) -> None:
    account = email("unlocked")
    await sign_in.user(account, UserRole.SALES)
    here = new_address()
    await fail_freely(connect(here), account)
    assert codes(await login(connect(here), account, PASSWORD)) == ["RATE_LIMITED"]
    assert await _unlock(settings, account.upper(), None) == FREE_PER_PAIR
    assert (await login(connect(here), account, PASSWORD))["token"]
    # by address: every account's failures from there
    busy = new_address()
    for _ in range(FREE_PER_ADDRESS):
        assert codes(await login(connect(busy), email("guess"), WRONG)) == ["UNAUTHENTICATED"]
    assert codes(await login(connect(busy), account, PASSWORD)) == ["RATE_LIMITED"]
    assert await _unlock(settings, None, busy) == FREE_PER_ADDRESS
    assert (await login(connect(busy), account, PASSWORD))["token"]
