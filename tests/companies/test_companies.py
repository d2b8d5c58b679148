"""Companies through the API: create, update with versions, soft delete, people, addresses,
orders and search."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest

from tests.support import factories
from tests.support.graphql_client import GraphQLClient

COMPANY = """
query($id: ID!) {
  company(id: $id) {
    id name industry size website domain legalRepresentative version deletedAt
    owner { id }
  }
}
"""

NODE = """
query($id: ID!) { node(id: $id) { id ... on Company { name } } }
"""

UPDATE = """
mutation($input: UpdateCompanyInput!) {
  updateCompany(input: $input) {
    company { id name industry size website domain legalRepresentative version }
    errors { field message code }
  }
}
"""

DELETE = """
mutation($input: DeleteInput!) {
  deleteCompany(input: $input) { company { id deletedAt version } errors { field message code } }
}
"""

RESTORE = """
mutation($input: RestoreInput!) {
  restoreCompany(input: $input) { company { id deletedAt } errors { field message code } }
}
"""

DELETE_CUSTOMER = """
mutation($input: DeleteInput!) {
  deleteCustomer(input: $input) { customer { id } errors { field message code } }
}
"""

CUSTOMER_COMPANY = """
query($id: ID!) { customer(id: $id) { id company { id } } }
"""

ADD_ADDRESS = """
mutation($input: AddAddressInput!) {
  addAddress(input: $input) {
    address { id kind line1 city country company { id } customer { id } }
    errors { field message code }
  }
}
"""

LIST_BY_NAME = """
query($name: String!, $includeDeleted: Boolean!) {
  companies(filter: {name: {eq: $name}}, includeDeleted: $includeDeleted) {
    totalCount nodes { id deletedAt }
  }
}
"""

LIST_BY_DOMAIN = """
query($domain: String!) {
  companies(filter: {domain: {eq: $domain}}, includeDeleted: true) { totalCount }
}
"""

PEOPLE = """
query($id: ID!, $orderBy: [CustomerOrder!], $filter: CustomerFilter) {
  company(id: $id) {
    people(orderBy: $orderBy, filter: $filter) { totalCount nodes { id name } }
  }
}
"""

ADDRESSES = """
query($id: ID!) {
  company(id: $id) {
    addresses { totalCount nodes { id kind line1 city country } }
    registeredAddress { id kind line1 city country }
  }
}
"""

ORDERS = """
query($id: ID!) {
  company(id: $id) {
    orders { totalCount nodes { id number customer { id } total { amount currency } } }
  }
}
"""

MANY = """
query($ids: [ID!]!) {
  companies(filter: {id: {in: $ids}}) {
    nodes {
      id
      registeredAddress { id }
      addresses(first: 1) { totalCount nodes { id } }
      orders(first: 1) { totalCount nodes { id } }
    }
  }
}
"""

SEARCH = """
query($search: String, $filter: CompanyFilter, $includeDeleted: Boolean! = false) {
  companies(
    search: $search, filter: $filter, includeDeleted: $includeDeleted, orderBy: [{field: NAME}]
  ) {
    totalCount nodes { id name }
  }
}
"""


def missing_id(type_name: str, pk: int = 999_999_999) -> str:
    """A well-formed global ID that names no record."""
    raw = f"{type_name}:{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def host(prefix: str = "acme") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def fields_and_codes(errors: list[dict[str, Any]]) -> set[tuple[tuple[str, ...], str]]:
    return {(tuple(e["field"]), e["code"]) for e in errors}


async def test_create_company_normalises_website_and_derives_domain(gql: GraphQLClient) -> None:
    name = host()
    created = await factories.company(
        gql,
        website=f"  www.{name}-Shop.COM/about ",
        industry=" Software ",
        size="SMALL",
        legalRepresentative="Ada Lovelace",
    )
    assert created["website"] == f"https://www.{name}-Shop.COM/about"
    assert created["domain"] == f"{name}-shop.com"
    assert created["industry"] == "Software"
    assert created["version"] == 1
    data = await gql.query(COMPANY, {"id": created["id"]})
    assert data["company"] == {
        "id": created["id"],
        "name": created["name"],
        "industry": "Software",
        "size": "SMALL",
        "website": f"https://www.{name}-Shop.COM/about",
        "domain": f"{name}-shop.com",
        "legalRepresentative": "Ada Lovelace",
        "version": 1,
        "deletedAt": None,
        "owner": None,
    }


async def test_create_company_keeps_an_explicit_scheme_and_an_explicit_domain(
    gql: GraphQLClient,
) -> None:
    name = host()
    created = await factories.company(
        gql, website=f"http://shop.{name}.example", domain=f"  WWW.{name.upper()}.Example "
    )
    assert created["website"] == f"http://shop.{name}.example"
    assert created["domain"] == f"{name}.example"
    # a domain on its own, without a website
    alone = await factories.company(gql, domain=f"Www.{name}.ORG")
    assert (alone["domain"], alone["website"]) == (f"{name}.org", None)


async def test_empty_optional_texts_are_stored_as_null(gql: GraphQLClient) -> None:
    created = await factories.company(
        gql, industry="", website="", domain="", legalRepresentative=" "
    )
    data = await gql.query(COMPANY, {"id": created["id"]})
    company = data["company"]
    assert (company["industry"], company["legalRepresentative"]) == (None, None)
    assert (company["website"], company["domain"]) == (None, None)


async def test_create_company_reports_every_problem_and_writes_nothing(gql: GraphQLClient) -> None:
    name = factories.unique("Invalid")
    errors = await gql.user_errors(
        factories.CREATE_COMPANY,
        {
            "input": {
                "name": name,
                "website": "ftp://files.example.com",
                "domain": "not a domain",
                "ownerId": missing_id("User"),
            }
        },
    )
    assert fields_and_codes(errors) == {
        (("input", "website"), "VALIDATION"),
        (("input", "domain"), "VALIDATION"),
        (("input", "ownerId"), "NOT_FOUND"),
    }
    listed = await gql.query(LIST_BY_NAME, {"name": name, "includeDeleted": True})
    assert listed["companies"]["totalCount"] == 0


async def test_create_company_rejects_a_blank_name(gql: GraphQLClient) -> None:
    domain = f"{host()}.example"
    errors = await gql.user_errors(
        factories.CREATE_COMPANY, {"input": {"name": "   ", "domain": domain}}
    )
    assert errors == [
        {"field": ["input", "name"], "message": "Must not be blank.", "code": "VALIDATION"}
    ]
    listed = await gql.query(LIST_BY_DOMAIN, {"domain": domain})
    assert listed["companies"]["totalCount"] == 0


@pytest.mark.parametrize(
    "website",
    [
        "ftp://example.com",
        "https://",
        "https://localhost",
        "https://exa mple.com",
        "https://example.com/" + "x" * 500,
    ],
)
async def test_create_company_rejects_bad_websites(gql: GraphQLClient, website: str) -> None:
    name = factories.unique("Bad website")
    errors = await gql.user_errors(
        factories.CREATE_COMPANY, {"input": {"name": name, "website": website}}
    )
    assert fields_and_codes(errors) == {(("input", "website"), "VALIDATION")}
    listed = await gql.query(LIST_BY_NAME, {"name": name, "includeDeleted": True})
    assert listed["companies"]["totalCount"] == 0


@pytest.mark.parametrize(
    "domain",
    ["localhost", "example", "-example.com", "exa_mple.com", "https://example.com", "a..b"],
)
async def test_create_company_rejects_bad_domains(gql: GraphQLClient, domain: str) -> None:
    errors = await gql.user_errors(
        factories.CREATE_COMPANY, {"input": {"name": factories.unique("Bad"), "domain": domain}}
    )
    assert fields_and_codes(errors) == {(("input", "domain"), "VALIDATION")}


async def test_owner_ids_of_the_wrong_type_are_rejected(gql: GraphQLClient) -> None:
    tag = await factories.tag(gql)
    errors = await gql.user_errors(
        factories.CREATE_COMPANY,
        {"input": {"name": factories.unique("Owned"), "ownerId": tag["id"]}},
    )
    assert errors == [
        {
            "field": ["input", "ownerId"],
            "message": "Expected the ID of a User, got the ID of a Tag.",
            "code": "VALIDATION",
        }
    ]


async def test_update_company_with_expected_version(gql: GraphQLClient) -> None:
    name = host()
    created = await factories.company(
        gql, website=f"{name}.example", industry="Retail", size="MICRO", legalRepresentative="Bob"
    )
    updated = await gql.mutate(
        UPDATE,
        {
            "input": {
                "id": created["id"],
                "expectedVersion": 1,
                "industry": "Software",
                "website": f"https://www.{name}.example.net",
            }
        },
    )
    # the domain follows the new website; omitted fields stay
    company = updated["company"]
    assert company["version"] == 2
    assert company["industry"] == "Software"
    assert company["website"] == f"https://www.{name}.example.net"
    assert company["domain"] == f"{name}.example.net"
    assert company["name"] == created["name"]
    assert company["size"] == "MICRO"
    # a stale version is a conflict and writes nothing
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": created["id"], "expectedVersion": 1, "name": "Stale"}}
    )
    assert errors[0]["code"] == "CONFLICT"
    assert errors[0]["field"] == ["input", "expectedVersion"]
    data = await gql.query(COMPANY, {"id": created["id"]})
    assert (data["company"]["name"], data["company"]["version"]) == (created["name"], 2)
    # null clears optional fields; omitted fields stay
    cleared = await gql.mutate(
        UPDATE,
        {
            "input": {
                "id": created["id"],
                "expectedVersion": 2,
                "industry": None,
                "size": None,
                "website": None,
                "domain": None,
                "legalRepresentative": None,
                "ownerId": None,
            }
        },
    )
    assert cleared["company"] == {
        "id": created["id"],
        "name": created["name"],
        "industry": None,
        "size": None,
        "website": None,
        "domain": None,
        "legalRepresentative": None,
        "version": 3,
    }


async def test_update_company_rejects_bad_input_and_writes_nothing(gql: GraphQLClient) -> None:
    created = await factories.company(gql, industry="Retail")
    errors = await gql.user_errors(
        UPDATE,
        {
            "input": {
                "id": created["id"],
                "expectedVersion": 1,
                "name": None,
                "industry": "Changed",
                "website": "gopher://example.com",
                "domain": "nope",
                "ownerId": missing_id("User"),
            }
        },
    )
    assert fields_and_codes(errors) == {
        (("input", "name"), "VALIDATION"),
        (("input", "website"), "VALIDATION"),
        (("input", "domain"), "VALIDATION"),
        (("input", "ownerId"), "NOT_FOUND"),
    }
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": created["id"], "expectedVersion": 1, "name": "  "}}
    )
    assert fields_and_codes(errors) == {(("input", "name"), "VALIDATION")}
    data = await gql.query(COMPANY, {"id": created["id"]})
    assert data["company"]["industry"] == "Retail"
    assert data["company"]["version"] == 1
    # unknown and wrong-type IDs
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": missing_id("Company"), "expectedVersion": 1, "name": "X"}}
    )
    assert fields_and_codes(errors) == {(("input", "id"), "NOT_FOUND")}
    customer = await factories.customer(gql)
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": customer["id"], "expectedVersion": 1, "name": "X"}}
    )
    assert fields_and_codes(errors) == {(("input", "id"), "VALIDATION")}


async def test_ids_beyond_the_key_range_are_invalid_not_a_crash(
    gql: GraphQLClient,
) -> None:
    # keys beyond the 32-bit key range cannot exist: such IDs are invalid, never a crash
    huge = missing_id("Company", 10**12)
    assert (await gql.query(COMPANY, {"id": huge}))["company"] is None
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": huge, "expectedVersion": 1, "name": "Huge"}}
    )
    assert fields_and_codes(errors) == {(("input", "id"), "VALIDATION")}
    errors = await gql.user_errors(
        factories.CREATE_COMPANY,
        {"input": {"name": factories.unique("Owned"), "ownerId": missing_id("User", 10**12)}},
    )
    assert fields_and_codes(errors) == {(("input", "ownerId"), "VALIDATION")}


async def test_soft_delete_and_restore_company(gql: GraphQLClient) -> None:
    created = await factories.company(gql)
    person = await factories.customer(gql, companyId=created["id"])
    # a stale version is a conflict
    errors = await gql.user_errors(DELETE, {"input": {"id": created["id"], "expectedVersion": 7}})
    assert fields_and_codes(errors) == {(("input", "expectedVersion"), "CONFLICT")}
    deleted = await gql.mutate(DELETE, {"input": {"id": created["id"], "expectedVersion": 1}})
    assert deleted["company"]["deletedAt"] is not None
    visible = await gql.query(LIST_BY_NAME, {"name": created["name"], "includeDeleted": False})
    assert visible["companies"] == {"totalCount": 0, "nodes": []}
    listed = await gql.query(LIST_BY_NAME, {"name": created["name"], "includeDeleted": True})
    assert listed["companies"]["totalCount"] == 1
    assert listed["companies"]["nodes"][0]["id"] == created["id"]
    assert listed["companies"]["nodes"][0]["deletedAt"] is not None
    assert (await gql.query(COMPANY, {"id": created["id"]}))["company"] is None
    assert (await gql.query(NODE, {"id": created["id"]}))["node"] is None
    assert (await gql.query(CUSTOMER_COMPANY, {"id": person["id"]}))["customer"]["company"] is None
    # a deleted company can be neither deleted again nor updated
    errors = await gql.user_errors(DELETE, {"input": {"id": created["id"]}})
    assert fields_and_codes(errors) == {(("input", "id"), "NOT_FOUND")}
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": created["id"], "expectedVersion": 2, "name": "Ghost"}}
    )
    assert fields_and_codes(errors) == {(("input", "id"), "NOT_FOUND")}
    # restored, it is back with its people
    restored = await gql.mutate(RESTORE, {"input": {"id": created["id"]}})
    assert restored["company"]["deletedAt"] is None
    assert (await gql.query(NODE, {"id": created["id"]}))["node"] == {
        "id": created["id"],
        "name": created["name"],
    }
    visible = await gql.query(LIST_BY_NAME, {"name": created["name"], "includeDeleted": False})
    assert visible["companies"]["totalCount"] == 1
    customer = (await gql.query(CUSTOMER_COMPANY, {"id": person["id"]}))["customer"]
    assert customer["company"] == {"id": created["id"]}
    # restoring a live company is a mistake
    errors = await gql.user_errors(RESTORE, {"input": {"id": created["id"]}})
    assert fields_and_codes(errors) == {(("input", "id"), "VALIDATION")}


async def test_people_lists_the_companys_customers(gql: GraphQLClient) -> None:
    company = await factories.company(gql)
    other = await factories.company(gql)
    token = uuid.uuid4().hex[:8]
    ada = await factories.customer(gql, name=f"Ada {token}", companyId=company["id"])
    bob = await factories.customer(gql, name=f"Bob {token}", companyId=company["id"])
    gone = await factories.customer(gql, name=f"Cid {token}", companyId=company["id"])
    await factories.customer(gql, name=f"Dan {token}", companyId=other["id"])
    await gql.mutate(DELETE_CUSTOMER, {"input": {"id": gone["id"]}})
    data = await gql.query(PEOPLE, {"id": company["id"], "orderBy": [{"field": "NAME"}]})
    assert data["company"]["people"] == {
        "totalCount": 2,
        "nodes": [{"id": ada["id"], "name": ada["name"]}, {"id": bob["id"], "name": bob["name"]}],
    }
    data = await gql.query(
        PEOPLE,
        {
            "id": company["id"],
            "orderBy": [{"field": "NAME", "direction": "DESC"}],
            "filter": {"name": {"startsWith": "b"}},
        },
    )
    assert data["company"]["people"] == {
        "totalCount": 1,
        "nodes": [{"id": bob["id"], "name": bob["name"]}],
    }
    empty = await factories.company(gql)
    data = await gql.query(PEOPLE, {"id": empty["id"]})
    assert data["company"]["people"] == {"totalCount": 0, "nodes": []}


async def test_addresses_and_registered_address(gql: GraphQLClient) -> None:
    company = await factories.company(gql)
    data = await gql.query(ADDRESSES, {"id": company["id"]})
    assert data["company"] == {
        "addresses": {"totalCount": 0, "nodes": []},
        "registeredAddress": None,
    }
    work = {"kind": "WORK", "line1": "1 Work Way", "city": "Leeds", "country": "gb"}
    registered = {"kind": "REGISTERED", "line1": "2 Law Lane", "city": "London", "country": "GB"}
    second = {"kind": "REGISTERED", "line1": "3 Late Road", "city": "York", "country": "GB"}
    added = []
    for address in (work, registered, second):
        payload = await gql.mutate(ADD_ADDRESS, {"input": {"companyId": company["id"], **address}})
        added.append(payload["address"])
    assert added[0]["company"] == {"id": company["id"]}
    assert added[0]["customer"] is None
    data = await gql.query(ADDRESSES, {"id": company["id"]})
    assert data["company"]["addresses"]["totalCount"] == 3
    assert [a["id"] for a in data["company"]["addresses"]["nodes"]] == [a["id"] for a in added]
    assert data["company"]["addresses"]["nodes"][0]["country"] == "GB"
    assert data["company"]["registeredAddress"] == {
        "id": added[1]["id"],
        "kind": "REGISTERED",
        "line1": "2 Law Lane",
        "city": "London",
        "country": "GB",
    }
    # read together with another company's, each gets its own
    neighbour = await factories.company(gql)
    theirs = await gql.mutate(ADD_ADDRESS, {"input": {"companyId": neighbour["id"], **registered}})
    data = await gql.query(MANY, {"ids": [company["id"], neighbour["id"]]})
    by_id = {c["id"]: c for c in data["companies"]["nodes"]}
    assert by_id[company["id"]]["registeredAddress"] == {"id": added[1]["id"]}
    assert by_id[company["id"]]["addresses"] == {
        "totalCount": 3,
        "nodes": [{"id": added[0]["id"]}],
    }
    assert by_id[neighbour["id"]]["registeredAddress"] == {"id": theirs["address"]["id"]}
    assert by_id[neighbour["id"]]["addresses"]["totalCount"] == 1


async def test_addresses_of_a_deleted_or_unknown_company_are_refused(gql: GraphQLClient) -> None:
    company = await factories.company(gql)
    await gql.mutate(DELETE, {"input": {"id": company["id"]}})
    address = {"kind": "REGISTERED", "line1": "1 Gone St", "city": "Bath", "country": "GB"}
    errors = await gql.user_errors(ADD_ADDRESS, {"input": {"companyId": company["id"], **address}})
    assert fields_and_codes(errors) == {(("input", "companyId"), "NOT_FOUND")}
    errors = await gql.user_errors(
        ADD_ADDRESS, {"input": {"companyId": missing_id("Company"), **address}}
    )
    assert fields_and_codes(errors) == {(("input", "companyId"), "NOT_FOUND")}
    await gql.mutate(RESTORE, {"input": {"id": company["id"]}})
    data = await gql.query(ADDRESSES, {"id": company["id"]})
    assert data["company"]["addresses"]["totalCount"] == 0


async def test_orders_of_a_company_are_the_orders_of_its_people(gql: GraphQLClient) -> None:
    company = await factories.company(gql)
    other = await factories.company(gql)
    product = await factories.product(gql, price="12.50")
    ada = await factories.customer(gql, companyId=company["id"])
    bob = await factories.customer(gql, companyId=company["id"])
    outsider = await factories.customer(gql, companyId=other["id"])
    loner = await factories.customer(gql)
    items = [{"productId": product["id"], "quantity": 2}]
    first = await factories.order(gql, ada["id"], items)
    second = await factories.order(gql, bob["id"], items)
    third = await factories.order(gql, ada["id"], items)
    outsiders = await factories.order(gql, outsider["id"], items)
    await factories.order(gql, loner["id"], items)
    data = await gql.query(ORDERS, {"id": company["id"]})
    orders = data["company"]["orders"]
    assert orders["totalCount"] == 3
    assert [o["id"] for o in orders["nodes"]] == [first["id"], second["id"], third["id"]]
    assert [o["customer"]["id"] for o in orders["nodes"]] == [ada["id"], bob["id"], ada["id"]]
    assert orders["nodes"][0]["total"] == {"amount": "25.00", "currency": "EUR"}
    data = await gql.query(ORDERS, {"id": other["id"]})
    assert data["company"]["orders"]["totalCount"] == 1
    # read together, each company gets the orders of its own people
    data = await gql.query(MANY, {"ids": [company["id"], other["id"]]})
    by_id = {c["id"]: c["orders"] for c in data["companies"]["nodes"]}
    assert by_id[company["id"]] == {"totalCount": 3, "nodes": [{"id": first["id"]}]}
    assert by_id[other["id"]] == {"totalCount": 1, "nodes": [{"id": outsiders["id"]}]}
    empty = await factories.company(gql)
    data = await gql.query(ORDERS, {"id": empty["id"]})
    assert data["company"]["orders"] == {"totalCount": 0, "nodes": []}


async def test_search_companies_over_name_domain_and_website(gql: GraphQLClient) -> None:
    token = uuid.uuid4().hex[:10]
    by_name = await factories.company(gql, name=f"Acme {token} Holdings")
    by_domain = await factories.company(gql, name=factories.unique("Widgets"), domain=f"{token}.io")
    by_website = await factories.company(
        gql, name=factories.unique("Gadgets"), website=f"https://{token}-gadgets.example/shop"
    )
    await factories.company(gql, name=factories.unique("Unrelated"))
    gone = await factories.company(gql, name=f"Gone {token}")
    await gql.mutate(DELETE, {"input": {"id": gone["id"]}})
    data = await gql.query(SEARCH, {"search": f"  {token.upper()} "})
    # case is ignored, and deleted companies are left out
    found = {c["id"] for c in data["companies"]["nodes"]}
    assert found == {by_name["id"], by_domain["id"], by_website["id"]}
    assert data["companies"]["totalCount"] == 3
    data = await gql.query(SEARCH, {"search": token, "includeDeleted": True})
    assert data["companies"]["totalCount"] == 4
    data = await gql.query(SEARCH, {"search": f"{token}.IO"})
    assert [c["id"] for c in data["companies"]["nodes"]] == [by_domain["id"]]
    data = await gql.query(SEARCH, {"search": f"{token}-gadgets.example/shop"})
    assert [c["id"] for c in data["companies"]["nodes"]] == [by_website["id"]]
    # search and filter combine
    data = await gql.query(SEARCH, {"search": token, "filter": {"name": {"startsWith": "acme"}}})
    assert [c["id"] for c in data["companies"]["nodes"]] == [by_name["id"]]


async def test_search_takes_wildcards_literally(gql: GraphQLClient) -> None:
    token = uuid.uuid4().hex[:10]
    percent = await factories.company(gql, name=f"{token} 100% Cotton")
    await factories.company(gql, name=f"{token} 1000 Cotton")
    underscore = await factories.company(gql, name=f"{token} a_b")
    await factories.company(gql, name=f"{token} axb")
    backslash = await factories.company(gql, name=f"{token} c\\d")
    data = await gql.query(SEARCH, {"search": f"{token} 100%"})
    assert [c["id"] for c in data["companies"]["nodes"]] == [percent["id"]]
    data = await gql.query(SEARCH, {"search": f"{token} a_b"})
    assert [c["id"] for c in data["companies"]["nodes"]] == [underscore["id"]]
    data = await gql.query(SEARCH, {"search": f"{token} c\\d"})
    assert [c["id"] for c in data["companies"]["nodes"]] == [backslash["id"]]
    # blank search text is no condition at all
    data = await gql.query(SEARCH, {"search": "   ", "filter": {"name": {"startsWith": token}}})
    assert data["companies"]["totalCount"] == 5
