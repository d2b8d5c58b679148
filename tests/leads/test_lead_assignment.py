"""Lead assignment rules through the API: round robin, territory and tag rules, `assignLeads`,
and the rules' own validation. Rules apply to every new lead, so each test starts and ends
with none."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from crm_graphql.core.ids import encode_id
from crm_graphql.platform.users.models import UserRole
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, SignIn

RULE_FIELDS = """
id name position strategy country active version tag { id } users { id }
"""

CREATE_RULE = f"""
mutation($input: CreateLeadAssignmentRuleInput!) {{
  createLeadAssignmentRule(input: $input) {{
    leadAssignmentRule {{ {RULE_FIELDS} }} errors {{ field message code }}
  }}
}}
"""

UPDATE_RULE = f"""
mutation($input: UpdateLeadAssignmentRuleInput!) {{
  updateLeadAssignmentRule(input: $input) {{
    leadAssignmentRule {{ {RULE_FIELDS} }} errors {{ field message code }}
  }}
}}
"""

DELETE_RULE = """
mutation($input: DeleteLeadAssignmentRuleInput!) {
  deleteLeadAssignmentRule(input: $input) {
    leadAssignmentRule { id } errors { field message code }
  }
}
"""

RULES = f"{{ leadAssignmentRules(first: 500) {{ totalCount nodes {{ {RULE_FIELDS} }} }} }}"

ASSIGN = """
mutation { assignLeads { customers { id owner { id } } errors { field message code } } }
"""

CREATE_CUSTOMER = """
mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    customer { id lifecycleStage owner { id } }
    errors { field message code }
  }
}
"""

TAG_CUSTOMERS = """
mutation($input: TagCustomersInput!) {
  tagCustomers(input: $input) { tags { id } errors { field message code } }
}
"""


async def _delete_all_rules(gql: GraphQLClient) -> None:
    for rule in (await gql.query(RULES))["leadAssignmentRules"]["nodes"]:
        await gql.mutate(DELETE_RULE, {"input": {"id": rule["id"]}})


@pytest.fixture
async def no_rules(gql: GraphQLClient) -> AsyncIterator[None]:
    await _delete_all_rules(gql)
    yield
    await _delete_all_rules(gql)


@pytest.fixture
async def sales(sign_in: SignIn) -> list[str]:
    """Three SALES users' IDs."""
    tag = uuid.uuid4().hex[:10]
    users = []
    for i in range(3):
        pk = await sign_in.user(f"rr{i}-{tag}@assign.tests.example", UserRole.SALES)
        users.append(encode_id("User", pk))
    return users


def _fields(errors: list[dict[str, Any]]) -> dict[tuple[str, ...], str]:
    return {tuple(e["field"] or ()): e["code"] for e in errors}


async def _rule(gql: GraphQLClient, strategy: str, user_ids: list[str], **fields: Any) -> Any:
    data = await gql.mutate(
        CREATE_RULE,
        {
            "input": {
                "name": factories.unique("Rule"),
                "strategy": strategy,
                "userIds": user_ids,
                **fields,
            }
        },
    )
    return data["leadAssignmentRule"]


async def _lead(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    data = await gql.mutate(
        CREATE_CUSTOMER, {"input": {"name": factories.unique("Lead"), **fields}}
    )
    customer: dict[str, Any] = data["customer"]
    return customer


def _owner(customer: dict[str, Any]) -> str | None:
    owner = customer["owner"]
    return None if owner is None else str(owner["id"])


def _address(country: str) -> dict[str, str]:
    return {"kind": "WORK", "line1": "Main street 1", "city": "Town", "country": country}


# --- assigning new leads --------------------------------------------------------------------


@pytest.mark.usefixtures("no_rules")
async def test_round_robin_alternates_between_its_users(
    gql: GraphQLClient, sales: list[str]
) -> None:
    u1, u2, _ = sales
    rule = await _rule(gql, "ROUND_ROBIN", [u1, u2])
    assert rule["users"] == [{"id": u1}, {"id": u2}]
    leads = [await _lead(gql) for _ in range(5)]
    assert [_owner(c) for c in leads] == [u1, u2, u1, u2, u1]
    # owned leads and other lifecycle stages are left alone, and take no turn
    assert _owner(await _lead(gql, lifecycleStage="PROSPECT")) is None
    assert _owner(await _lead(gql, ownerId=u1)) == u1
    assert _owner(await _lead(gql)) == u2
    # the turn is bookkeeping: the rule's version stays
    (stored,) = (await gql.query(RULES))["leadAssignmentRules"]["nodes"]
    assert stored["version"] == 1


@pytest.mark.usefixtures("no_rules")
async def test_rules_are_tried_by_position(gql: GraphQLClient, sales: list[str]) -> None:
    # territory first, then tag, then anyone
    u1, u2, u3 = sales
    tag = await factories.tag(gql)
    anyone = await _rule(gql, "ROUND_ROBIN", [u3], position=30)
    by_tag = await _rule(gql, "TAG", [u2], tagId=tag["id"], position=20)
    iceland = await _rule(gql, "TERRITORY", [u1], country="is", position=10)
    assert (iceland["country"], by_tag["tag"]) == ("IS", {"id": tag["id"]})
    listed = (await gql.query(RULES))["leadAssignmentRules"]["nodes"]
    assert [r["id"] for r in listed] == [iceland["id"], by_tag["id"], anyone["id"]]
    assert _owner(await _lead(gql, addresses=[_address("IS")])) == u1
    assert _owner(await _lead(gql, addresses=[_address("DE")], tagIds=[tag["id"]])) == u2
    assert _owner(await _lead(gql, addresses=[_address("IS")], tagIds=[tag["id"]])) == u1
    assert _owner(await _lead(gql, addresses=[_address("DE")])) == u3
    assert _owner(await _lead(gql)) == u3
    # an inactive rule is skipped
    await gql.mutate(
        UPDATE_RULE, {"input": {"id": iceland["id"], "expectedVersion": 1, "active": False}}
    )
    assert _owner(await _lead(gql, addresses=[_address("IS")])) == u3


@pytest.mark.usefixtures("no_rules")
async def test_leads_no_rule_matches_stay_unowned(gql: GraphQLClient, sales: list[str]) -> None:
    tag = await factories.tag(gql)
    await _rule(gql, "TAG", [sales[0]], tagId=tag["id"])
    await _rule(gql, "TERRITORY", [sales[1]], country="NZ")
    assert _owner(await _lead(gql, addresses=[_address("AU")])) is None


@pytest.mark.usefixtures("no_rules")
async def test_assign_leads_after_tagging(gql: GraphQLClient, sales: list[str]) -> None:
    # leads created before they had the rule's tag
    u1, u2, _ = sales
    tag = await factories.tag(gql)
    await _rule(gql, "TAG", [u1, u2], tagId=tag["id"])
    first, second = await _lead(gql), await _lead(gql)
    untagged = await _lead(gql)
    assert (_owner(first), _owner(second), _owner(untagged)) == (None, None, None)
    await gql.mutate(
        TAG_CUSTOMERS,
        {"input": {"tagIds": [tag["id"]], "customerIds": [second["id"], first["id"]]}},
    )
    assigned = (await gql.mutate(ASSIGN))["customers"]
    # in ID order, taking turns
    assert assigned == [
        {"id": first["id"], "owner": {"id": u1}},
        {"id": second["id"], "owner": {"id": u2}},
    ]
    # and nothing is left to assign
    assert (await gql.mutate(ASSIGN))["customers"] == []


async def test_assign_leads_needs_the_pipelines_permission(sign_in: SignIn, no_rules: None) -> None:
    email = f"assign-{uuid.uuid4().hex[:10]}@assign.tests.example"
    client = await sign_in.client(email, UserRole.SALES)
    data = await client.query(ASSIGN)
    assert data["assignLeads"] == {
        "customers": None,
        "errors": [
            {"field": None, "message": "Your role may not use assignLeads.", "code": "FORBIDDEN"}
        ],
    }
    await client.http.aclose()


# --- the rules ------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_rules")
async def test_rule_users_must_be_active_sales_users(gql: GraphQLClient, sales: list[str]) -> None:
    admin = (await gql.query("{ viewer { id } }"))["viewer"]["id"]
    errors = await gql.user_errors(
        CREATE_RULE,
        {
            "input": {
                "name": "Bad users",
                "strategy": "ROUND_ROBIN",
                "userIds": [sales[0], admin, encode_id("User", 2**31 - 1), sales[0]],
            }
        },
    )
    assert errors == [
        {
            "field": ["input", "userIds", "1"],
            "message": "Only SALES users take leads; this user is ADMIN.",
            "code": "VALIDATION",
        },
        {
            "field": ["input", "userIds", "2"],
            "message": "No active User with this ID exists.",
            "code": "NOT_FOUND",
        },
        {
            "field": ["input", "userIds", "3"],
            "message": "This user is named twice.",
            "code": "DUPLICATE",
        },
    ]
    errors = await gql.user_errors(
        CREATE_RULE, {"input": {"name": "Nobody", "strategy": "ROUND_ROBIN", "userIds": []}}
    )
    assert _fields(errors) == {("input", "userIds"): "VALIDATION"}
    assert (await gql.query(RULES))["leadAssignmentRules"]["totalCount"] == 0


@pytest.mark.usefixtures("no_rules")
async def test_a_rule_has_what_its_strategy_needs(gql: GraphQLClient, sales: list[str]) -> None:
    tag = await factories.tag(gql)
    cases: list[tuple[dict[str, Any], dict[tuple[str, ...], str]]] = [
        ({"strategy": "TERRITORY"}, {("input", "country"): "VALIDATION"}),
        ({"strategy": "TERRITORY", "country": "XX"}, {("input", "country"): "VALIDATION"}),
        (
            {"strategy": "TAG", "country": "DE"},
            {("input", "tagId"): "VALIDATION", ("input", "country"): "VALIDATION"},
        ),
        (
            {"strategy": "TAG", "tagId": encode_id("Tag", 2**31 - 1)},
            {("input", "tagId"): "NOT_FOUND"},
        ),
        ({"strategy": "ROUND_ROBIN", "tagId": tag["id"]}, {("input", "tagId"): "VALIDATION"}),
    ]
    for change, expected in cases:
        errors = await gql.user_errors(
            CREATE_RULE, {"input": {"name": "Incomplete", "userIds": [sales[0]], **change}}
        )
        assert _fields(errors) == expected, change
    assert (await gql.query(RULES))["leadAssignmentRules"]["totalCount"] == 0


@pytest.mark.usefixtures("no_rules")
async def test_update_and_delete_a_rule(gql: GraphQLClient, sales: list[str]) -> None:
    u1, u2, u3 = sales
    rule = await _rule(gql, "TERRITORY", [u1], country="FR")
    # a stale version is a conflict
    errors = await gql.user_errors(
        UPDATE_RULE, {"input": {"id": rule["id"], "expectedVersion": 9, "name": "Stale"}}
    )
    assert _fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    # new users, and a strategy that needs no country (which goes)
    updated = (
        await gql.mutate(
            UPDATE_RULE,
            {
                "input": {
                    "id": rule["id"],
                    "expectedVersion": 1,
                    "strategy": "ROUND_ROBIN",
                    "userIds": [u3, u2],
                    "name": "Everyone",
                }
            },
        )
    )["leadAssignmentRule"]
    assert (updated["strategy"], updated["country"], updated["name"]) == (
        "ROUND_ROBIN",
        None,
        "Everyone",
    )
    assert updated["users"] == [{"id": u3}, {"id": u2}]
    assert updated["version"] == 2
    assert [_owner(await _lead(gql)) for _ in range(3)] == [u3, u2, u3]
    # deleted: new leads stay unowned
    await gql.mutate(DELETE_RULE, {"input": {"id": rule["id"], "expectedVersion": 2}})
    assert (await gql.query(RULES))["leadAssignmentRules"]["totalCount"] == 0
    assert _owner(await _lead(gql)) is None
    errors = await gql.user_errors(DELETE_RULE, {"input": {"id": rule["id"]}})
    assert _fields(errors) == {("input", "id"): "NOT_FOUND"}


async def test_a_manager_names_only_its_own_team_in_rules(sign_in: SignIn, no_rules: None) -> None:
    tag = uuid.uuid4().hex[:8]
    manager = await sign_in.user(f"m-{tag}@assign.tests.example", UserRole.MANAGER)
    report = await sign_in.user(f"r-{tag}@assign.tests.example", UserRole.SALES, manager)
    stranger = await sign_in.user(f"s-{tag}@assign.tests.example", UserRole.SALES)
    client = await sign_in.client(f"m-{tag}@assign.tests.example", UserRole.MANAGER)

    def rule(*users: int) -> dict[str, Any]:
        return {
            "input": {
                "name": factories.unique("Team rule"),
                "strategy": "ROUND_ROBIN",
                "userIds": [encode_id("User", u) for u in users],
            }
        }

    errors = await client.user_errors(CREATE_RULE, rule(report, stranger))
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "userIds", "1"], "FORBIDDEN")]
    created = await client.mutate(CREATE_RULE, rule(report))
    assert created["leadAssignmentRule"]["users"] == [{"id": encode_id("User", report)}]
    await client.http.aclose()
