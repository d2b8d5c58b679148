"""Interactions through the API: logging, validation, versions, soft delete, timelines."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest

from tests.support import factories
from tests.support.graphql_client import GraphQLClient

LOG = """
mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) {
    interaction {
      id kind direction subject body occurredAt durationSeconds version deletedAt
      customer { id } user { id }
    }
    errors { field message code }
  }
}
"""

INTERACTION = """
query($id: ID!) {
  interaction(id: $id) {
    id kind direction subject body occurredAt durationSeconds version deletedAt customer { id }
  }
}
"""

UPDATE = """
mutation($input: UpdateInteractionInput!) {
  updateInteraction(input: $input) {
    interaction { id kind direction subject body occurredAt durationSeconds version }
    errors { field message code }
  }
}
"""

DELETE = """
mutation($input: DeleteInput!) {
  deleteInteraction(input: $input) {
    interaction { id deletedAt version }
    errors { field message code }
  }
}
"""

RESTORE = """
mutation($input: RestoreInput!) {
  restoreInteraction(input: $input) {
    interaction { id deletedAt }
    errors { field message code }
  }
}
"""

DELETE_CUSTOMER = """
mutation($input: DeleteInput!) { deleteCustomer(input: $input) { errors { code } } }
"""

TIMELINE = """
query($id: ID!, $orderBy: [InteractionOrder!], $filter: InteractionFilter) {
  customer(id: $id) {
    interactions(orderBy: $orderBy, filter: $filter) {
      totalCount nodes { id subject occurredAt }
    }
  }
}
"""

INTERACTIONS = """
query($filter: InteractionFilter, $includeDeleted: Boolean! = false) {
  interactions(filter: $filter, includeDeleted: $includeDeleted) { totalCount nodes { id } }
}
"""

CUSTOMERS = """
query($filter: CustomerFilter!) {
  customers(filter: $filter, orderBy: [{field: NAME}]) { nodes { name } }
}
"""


def _global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def _fields(errors: list[dict[str, Any]]) -> dict[tuple[str, ...], str]:
    return {tuple(e["field"]): e["code"] for e in errors}


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _at(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


async def _log(gql: GraphQLClient, customer_id: str, **fields: Any) -> dict[str, Any]:
    data = await gql.mutate(
        LOG, {"input": {"customerId": customer_id, "kind": "CALL", "subject": "Call", **fields}}
    )
    interaction: dict[str, Any] = data["interaction"]
    return interaction


async def _read(gql: GraphQLClient, interaction_id: str) -> dict[str, Any] | None:
    interaction: dict[str, Any] | None = (await gql.query(INTERACTION, {"id": interaction_id}))[
        "interaction"
    ]
    return interaction


async def _count(gql: GraphQLClient, customer_id: str) -> int:
    data = await gql.query(
        INTERACTIONS, {"filter": {"customerId": {"eq": customer_id}}, "includeDeleted": True}
    )
    count: int = data["interactions"]["totalCount"]
    return count


# --- logInteraction -----------------------------------------------------------------------------


async def test_log_interaction_with_defaults(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    before = _now()
    logged = await _log(gql, customer["id"], subject="  Intro call  ")
    after = _now()
    assert logged["kind"] == "CALL"
    assert logged["direction"] == "OUTBOUND"
    assert logged["subject"] == "Intro call"
    assert (logged["body"], logged["durationSeconds"], logged["user"]) == (None, None, None)
    assert logged["version"] == 1
    assert logged["deletedAt"] is None
    assert logged["customer"] == {"id": customer["id"]}
    assert before - datetime.timedelta(seconds=1) <= _at(logged["occurredAt"]) <= after
    stored = await _read(gql, logged["id"])
    assert stored is not None
    assert (stored["subject"], stored["direction"]) == ("Intro call", "OUTBOUND")
    assert _at(stored["occurredAt"]) == _at(logged["occurredAt"])


async def test_log_interaction_with_everything(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    logged = await _log(
        gql,
        customer["id"],
        kind="MEETING",
        direction="INBOUND",
        subject=None,
        body="Minutes: they want a quote.",
        occurredAt="2024-05-06T14:00:00+02:00",
        durationSeconds=3600,
    )
    assert logged["kind"] == "MEETING"
    assert logged["direction"] == "INBOUND"
    assert (logged["subject"], logged["body"]) == (None, "Minutes: they want a quote.")
    assert logged["durationSeconds"] == 3600
    assert _at(logged["occurredAt"]) == datetime.datetime(2024, 5, 6, 12, 0, tzinfo=datetime.UTC)
    stored = await _read(gql, logged["id"])
    assert stored is not None
    assert _at(stored["occurredAt"]) == datetime.datetime(2024, 5, 6, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("duration", [0, 7 * 24 * 3600])
async def test_duration_bounds_are_accepted(gql: GraphQLClient, duration: int) -> None:
    customer = await factories.customer(gql)
    logged = await _log(gql, customer["id"], durationSeconds=duration)
    assert logged["durationSeconds"] == duration


async def test_user_must_be_an_existing_active_user(gql: GraphQLClient) -> None:
    # Users come only from seed data, which the test database does not have.
    customer = await factories.customer(gql)
    errors = await gql.user_errors(
        LOG,
        {
            "input": {
                "customerId": customer["id"],
                "kind": "NOTE",
                "direction": "INTERNAL",
                "body": "Follow up",
                "userId": _global_id("User", 999_999_999),
            }
        },
    )
    assert errors == [
        {
            "field": ["input", "userId"],
            "message": "No active User with this ID exists.",
            "code": "NOT_FOUND",
        }
    ]
    errors = await gql.user_errors(
        LOG,
        {
            "input": {
                "customerId": customer["id"],
                "kind": "NOTE",
                "body": "Follow up",
                "userId": customer["id"],
            }
        },
    )
    assert errors == [
        {
            "field": ["input", "userId"],
            "message": "Expected the ID of a User, got the ID of a Customer.",
            "code": "VALIDATION",
        }
    ]
    assert await _count(gql, customer["id"]) == 0


async def test_occurred_at_in_the_future_is_refused(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    tomorrow = _now() + datetime.timedelta(days=1)
    errors = await gql.user_errors(
        LOG,
        {
            "input": {
                "customerId": customer["id"],
                "kind": "CALL",
                "subject": "Later",
                "occurredAt": tomorrow.isoformat(),
            }
        },
    )
    assert _fields(errors) == {("input", "occurredAt"): "VALIDATION"}
    assert await _count(gql, customer["id"]) == 0


async def test_occurred_at_without_a_time_zone_is_refused(gql: GraphQLClient) -> None:
    # a DateTime without an offset is refused by the scalar: a 400 naming the problem
    customer = await factories.customer(gql)
    response = await gql.raw(
        LOG,
        {
            "input": {
                "customerId": customer["id"],
                "kind": "CALL",
                "subject": "Naive",
                "occurredAt": "2024-05-06T14:00:00",
            }
        },
    )
    assert response.status_code == 400
    assert "time zone" in response.json()["errors"][0]["message"]
    assert await _count(gql, customer["id"]) == 0


@pytest.mark.parametrize(
    "text",
    [{}, {"subject": None, "body": None}, {"subject": "   ", "body": ""}],
    ids=["omitted", "null", "blank"],
)
async def test_subject_or_body_is_required(gql: GraphQLClient, text: dict[str, Any]) -> None:
    customer = await factories.customer(gql)
    errors = await gql.user_errors(
        LOG, {"input": {"customerId": customer["id"], "kind": "EMAIL", **text}}
    )
    assert _fields(errors) == {("input", "subject"): "VALIDATION"}
    assert await _count(gql, customer["id"]) == 0


@pytest.mark.parametrize("duration", [-1, 7 * 24 * 3600 + 1])
async def test_duration_out_of_range_is_refused(gql: GraphQLClient, duration: int) -> None:
    customer = await factories.customer(gql)
    errors = await gql.user_errors(
        LOG,
        {
            "input": {
                "customerId": customer["id"],
                "kind": "CALL",
                "subject": "Short",
                "durationSeconds": duration,
            }
        },
    )
    assert _fields(errors) == {("input", "durationSeconds"): "VALIDATION"}
    assert await _count(gql, customer["id"]) == 0


async def test_unknown_or_deleted_customer_is_not_found(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    await gql.mutate(DELETE_CUSTOMER, {"input": {"id": customer["id"]}})
    for customer_id in (customer["id"], _global_id("Customer", 999_999_999)):
        errors = await gql.user_errors(
            LOG, {"input": {"customerId": customer_id, "kind": "CALL", "subject": "Hello"}}
        )
        assert _fields(errors) == {("input", "customerId"): "NOT_FOUND"}
    assert await _count(gql, customer["id"]) == 0


async def test_every_problem_is_reported_at_once(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    errors = await gql.user_errors(
        LOG,
        {
            "input": {
                "customerId": customer["id"],
                "kind": "CHAT",
                "body": "  ",
                "occurredAt": (_now() + datetime.timedelta(hours=2)).isoformat(),
                "durationSeconds": -30,
            }
        },
    )
    assert _fields(errors) == {
        ("input", "subject"): "VALIDATION",
        ("input", "occurredAt"): "VALIDATION",
        ("input", "durationSeconds"): "VALIDATION",
    }
    assert await _count(gql, customer["id"]) == 0


# --- updateInteraction --------------------------------------------------------------------------


async def test_update_with_expected_version(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    logged = await _log(gql, customer["id"], body="Left a voicemail")
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
    assert _at(interaction["occurredAt"]) == datetime.datetime(2024, 1, 2, 8, tzinfo=datetime.UTC)
    # a stale version is a conflict and writes nothing
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": logged["id"], "expectedVersion": 1, "subject": "Stale"}}
    )
    assert _fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    stored = await _read(gql, logged["id"])
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
    logged = await _log(gql, customer["id"])
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": logged["id"], "expectedVersion": 1, **change}}
    )
    assert _fields(errors) == {field: "VALIDATION"}
    stored = await _read(gql, logged["id"])
    assert stored is not None
    assert stored["version"] == 1
    assert (stored["kind"], stored["direction"], stored["subject"]) == ("CALL", "OUTBOUND", "Call")


async def test_update_to_the_future_is_refused(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    logged = await _log(gql, customer["id"])
    errors = await gql.user_errors(
        UPDATE,
        {
            "input": {
                "id": logged["id"],
                "expectedVersion": 1,
                "occurredAt": (_now() + datetime.timedelta(days=3)).isoformat(),
            }
        },
    )
    assert _fields(errors) == {("input", "occurredAt"): "VALIDATION"}
    stored = await _read(gql, logged["id"])
    assert stored is not None
    assert (_at(stored["occurredAt"]), stored["version"]) == (_at(logged["occurredAt"]), 1)


async def test_update_cannot_clear_both_subject_and_body(gql: GraphQLClient) -> None:
    # logging requires a subject or a body; an update must not remove both afterwards
    customer = await factories.customer(gql)
    logged = await _log(gql, customer["id"], subject="Call", body="Notes")
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": logged["id"], "expectedVersion": 1, "subject": None, "body": None}}
    )
    assert _fields(errors) == {("input", "subject"): "VALIDATION"}
    stored = await _read(gql, logged["id"])
    assert stored is not None
    assert (stored["subject"], stored["body"], stored["version"]) == ("Call", "Notes", 1)


# --- delete and restore -------------------------------------------------------------------------


async def test_soft_delete_and_restore(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    logged = await _log(gql, customer["id"])
    by_customer = {"filter": {"customerId": {"eq": customer["id"]}}}
    # a stale version is a conflict
    errors = await gql.user_errors(DELETE, {"input": {"id": logged["id"], "expectedVersion": 9}})
    assert _fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    # delete
    deleted = await gql.mutate(DELETE, {"input": {"id": logged["id"], "expectedVersion": 1}})
    assert deleted["interaction"]["deletedAt"] is not None
    assert await _read(gql, logged["id"]) is None
    assert (await gql.query(INTERACTIONS, by_customer))["interactions"]["totalCount"] == 0
    listed = await gql.query(INTERACTIONS, {**by_customer, "includeDeleted": True})
    assert listed["interactions"]["nodes"] == [{"id": logged["id"]}]
    timeline = await gql.query(TIMELINE, {"id": customer["id"]})
    assert timeline["customer"]["interactions"] == {"totalCount": 0, "nodes": []}
    # a deleted interaction takes no changes
    errors = await gql.user_errors(DELETE, {"input": {"id": logged["id"]}})
    assert _fields(errors) == {("input", "id"): "NOT_FOUND"}
    errors = await gql.user_errors(
        UPDATE, {"input": {"id": logged["id"], "expectedVersion": 2, "subject": "Ghost"}}
    )
    assert _fields(errors) == {("input", "id"): "NOT_FOUND"}
    # restore
    restored = await gql.mutate(RESTORE, {"input": {"id": logged["id"]}})
    assert restored["interaction"]["deletedAt"] is None
    stored = await _read(gql, logged["id"])
    assert stored is not None
    assert stored["subject"] == "Call"
    timeline = await gql.query(TIMELINE, {"id": customer["id"]})
    assert timeline["customer"]["interactions"]["totalCount"] == 1
    errors = await gql.user_errors(RESTORE, {"input": {"id": logged["id"]}})
    assert _fields(errors) == {("input", "id"): "VALIDATION"}


# --- timelines and filters ----------------------------------------------------------------------


async def test_customer_timeline_newest_first(gql: GraphQLClient) -> None:
    # logged out of chronological order
    customer = await factories.customer(gql)
    middle = await _log(gql, customer["id"], subject="middle", occurredAt="2024-02-01T10:00:00Z")
    oldest = await _log(gql, customer["id"], subject="oldest", occurredAt="2023-12-24T18:00:00Z")
    newest = await _log(gql, customer["id"], subject="newest")
    other = await factories.customer(gql)
    await _log(gql, other["id"], subject="someone else's")
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
    now = _now()
    a = await factories.customer(gql, name=f"{prefix} A")
    await _log(gql, a["id"], occurredAt=(now - datetime.timedelta(days=40)).isoformat())
    await _log(gql, a["id"], occurredAt=(now - datetime.timedelta(days=2)).isoformat())
    b = await factories.customer(gql, name=f"{prefix} B")
    await _log(gql, b["id"], occurredAt=(now - datetime.timedelta(days=30)).isoformat())
    await factories.customer(gql, name=f"{prefix} C")  # never contacted
    d = await factories.customer(gql, name=f"{prefix} D")
    recent = await _log(gql, d["id"], occurredAt=(now - datetime.timedelta(days=1)).isoformat())
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
    await _log(gql, customer["id"], occurredAt="2024-05-06T12:00:00+00:00")
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
