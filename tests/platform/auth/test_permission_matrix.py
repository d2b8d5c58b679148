"""The role x operation matrix, generated from the running schema: every root field, asked by a
user of every role, is allowed or FORBIDDEN exactly as ROLE_PERMISSIONS and ROOT_FIELDS say.

Each cell sends the smallest operation the schema accepts: required arguments filled with
dummy values by type (IDs name records that do not exist), `__typename` (or `totalCount`) as the
selection, `errors { code }` for mutations."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInputType,
    GraphQLNamedType,
    GraphQLObjectType,
    get_named_type,
    is_enum_type,
    is_input_object_type,
    is_interface_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    is_required_argument,
    is_required_input_field,
    is_scalar_type,
)
from starlette.applications import Starlette

from crm_graphql.app.schema import create_schema
from crm_graphql.core.ids import MAX_KEY, encode_id
from crm_graphql.platform.auth.permissions import ROLE_PERMISSIONS, ROOT_FIELDS, Access, roles_table
from crm_graphql.platform.users.models import UserRole
from tests.support.graphql_client import GraphQLClient, SignIn

SCHEMA = create_schema()._schema
QUERY: GraphQLObjectType = SCHEMA.query_type  # type: ignore[assignment]
MUTATION: GraphQLObjectType = SCHEMA.mutation_type  # type: ignore[assignment]
ROOTS: dict[str, tuple[str, GraphQLField]] = {
    **{name: ("query", field) for name, field in QUERY.fields.items()},
    **{name: ("mutation", field) for name, field in MUTATION.fields.items()},
}
PUBLIC = "login"
CELLS = [
    pytest.param(role, name, id=f"{role.value}-{name}")
    for role in UserRole
    for name in ROOTS
    if name != PUBLIC
]

NODE_TYPES = sorted(
    (
        t.name
        for t in SCHEMA.type_map.values()
        if is_object_type(t) and any(i.name == "Node" for i in t.interfaces)  # type: ignore[attr-defined]
    ),
    key=len,
    reverse=True,
)

SCALARS: dict[str, Any] = {
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "DateTime": "2030-01-01T00:00:00Z",
    "Date": "2000-01-01",
    "Decimal": "1",
}


def node_type_for(*hints: str) -> str:
    """The type an ID argument most likely names, from the argument's and field's names."""
    for hint in hints:
        bare = hint.removesuffix("Ids").removesuffix("Id").lower()
        for name in NODE_TYPES:
            if bare and name.lower() in bare:
                return name
    for hint in hints:  # e.g. revokeApiToken -> AccessToken
        for name in NODE_TYPES:
            words = [w for w in ("Token", "Method") if name.endswith(w)]
            if any(w.lower() in hint.lower() for w in words):
                return name
    return "Customer"


def missing_id(*hints: str) -> str:
    return encode_id(node_type_for(*hints), MAX_KEY)


def dummy(type_: GraphQLInputType, *hints: str) -> Any:
    """A value of the type: for input objects, only their required fields."""
    if is_non_null_type(type_):
        return dummy(type_.of_type, *hints)  # type: ignore[union-attr]
    if is_list_type(type_):
        return [dummy(type_.of_type, *hints)]  # type: ignore[union-attr]
    if is_enum_type(type_):
        return next(iter(type_.values))  # type: ignore[union-attr]
    if is_input_object_type(type_):
        return {
            name: dummy(field.type, name, *hints)
            for name, field in type_.fields.items()  # type: ignore[union-attr]
            if is_required_input_field(field)
        }
    assert is_scalar_type(type_), type_
    name = type_.name  # type: ignore[union-attr]
    if name == "ID":
        return missing_id(*hints)
    if name not in SCALARS:
        raise AssertionError(f"no dummy value for the scalar {name}: add one to SCALARS")
    return SCALARS[name]


def selection(output: GraphQLNamedType) -> str:
    if is_object_type(output) and "totalCount" in output.fields:  # type: ignore[union-attr]
        return "{ totalCount }"
    if is_object_type(output) and "errors" in output.fields:  # type: ignore[union-attr]
        return "{ __typename errors { code } }"
    assert is_object_type(output) or is_interface_type(output), output
    return "{ __typename }"


def operation(name: str) -> tuple[str, dict[str, Any]]:
    """The smallest document using the root field `name`, and its variables."""
    kind, field = ROOTS[name]
    required: dict[str, GraphQLArgument] = {
        arg: spec for arg, spec in field.args.items() if is_required_argument(spec)
    }
    declared = ", ".join(f"${arg}: {spec.type}" for arg, spec in required.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in required)
    document = (
        f"{kind}{f'({declared})' if declared else ''} "
        f"{{ {name}{f'({passed})' if passed else ''} {selection(get_named_type(field.type))} }}"
    )
    variables = {arg: dummy(spec.type, arg, name) for arg, spec in required.items()}
    return document, variables


def allowed(role: UserRole, name: str) -> bool:
    need = ROOT_FIELDS[name]
    return isinstance(need, Access) or need in ROLE_PERMISSIONS[role]


def client_from_own_address(app: Starlette, token: str | None = None) -> httpx.AsyncClient:
    address = str(ipaddress.IPv6Address(uuid.uuid4().int))
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)),
        base_url="http://testserver",
        headers={"authorization": f"Bearer {token}"} if token else {},
    )


@pytest.fixture(scope="module")
async def role_users(sign_in: SignIn) -> dict[UserRole, str]:
    """One user per role for the whole module: role -> email."""
    tag = uuid.uuid4().hex[:10]
    users = {}
    for role in UserRole:
        email = f"matrix-{role.value.lower()}-{tag}@tests.example"
        await sign_in.user(email, role)
        users[role] = email
    return users


@pytest.fixture(scope="module")
async def role_clients(
    sign_in: SignIn, role_users: dict[UserRole, str]
) -> AsyncIterator[dict[UserRole, GraphQLClient]]:
    clients = {role: await sign_in.client(email, role) for role, email in role_users.items()}
    yield clients
    for client in clients.values():
        await client.http.aclose()


# --- the matrix is complete ------------------------------------------------------------------


def test_every_root_field_is_in_root_fields() -> None:
    assert sorted(set(ROOTS) - set(ROOT_FIELDS)) == []


SUBSCRIPTIONS = set(SCHEMA.subscription_type.fields)  # type: ignore[union-attr]


def test_every_root_fields_entry_exists_in_the_schema() -> None:
    assert sorted(set(ROOT_FIELDS) - set(ROOTS) - SUBSCRIPTIONS) == []


def test_every_subscription_needs_a_listed_permission() -> None:
    # unlisted subscriptions are refused to everyone (events/live.py); list them all
    assert sorted(SUBSCRIPTIONS - set(ROOT_FIELDS)) == []


def test_every_role_has_permissions() -> None:
    assert set(ROLE_PERMISSIONS) == set(UserRole)


def test_readme_contains_the_roles_table() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    assert roles_table() in readme


# --- login is public -----------------------------------------------------------------------


async def test_login_works_without_a_token(
    app: Starlette, sign_in: SignIn, role_users: dict[UserRole, str]
) -> None:
    document, variables = operation(PUBLIC)
    async with client_from_own_address(app) as http:
        response = await http.post("/graphql", json={"query": document, "variables": variables})
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body
        assert [e["code"] for e in body["data"][PUBLIC]["errors"]] == ["UNAUTHENTICATED"]
        data = await GraphQLClient(http).query(
            "mutation($i: LoginInput!) { login(input: $i) { token errors { code } } }",
            {"i": {"email": role_users[UserRole.VIEWER], "password": sign_in.password}},
        )
    assert data["login"]["errors"] == []
    assert data["login"]["token"]


# --- role x root field ---------------------------------------------------------------------


@pytest.mark.parametrize(("role", "name"), CELLS)
async def test_cell(
    sign_in: SignIn,
    role_users: dict[UserRole, str],
    role_clients: dict[UserRole, GraphQLClient],
    role: UserRole,
    name: str,
) -> None:
    kind, _ = ROOTS[name]
    document, variables = operation(name)
    if name == "logout":  # it revokes the token it is sent with: use a session of its own
        client = await sign_in.client(role_users[role], role)
    else:
        client = role_clients[role]
    response = await client.raw(document, variables)
    body = response.json()
    errors = body.get("errors") or []
    top_codes = [(e.get("extensions") or {}).get("code") for e in errors]
    if kind == "query":
        if allowed(role, name):
            assert response.status_code == 200, body
            assert errors == [], body
            assert name in body["data"], body
        else:
            assert response.status_code == 403, body
            assert top_codes == ["FORBIDDEN"], body
            assert body.get("data") is None, body
        return
    assert response.status_code == 200, body
    assert errors == [], body
    payload = body["data"][name]
    codes = [e["code"] for e in payload["errors"]]
    if allowed(role, name):
        assert "FORBIDDEN" not in codes, body
    else:
        assert codes == ["FORBIDDEN"], body
    if name == "logout":
        await client.http.aclose()
