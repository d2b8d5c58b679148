"""Customers through the API: create, read, update with versions, soft delete, contacts."""

from __future__ import annotations

import datetime

from tests.support import factories
from tests.support.graphql_client import GraphQLClient

CUSTOMER = """
query($id: ID!) {
  customer(id: $id) {
    id name birthday age version lifecycleStage deletedAt primaryEmail primaryPhone
    company { id name }
    tags { totalCount nodes { name } }
    contactMethods { totalCount nodes { id kind value isPrimary label } }
    addresses { totalCount nodes { kind line1 city country } }
  }
}
"""

UPDATE = """
mutation($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer { id name version occupation company { id } }
    errors { field message code }
  }
}
"""

DELETE = """
mutation($input: DeleteInput!) {
  deleteCustomer(input: $input) { customer { id deletedAt } errors { field message code } }
}
"""

RESTORE = """
mutation($input: RestoreInput!) {
  restoreCustomer(input: $input) { customer { id deletedAt } errors { field message code } }
}
"""

ADD_CONTACT = """
mutation($input: AddContactMethodInput!) {
  addContactMethod(input: $input) {
    contactMethod { id kind value isPrimary version }
    errors { field message code }
  }
}
"""

UPDATE_CONTACT = """
mutation($input: UpdateContactMethodInput!) {
  updateContactMethod(input: $input) {
    contactMethod { id value isPrimary version }
    errors { field message code }
  }
}
"""

REMOVE_CONTACT = """
mutation($input: RemoveInput!) {
  removeContactMethod(input: $input) { contactMethod { id } errors { field message code } }
}
"""

ADD_ADDRESS = """
mutation($input: AddAddressInput!) {
  addAddress(input: $input) { address { id kind city country } errors { field message code } }
}
"""

LIST_BY_NAME = """
query($name: String!, $includeDeleted: Boolean!) {
  customers(filter: {name: {eq: $name}}, includeDeleted: $includeDeleted) {
    totalCount nodes { id }
  }
}
"""


async def test_create_customer_with_everything(gql: GraphQLClient) -> None:
    company = await factories.company(gql)
    tag = await factories.tag(gql)
    created = await factories.customer(
        gql,
        birthday="1990-02-03",
        companyId=company["id"],
        tagIds=[tag["id"]],
        contactMethods=[
            {"kind": "EMAIL", "value": "  Grace.Hopper@Example.COM "},
            {"kind": "PHONE", "value": "+1 (650) 253-0000", "label": "office"},
            {"kind": "EMAIL", "value": "grace@navy.example", "isPrimary": True},
        ],
        addresses=[{"kind": "HOME", "line1": "1 Main St", "city": "Arlington", "country": "us"}],
    )
    data = await gql.query(CUSTOMER, {"id": created["id"]})
    customer = data["customer"]
    assert customer["company"] == {"id": company["id"], "name": company["name"]}
    assert customer["tags"] == {"totalCount": 1, "nodes": [{"name": tag["name"]}]}
    assert customer["primaryEmail"] == "grace@navy.example"
    assert customer["primaryPhone"] == "+16502530000"
    values = {c["value"]: c["isPrimary"] for c in customer["contactMethods"]["nodes"]}
    assert values == {
        "grace.hopper@example.com": False,
        "+16502530000": True,
        "grace@navy.example": True,
    }
    assert customer["addresses"]["nodes"] == [
        {"kind": "HOME", "line1": "1 Main St", "city": "Arlington", "country": "US"}
    ]
    assert customer["lifecycleStage"] == "LEAD"
    assert customer["version"] == 1
    today = datetime.date.today()
    assert customer["age"] == today.year - 1990 - ((today.month, today.day) < (2, 3))


async def test_create_customer_reports_every_problem_and_writes_nothing(gql: GraphQLClient) -> None:
    name = factories.unique("Invalid")
    errors = await gql.user_errors(
        factories.CREATE_CUSTOMER,
        {
            "input": {
                "name": name,
                "birthday": (datetime.date.today() + datetime.timedelta(days=1)).isoformat(),
                "contactMethods": [
                    {"kind": "EMAIL", "value": "not-an-email"},
                    {"kind": "PHONE", "value": "12345"},
                ],
                "addresses": [{"kind": "HOME", "line1": "x", "city": "y", "country": "XX"}],
            }
        },
    )
    fields = {tuple(e["field"]): e["code"] for e in errors}
    assert fields == {
        ("input", "birthday"): "VALIDATION",
        ("input", "contactMethods", "0", "value"): "VALIDATION",
        ("input", "contactMethods", "1", "value"): "VALIDATION",
        ("input", "addresses", "0", "country"): "VALIDATION",
    }
    listed = await gql.query(LIST_BY_NAME, {"name": name, "includeDeleted": True})
    assert listed["customers"]["totalCount"] == 0


async def test_create_customer_rejects_blank_name_and_unknown_references(
    gql: GraphQLClient,
) -> None:
    company = await factories.company(gql)
    await gql.mutate(
        "mutation($input: DeleteInput!) { deleteCompany(input: $input) { errors { code } } }",
        {"input": {"id": company["id"]}},
    )
    errors = await gql.user_errors(
        factories.CREATE_CUSTOMER, {"input": {"name": "   ", "companyId": company["id"]}}
    )
    assert {(tuple(e["field"]), e["code"]) for e in errors} == {
        (("input", "name"), "VALIDATION"),
        (("input", "companyId"), "NOT_FOUND"),
    }


async def test_ids_of_the_wrong_type_are_rejected(gql: GraphQLClient) -> None:
    tag = await factories.tag(gql)
    errors = await gql.user_errors(
        factories.CREATE_CUSTOMER, {"input": {"name": "Wrong", "companyId": tag["id"]}}
    )
    assert errors == [
        {
            "field": ["input", "companyId"],
            "message": "Expected the ID of a Company, got the ID of a Tag.",
            "code": "VALIDATION",
        }
    ]
    errors = await gql.user_errors(
        factories.CREATE_CUSTOMER, {"input": {"name": "Wrong", "companyId": "%%%"}}
    )
    assert errors[0]["code"] == "VALIDATION"


async def test_update_with_expected_version(gql: GraphQLClient) -> None:
    created = await factories.customer(gql)
    company = await factories.company(gql)
    updated = await gql.mutate(
        UPDATE,
        {
            "input": {
                "id": created["id"],
                "expectedVersion": 1,
                "occupation": "Engineer",
                "companyId": company["id"],
            }
        },
    )
    assert updated["customer"]["version"] == 2
    assert updated["customer"]["occupation"] == "Engineer"
    assert updated["customer"]["company"] == {"id": company["id"]}
    # a stale version is a conflict and writes nothing
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": created["id"], "expectedVersion": 1, "name": "Stale"}}
    )
    assert errors[0]["code"] == "CONFLICT"
    assert errors[0]["field"] == ["input", "expectedVersion"]
    data = await gql.query(CUSTOMER, {"id": created["id"]})
    assert data["customer"]["name"] == created["name"]
    # null clears an optional field; omitted fields stay
    cleared = await gql.mutate(
        UPDATE, {"input": {"id": created["id"], "expectedVersion": 2, "companyId": None}}
    )
    assert cleared["customer"]["company"] is None
    assert cleared["customer"]["occupation"] == "Engineer"


async def test_update_rejects_clearing_required_fields(gql: GraphQLClient) -> None:
    created = await factories.customer(gql)
    errors = await gql.user_errors(
        UPDATE,
        {
            "input": {
                "id": created["id"],
                "expectedVersion": 1,
                "name": None,
                "lifecycleStage": None,
            }
        },
    )
    assert {tuple(e["field"]) for e in errors} == {("input", "name"), ("input", "lifecycleStage")}


async def test_soft_delete_and_restore(gql: GraphQLClient) -> None:
    created = await factories.customer(gql)
    deleted = await gql.mutate(DELETE, {"input": {"id": created["id"]}})
    assert deleted["customer"]["deletedAt"] is not None
    visible = await gql.query(LIST_BY_NAME, {"name": created["name"], "includeDeleted": False})
    assert visible["customers"]["totalCount"] == 0
    listed = await gql.query(LIST_BY_NAME, {"name": created["name"], "includeDeleted": True})
    assert listed["customers"]["nodes"] == [{"id": created["id"]}]
    assert (await gql.query(CUSTOMER, {"id": created["id"]}))["customer"] is None
    # deleting twice: it is gone already
    errors = await gql.user_errors(DELETE, {"input": {"id": created["id"]}})
    assert errors[0]["code"] == "NOT_FOUND"
    restored = await gql.mutate(RESTORE, {"input": {"id": created["id"]}})
    assert restored["customer"]["deletedAt"] is None
    assert (await gql.query(CUSTOMER, {"id": created["id"]}))["customer"]["id"] == created["id"]
    errors = await gql.user_errors(RESTORE, {"input": {"id": created["id"]}})
    assert errors[0]["code"] == "VALIDATION"


async def test_delete_with_stale_version_is_a_conflict(gql: GraphQLClient) -> None:
    created = await factories.customer(gql)
    errors = await gql.user_errors(DELETE, {"input": {"id": created["id"], "expectedVersion": 5}})
    assert errors[0]["code"] == "CONFLICT"


async def test_contact_methods_keep_one_primary_per_kind(gql: GraphQLClient) -> None:
    created = await factories.customer(gql)
    first = await gql.mutate(
        ADD_CONTACT,
        {"input": {"customerId": created["id"], "kind": "PHONE", "value": "+4930901820"}},
    )
    assert first["contactMethod"]["isPrimary"] is True  # the first of its kind
    second = await gql.mutate(
        ADD_CONTACT,
        {
            "input": {
                "customerId": created["id"],
                "kind": "PHONE",
                "value": "+33 1 42 68 53 00",
                "isPrimary": True,
            }
        },
    )
    assert second["contactMethod"]["value"] == "+33142685300"
    data = await gql.query(CUSTOMER, {"id": created["id"]})
    assert data["customer"]["primaryPhone"] == "+33142685300"
    # duplicate value
    errors = await gql.user_errors(
        ADD_CONTACT,
        {"input": {"customerId": created["id"], "kind": "PHONE", "value": "+4930901820"}},
    )
    assert errors[0]["code"] == "DUPLICATE"
    # make the first primary again, with its current version
    phones = {c["value"]: c for c in data["customer"]["contactMethods"]["nodes"]}
    first_id = phones["+4930901820"]["id"]
    again = await gql.mutate(
        UPDATE_CONTACT, {"input": {"id": first_id, "expectedVersion": 2, "isPrimary": True}}
    )
    assert again["contactMethod"]["isPrimary"] is True
    data = await gql.query(CUSTOMER, {"id": created["id"]})
    assert data["customer"]["primaryPhone"] == "+4930901820"
    # removing the primary promotes the remaining one
    await gql.mutate(REMOVE_CONTACT, {"input": {"id": first_id}})
    data = await gql.query(CUSTOMER, {"id": created["id"]})
    assert data["customer"]["primaryPhone"] == "+33142685300"


async def test_contact_method_validation(gql: GraphQLClient) -> None:
    created = await factories.customer(gql)
    errors = await gql.user_errors(
        ADD_CONTACT, {"input": {"customerId": created["id"], "kind": "EMAIL", "value": "a@b"}}
    )
    assert errors[0]["field"] == ["input", "value"]
    errors = await gql.user_errors(
        ADD_CONTACT, {"input": {"customerId": created["id"], "kind": "PHONE", "value": "555-0100"}}
    )
    assert "international" in errors[0]["message"]
    errors = await gql.user_errors(
        ADD_CONTACT,
        {"input": {"customerId": "Q3VzdG9tZXI6OTk5OTk5", "kind": "EMAIL", "value": "a@b.example"}},
    )
    assert errors[0]["code"] == "NOT_FOUND"


async def test_addresses_need_exactly_one_owner(gql: GraphQLClient) -> None:
    created = await factories.customer(gql)
    company = await factories.company(gql)
    address = {"kind": "WORK", "line1": "5 Rue de Rivoli", "city": "Paris", "country": "FR"}
    added = await gql.mutate(ADD_ADDRESS, {"input": {"customerId": created["id"], **address}})
    assert added["address"]["country"] == "FR"
    errors = await gql.user_errors(
        ADD_ADDRESS, {"input": {"customerId": created["id"], "companyId": company["id"], **address}}
    )
    assert errors[0]["code"] == "VALIDATION"
    errors = await gql.user_errors(ADD_ADDRESS, {"input": address})
    assert errors[0]["code"] == "VALIDATION"
