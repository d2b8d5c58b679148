"""Ownership scoping: which customers (and their orders, interactions, contacts...) each role
reaches, through every way of asking: lists, IDs, `node`, filters, nested lists and writes.

Each test builds its own team: a MANAGER with two SALES reports, a SALES outside the team, a
SUPPORT and a VIEWER; the administrator creates one customer per SALES user, an unowned LEAD
and an unowned CUSTOMER, all named with a prefix of the test's own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from crm_graphql.core.ids import encode_id
from crm_graphql.platform.users.models import UserRole
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, SignIn

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


@pytest.fixture
async def world(sign_in: SignIn, gql: GraphQLClient) -> World:
    tag = uuid.uuid4().hex[:10]

    def address(label: str) -> str:
        return f"{label}-{tag}@access.tests.example"

    m_pk = await sign_in.user(address("m"), UserRole.MANAGER)
    roles = {
        "m": (UserRole.MANAGER, None),
        "s1": (UserRole.SALES, m_pk),
        "s2": (UserRole.SALES, m_pk),
        "x": (UserRole.SALES, None),
        "support": (UserRole.SUPPORT, None),
        "viewer": (UserRole.VIEWER, None),
    }
    clients = {
        label: await sign_in.client(address(label), role, manager)
        for label, (role, manager) in roles.items()
    }
    users = {}
    for label, client in clients.items():
        users[label] = (await client.query("{ viewer { id } }"))["viewer"]["id"]
    prefix = f"Access {tag}"
    customers = {
        label: await factories.customer(gql, name=f"{prefix} {label}", ownerId=users[label])
        for label in ("s1", "s2", "x")
    }
    customers["lead"] = await factories.customer(gql, name=f"{prefix} lead", lifecycleStage="LEAD")
    customers["unowned"] = await factories.customer(
        gql, name=f"{prefix} unowned", lifecycleStage="CUSTOMER"
    )
    keys = {label: await sign_in.user(address(label), role) for label, (role, _) in roles.items()}
    return World(prefix, gql, clients, users, keys, customers)


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


# --- writing -------------------------------------------------------------------------------


async def test_hidden_customer_cannot_be_written_and_looks_missing(world: World) -> None:
    s1 = world.clients["s1"]
    hidden = world.cid("s2")

    async def same_as_missing(document: str, input: dict[str, Any], key: str) -> None:
        refused = await errors_of(s1, document, {**input, key: hidden})
        absent = await errors_of(s1, document, {**input, key: MISSING_CUSTOMER})
        assert [e["code"] for e in refused] == ["NOT_FOUND"], refused
        assert refused == absent

    await same_as_missing(UPDATE, {"expectedVersion": 1, "name": "Hijacked"}, "id")
    await same_as_missing(DELETE, {}, "id")
    await same_as_missing(LOG, {"kind": "CALL", "subject": "snooping"}, "customerId")
    await same_as_missing(ADD_CONTACT, {"kind": "EMAIL", "value": "spy@example.com"}, "customerId")
    # nothing changed
    data = await world.admin.query(CUSTOMER_PARTS, {"id": hidden})
    assert data["customer"] == {
        "id": hidden,
        "name": world.customers["s2"]["name"],
        "version": 1,
        "deletedAt": None,
        "contactMethods": {"totalCount": 0},
        "interactions": {"totalCount": 0},
        "orders": {"totalCount": 0},
        "tags": {"totalCount": 0},
    }


async def test_hidden_customers_parts_cannot_be_written(world: World) -> None:
    admin, s1 = world.admin, world.clients["s1"]
    contact = await admin.mutate(
        ADD_CONTACT,
        {"input": {"customerId": world.cid("s2"), "kind": "EMAIL", "value": "s2@example.com"}},
    )
    contact_id = contact["contactMethod"]["id"]
    assert (await s1.query(NODE, {"id": contact_id}))["node"] is None
    assert await codes_of(
        s1, UPDATE_CONTACT, {"id": contact_id, "expectedVersion": 1, "value": "x@example.com"}
    ) == ["NOT_FOUND"]
    assert await codes_of(s1, REMOVE_CONTACT, {"id": contact_id}) == ["NOT_FOUND"]
    tag = await factories.tag(admin)
    errors = await errors_of(
        s1, TAG_CUSTOMERS, {"tagIds": [tag["id"]], "customerIds": [world.cid("s2")]}
    )
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "customerIds", "0"], "NOT_FOUND")
    ]
    product = await factories.product(admin)
    order = await factories.order(
        admin, world.cid("s2"), [{"productId": product["id"], "quantity": 1}], status="PLACED"
    )
    errors = await errors_of(
        s1,
        ADD_PAYMENT,
        {"orderId": order["id"], "amount": {"amount": "1.00", "currency": "EUR"}, "method": "CASH"},
    )
    assert [e["code"] for e in errors] == ["NOT_FOUND"]
    errors = await errors_of(
        s1,
        factories.CREATE_ORDER,
        {"customerId": world.cid("s2"), "currency": "EUR", "items": []},
    )
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "customerId"], "NOT_FOUND")]
    data = await admin.query(CUSTOMER_PARTS, {"id": world.cid("s2")})
    assert data["customer"]["contactMethods"] == {"totalCount": 1}
    assert data["customer"]["orders"] == {"totalCount": 1}
    assert data["customer"]["tags"] == {"totalCount": 0}


async def test_deleted_hidden_customer_cannot_be_restored(world: World) -> None:
    await world.admin.mutate(DELETE, {"input": {"id": world.cid("s2")}})
    s1 = world.clients["s1"]
    assert await listed(s1, world.prefix, include_deleted=True) == {"s1", "lead"}
    refused = await errors_of(s1, RESTORE, {"id": world.cid("s2")})
    absent = await errors_of(s1, RESTORE, {"id": MISSING_CUSTOMER})
    assert [e["code"] for e in refused] == ["NOT_FOUND"]
    assert refused == absent
    # its owner may restore it
    await world.clients["s2"].mutate(RESTORE, {"input": {"id": world.cid("s2")}})


async def test_sales_owns_what_it_creates(world: World) -> None:
    s1 = world.clients["s1"]
    name = f"{world.prefix} created by s1"
    created = await s1.mutate(CREATE_CUSTOMER, {"input": {"name": name}})
    assert created["customer"]["owner"] == {"id": world.users["s1"]}
    assert "created by s1" in await listed(s1, world.prefix)
    assert "created by s1" not in await listed(world.clients["s2"], world.prefix)
    assert "created by s1" in await listed(world.clients["m"], world.prefix)
    data = await world.admin.query(CUSTOMER, {"id": created["customer"]["id"]})
    assert data["customer"]["owner"] == {"id": world.users["s1"]}


async def test_sales_assigns_customers_only_to_itself(world: World) -> None:
    s1 = world.clients["s1"]
    for owner in (world.users["s2"], world.users["m"], world.users["x"]):
        errors = await errors_of(
            s1, CREATE_CUSTOMER, {"name": f"{world.prefix} given away", "ownerId": owner}
        )
        assert [(e["field"], e["code"]) for e in errors] == [(["input", "ownerId"], "FORBIDDEN")]
    assert "given away" not in await listed(world.admin, world.prefix)
    explicit = await s1.mutate(
        CREATE_CUSTOMER, {"input": {"name": f"{world.prefix} mine", "ownerId": world.users["s1"]}}
    )
    assert explicit["customer"]["owner"] == {"id": world.users["s1"]}
    # nor hand its own customer over (or unassign it)
    for owner in (world.users["s2"], None):
        errors = await errors_of(
            s1, UPDATE, {"id": world.cid("s1"), "expectedVersion": 1, "ownerId": owner}
        )
        assert [(e["field"], e["code"]) for e in errors] == [(["input", "ownerId"], "FORBIDDEN")]
    data = await world.admin.query(CUSTOMER, {"id": world.cid("s1")})
    assert data["customer"]["owner"] == {"id": world.users["s1"]}
    assert data["customer"]["version"] == 1


async def test_sales_claims_an_unassigned_lead(world: World) -> None:
    s1 = world.clients["s1"]
    claimed = await s1.mutate(
        UPDATE,
        {"input": {"id": world.cid("lead"), "expectedVersion": 1, "ownerId": world.users["s1"]}},
    )
    assert claimed["customer"]["owner"] == {"id": world.users["s1"]}
    assert await listed(world.clients["s2"], world.prefix) == {"s2"}
    assert await listed(s1, world.prefix) == {"s1", "lead"}


async def test_manager_assigns_within_its_team(world: World) -> None:
    m = world.clients["m"]
    own = await m.mutate(CREATE_CUSTOMER, {"input": {"name": f"{world.prefix} by m"}})
    assert own["customer"]["owner"] == {"id": world.users["m"]}
    for label in ("s1", "s2"):
        given = await m.mutate(
            CREATE_CUSTOMER,
            {"input": {"name": f"{world.prefix} for {label}", "ownerId": world.users[label]}},
        )
        assert given["customer"]["owner"] == {"id": world.users[label]}
    errors = await errors_of(
        m, CREATE_CUSTOMER, {"name": f"{world.prefix} for x", "ownerId": world.users["x"]}
    )
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "ownerId"], "FORBIDDEN")]
    # moves a customer between its reports, but cannot touch X's
    moved = await m.mutate(
        UPDATE,
        {"input": {"id": world.cid("s1"), "expectedVersion": 1, "ownerId": world.users["s2"]}},
    )
    assert moved["customer"]["owner"] == {"id": world.users["s2"]}
    assert await codes_of(
        m, UPDATE, {"id": world.cid("x"), "expectedVersion": 1, "name": "Taken"}
    ) == ["NOT_FOUND"]
    assert await listed(world.clients["s2"], world.prefix) == {"s1", "s2", "lead", "for s2"}


async def test_support_reads_everything_and_logs_interactions_only(world: World) -> None:
    support = world.clients["support"]
    assert await listed(support, world.prefix) == set(LABELS)
    logged = await support.mutate(
        LOG, {"input": {"customerId": world.cid("s2"), "kind": "CALL", "subject": "Helped"}}
    )
    assert logged["interaction"]["customer"] == {"id": world.cid("s2")}
    assert await codes_of(support, CREATE_CUSTOMER, {"name": f"{world.prefix} support"}) == [
        "FORBIDDEN"
    ]
    assert await codes_of(
        support, UPDATE, {"id": world.cid("s2"), "expectedVersion": 1, "name": "Changed"}
    ) == ["FORBIDDEN"]
    assert "support" not in await listed(world.admin, world.prefix)


async def test_viewer_reads_everything_but_every_write_is_forbidden(world: World) -> None:
    viewer, admin = world.clients["viewer"], world.admin
    assert await listed(viewer, world.prefix) == set(LABELS)
    product = await factories.product(admin)
    tag = await factories.tag(admin)
    target = world.cid("s1")
    attempts: list[tuple[str, dict[str, Any]]] = [
        (CREATE_CUSTOMER, {"name": f"{world.prefix} by viewer"}),
        (UPDATE, {"id": target, "expectedVersion": 1, "name": "Changed"}),
        (DELETE, {"id": target}),
        (LOG, {"customerId": target, "kind": "NOTE", "subject": "x"}),
        (ADD_CONTACT, {"customerId": target, "kind": "EMAIL", "value": "v@example.com"}),
        (TAG_CUSTOMERS, {"tagIds": [tag["id"]], "customerIds": [target]}),
        (
            factories.CREATE_ORDER,
            {
                "customerId": target,
                "currency": "EUR",
                "items": [{"productId": product["id"], "quantity": 1}],
            },
        ),
        (CREATE_COMPANY, {"name": f"{world.prefix} viewer co"}),
        (CREATE_TAG, {"name": factories.unique("viewer-tag")}),
    ]
    for document, input in attempts:
        errors = await errors_of(viewer, document, input)
        assert [e["code"] for e in errors] == ["FORBIDDEN"], (document, errors)
    data = await admin.query(CUSTOMER_PARTS, {"id": target})
    assert data["customer"] == {
        "id": target,
        "name": world.customers["s1"]["name"],
        "version": 1,
        "deletedAt": None,
        "contactMethods": {"totalCount": 0},
        "interactions": {"totalCount": 0},
        "orders": {"totalCount": 0},
        "tags": {"totalCount": 0},
    }
    assert await listed(admin, world.prefix) == set(LABELS)


async def test_admin_reaches_everything(world: World) -> None:
    admin = world.admin
    product = await factories.product(admin)
    order = await factories.order(
        admin, world.cid("x"), [{"productId": product["id"], "quantity": 2}]
    )
    assert (await admin.query(NODE, {"id": order["id"]}))["node"]["id"] == order["id"]
    updated = await admin.mutate(
        UPDATE,
        {"input": {"id": world.cid("x"), "expectedVersion": 1, "ownerId": world.users["s1"]}},
    )
    assert updated["customer"]["owner"] == {"id": world.users["s1"]}
    assert await listed(world.clients["s1"], world.prefix) == {"s1", "x", "lead"}


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
