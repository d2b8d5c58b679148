"""Requests with bodies written by hand, and the shape of a BAD_USER_INPUT refusal."""

from __future__ import annotations

import json
from typing import Any

import httpx


async def post(http: httpx.AsyncClient, query: str, variables: str) -> dict[str, Any]:
    """Posts a body written by hand (variables as raw JSON text), so tests can send what
    Python's json module would not build: very deep nesting, lone surrogates."""
    body = '{"query": ' + json.dumps(query) + ', "variables": ' + variables + "}"
    response = await http.post(
        "/graphql", content=body.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def refused(body: dict[str, Any], *words: str) -> str:
    """The single BAD_USER_INPUT error's message, which must contain `words`."""
    assert body.get("data") is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    for word in words:
        assert word in error["message"], error
    message: str = error["message"]
    return message
