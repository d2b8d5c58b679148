"""Interactions through the API: updates with versions, soft delete and restore, timelines and
filters."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.interactions.operations import (
    CUSTOMERS,
    DELETE,
    INTERACTIONS,
    RESTORE,
    TIMELINE,
    UPDATE,
    at,
    error_fields,
    log_interaction,
    now_utc,
    read_interaction,
)
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

# --- updateInteraction --------------------------------------------------------------------------


async def test_update_with_expected_version(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    logged = await log_interaction(gql, customer["id"], body="Left a voicemail")
    updated = await gql.mutate(
        UPDATE,
        {
            "input": {
                "id": logged["id"],
                "expectedVersion": 1,
                "subject": "Voicemail",
                "direction": "INBOUND",
                "durationSeconds": 45,
                "occurredAt": "2024-01-02T08:00:00+00:00",
            }
        },
    )
    interaction = updated["interaction"]
    assert interaction["version"] == 2
    assert (interaction["subject"], interaction["body"]) == ("Voicemail", "Left a voicemail")
    assert (interaction["direction"], interaction["kind"]) == ("INBOUND", "CALL")
    assert interaction["durationSeconds"] == 45
    assert at(interaction["occurredAt"]) == datetime.datetime(2024, 1, 2, 8, tzinfo=datetime.UTC)
    # a stale version is a conflict and writes nothing
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": logged["id"], "expectedVersion": 1, "subject": "Stale"}}
    )
    assert error_fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    stored = await read_interaction(gql, logged["id"])
    assert stored is not None
    assert (stored["subject"], stored["version"]) == ("Voicemail", 2)
    # null clears optional fields, omitted ones stay
    cleared = await gql.mutate(
        UPDATE,
        {
            "input": {
                "id": logged["id"],
                "expectedVersion": 2,
                "body": None,
                "durationSeconds": None,
            }
        },
    )
    assert cleared["interaction"]["version"] == 3
    assert (cleared["interaction"]["body"], cleared["interaction"]["durationSeconds"]) == (
        None,
        None,
    )
    assert cleared["interaction"]["subject"] == "Voicemail"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": None}, ("input", "kind")),
        ({"direction": None}, ("input", "direction")),
        ({"occurredAt": None}, ("input", "occurredAt")),
        ({"durationSeconds": -5}, ("input", "durationSeconds")),
        ({"subject": "x" * 301}, ("input", "subject")),
    ],
)
async def test_invalid_updates_write_nothing(
    gql: GraphQLClient, change: dict[str, Any], field: tuple[str, ...]
) -> None:
    customer = await factories.customer(gql)
    logged = await log_interaction(gql, customer["id"])
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": logged["id"], "expectedVersion": 1, **change}}
    )
    assert error_fields(errors) == {field: "VALIDATION"}
    stored = await read_interaction(gql, logged["id"])
    assert stored is not None
    assert stored["version"] == 1
    assert (stored["kind"], stored["direction"], stored["subject"]) == ("CALL", "OUTBOUND", "Call")


async def test_update_to_the_future_is_refused(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    logged = await log_interaction(gql, customer["id"])
    errors = await gql.user_errors(
        UPDATE,
        {
            "input": {
                "id": logged["id"],
                "expectedVersion": 1,
                "occurredAt": (now_utc() + datetime.timedelta(days=3)).isoformat(),
            }
        },
    )
    assert error_fields(errors) == {("input", "occurredAt"): "VALIDATION"}
    stored = await read_interaction(gql, logged["id"])
    assert stored is not None
    assert (at(stored["occurredAt"]), stored["version"]) == (at(logged["occurredAt"]), 1)


async def test_update_cannot_clear_both_subject_and_body(gql: GraphQLClient) -> None:
    # logging requires a subject or a body; an update must not remove both afterwards
    customer = await factories.customer(gql)
    logged = await log_interaction(gql, customer["id"], subject="Call", body="Notes")
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": logged["id"], "expectedVersion": 1, "subject": None, "body": None}}
    )
    assert error_fields(errors) == {("input", "subject"): "VALIDATION"}
    stored = await read_interaction(gql, logged["id"])
    assert stored is not None
    assert (stored["subject"], stored["body"], stored["version"]) == ("Call", "Notes", 1)


# --- delete and restore -------------------------------------------------------------------------


async def test_soft_delete_and_restore(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    logged = await log_interaction(gql, customer["id"])
    by_customer = {"filter": {"customerId": {"eq": customer["id"]}}}
    # a stale version is a conflict
    errors = await gql.user_errors(DELETE, {"input": {"id": logged["id"], "expectedVersion": 9}})
    assert error_fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    # delete
    deleted = await gql.mutate(DELETE, {"input": {"id": logged["id"], "expectedVersion": 1}})
    assert deleted["interaction"]["deletedAt"] is not None
    assert await read_interaction(gql, logged["id"]) is None
    assert (await gql.query(INTERACTIONS, by_customer))["interactions"]["totalCount"] == 0
    listed = await gql.query(INTERACTIONS, {**by_customer, "includeDeleted": True})
    assert listed["interactions"]["nodes"] == [{"id": logged["id"]}]
    timeline = await gql.query(TIMELINE, {"id": customer["id"]})
    assert timeline["customer"]["interactions"] == {"totalCount": 0, "nodes": []}
    # a deleted interaction takes no changes
    errors = await gql.user_errors(DELETE, {"input": {"id": logged["id"]}})
    assert error_fields(errors) == {("input", "id"): "NOT_FOUND"}
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": logged["id"], "expectedVersion": 2, "subject": "Ghost"}}
    )
    assert error_fields(errors) == {("input", "id"): "NOT_FOUND"}
    # restore
    restored = await gql.mutate(RESTORE, {"input": {"id": logged["id"]}})
    assert restored["interaction"]["deletedAt"] is None
    stored = await read_interaction(gql, logged["id"])
    assert stored is not None
    assert stored["subject"] == "Call"
    timeline = await gql.query(TIMELINE, {"id": customer["id"]})
    assert timeline["customer"]["interactions"]["totalCount"] == 1
    errors = await gql.user_errors(RESTORE, {"input": {"id": logged["id"]}})
    assert error_fields(errors) == {("input", "id"): "VALIDATION"}


# --- timelines and filters ----------------------------------------------------------------------


async def test_customer_timeline_newest_first(gql: GraphQLClient) -> None:
    # logged out of chronological order
    customer = await factories.customer(gql)
    middle = await log_interaction(
        gql, customer["id"], subject="middle", occurredAt="2024-02-01T10:00:00Z"
    )
    oldest = await log_interaction(
        gql, customer["id"], subject="oldest", occurredAt="2023-12-24T18:00:00Z"
    )
    newest = await log_interaction(gql, customer["id"], subject="newest")
    other = await factories.customer(gql)
    await log_interaction(gql, other["id"], subject="someone else's")
    data = await gql.query(
        TIMELINE,
        {"id": customer["id"], "orderBy": [{"field": "OCCURRED_AT", "direction": "DESC"}]},
    )
    interactions = data["customer"]["interactions"]
    assert interactions["totalCount"] == 3
    assert [n["id"] for n in interactions["nodes"]] == [newest["id"], middle["id"], oldest["id"]]
    # the default order is the order of logging
    data = await gql.query(TIMELINE, {"id": customer["id"]})
    assert [n["subject"] for n in data["customer"]["interactions"]["nodes"]] == [
        "middle",
        "oldest",
        "newest",
    ]
    # and the timeline filters
    data = await gql.query(
        TIMELINE,
        {"id": customer["id"], "filter": {"occurredAt": {"lt": "2024-01-01T00:00:00+00:00"}}},
    )
    assert [n["id"] for n in data["customer"]["interactions"]["nodes"]] == [oldest["id"]]


async def test_customers_with_an_interaction_since_a_date(gql: GraphQLClient) -> None:
    prefix = factories.unique("Recent contact")
    now = now_utc()
    a = await factories.customer(gql, name=f"{prefix} A")
    await log_interaction(gql, a["id"], occurredAt=(now - datetime.timedelta(days=40)).isoformat())
    await log_interaction(gql, a["id"], occurredAt=(now - datetime.timedelta(days=2)).isoformat())
    b = await factories.customer(gql, name=f"{prefix} B")
    await log_interaction(gql, b["id"], occurredAt=(now - datetime.timedelta(days=30)).isoformat())
    await factories.customer(gql, name=f"{prefix} C")  # never contacted
    d = await factories.customer(gql, name=f"{prefix} D")
    recent = await log_interaction(
        gql, d["id"], occurredAt=(now - datetime.timedelta(days=1)).isoformat()
    )
    await gql.mutate(DELETE, {"input": {"id": recent["id"]}})
    since = {"occurredAt": {"gte": (now - datetime.timedelta(days=7)).isoformat()}}
    mine = {"name": {"startsWith": prefix}}
    some = await gql.query(CUSTOMERS, {"filter": {**mine, "interactions": {"some": since}}})
    none = await gql.query(CUSTOMERS, {"filter": {**mine, "interactions": {"none": since}}})
    anything = await gql.query(CUSTOMERS, {"filter": {**mine, "interactions": {"some": {}}}})
    assert some["customers"]["nodes"] == [{"name": f"{prefix} A"}]
    assert [n["name"] for n in none["customers"]["nodes"]] == [
        f"{prefix} B",
        f"{prefix} C",
        f"{prefix} D",
    ]
    assert [n["name"] for n in anything["customers"]["nodes"]] == [f"{prefix} A", f"{prefix} B"]


async def test_a_time_filter_without_a_time_zone_is_not_a_server_error(
    gql: GraphQLClient,
) -> None:
    # refused as the client's mistake (a 400 naming the problem), never an internal error
    prefix = factories.unique("Naive filter")
    customer = await factories.customer(gql, name=f"{prefix} A")
    await log_interaction(gql, customer["id"], occurredAt="2024-05-06T12:00:00+00:00")
    variables = {
        "filter": {
            "name": {"startsWith": prefix},
            "interactions": {"some": {"occurredAt": {"gte": "2024-05-06T11:00:00"}}},
        }
    }
    response = await gql.raw(CUSTOMERS, variables)
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "time zone" in message
    assert "SQL" not in message
    variables["filter"]["interactions"]["some"]["occurredAt"]["gte"] = "2024-05-06T11:00:00Z"
    data = await gql.query(CUSTOMERS, variables)
    assert data["customers"]["nodes"] == [{"name": f"{prefix} A"}]
