"""Deterministic, realistic demo data for an empty, migrated database.

`seed(engine, customers=N, seed=S)` writes users, companies, customers (with contact methods,
addresses and tags), products, orders (with items and payments), interactions, and deals on the
default pipeline (one per 5 customers, with their stage history). Every value comes from
`random.Random(S)` and a fixed base time, so equal arguments give identical rows. Deals draw
from a stream of their own, so adding them left every other row as it was.
Rows go in through Core bulk inserts with ids assigned here, all inside one transaction.

The modules follow the data: `staff` (demo users), `catalogue` (tags, products, prices),
`people` and `places` (names, phones, e-mails, addresses), `companies`, `customers` (each
customer's timeline), `commerce` (orders), `activity` (interactions), `sales` (deals), and
`writer` (the checks and inserts); `draws` and `rows` are what they all draw and write with.
The draws happen in one fixed order, so moving a draw changes every row after it.
"""

from __future__ import annotations

from crm_graphql.devtools.seed.errors import SeedError
from crm_graphql.devtools.seed.staff import DEMO_PASSWORD, DEMO_USERS
from crm_graphql.devtools.seed.writer import CUSTOMERS_PER_DEAL, SeedReport, is_empty, seed

__all__ = [
    "CUSTOMERS_PER_DEAL",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "SeedError",
    "SeedReport",
    "is_empty",
    "seed",
]
