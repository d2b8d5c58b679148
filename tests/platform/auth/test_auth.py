"""Sign-in, sign-out, requests without a valid token and rate limits, through HTTP as a
client uses them.

Failed sign-ins count against the client address, so every test that fails one sends it from
an address of its own: the shared test address (127.0.0.1) must stay usable for every other
test's `login`."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from starlette.applications import Starlette

from crm_graphql.core.ids import decode_id
from crm_graphql.platform.auth.models import AccessToken
from crm_graphql.platform.users.models import User, UserRole
from tests.platform.auth.operations import (
    CUSTOMERS,
    LOGIN,
    LOGOUT,
    PASSWORD,
    VIEWER,
    WRONG,
    Connect,
    assert_unauthenticated,
    create_token,
    email,
    login,
    user_global_id,
)
from tests.support import factories
from tests.support.clock import MovableClock
from tests.support.graphql_client import GraphQLClient, SignIn

# --- sign-in -------------------------------------------------------------------------------


async def test_login_returns_a_token_and_the_user(sign_in: SignIn, connect: Connect) -> None:
    address = email("login")
    user_pk = await sign_in.user(address, UserRole.SALES)
    payload = await login(connect(), address, PASSWORD)
    assert payload["errors"] == []
    assert payload["token"]
    assert payload["user"]["email"] == address
    assert payload["user"]["role"] == "SALES"
    decoded = decode_id(payload["user"]["id"])
    assert decoded is not None
    assert (decoded.type_name, decoded.pk) == ("User", user_pk)
    # the token works
    data = await connect(payload["token"]).query(VIEWER)
    assert data["viewer"] == payload["user"]


async def test_each_login_opens_its_own_token(sign_in: SignIn, connect: Connect) -> None:
    address = email("twice")
    await sign_in.user(address, UserRole.VIEWER)
    first = await login(connect(), address, PASSWORD)
    second = await login(connect(), address, PASSWORD)
    assert first["token"] != second["token"]


async def test_viewer_is_the_signed_in_user(sign_in: SignIn, connect: Connect) -> None:
    manager = email("viewer-manager")
    sales = email("viewer-sales")
    await sign_in.user(manager, UserRole.MANAGER)
    await sign_in.user(sales, UserRole.SALES)
    manager_token = (await login(connect(), manager, PASSWORD))["token"]
    sales_token = (await login(connect(), sales, PASSWORD))["token"]
    as_manager = (await connect(manager_token).query(VIEWER))["viewer"]
    as_sales = (await connect(sales_token).query(VIEWER))["viewer"]
    assert (as_manager["email"], as_manager["role"]) == (manager, "MANAGER")
    assert (as_sales["email"], as_sales["role"]) == (sales, "SALES")


async def test_wrong_password_and_unknown_email_fail_alike(
    sign_in: SignIn, connect: Connect
) -> None:
    known = email("known")
    await sign_in.user(known, UserRole.SALES)
    client = connect()
    wrong_password = await login(client, known, WRONG)
    unknown_email = await login(client, email("nobody"), PASSWORD)
    for payload in (wrong_password, unknown_email):
        assert payload["token"] is None
        assert payload["user"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [
            (["input", "password"], "UNAUTHENTICATED")
        ]
    assert wrong_password["errors"] == unknown_email["errors"]


async def test_login_is_public_but_failures_give_no_token(connect: Connect) -> None:
    response = await connect().raw(LOGIN, {"input": {"email": email("x"), "password": "x"}})
    assert response.status_code == 200
    assert response.json()["data"]["login"]["token"] is None


async def test_inactive_user_cannot_sign_in(
    app: Starlette, sign_in: SignIn, connect: Connect
) -> None:
    address = email("inactive")
    user_pk = await sign_in.user(address, UserRole.SALES)
    token = (await login(connect(), address, PASSWORD))["token"]
    async with app.state.resources.engine.begin() as conn:
        await conn.execute(update(User).where(User.id == user_pk).values(is_active=False))
    payload = await login(connect(), address, PASSWORD)
    assert payload["token"] is None
    assert payload["user"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        (["input", "password"], "UNAUTHENTICATED")
    ]
    # and the token it had before stops working
    await assert_unauthenticated(connect(token))


# --- requests without a valid token ----------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        pytest.param("{ customers(first: 1) { totalCount } }", id="query"),
        pytest.param("{ viewer { id } }", id="viewer"),
        pytest.param(
            'mutation { createTag(input: {name: "anon"}) { errors { code } } }', id="mutation"
        ),
        pytest.param("mutation { logout { errors { code } } }", id="logout"),
    ],
)
async def test_no_token_is_401(anon: httpx.AsyncClient, document: str) -> None:
    await assert_unauthenticated(GraphQLClient(anon), document)


async def test_no_token_writes_nothing(anon: httpx.AsyncClient, gql: GraphQLClient) -> None:
    name = factories.unique("anon-tag")
    response = await anon.post(
        "/graphql",
        json={
            "query": "mutation($n: String!) { createTag(input: {name: $n}) { errors { code } } }",
            "variables": {"n": name},
        },
    )
    assert response.status_code == 401
    listed = await gql.query(
        "query($n: String!) { tags(filter: {name: {eq: $n}}) { totalCount } }", {"n": name}
    )
    assert listed["tags"]["totalCount"] == 0


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("garbage", id="garbage"),
        pytest.param("crm_" + "A" * 43, id="unknown-with-prefix"),
        pytest.param("crm_" + "x" * 300, id="too-long"),
    ],
)
async def test_bad_token_is_401(connect: Connect, token: str) -> None:
    await assert_unauthenticated(connect(token))
    await assert_unauthenticated(connect(token), "mutation { logout { errors { code } } }")


async def test_non_bearer_scheme_is_401(connect: Connect, sign_in: SignIn) -> None:
    address = email("scheme")
    await sign_in.user(address, UserRole.VIEWER)
    token = (await login(connect(), address, PASSWORD))["token"]
    client = connect()
    response = await client.raw(CUSTOMERS, headers={"authorization": f"Basic {token}"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_expired_token_is_401(
    app: Starlette,
    sign_in: SignIn,
    gql: GraphQLClient,
    connect: Connect,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    address = email("expired")
    await sign_in.user(address, UserRole.SALES)
    issued = await create_token(gql, await user_global_id(gql, address), ["CUSTOMERS_READ"])
    assert issued["errors"] == []
    decoded = decode_id(issued["accessToken"]["id"])
    assert decoded is not None
    viewers = app.state.resources.viewers
    clock = MovableClock()
    monkeypatch.setattr(viewers, "clock", clock.monotonic)
    monkeypatch.setattr(viewers, "now", clock.utcnow)
    soon = clock.utcnow() + timedelta(seconds=3)  # within the cache's 5 s
    async with app.state.resources.engine.begin() as conn:
        await conn.execute(
            update(AccessToken).where(AccessToken.id == decoded.pk).values(expires_at=soon)
        )
    client = connect(issued["secret"])
    await client.query(CUSTOMERS)  # the viewer is cached now, but not past the token's expiry
    assert issued["secret"] in viewers
    clock.advance(3.1)
    await assert_unauthenticated(client)


# --- logout -------------------------------------------------------------------------------


async def test_logout_revokes_the_token_at_once(sign_in: SignIn, connect: Connect) -> None:
    address = email("logout")
    await sign_in.user(address, UserRole.SUPPORT)
    token = (await login(connect(), address, PASSWORD))["token"]
    other = (await login(connect(), address, PASSWORD))["token"]
    client = connect(token)
    await client.query(CUSTOMERS)
    data = await client.query(LOGOUT)
    assert data["logout"]["errors"] == []
    assert data["logout"]["accessToken"]["kind"] == "SESSION"
    assert data["logout"]["accessToken"]["revokedAt"] is not None
    await assert_unauthenticated(client)
    await assert_unauthenticated(client, VIEWER)
    await assert_unauthenticated(client, LOGOUT)
    # only this token: the user's other session goes on
    assert (await connect(other).query(VIEWER))["viewer"]["email"] == address
