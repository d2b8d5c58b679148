"""API tokens through HTTP: creation with scopes and expiry, use, listing and revocation."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from crm_graphql.platform.auth.models import AccessToken
from crm_graphql.platform.users.models import UserRole
from tests.platform.auth.operations import (
    ACCESS_TOKENS,
    CREATE_TOKEN,
    CUSTOMERS,
    ORDERS,
    PASSWORD,
    REVOKE_TOKEN,
    TOKEN_NODE,
    VIEWER,
    Connect,
    assert_forbidden_query,
    assert_unauthenticated,
    create_token,
    email,
    in_days,
    login,
    user_global_id,
)
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, SignIn

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
