"""A small GraphQL client over httpx, as a front end would use the API."""

from __future__ import annotations

from typing import Any

import httpx


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
