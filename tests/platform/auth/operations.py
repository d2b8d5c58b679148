"""The authentication API as the auth tests use it: operation texts and small helpers."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support import factories
from tests.support.graphql_client import GraphQLClient, SignIn

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
