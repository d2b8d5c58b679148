"""The interactions API as the interaction tests use it: operation texts and small helpers."""

from __future__ import annotations

import base64
import datetime
from typing import Any

from tests.support.graphql_client import GraphQLClient

LOG = """
mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) {
    interaction {
      id kind direction subject body occurredAt durationSeconds version deletedAt
      customer { id } user { id }
    }
    errors { field message code }
  }
}
"""

INTERACTION = """
query($id: ID!) {
  interaction(id: $id) {
    id kind direction subject body occurredAt durationSeconds version deletedAt customer { id }
  }
}
"""

UPDATE = """
mutation($input: UpdateInteractionInput!) {
  updateInteraction(input: $input) {
    interaction { id kind direction subject body occurredAt durationSeconds version }
    errors { field message code }
  }
}
"""

DELETE = """
mutation($input: DeleteInput!) {
  deleteInteraction(input: $input) {
    interaction { id deletedAt version }
    errors { field message code }
  }
}
"""

RESTORE = """
mutation($input: RestoreInput!) {
  restoreInteraction(input: $input) {
    interaction { id deletedAt }
    errors { field message code }
  }
}
"""

DELETE_CUSTOMER = """
mutation($input: DeleteInput!) { deleteCustomer(input: $input) { errors { code } } }
"""

TIMELINE = """
query($id: ID!, $orderBy: [InteractionOrder!], $filter: InteractionFilter) {
  customer(id: $id) {
    interactions(orderBy: $orderBy, filter: $filter) {
      totalCount nodes { id subject occurredAt }
    }
  }
}
"""

INTERACTIONS = """
query($filter: InteractionFilter, $includeDeleted: Boolean! = false) {
  interactions(filter: $filter, includeDeleted: $includeDeleted) { totalCount nodes { id } }
}
"""

CUSTOMERS = """
query($filter: CustomerFilter!) {
  customers(filter: $filter, orderBy: [{field: NAME}]) { nodes { name } }
}
"""


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def error_fields(errors: list[dict[str, Any]]) -> dict[tuple[str, ...], str]:
    return {tuple(e["field"]): e["code"] for e in errors}


def now_utc() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def at(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


async def log_interaction(gql: GraphQLClient, customer_id: str, **fields: Any) -> dict[str, Any]:
    data = await gql.mutate(
        LOG, {"input": {"customerId": customer_id, "kind": "CALL", "subject": "Call", **fields}}
    )
    interaction: dict[str, Any] = data["interaction"]
    return interaction


async def read_interaction(gql: GraphQLClient, interaction_id: str) -> dict[str, Any] | None:
    interaction: dict[str, Any] | None = (await gql.query(INTERACTION, {"id": interaction_id}))[
        "interaction"
    ]
    return interaction


async def count_of(gql: GraphQLClient, customer_id: str) -> int:
    data = await gql.query(
        INTERACTIONS, {"filter": {"customerId": {"eq": customer_id}}, "includeDeleted": True}
    )
    count: int = data["interactions"]["totalCount"]
    return count
