"""Sign-in, sign-out, rate limits and API tokens, through HTTP as a client uses them.

Failed sign-ins count against the client address, so every test that fails one sends it from
an address of its own: the shared test address (127.0.0.1) must stay usable for every other
test's `login`."""

from __future__ import annotations

import asyncio
import ipaddress
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from starlette.applications import Starlette

from crm_graphql.core.ids import decode_id
from crm_graphql.platform.auth.models import AccessToken
from crm_graphql.platform.users.models import User, UserRole
from tests import factories
from tests.graphql_client import GraphQLClient, SignIn

PASSWORD = SignIn.password
WRONG = "not the right password at all"

LOGIN = """
mutation($input: LoginInput!) {
  login(input: $input) {
    token
    user { id email role }
    errors { field message code }
  }
}
"""

LOGOUT = """
mutation { logout { accessToken { id kind revokedAt } errors { field message code } } }
"""

VIEWER = "{ viewer { id email role } }"

CUSTOMERS = "{ customers(first: 1) { totalCount } }"
ORDERS = "{ orders(first: 1) { totalCount } }"

CREATE_TOKEN = """
mutation($input: CreateApiTokenInput!) {
  createApiToken(input: $input) {
    secret
    accessToken { id kind name permissions expiresAt revokedAt user { id } }
    errors { field message code }
  }
}
"""

REVOKE_TOKEN = """
mutation($input: RevokeApiTokenInput!) {
  revokeApiToken(input: $input) {
    accessToken { id revokedAt }
    errors { field message code }
  }
}
"""

TOKEN_NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename
    ... on AccessToken { id kind name permissions createdAt expiresAt revokedAt user { id } }
  }
}
"""

ACCESS_TOKENS = "{ accessTokens(first: 1) { totalCount } }"


def email(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@auth.tests.example"


def new_address() -> str:
    """A client address no other test uses."""
    return str(ipaddress.IPv6Address(uuid.uuid4().int))


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat().replace("+00:00", "Z")


Connect = Callable[..., GraphQLClient]


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


async def login(client: GraphQLClient, address: str, password: str) -> dict[str, Any]:
    data = await client.query(LOGIN, {"input": {"email": address, "password": password}})
    payload: dict[str, Any] = data["login"]
    return payload


async def user_global_id(admin: GraphQLClient, email_address: str) -> str:
    data = await admin.query(
        "query($e: String!) { users(filter: {email: {eq: $e}}) { nodes { id } } }",
        {"e": email_address},
    )
    (node,) = data["users"]["nodes"]
    result: str = node["id"]
    return result


async def create_token(
    admin: GraphQLClient, user_id: str, permissions: list[str], expires_at: str | None = None
) -> dict[str, Any]:
    data = await admin.query(
        CREATE_TOKEN,
        {
            "input": {
                "name": factories.unique("integration"),
                "userId": user_id,
                "permissions": permissions,
                "expiresAt": expires_at or in_days(30),
            }
        },
    )
    payload: dict[str, Any] = data["createApiToken"]
    return payload


async def assert_unauthenticated(client: GraphQLClient, query: str = CUSTOMERS) -> None:
    response = await client.raw(query)
    body = response.json()
    assert response.status_code == 401, body
    assert body.get("data") is None, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def assert_forbidden_query(client: GraphQLClient, query: str) -> None:
    response = await client.raw(query)
    body = response.json()
    assert response.status_code == 403, body
    assert body.get("data") is None, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


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
    app: Starlette, sign_in: SignIn, gql: GraphQLClient, connect: Connect
) -> None:
    address = email("expired")
    await sign_in.user(address, UserRole.SALES)
    issued = await create_token(gql, await user_global_id(gql, address), ["CUSTOMERS_READ"])
    assert issued["errors"] == []
    decoded = decode_id(issued["accessToken"]["id"])
    assert decoded is not None
    soon = datetime.now(UTC) + timedelta(seconds=3)
    async with app.state.resources.engine.begin() as conn:
        await conn.execute(
            update(AccessToken).where(AccessToken.id == decoded.pk).values(expires_at=soon)
        )
    client = connect(issued["secret"])
    await client.query(CUSTOMERS)  # the viewer is cached now, but not past the token's expiry
    assert issued["secret"] in app.state.resources.viewers
    await asyncio.sleep((soon - datetime.now(UTC)).total_seconds() + 0.1)
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


# --- API tokens ------------------------------------------------------------------------------


async def test_api_token_with_customers_read_only(
    sign_in: SignIn, gql: GraphQLClient, connect: Connect
) -> None:
    address = email("api-sales")
    await sign_in.user(address, UserRole.SALES)
    user_id = await user_global_id(gql, address)
    issued = await create_token(gql, user_id, ["CUSTOMERS_READ"])
    assert issued["errors"] == []
    secret = issued["secret"]
    assert secret
    record = issued["accessToken"]
    assert record["kind"] == "API"
    assert record["permissions"] == ["CUSTOMERS_READ"]
    assert record["user"] == {"id": user_id}
    assert record["revokedAt"] is None
    client = connect(secret)
    assert (await client.query(CUSTOMERS))["customers"]["totalCount"] >= 0
    # the role could write customers, the token may not
    name = factories.unique("Via token")
    data = await client.query(factories.CREATE_CUSTOMER, {"input": {"name": name}})
    assert data["createCustomer"]["customer"] is None
    assert [e["code"] for e in data["createCustomer"]["errors"]] == ["FORBIDDEN"]
    await assert_forbidden_query(client, ORDERS)
    listed = await gql.query(
        "query($n: String!) { customers(filter: {name: {eq: $n}}) { totalCount } }", {"n": name}
    )
    assert listed["customers"]["totalCount"] == 0
    # the same user signed in normally keeps all its role's rights
    session = connect((await login(connect(), address, PASSWORD))["token"])
    assert (await session.query(ORDERS))["orders"]["totalCount"] >= 0


async def test_viewer_is_the_user_of_an_api_token_whatever_its_permissions(
    sign_in: SignIn, gql: GraphQLClient, connect: Connect
) -> None:
    """`viewer` needs no permission (ROOT_FIELDS: signed-in): an integration can always ask
    whose rights its token carries."""
    address = email("api-viewer-field")
    await sign_in.user(address, UserRole.SALES)
    user_id = await user_global_id(gql, address)
    issued = await create_token(gql, user_id, ["CUSTOMERS_READ"])
    response = await connect(issued["secret"]).raw(VIEWER)
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body
    assert body["data"] == {"viewer": {"id": user_id, "email": address, "role": "SALES"}}


async def test_secret_is_shown_only_once(
    sign_in: SignIn, gql: GraphQLClient, connect: Connect
) -> None:
    address = email("api-once")
    await sign_in.user(address, UserRole.VIEWER)
    issued = await create_token(gql, await user_global_id(gql, address), ["CUSTOMERS_READ"])
    secret = issued["secret"]
    assert secret
    response = await gql.raw(TOKEN_NODE, {"id": issued["accessToken"]["id"]})
    assert response.json()["data"]["node"]["id"] == issued["accessToken"]["id"]
    assert secret not in response.text
    type_fields = await gql.query('{ __type(name: "AccessToken") { fields { name } } }')
    names = {f["name"] for f in type_fields["__type"]["fields"]}
    assert not names & {"secret", "token", "tokenHash", "hash"}
    # revoking it does not show it again either
    revoked = await gql.raw(REVOKE_TOKEN, {"input": {"id": issued["accessToken"]["id"]}})
    assert secret not in revoked.text


async def test_api_token_never_exceeds_the_role(
    sign_in: SignIn, gql: GraphQLClient, connect: Connect
) -> None:
    address = email("api-viewer")
    await sign_in.user(address, UserRole.VIEWER)
    issued = await create_token(
        gql,
        await user_global_id(gql, address),
        ["CUSTOMERS_READ", "CUSTOMERS_WRITE", "TOKENS_MANAGE"],
    )
    assert issued["errors"] == []
    client = connect(issued["secret"])
    assert (await client.query(CUSTOMERS))["customers"]["totalCount"] >= 0
    data = await client.query(factories.CREATE_CUSTOMER, {"input": {"name": "Never"}})
    assert [e["code"] for e in data["createCustomer"]["errors"]] == ["FORBIDDEN"]
    await assert_forbidden_query(client, ACCESS_TOKENS)
    data = await client.query(
        CREATE_TOKEN,
        {
            "input": {
                "name": "escalate",
                "userId": await user_global_id(gql, address),
                "permissions": ["CUSTOMERS_WRITE"],
                "expiresAt": in_days(10),
            }
        },
    )
    assert data["createApiToken"]["secret"] is None
    assert [e["code"] for e in data["createApiToken"]["errors"]] == ["FORBIDDEN"]


@pytest.mark.parametrize(
    "days",
    [
        pytest.param(-1, id="past"),
        pytest.param(-1 / 24 / 60, id="a-minute-ago"),
        pytest.param(367, id="over-366-days"),
        pytest.param(3650, id="ten-years"),
    ],
)
async def test_api_token_expiry_must_be_within_a_year(
    sign_in: SignIn, gql: GraphQLClient, days: float
) -> None:
    address = email("api-expiry")
    await sign_in.user(address, UserRole.SALES)
    issued = await create_token(
        gql, await user_global_id(gql, address), ["CUSTOMERS_READ"], in_days(days)
    )
    assert issued["secret"] is None
    assert issued["accessToken"] is None
    assert [(e["field"], e["code"]) for e in issued["errors"]] == [
        (["input", "expiresAt"], "VALIDATION")
    ]


async def test_api_token_expiry_of_a_year_is_accepted(sign_in: SignIn, gql: GraphQLClient) -> None:
    address = email("api-year")
    await sign_in.user(address, UserRole.SALES)
    issued = await create_token(
        gql, await user_global_id(gql, address), ["CUSTOMERS_READ"], in_days(365)
    )
    assert issued["errors"] == []
    assert issued["secret"]


async def test_revoke_api_token_works_at_once(
    sign_in: SignIn, gql: GraphQLClient, connect: Connect
) -> None:
    address = email("api-revoke")
    await sign_in.user(address, UserRole.SUPPORT)
    issued = await create_token(gql, await user_global_id(gql, address), ["CUSTOMERS_READ"])
    client = connect(issued["secret"])
    await client.query(CUSTOMERS)
    revoked = await gql.mutate(REVOKE_TOKEN, {"input": {"id": issued["accessToken"]["id"]}})
    assert revoked["accessToken"]["id"] == issued["accessToken"]["id"]
    assert revoked["accessToken"]["revokedAt"] is not None
    await assert_unauthenticated(client)
    await assert_unauthenticated(client, VIEWER)


async def test_revoke_api_token_rejects_other_ids(gql: GraphQLClient) -> None:
    missing = await gql.user_errors(REVOKE_TOKEN, {"input": {"id": "QWNjZXNzVG9rZW46OTk5OTk5OQ"}})
    assert [(e["field"], e["code"]) for e in missing] == [(["input", "id"], "NOT_FOUND")]
    customer = await factories.customer(gql)
    wrong_type = await gql.user_errors(REVOKE_TOKEN, {"input": {"id": customer["id"]}})
    assert [(e["field"], e["code"]) for e in wrong_type] == [(["input", "id"], "VALIDATION")]


@pytest.mark.parametrize(
    "role", [UserRole.MANAGER, UserRole.SALES, UserRole.SUPPORT, UserRole.VIEWER], ids=str
)
async def test_only_admins_manage_tokens(
    sign_in: SignIn, gql: GraphQLClient, connect: Connect, role: UserRole
) -> None:
    address = email(f"tokens-{role.value.lower()}")
    await sign_in.user(address, role)
    own_id = await user_global_id(gql, address)
    client = connect((await login(connect(), address, PASSWORD))["token"])
    data = await client.query(
        CREATE_TOKEN,
        {
            "input": {
                "name": "mine",
                "userId": own_id,
                "permissions": ["CUSTOMERS_READ"],
                "expiresAt": in_days(10),
            }
        },
    )
    payload = data["createApiToken"]
    assert payload["secret"] is None
    assert payload["accessToken"] is None
    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
    await assert_forbidden_query(client, ACCESS_TOKENS)
    # another user's token: cannot revoke it, nor see it by ID
    other = email("tokens-victim")
    await sign_in.user(other, UserRole.SALES)
    issued = await create_token(gql, await user_global_id(gql, other), ["CUSTOMERS_READ"])
    data = await client.query(REVOKE_TOKEN, {"input": {"id": issued["accessToken"]["id"]}})
    assert [e["code"] for e in data["revokeApiToken"]["errors"]] == ["FORBIDDEN"]
    await connect(issued["secret"]).query(CUSTOMERS)  # still valid
    data = await client.query(TOKEN_NODE, {"id": issued["accessToken"]["id"]})
    assert data["node"] is None


async def test_raw_tokens_are_not_stored(
    app: Starlette, sign_in: SignIn, gql: GraphQLClient, connect: Connect
) -> None:
    address = email("stored")
    await sign_in.user(address, UserRole.SALES)
    session_token = (await login(connect(), address, PASSWORD))["token"]
    api_secret = (await create_token(gql, await user_global_id(gql, address), ["CUSTOMERS_READ"]))[
        "secret"
    ]
    secrets = [session_token, api_secret]
    assert all(secrets)
    async with app.state.resources.engine.connect() as conn:
        rows = (await conn.execute(select(AccessToken.__table__))).all()
    assert rows
    for secret in secrets:
        bare = secret.removeprefix("crm_")
        for row in rows:
            for value in row:
                assert secret not in str(value)
                assert bare not in str(value)
        # but the tokens do work
        assert (await connect(secret).query(CUSTOMERS))["customers"]["totalCount"] >= 0
