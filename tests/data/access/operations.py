"""The operations and the team (`World`) that the access tests share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm_graphql.core.ids import encode_id
from tests.support.graphql_client import GraphQLClient

MISSING_CUSTOMER = encode_id("Customer", 2**31 - 1)

LIST = """
query($prefix: String!, $includeDeleted: Boolean! = false) {
  customers(filter: {name: {startsWith: $prefix}}, includeDeleted: $includeDeleted, first: 100) {
    totalCount
    nodes { id name owner { id } }
  }
}
"""

CUSTOMER = """
query($id: ID!) { customer(id: $id) { id name version deletedAt owner { id } } }
"""

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"

NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"

COUNT_BY_FILTER = """
query($filter: CustomerFilter, $search: String, $includeDeleted: Boolean! = false) {
  customers(filter: $filter, search: $search, includeDeleted: $includeDeleted) {
    totalCount nodes { id }
  }
}
"""

UPDATE = """
mutation($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { id name owner { id } } errors { field message code } }
}
"""

DELETE = """
mutation($input: DeleteInput!) {
  deleteCustomer(input: $input) { customer { id } errors { field message code } }
}
"""

RESTORE = """
mutation($input: RestoreInput!) {
  restoreCustomer(input: $input) { customer { id } errors { field message code } }
}
"""

LOG = """
mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) { interaction { id customer { id } } errors { field message code } }
}
"""

ADD_CONTACT = """
mutation($input: AddContactMethodInput!) {
  addContactMethod(input: $input) { contactMethod { id } errors { field message code } }
}
"""

UPDATE_CONTACT = """
mutation($input: UpdateContactMethodInput!) {
  updateContactMethod(input: $input) { contactMethod { id } errors { field message code } }
}
"""

REMOVE_CONTACT = """
mutation($input: RemoveInput!) {
  removeContactMethod(input: $input) { contactMethod { id } errors { field message code } }
}
"""

TAG_CUSTOMERS = """
mutation($input: TagCustomersInput!) {
  tagCustomers(input: $input) { tags { id } errors { field message code } }
}
"""

ADD_PAYMENT = """
mutation($input: AddPaymentInput!) {
  addPayment(input: $input) { order { id } errors { field message code } }
}
"""

CREATE_COMPANY = """
mutation($input: CreateCompanyInput!) {
  createCompany(input: $input) { company { id } errors { field message code } }
}
"""

CREATE_TAG = """
mutation($input: CreateTagInput!) { createTag(input: $input) { tag { id } errors { field code } } }
"""

CREATE_CUSTOMER = """
mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    customer { id name owner { id } }
    errors { field message code }
  }
}
"""

CUSTOMER_PARTS = """
query($id: ID!) {
  customer(id: $id) {
    id name version deletedAt
    contactMethods { totalCount }
    interactions { totalCount }
    orders { totalCount }
    tags { totalCount }
  }
}
"""

LABELS = ("s1", "s2", "x", "lead", "unowned")


@dataclass
class World:
    prefix: str
    admin: GraphQLClient
    clients: dict[str, GraphQLClient]  # m, s1, s2, x, support, viewer
    users: dict[str, str]  # the same labels -> User IDs
    keys: dict[str, int]  # the same labels -> primary keys (for `sign_in`)
    customers: dict[str, dict[str, Any]]  # s1, s2, x, lead, unowned -> customer

    def cid(self, label: str) -> str:
        result: str = self.customers[label]["id"]
        return result


async def listed(client: GraphQLClient, prefix: str, include_deleted: bool = False) -> set[str]:
    """Names (minus the prefix) of the customers the client lists; totalCount must agree."""
    data = await client.query(LIST, {"prefix": prefix, "includeDeleted": include_deleted})
    connection = data["customers"]
    names = [n["name"].removeprefix(prefix).strip() for n in connection["nodes"]]
    assert connection["totalCount"] == len(names), connection
    return set(names)


async def errors_of(client: GraphQLClient, document: str, input: dict[str, Any]) -> list[Any]:
    data = await client.query(document, {"input": input})
    (payload,) = data.values()
    entity = [v for k, v in payload.items() if k != "errors"]
    assert entity == [None], payload
    result: list[Any] = payload["errors"]
    return result


async def codes_of(client: GraphQLClient, document: str, input: dict[str, Any]) -> list[str]:
    return [e["code"] for e in await errors_of(client, document, input)]
