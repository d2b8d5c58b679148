"""The GraphQL documents and request bodies of the workloads (deterministic IDs)."""

from __future__ import annotations

import base64
import random

from load import Body, MakeBody

W1_QUERY = """
query Dashboard($first: Int!) {
  customers(first: $first) {
    nodes {
      name
      company { name }
      tags { nodes { name } }
      primaryEmail
      primaryPhone
      orders(first: 10) {
        nodes { total { amount currency } items { quantity product { name } } }
      }
    }
  }
}
"""
W3_QUERY = """
query Lookup($id: ID!) {
  customer(id: $id) { name company { name } tags { nodes { name } } }
}
"""
W4_MUTATION = """
mutation Log($customerId: ID!) {
  logInteraction(input: {customerId: $customerId, kind: NOTE, subject: "bench note"}) {
    interaction { id }
    errors { code message }
  }
}
"""
LOGIN_MUTATION = """
mutation Login($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { token errors { code message } }
}
"""
ID_POOL_SIZE = 10_000


def customer_id(pk: int) -> str:
    """The global ID of a customer: base64url("Customer:<pk>") without padding."""
    return base64.urlsafe_b64encode(f"Customer:{pk}".encode()).decode().rstrip("=")


def random_ids(customers: int, seed: int) -> list[str]:
    """A fixed, seeded sequence of global customer IDs."""
    rng = random.Random(seed)
    return [customer_id(rng.randint(1, customers)) for _ in range(ID_POOL_SIZE)]


def dashboard(first: int) -> MakeBody:
    body: Body = {"query": W1_QUERY, "variables": {"first": first}}
    return lambda worker, n: body


def _pick(ids: list[str], worker: int, n: int) -> str:
    return ids[(worker * 7919 + n) % len(ids)]


def lookup(ids: list[str]) -> MakeBody:
    return lambda worker, n: {"query": W3_QUERY, "variables": {"id": _pick(ids, worker, n)}}


def log_interaction(ids: list[str]) -> MakeBody:
    return lambda worker, n: {
        "query": W4_MUTATION,
        "variables": {"customerId": _pick(ids, worker, n)},
    }
