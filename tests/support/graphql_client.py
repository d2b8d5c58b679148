"""A small GraphQL client over httpx, as a front end would use the API."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from crm_graphql.core.db import write_session
from crm_graphql.platform.auth.service import create_user, new_password
from crm_graphql.platform.users.models import UserRole


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def raw(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, **kwargs
        )

    async def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a response that must have no top-level errors."""
        response = await self.raw(query, variables)
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[Any]:
        """The top-level errors of a response that must have some."""
        body = (await self.raw(query, variables)).json()
        assert body.get("errors"), body
        errors: list[Any] = body["errors"]
        return errors

    async def mutate(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The single payload of a mutation that must succeed (no payload errors)."""
        data = await self.query(query, variables)
        (payload,) = data.values()
        assert payload["errors"] == [], payload["errors"]
        result: dict[str, Any] = payload
        return result

    async def user_errors(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """The payload errors of a mutation that must fail, with nothing returned."""
        data = await self.query(query, variables)
        (payload,) = data.values()
        assert payload["errors"], payload
        entity = [v for k, v in payload.items() if k != "errors"]
        assert entity == [None], payload
        errors: list[dict[str, Any]] = payload["errors"]
        return errors


LOGIN = """
mutation($input: LoginInput!) {
  login(input: $input) { token user { id role } errors { field message code } }
}
"""


class SignIn:
    """Creates users (as `crm-graphql create-user` does) and signs them in through the API."""

    password = "correct horse battery staple"

    def __init__(self, app: Starlette, http: httpx.AsyncClient) -> None:
        self.app = app
        self.http = http
        self.user_ids: dict[str, int] = {}

    async def user(self, email: str, role: UserRole, manager_id: int | None = None) -> int:
        if email not in self.user_ids:
            resources = self.app.state.resources
            hashed = await new_password(self.password)
            async with write_session(resources.sessionmaker) as session:
                user = await create_user(
                    session=session,
                    email=email,
                    name=email.split("@")[0].title(),
                    role=role,
                    password=hashed,
                    manager_id=manager_id,
                )
                self.user_ids[email] = user.id
        return self.user_ids[email]

    async def token_for(self, email: str, role: UserRole, manager_id: int | None = None) -> str:
        await self.user(email, role, manager_id)
        response = await self.http.post(
            "/graphql",
            json={
                "query": LOGIN,
                "variables": {"input": {"email": email, "password": self.password}},
            },
        )
        payload = response.json()["data"]["login"]
        assert payload["errors"] == [], payload["errors"]
        token: str = payload["token"]
        return token

    async def client(
        self, email: str, role: UserRole, manager_id: int | None = None
    ) -> GraphQLClient:
        token = await self.token_for(email, role, manager_id)
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://testserver",
            headers={"authorization": f"Bearer {token}"},
        )
        return GraphQLClient(http)
