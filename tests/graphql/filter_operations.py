"""The operations and data the filter tests share."""

from __future__ import annotations

import base64
from typing import Any

from tests.support import factories
from tests.support.graphql_client import GraphQLClient

CUSTOMERS = """
query($filter: CustomerFilter, $search: String) {
  customers(filter: $filter, search: $search, orderBy: [{field: NAME}], first: 500) {
    totalCount nodes { name }
  }
}
"""

COMPANIES = """
query($filter: CompanyFilter, $search: String) {
  companies(filter: $filter, search: $search, orderBy: [{field: NAME}], first: 500) {
    totalCount nodes { name }
  }
}
"""

DELETE_COMPANY = """
mutation($input: DeleteInput!) { deleteCompany(input: $input) { errors { field message code } } }
"""

DELETE_TAG = """
mutation($input: DeleteInput!) { deleteTag(input: $input) { errors { field message code } } }
"""

RESTORE_TAG = """
mutation($input: RestoreInput!) { restoreTag(input: $input) { errors { field message code } } }
"""

DELETE_ORDER = """
mutation($input: DeleteInput!) { deleteOrder(input: $input) { errors { field message code } } }
"""

LOG_INTERACTION = """
mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) { interaction { id occurredAt } errors { field message code } }
}
"""


def global_id_of(type_name: str, pk: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def fill(template: Any, prefix: str) -> Any:
    """`template` with "{p}" in every string replaced by `prefix` ("{P}": upper-cased)."""
    if isinstance(template, str):
        return template.replace("{p}", prefix).replace("{P}", prefix.upper())
    if isinstance(template, list):
        return [fill(item, prefix) for item in template]
    if isinstance(template, dict):
        return {key: fill(value, prefix) for key, value in template.items()}
    return template


async def names_matching(
    gql: GraphQLClient, filter: dict[str, Any] | None = None, search: str | None = None
) -> list[str]:
    data = await gql.query(CUSTOMERS, {"filter": filter, "search": search})
    names = [node["name"] for node in data["customers"]["nodes"]]
    assert data["customers"]["totalCount"] == len(names)
    return names


async def suffixes(gql: GraphQLClient, prefix: str, filter: dict[str, Any]) -> list[str]:
    """Names (without the prefix) of the customers named `prefix ...` that match `filter`."""
    scoped = {"and": [{"name": {"startsWith": f"{prefix} "}}, filter]}
    return [name.removeprefix(f"{prefix} ") for name in await names_matching(gql, scoped)]


async def tagged_matching(gql: GraphQLClient, tag: str, filter: dict[str, Any]) -> list[str]:
    """Names of the customers tagged `tag` that match `filter`."""
    return await names_matching(gql, {"and": [{"tags": {"some": {"id": {"eq": tag}}}}, filter]})


async def first_error(gql: GraphQLClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    errors = await gql.errors(query, variables)
    assert len(errors) == 1, errors
    error: dict[str, Any] = errors[0]
    return error


async def new_people(gql: GraphQLClient, prefix: str, rows: dict[str, dict[str, Any]]) -> None:
    for suffix, fields in rows.items():
        await factories.customer(gql, name=f"{prefix} {suffix}", **fields)
