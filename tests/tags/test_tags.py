"""Tags through the API: unique names, colours, renames, and tagging customers and companies."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest

from tests.support import factories
from tests.support.graphql_client import GraphQLClient

TAG = """
query($id: ID!) {
  tag(id: $id) {
    id name color version deletedAt
    customers(orderBy: [{field: NAME}]) { totalCount nodes { id } }
    companies(orderBy: [{field: NAME}]) { totalCount nodes { id } }
  }
}
"""

TAGS_BY_NAME = """
query($name: String!) {
  tags(filter: {name: {contains: $name}}, includeDeleted: true) { totalCount nodes { id name } }
}
"""

UPDATE = """
mutation($input: UpdateTagInput!) {
  updateTag(input: $input) { tag { id name color version } errors { field message code } }
}
"""

DELETE = """
mutation($input: DeleteInput!) {
  deleteTag(input: $input) { tag { id deletedAt } errors { field message code } }
}
"""

RESTORE = """
mutation($input: RestoreInput!) {
  restoreTag(input: $input) { tag { id deletedAt } errors { field message code } }
}
"""

TAG_CUSTOMERS = """
mutation($input: TagCustomersInput!) {
  tagCustomers(input: $input) { tags { id name } errors { field message code } }
}
"""

UNTAG_CUSTOMERS = """
mutation($input: TagCustomersInput!) {
  untagCustomers(input: $input) { tags { id name } errors { field message code } }
}
"""

TAG_COMPANIES = """
mutation($input: TagCompaniesInput!) {
  tagCompanies(input: $input) { tags { id name } errors { field message code } }
}
"""

UNTAG_COMPANIES = """
mutation($input: TagCompaniesInput!) {
  untagCompanies(input: $input) { tags { id name } errors { field message code } }
}
"""

TAGS_WITH_COUNTS = """
query($token: String!) {
  tags(filter: {name: {contains: $token}}, orderBy: [{field: NAME}]) {
    nodes { id customers(first: 1) { totalCount } companies { totalCount } }
  }
}
"""

CUSTOMER_TAGS = """
query($id: ID!) {
  customer(id: $id) { tags(orderBy: [{field: NAME}]) { totalCount nodes { id name } } }
}
"""

COMPANY_TAGS = """
query($id: ID!) {
  company(id: $id) { tags(orderBy: [{field: NAME}]) { totalCount nodes { id name } } }
}
"""

CUSTOMERS_TAGGED = """
query($tag: String!, $token: String!) {
  customers(filter: {name: {contains: $token}, tags: {some: {name: {eq: $tag}}}}) {
    totalCount nodes { id }
  }
}
"""

DELETE_CUSTOMER = """
mutation($input: DeleteInput!) {
  deleteCustomer(input: $input) { customer { id } errors { field message code } }
}
"""

DELETE_COMPANY = """
mutation($input: DeleteInput!) {
  deleteCompany(input: $input) { company { id } errors { field message code } }
}
"""


def missing_id(type_name: str) -> str:
    """A well-formed global ID that names no record."""
    return base64.urlsafe_b64encode(f"{type_name}:999999999".encode()).decode().rstrip("=")


def fields_and_codes(errors: list[dict[str, Any]]) -> set[tuple[tuple[str, ...], str]]:
    return {(tuple(e["field"]), e["code"]) for e in errors}


async def tag_ids_of_customer(gql: GraphQLClient, customer_id: str) -> list[str]:
    data = await gql.query(CUSTOMER_TAGS, {"id": customer_id})
    return [t["id"] for t in data["customer"]["tags"]["nodes"]]


async def tag_ids_of_company(gql: GraphQLClient, company_id: str) -> list[str]:
    data = await gql.query(COMPANY_TAGS, {"id": company_id})
    return [t["id"] for t in data["company"]["tags"]["nodes"]]


async def test_create_tag_normalises_name_and_colour(gql: GraphQLClient) -> None:
    name = factories.unique("Vip")
    created = await gql.mutate(
        factories.CREATE_TAG, {"input": {"name": f"  {name} ", "color": "#1e90ff"}}
    )
    assert created["tag"]["name"] == name
    assert created["tag"]["color"] == "#1E90FF"
    assert created["tag"]["version"] == 1
    data = await gql.query(TAG, {"id": created["tag"]["id"]})
    assert (data["tag"]["name"], data["tag"]["color"]) == (name, "#1E90FF")
    plain = await factories.tag(gql)
    assert plain["color"] is None


async def test_tag_names_are_unique_ignoring_case(gql: GraphQLClient) -> None:
    token = uuid.uuid4().hex[:8]
    existing = await factories.tag(gql, name=f"Key Account {token}")
    errors = await gql.user_errors(
        factories.CREATE_TAG, {"input": {"name": f"  KEY ACCOUNT {token.upper()} "}}
    )
    assert errors == [
        {
            "field": ["input", "name"],
            "message": f"A tag named {existing['name']!r} exists.",
            "code": "DUPLICATE",
        }
    ]
    listed = await gql.query(TAGS_BY_NAME, {"name": token})
    assert listed["tags"]["nodes"] == [{"id": existing["id"], "name": existing["name"]}]


async def test_a_deleted_tag_still_holds_its_name(gql: GraphQLClient) -> None:
    token = uuid.uuid4().hex[:8]
    existing = await factories.tag(gql, name=f"Churned {token}")
    await gql.mutate(DELETE, {"input": {"id": existing["id"]}})
    errors = await gql.user_errors(factories.CREATE_TAG, {"input": {"name": f"churned {token}"}})
    assert fields_and_codes(errors) == {(("input", "name"), "DUPLICATE")}
    assert "restore it instead" in errors[0]["message"]
    listed = await gql.query(TAGS_BY_NAME, {"name": token})
    assert listed["tags"]["totalCount"] == 1
    # restoring gives the name back
    await gql.mutate(RESTORE, {"input": {"id": existing["id"]}})
    data = await gql.query(TAG, {"id": existing["id"]})
    assert data["tag"]["name"] == existing["name"]


@pytest.mark.parametrize("color", ["1E90FF", "#12345", "#1234567", "#GGGGGG", "red", ""])
async def test_create_tag_rejects_bad_colours(gql: GraphQLClient, color: str) -> None:
    name = factories.unique("Coloured")
    errors = await gql.user_errors(factories.CREATE_TAG, {"input": {"name": name, "color": color}})
    assert fields_and_codes(errors) == {(("input", "color"), "VALIDATION")}
    listed = await gql.query(TAGS_BY_NAME, {"name": name})
    assert listed["tags"]["totalCount"] == 0


async def test_create_tag_rejects_blank_and_long_names(gql: GraphQLClient) -> None:
    errors = await gql.user_errors(
        factories.CREATE_TAG, {"input": {"name": "  ", "color": "#zzzzzz"}}
    )
    assert fields_and_codes(errors) == {
        (("input", "name"), "VALIDATION"),
        (("input", "color"), "VALIDATION"),
    }
    long_name = "x" * 51
    errors = await gql.user_errors(factories.CREATE_TAG, {"input": {"name": long_name}})
    assert errors == [
        {"field": ["input", "name"], "message": "At most 50 characters.", "code": "VALIDATION"}
    ]


async def test_rename_tag_keeps_names_unique(gql: GraphQLClient) -> None:
    token = uuid.uuid4().hex[:8]
    tag = await factories.tag(gql, name=f"prospect {token}", color="#00FF00")
    other = await factories.tag(gql, name=f"partner {token}")
    # a change of case only is its own name, not a duplicate
    renamed = await gql.mutate(
        UPDATE, {"input": {"id": tag["id"], "expectedVersion": 1, "name": f"Prospect {token}"}}
    )
    assert renamed["tag"] == {
        "id": tag["id"],
        "name": f"Prospect {token}",
        "color": "#00FF00",
        "version": 2,
    }
    # another tag's name is taken
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": tag["id"], "expectedVersion": 2, "name": f"PARTNER {token}"}}
    )
    assert fields_and_codes(errors) == {(("input", "name"), "DUPLICATE")}
    assert other["name"] in errors[0]["message"]
    # a stale version is a conflict and writes nothing
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": tag["id"], "expectedVersion": 1, "name": f"Lead {token}"}}
    )
    assert fields_and_codes(errors) == {(("input", "expectedVersion"), "CONFLICT")}
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": tag["id"], "expectedVersion": 2, "color": "green"}}
    )
    assert fields_and_codes(errors) == {(("input", "color"), "VALIDATION")}
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": tag["id"], "expectedVersion": 2, "name": None}}
    )
    assert fields_and_codes(errors) == {(("input", "name"), "VALIDATION")}
    data = await gql.query(TAG, {"id": tag["id"]})
    assert (data["tag"]["name"], data["tag"]["color"], data["tag"]["version"]) == (
        f"Prospect {token}",
        "#00FF00",
        2,
    )
    # the old name is free again; null clears the colour
    await factories.tag(gql, name=f"prospect {token}x")
    cleared = await gql.mutate(
        UPDATE, {"input": {"id": tag["id"], "expectedVersion": 2, "color": None}}
    )
    assert cleared["tag"]["color"] is None
    assert cleared["tag"]["version"] == 3


async def test_renaming_frees_the_old_name(gql: GraphQLClient) -> None:
    token = uuid.uuid4().hex[:8]
    tag = await factories.tag(gql, name=f"old {token}")
    await gql.mutate(
        UPDATE, {"input": {"id": tag["id"], "expectedVersion": 1, "name": f"new {token}"}}
    )
    again = await factories.tag(gql, name=f"OLD {token}")
    assert again["name"] == f"OLD {token}"


async def test_tag_and_untag_customers_idempotently(gql: GraphQLClient) -> None:
    token = uuid.uuid4().hex[:8]
    gold = await factories.tag(gql, name=f"a gold {token}")
    silver = await factories.tag(gql, name=f"b silver {token}")
    ada = await factories.customer(gql, name=f"Ada {token}")
    bob = await factories.customer(gql, name=f"Bob {token}")
    both = {"tagIds": [gold["id"], silver["id"]], "customerIds": [ada["id"], bob["id"]]}
    tagged = await gql.mutate(TAG_CUSTOMERS, {"input": both})
    assert [t["id"] for t in tagged["tags"]] == [gold["id"], silver["id"]]
    assert await tag_ids_of_customer(gql, ada["id"]) == [gold["id"], silver["id"]]
    assert await tag_ids_of_customer(gql, bob["id"]) == [gold["id"], silver["id"]]
    # tagging twice (and naming a record twice) keeps one link each
    await gql.mutate(TAG_CUSTOMERS, {"input": both})
    await gql.mutate(
        TAG_CUSTOMERS,
        {"input": {"tagIds": [gold["id"], gold["id"]], "customerIds": [ada["id"]] * 2}},
    )
    data = await gql.query(TAG, {"id": gold["id"]})
    assert data["tag"]["customers"] == {
        "totalCount": 2,
        "nodes": [{"id": ada["id"]}, {"id": bob["id"]}],
    }
    data = await gql.query(CUSTOMER_TAGS, {"id": ada["id"]})
    assert data["customer"]["tags"]["totalCount"] == 2
    listed = await gql.query(CUSTOMERS_TAGGED, {"tag": silver["name"], "token": token})
    assert listed["customers"]["totalCount"] == 2
    # read together, each tag counts its own customers
    loner = await factories.tag(gql, name=f"c loner {token}")
    data = await gql.query(TAGS_WITH_COUNTS, {"token": token})
    assert [(t["id"], t["customers"]["totalCount"]) for t in data["tags"]["nodes"]] == [
        (gold["id"], 2),
        (silver["id"], 2),
        (loner["id"], 0),
    ]
    # untagged
    untagged = await gql.mutate(
        UNTAG_CUSTOMERS, {"input": {"tagIds": [gold["id"]], "customerIds": [ada["id"]]}}
    )
    assert [t["id"] for t in untagged["tags"]] == [gold["id"]]
    assert await tag_ids_of_customer(gql, ada["id"]) == [silver["id"]]
    assert await tag_ids_of_customer(gql, bob["id"]) == [gold["id"], silver["id"]]
    data = await gql.query(TAG, {"id": gold["id"]})
    assert data["tag"]["customers"] == {"totalCount": 1, "nodes": [{"id": bob["id"]}]}
    # untagging what is not tagged is no error and changes nothing
    await gql.mutate(
        UNTAG_CUSTOMERS, {"input": {"tagIds": [gold["id"]], "customerIds": [ada["id"]]}}
    )
    assert await tag_ids_of_customer(gql, ada["id"]) == [silver["id"]]
    # a deleted customer is left out of its tags' customers
    await gql.mutate(DELETE_CUSTOMER, {"input": {"id": bob["id"]}})
    data = await gql.query(TAG, {"id": silver["id"]})
    assert data["tag"]["customers"] == {"totalCount": 1, "nodes": [{"id": ada["id"]}]}


async def test_tag_and_untag_companies_idempotently(gql: GraphQLClient) -> None:
    token = uuid.uuid4().hex[:8]
    partner = await factories.tag(gql, name=f"a partner {token}")
    supplier = await factories.tag(gql, name=f"b supplier {token}")
    acme = await factories.company(gql, name=f"Acme {token}")
    bolt = await factories.company(gql, name=f"Bolt {token}")
    tagged = await gql.mutate(
        TAG_COMPANIES,
        {"input": {"tagIds": [partner["id"]], "companyIds": [acme["id"], bolt["id"]]}},
    )
    await gql.mutate(
        TAG_COMPANIES,
        {"input": {"tagIds": [partner["id"], supplier["id"]], "companyIds": [acme["id"]]}},
    )
    assert [t["id"] for t in tagged["tags"]] == [partner["id"]]
    assert await tag_ids_of_company(gql, acme["id"]) == [partner["id"], supplier["id"]]
    assert await tag_ids_of_company(gql, bolt["id"]) == [partner["id"]]
    data = await gql.query(TAG, {"id": partner["id"]})
    assert data["tag"]["companies"] == {
        "totalCount": 2,
        "nodes": [{"id": acme["id"]}, {"id": bolt["id"]}],
    }
    assert data["tag"]["customers"] == {"totalCount": 0, "nodes": []}
    # untagged, twice
    for _ in range(2):
        await gql.mutate(
            UNTAG_COMPANIES,
            {"input": {"tagIds": [partner["id"]], "companyIds": [acme["id"], bolt["id"]]}},
        )
    assert await tag_ids_of_company(gql, acme["id"]) == [supplier["id"]]
    assert await tag_ids_of_company(gql, bolt["id"]) == []
    data = await gql.query(TAG, {"id": partner["id"]})
    assert data["tag"]["companies"] == {"totalCount": 0, "nodes": []}


async def test_tagging_unknown_records_writes_nothing(gql: GraphQLClient) -> None:
    tag = await factories.tag(gql)
    deleted_tag = await factories.tag(gql)
    await gql.mutate(DELETE, {"input": {"id": deleted_tag["id"]}})
    customer = await factories.customer(gql)
    gone = await factories.customer(gql)
    await gql.mutate(DELETE_CUSTOMER, {"input": {"id": gone["id"]}})
    company = await factories.company(gql)
    gone_company = await factories.company(gql)
    await gql.mutate(DELETE_COMPANY, {"input": {"id": gone_company["id"]}})
    # unknown and deleted records are NOT_FOUND, at their index
    errors = await gql.user_errors(
        TAG_CUSTOMERS,
        {"input": {"tagIds": [tag["id"], missing_id("Tag")], "customerIds": [customer["id"]]}},
    )
    assert fields_and_codes(errors) == {(("input", "tagIds", "1"), "NOT_FOUND")}
    errors = await gql.user_errors(
        TAG_CUSTOMERS,
        {"input": {"tagIds": [tag["id"], deleted_tag["id"]], "customerIds": [customer["id"]]}},
    )
    assert fields_and_codes(errors) == {(("input", "tagIds", "1"), "NOT_FOUND")}
    errors = await gql.user_errors(
        TAG_CUSTOMERS,
        {"input": {"tagIds": [tag["id"]], "customerIds": [customer["id"], gone["id"]]}},
    )
    assert fields_and_codes(errors) == {(("input", "customerIds", "1"), "NOT_FOUND")}
    errors = await gql.user_errors(
        TAG_COMPANIES,
        {
            "input": {
                "tagIds": [missing_id("Tag")],
                "companyIds": [company["id"], missing_id("Company"), gone_company["id"]],
            }
        },
    )
    assert ("input", "tagIds", "0") in {tuple(e["field"]) for e in errors}
    assert ("input", "companyIds", "1") in {tuple(e["field"]) for e in errors}
    assert {e["code"] for e in errors} == {"NOT_FOUND"}
    errors = await gql.user_errors(
        TAG_COMPANIES,
        {"input": {"tagIds": [tag["id"]], "companyIds": [company["id"], gone_company["id"]]}},
    )
    assert fields_and_codes(errors) == {(("input", "companyIds", "1"), "NOT_FOUND")}
    # nothing was written
    data = await gql.query(TAG, {"id": tag["id"]})
    assert data["tag"]["customers"]["totalCount"] == 0
    assert data["tag"]["companies"]["totalCount"] == 0
    assert await tag_ids_of_customer(gql, customer["id"]) == []
    assert await tag_ids_of_company(gql, company["id"]) == []
    # untagging unknown records is refused the same way
    errors = await gql.user_errors(
        UNTAG_CUSTOMERS, {"input": {"tagIds": [missing_id("Tag")], "customerIds": [customer["id"]]}}
    )
    assert fields_and_codes(errors) == {(("input", "tagIds", "0"), "NOT_FOUND")}


async def test_the_not_found_index_is_the_position_in_the_list_sent(gql: GraphQLClient) -> None:
    tag = await factories.tag(gql)
    customer = await factories.customer(gql)
    errors = await gql.user_errors(
        TAG_CUSTOMERS,
        {
            "input": {
                "tagIds": [tag["id"], tag["id"], missing_id("Tag")],
                "customerIds": [customer["id"]],
            }
        },
    )
    assert fields_and_codes(errors) == {(("input", "tagIds", "2"), "NOT_FOUND")}
    errors = await gql.user_errors(
        TAG_CUSTOMERS,
        {
            "input": {
                "tagIds": [tag["id"]],
                "customerIds": [customer["id"], customer["id"], missing_id("Customer")],
            }
        },
    )
    assert fields_and_codes(errors) == {(("input", "customerIds", "2"), "NOT_FOUND")}
    assert await tag_ids_of_customer(gql, customer["id"]) == []


async def test_tagging_rejects_wrong_type_ids_and_empty_lists(gql: GraphQLClient) -> None:
    tag = await factories.tag(gql)
    customer = await factories.customer(gql)
    company = await factories.company(gql)
    errors = await gql.user_errors(
        TAG_CUSTOMERS,
        {"input": {"tagIds": [tag["id"]], "customerIds": [customer["id"], company["id"]]}},
    )
    assert errors == [
        {
            "field": ["input", "customerIds", "1"],
            "message": "Expected the ID of a Customer, got the ID of a Company.",
            "code": "VALIDATION",
        }
    ]
    errors = await gql.user_errors(
        TAG_COMPANIES, {"input": {"tagIds": [customer["id"]], "companyIds": [company["id"]]}}
    )
    assert fields_and_codes(errors) == {(("input", "tagIds", "0"), "VALIDATION")}
    errors = await gql.user_errors(
        TAG_COMPANIES, {"input": {"tagIds": [tag["id"]], "companyIds": ["%%%"]}}
    )
    assert fields_and_codes(errors) == {(("input", "companyIds", "0"), "VALIDATION")}
    # empty lists
    errors = await gql.user_errors(
        TAG_CUSTOMERS, {"input": {"tagIds": [], "customerIds": [customer["id"]]}}
    )
    assert fields_and_codes(errors) == {(("input", "tagIds"), "VALIDATION")}
    errors = await gql.user_errors(
        TAG_CUSTOMERS, {"input": {"tagIds": [tag["id"]], "customerIds": []}}
    )
    assert fields_and_codes(errors) == {(("input", "customerIds"), "VALIDATION")}
    errors = await gql.user_errors(UNTAG_COMPANIES, {"input": {"tagIds": [], "companyIds": []}})
    assert fields_and_codes(errors) == {
        (("input", "tagIds"), "VALIDATION"),
        (("input", "companyIds"), "VALIDATION"),
    }
    # nothing was written
    assert await tag_ids_of_customer(gql, customer["id"]) == []
    assert await tag_ids_of_company(gql, company["id"]) == []


async def test_tagging_at_most_500_records_at_once(gql: GraphQLClient) -> None:
    tag = await factories.tag(gql)
    customer = await factories.customer(gql)
    errors = await gql.user_errors(
        TAG_CUSTOMERS, {"input": {"tagIds": [tag["id"]], "customerIds": [customer["id"]] * 501}}
    )
    assert fields_and_codes(errors) == {(("input", "customerIds"), "VALIDATION")}
    assert await tag_ids_of_customer(gql, customer["id"]) == []


async def test_deleted_tags_disappear_from_records(gql: GraphQLClient) -> None:
    token = uuid.uuid4().hex[:8]
    kept = await factories.tag(gql, name=f"a kept {token}")
    dropped = await factories.tag(gql, name=f"b dropped {token}")
    customer = await factories.customer(gql, name=f"Tagged {token}")
    company = await factories.company(gql)
    await gql.mutate(
        TAG_CUSTOMERS,
        {"input": {"tagIds": [kept["id"], dropped["id"]], "customerIds": [customer["id"]]}},
    )
    await gql.mutate(
        TAG_COMPANIES,
        {"input": {"tagIds": [kept["id"], dropped["id"]], "companyIds": [company["id"]]}},
    )
    deleted = await gql.mutate(DELETE, {"input": {"id": dropped["id"]}})
    assert deleted["tag"]["deletedAt"] is not None
    data = await gql.query(CUSTOMER_TAGS, {"id": customer["id"]})
    assert data["customer"]["tags"] == {
        "totalCount": 1,
        "nodes": [{"id": kept["id"], "name": kept["name"]}],
    }
    assert await tag_ids_of_company(gql, company["id"]) == [kept["id"]]
    listed = await gql.query(CUSTOMERS_TAGGED, {"tag": dropped["name"], "token": token})
    assert listed["customers"]["totalCount"] == 0
    assert (await gql.query(TAG, {"id": dropped["id"]}))["tag"] is None
    # a deleted tag cannot be applied
    errors = await gql.user_errors(
        TAG_CUSTOMERS, {"input": {"tagIds": [dropped["id"]], "customerIds": [customer["id"]]}}
    )
    assert fields_and_codes(errors) == {(("input", "tagIds", "0"), "NOT_FOUND")}
    # restored, its links are back
    await gql.mutate(RESTORE, {"input": {"id": dropped["id"]}})
    assert await tag_ids_of_customer(gql, customer["id"]) == [kept["id"], dropped["id"]]
    listed = await gql.query(CUSTOMERS_TAGGED, {"tag": dropped["name"], "token": token})
    assert listed["customers"]["nodes"] == [{"id": customer["id"]}]
