"""Ownership scoping of reads: which customers (and their orders, interactions, contacts...)
each role reaches, through every way of asking: lists, IDs, `node`, filters and nested lists."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from crm_graphql.platform.users.models import UserRole
from tests.data.access.operations import (
    COUNT_BY_FILTER,
    CUSTOMER,
    DELETE,
    LABELS,
    LOG,
    MISSING_CUSTOMER,
    NODE,
    NODES,
    TAG_CUSTOMERS,
    UPDATE,
    World,
    codes_of,
    errors_of,
    listed,
)
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, SignIn

# --- reading -------------------------------------------------------------------------------


async def test_sales_lists_its_own_customers_and_unassigned_leads(world: World) -> None:
    assert await listed(world.clients["s1"], world.prefix) == {"s1", "lead"}
    assert await listed(world.clients["s2"], world.prefix) == {"s2", "lead"}
    assert await listed(world.clients["x"], world.prefix) == {"x", "lead"}


async def test_total_count_alone_agrees_with_the_list(world: World) -> None:
    data = await world.clients["s1"].query(
        "query($p: String!) { customers(filter: {name: {startsWith: $p}}) { totalCount } }",
        {"p": world.prefix},
    )
    assert data["customers"]["totalCount"] == 2


async def test_manager_sees_its_team_but_not_others(world: World) -> None:
    assert await listed(world.clients["m"], world.prefix) == {"s1", "s2", "lead"}
    m = world.clients["m"]
    assert (await m.query(CUSTOMER, {"id": world.cid("s2")}))["customer"]["id"] == world.cid("s2")
    assert (await m.query(CUSTOMER, {"id": world.cid("x")}))["customer"] is None


async def test_only_managers_see_their_reports_customers(world: World, sign_in: SignIn) -> None:
    """A SALES user someone reports to (manager_id) gets no team: only a MANAGER has one."""
    report = f"report-{uuid.uuid4().hex[:10]}@access.tests.example"
    await sign_in.user(report, UserRole.SALES, world.keys["s1"])
    client = await sign_in.client(report, UserRole.SALES)
    report_id = (await client.query("{ viewer { id } }"))["viewer"]["id"]
    await factories.customer(world.admin, name=f"{world.prefix} report", ownerId=report_id)
    assert await listed(world.clients["s1"], world.prefix) == {"s1", "lead"}
    assert await listed(client, world.prefix) == {"report", "lead"}
    # and the MANAGER of S1 does not reach its reports' reports
    assert await listed(world.clients["m"], world.prefix) == {"s1", "s2", "lead"}


@pytest.mark.parametrize("label", ["admin", "support", "viewer"])
async def test_unscoped_roles_see_every_customer(world: World, label: str) -> None:
    client = world.admin if label == "admin" else world.clients[label]
    assert await listed(client, world.prefix) == set(LABELS)
    for name in LABELS:
        data = await client.query(CUSTOMER, {"id": world.cid(name)})
        assert data["customer"]["id"] == world.cid(name)


async def test_hidden_customer_reads_exactly_like_a_missing_one(world: World) -> None:
    s1 = world.clients["s1"]
    hidden, missing = world.cid("s2"), MISSING_CUSTOMER
    for document in (CUSTOMER, NODE):
        shown = await s1.raw(document, {"id": hidden})
        absent = await s1.raw(document, {"id": missing})
        assert shown.status_code == absent.status_code == 200
        assert shown.json()["data"] == absent.json()["data"]
        assert "errors" not in shown.json()
        assert next(iter(shown.json()["data"].values())) is None
    data = await s1.query(NODES, {"ids": [hidden, missing, world.cid("s1"), world.cid("x")]})
    assert data["nodes"] == [None, None, {"__typename": "Customer", "id": world.cid("s1")}, None]
    # the unowned CUSTOMER (not a lead) is hidden too
    assert (await s1.query(CUSTOMER, {"id": world.cid("unowned")}))["customer"] is None


async def test_filters_do_not_reach_hidden_customers(world: World) -> None:
    s2_id = world.cid("s2")
    s2_name = world.customers["s2"]["name"]
    cases: dict[str, dict[str, Any]] = {
        "id-eq": {"filter": {"id": {"eq": s2_id}}},
        "id-in": {"filter": {"id": {"in": [s2_id, world.cid("x")]}}},
        "owner": {"filter": {"ownerId": {"eq": world.users["s2"]}}},
        "or": {"filter": {"or": [{"id": {"eq": s2_id}}, {"name": {"eq": s2_name}}]}},
        "not": {
            "filter": {
                "name": {"startsWith": world.prefix},
                "not": {"ownerId": {"eq": world.users["s1"]}},
                "ownerId": {"isNull": False},
            }
        },
        "name": {"filter": {"name": {"eq": s2_name}}},
        "search": {"search": s2_name},
        "include-deleted": {"filter": {"id": {"eq": s2_id}}, "includeDeleted": True},
    }
    for case, variables in cases.items():
        data = await world.clients["s1"].query(COUNT_BY_FILTER, variables)
        assert data["customers"] == {"totalCount": 0, "nodes": []}, case
        # the same question from the administrator finds it: the filter itself is right
        seen = (await world.admin.query(COUNT_BY_FILTER, variables))["customers"]
        assert s2_id in {n["id"] for n in seen["nodes"]}, case


async def test_related_filters_do_not_reach_hidden_customers(world: World) -> None:
    company = await factories.company(world.admin)
    await world.admin.mutate(
        UPDATE,
        {"input": {"id": world.cid("s2"), "expectedVersion": 1, "companyId": company["id"]}},
    )
    query = """
    query($name: String!, $person: ID!) {
      companies(filter: {name: {eq: $name}, people: {some: {id: {eq: $person}}}}) { totalCount }
    }
    """
    variables = {"name": company["name"], "person": world.cid("s2")}
    assert (await world.admin.query(query, variables))["companies"]["totalCount"] == 1
    assert (await world.clients["s1"].query(query, variables))["companies"]["totalCount"] == 0


async def test_company_people_and_tag_customers_hide_other_owners(world: World) -> None:
    admin = world.admin
    company = await factories.company(admin)  # unowned: every SALES user may see it
    tag = await factories.tag(admin)
    for label in ("s1", "s2", "x"):
        await admin.mutate(
            UPDATE,
            {"input": {"id": world.cid(label), "expectedVersion": 1, "companyId": company["id"]}},
        )
    await admin.mutate(
        TAG_CUSTOMERS,
        {"input": {"tagIds": [tag["id"]], "customerIds": [world.cid(n) for n in LABELS]}},
    )
    people = """
    query($id: ID!) { company(id: $id) { people(first: 50) { totalCount nodes { id } } } }
    """
    tagged = """
    query($id: ID!) { tag(id: $id) { customers(first: 50) { totalCount nodes { id } } } }
    """

    async def ids(client: GraphQLClient, document: str, key: str, of: str) -> set[str]:
        data = await client.query(document, {"id": of})
        connection = next(iter(data.values()))[key]
        found = {n["id"] for n in connection["nodes"]}
        assert connection["totalCount"] == len(found)
        return found

    s1 = world.clients["s1"]
    assert await ids(s1, people, "people", company["id"]) == {world.cid("s1")}
    # the same statement shape for another SALES user is built under its own row rules
    # (statements are reused by scope key, loaders.Statements)
    assert await ids(world.clients["s2"], people, "people", company["id"]) == {world.cid("s2")}
    assert await ids(s1, tagged, "customers", tag["id"]) == {world.cid("s1"), world.cid("lead")}
    manager = world.clients["m"]
    assert await ids(manager, people, "people", company["id"]) == {
        world.cid("s1"),
        world.cid("s2"),
    }
    everyone = {world.cid(n) for n in LABELS}
    assert await ids(admin, tagged, "customers", tag["id"]) == everyone
    assert await ids(world.clients["viewer"], tagged, "customers", tag["id"]) == everyone


async def test_orders_and_interactions_of_hidden_customers_are_unreachable(world: World) -> None:
    admin = world.admin
    product = await factories.product(admin)
    items = [{"productId": product["id"], "quantity": 1}]
    mine = await factories.order(admin, world.cid("s1"), items)
    theirs = await factories.order(admin, world.cid("s2"), items)
    logged = await admin.mutate(
        LOG, {"input": {"customerId": world.cid("s2"), "kind": "CALL", "subject": "hidden"}}
    )
    interaction_id = logged["interaction"]["id"]
    s1 = world.clients["s1"]
    by_customer = """
    query($p: String!) {
      orders(filter: {customer: {name: {startsWith: $p}}}) { totalCount nodes { id } }
    }
    """
    data = await s1.query(by_customer, {"p": world.prefix})
    assert data["orders"] == {"totalCount": 1, "nodes": [{"id": mine["id"]}]}
    data = await admin.query(by_customer, {"p": world.prefix})
    assert data["orders"]["totalCount"] == 2
    orders = "query($f: OrderFilter) { orders(filter: $f) { totalCount } }"
    for condition in (
        {"customerId": {"eq": world.cid("s2")}},
        {"id": {"eq": theirs["id"]}},
    ):
        assert (await s1.query(orders, {"f": condition}))["orders"]["totalCount"] == 0
        assert (await admin.query(orders, {"f": condition}))["orders"]["totalCount"] == 1
    assert (await s1.query("query($id: ID!) { order(id: $id) { id } }", {"id": theirs["id"]})) == {
        "order": None
    }
    assert (await s1.query(NODE, {"id": theirs["id"]}))["node"] is None
    assert (await s1.query(NODE, {"id": mine["id"]}))["node"] == {
        "__typename": "Order",
        "id": mine["id"],
    }
    interactions = """
    query($id: ID!) { interactions(filter: {customerId: {eq: $id}}) { totalCount } }
    """
    counted = await s1.query(interactions, {"id": world.cid("s2")})
    assert counted["interactions"]["totalCount"] == 0
    assert (await s1.query(NODE, {"id": interaction_id}))["node"] is None
    # the manager of S2 reaches both
    m = world.clients["m"]
    assert (await m.query(NODE, {"id": theirs["id"]}))["node"]["id"] == theirs["id"]
    assert (await m.query(NODE, {"id": interaction_id}))["node"]["id"] == interaction_id


COMPANIES = """
query($p: String!) {
  companies(filter: {name: {startsWith: $p}}, first: 50) { totalCount nodes { name } }
}
"""


async def test_companies_are_scoped_by_owner_and_by_visible_people(world: World) -> None:
    admin, p = world.admin, world.prefix
    made = {}
    for label, owner in (("own", "s1"), ("other", "s2"), ("employer", "s2"), ("free", None)):
        fields = {"ownerId": world.users[owner]} if owner else {}
        made[label] = await factories.company(admin, name=f"{p} co {label}", **fields)
    # S2's company employs S1's customer: S1 sees it through that person
    await admin.mutate(
        UPDATE,
        {
            "input": {
                "id": world.cid("s1"),
                "expectedVersion": 1,
                "companyId": made["employer"]["id"],
            }
        },
    )

    async def names(client: GraphQLClient) -> set[str]:
        data = (await client.query(COMPANIES, {"p": f"{p} co "}))["companies"]
        assert data["totalCount"] == len(data["nodes"])
        return {n["name"].removeprefix(f"{p} co ") for n in data["nodes"]}

    assert await names(world.clients["s1"]) == {"own", "employer", "free"}
    assert await names(world.clients["x"]) == {"free"}
    assert await names(world.clients["m"]) == {"own", "other", "employer", "free"}
    assert await names(world.clients["viewer"]) == {"own", "other", "employer", "free"}
    s1 = world.clients["s1"]
    company = "query($id: ID!) { company(id: $id) { id } }"
    assert (await s1.query(company, {"id": made["other"]["id"]}))["company"] is None
    update_company = """
    mutation($input: UpdateCompanyInput!) {
      updateCompany(input: $input) { company { id } errors { field code } }
    }
    """
    assert await codes_of(
        s1, update_company, {"id": made["other"]["id"], "expectedVersion": 1, "name": "Mine"}
    ) == ["NOT_FOUND"]
    # once the person is deleted, the employer is out of sight again
    await admin.mutate(DELETE, {"input": {"id": world.cid("s1")}})
    assert await names(s1) == {"own", "free"}


# --- IDs of other types --------------------------------------------------------------------


async def test_ids_of_other_types_do_not_resolve(world: World) -> None:
    admin = world.admin
    product = await factories.product(admin)
    order = await factories.order(
        admin, world.cid("s1"), [{"productId": product["id"], "quantity": 1}]
    )
    company = await factories.company(admin)
    for client in (admin, world.clients["s1"]):
        assert (await client.query(CUSTOMER, {"id": order["id"]}))["customer"] is None
        assert (await client.query(NODE, {"id": order["id"]}))["node"]["__typename"] == "Order"
        data = await client.query(
            "query($id: ID!) { order(id: $id) { id } }", {"id": world.cid("s1")}
        )
        assert data["order"] is None
        errors = await errors_of(
            client, UPDATE, {"id": company["id"], "expectedVersion": 1, "name": "Nope"}
        )
        assert [(e["field"], e["code"]) for e in errors] == [(["input", "id"], "VALIDATION")]
        errors = await errors_of(client, DELETE, {"id": order["id"]})
        assert [(e["field"], e["code"]) for e in errors] == [(["input", "id"], "VALIDATION")]
    data = await admin.query("query($id: ID!) { company(id: $id) { name } }", {"id": company["id"]})
    assert data["company"]["name"] == company["name"]
