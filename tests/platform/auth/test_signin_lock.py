"""A sign-in holds no write transaction while its password is checked: argon2 takes tens to
hundreds of milliseconds, and on SQLite a write transaction holds the database's only write
lock, so every writer would wait for it."""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest

from crm_graphql.platform.auth import passwords
from crm_graphql.platform.users.models import UserRole
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, SignIn

LOGIN = """
mutation($input: LoginInput!) { login(input: $input) { token errors { code } } }
"""


async def test_writers_go_on_while_a_password_is_checked(
    gql: GraphQLClient, sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = f"lock-{uuid.uuid4().hex[:10]}@tests.example"
    await sign_in.user(account, UserRole.SALES)
    checking, release = threading.Event(), threading.Event()
    real = passwords.verify_password

    def held(password_hash: str | None, password: str) -> bool:
        checking.set()
        release.wait(timeout=30)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", held)
    attempt = asyncio.create_task(
        gql.query(LOGIN, {"input": {"email": account, "password": SignIn.password}})
    )
    try:
        assert await asyncio.to_thread(checking.wait, 30)
        # the password check is under way: a write must not wait for it
        written = await asyncio.wait_for(factories.customer(gql, name="Written meanwhile"), 5)
        assert written["id"]
    finally:
        release.set()
    assert (await attempt)["login"]["token"]
