"""Each access test builds its own team: a MANAGER with two SALES reports, a SALES outside the
team, a SUPPORT and a VIEWER; the administrator creates one customer per SALES user, an unowned
LEAD and an unowned CUSTOMER, all named with a prefix of the test's own."""

from __future__ import annotations

import uuid

import pytest

from crm_graphql.platform.users.models import UserRole
from tests.data.access.operations import World
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, SignIn


@pytest.fixture
async def world(sign_in: SignIn, gql: GraphQLClient) -> World:
    tag = uuid.uuid4().hex[:10]

    def address(label: str) -> str:
        return f"{label}-{tag}@access.tests.example"

    m_pk = await sign_in.user(address("m"), UserRole.MANAGER)
    roles = {
        "m": (UserRole.MANAGER, None),
        "s1": (UserRole.SALES, m_pk),
        "s2": (UserRole.SALES, m_pk),
        "x": (UserRole.SALES, None),
        "support": (UserRole.SUPPORT, None),
        "viewer": (UserRole.VIEWER, None),
    }
    clients = {
        label: await sign_in.client(address(label), role, manager)
        for label, (role, manager) in roles.items()
    }
    users = {}
    for label, client in clients.items():
        users[label] = (await client.query("{ viewer { id } }"))["viewer"]["id"]
    prefix = f"Access {tag}"
    customers = {
        label: await factories.customer(gql, name=f"{prefix} {label}", ownerId=users[label])
        for label in ("s1", "s2", "x")
    }
    customers["lead"] = await factories.customer(gql, name=f"{prefix} lead", lifecycleStage="LEAD")
    customers["unowned"] = await factories.customer(
        gql, name=f"{prefix} unowned", lifecycleStage="CUSTOMER"
    )
    keys = {label: await sign_in.user(address(label), role) for label, (role, _) in roles.items()}
    return World(prefix, gql, clients, users, keys, customers)
