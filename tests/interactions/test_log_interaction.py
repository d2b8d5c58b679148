"""logInteraction through the API: kinds, directions, validation and who it is logged by."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.interactions.operations import (
    DELETE_CUSTOMER,
    LOG,
    at,
    count_of,
    error_fields,
    global_id,
    log_interaction,
    now_utc,
    read_interaction,
)
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

# --- logInteraction -----------------------------------------------------------------------------


async def test_log_interaction_with_defaults(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    before = now_utc()
    logged = await log_interaction(gql, customer["id"], subject="  Intro call  ")
    after = now_utc()
    assert logged["kind"] == "CALL"
    assert logged["direction"] == "OUTBOUND"
    assert logged["subject"] == "Intro call"
    assert (logged["body"], logged["durationSeconds"], logged["user"]) == (None, None, None)
    assert logged["version"] == 1
    assert logged["deletedAt"] is None
    assert logged["customer"] == {"id": customer["id"]}
    assert before - datetime.timedelta(seconds=1) <= at(logged["occurredAt"]) <= after
    stored = await read_interaction(gql, logged["id"])
    assert stored is not None
    assert (stored["subject"], stored["direction"]) == ("Intro call", "OUTBOUND")
    assert at(stored["occurredAt"]) == at(logged["occurredAt"])


async def test_log_interaction_with_everything(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    logged = await log_interaction(
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
    assert at(logged["occurredAt"]) == datetime.datetime(2024, 5, 6, 12, 0, tzinfo=datetime.UTC)
    stored = await read_interaction(gql, logged["id"])
    assert stored is not None
    assert at(stored["occurredAt"]) == datetime.datetime(2024, 5, 6, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("duration", [0, 7 * 24 * 3600])
async def test_duration_bounds_are_accepted(gql: GraphQLClient, duration: int) -> None:
    customer = await factories.customer(gql)
    logged = await log_interaction(gql, customer["id"], durationSeconds=duration)
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
                "userId": global_id("User", 999_999_999),
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
    assert await count_of(gql, customer["id"]) == 0


async def test_occurred_at_in_the_future_is_refused(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    tomorrow = now_utc() + datetime.timedelta(days=1)
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
    assert error_fields(errors) == {("input", "occurredAt"): "VALIDATION"}
    assert await count_of(gql, customer["id"]) == 0


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
    assert await count_of(gql, customer["id"]) == 0


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
    assert error_fields(errors) == {("input", "subject"): "VALIDATION"}
    assert await count_of(gql, customer["id"]) == 0


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
    assert error_fields(errors) == {("input", "durationSeconds"): "VALIDATION"}
    assert await count_of(gql, customer["id"]) == 0


async def test_unknown_or_deleted_customer_is_not_found(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    await gql.mutate(DELETE_CUSTOMER, {"input": {"id": customer["id"]}})
    for customer_id in (customer["id"], global_id("Customer", 999_999_999)):
        errors = await gql.user_errors(
            LOG, {"input": {"customerId": customer_id, "kind": "CALL", "subject": "Hello"}}
        )
        assert error_fields(errors) == {("input", "customerId"): "NOT_FOUND"}
    assert await count_of(gql, customer["id"]) == 0


async def test_every_problem_is_reported_at_once(gql: GraphQLClient) -> None:
    customer = await factories.customer(gql)
    errors = await gql.user_errors(
        LOG,
        {
            "input": {
                "customerId": customer["id"],
                "kind": "CHAT",
                "body": "  ",
                "occurredAt": (now_utc() + datetime.timedelta(hours=2)).isoformat(),
                "durationSeconds": -30,
            }
        },
    )
    assert error_fields(errors) == {
        ("input", "subject"): "VALIDATION",
        ("input", "occurredAt"): "VALIDATION",
        ("input", "durationSeconds"): "VALIDATION",
    }
    assert await count_of(gql, customer["id"]) == 0
