"""Subscriptions over a real WebSocket (gql, graphql-transport-ws) against a uvicorn server in
this process: delivery in commit order, replay with `after`, topics, row rules, limits."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from crm_graphql.app.factory import create_app
from crm_graphql.core.ids import encode_id
from crm_graphql.core.settings import Settings
from crm_graphql.platform.events import live
from crm_graphql.platform.events.models import Event
from crm_graphql.platform.users.models import UserRole
from tests.support.databases import sqlite_only
from tests.support.factories import customer, unique
from tests.support.graphql_client import GraphQLClient, SignIn
from tests.support.live_client import hub_of, live_client, subscribed
from tests.support.servers import serving
from tests.support.waiting import eventually

RECORD_EVENTS = """
subscription($types: [RecordType!], $ids: [ID!], $after: String) {
  recordEvents(types: $types, ids: $ids, after: $after) {
    cursor sequence kind recordType recordId changedFields occurredAt
    actor { email }
    record { id ... on Customer { name } ... on Interaction { subject } }
  }
}
"""
UPDATE_CUSTOMER = """
mutation($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { id version } errors { code } }
}
"""
LOG_INTERACTION = """
mutation($input: LogInteractionInput!) {
  logInteraction(input: $input) { interaction { id } errors { code message } }
}
"""
ADMIN = "admin@tests.example"


async def rename(gql: GraphQLClient, customer_id: str, version: int, name: str) -> int:
    payload = await gql.mutate(
        UPDATE_CUSTOMER,
        {"input": {"id": customer_id, "expectedVersion": version, "name": name}},
    )
    return int(payload["customer"]["version"])


@pytest.fixture
async def admin_token(sign_in: SignIn) -> str:
    return await sign_in.token_for(ADMIN, UserRole.ADMIN)


async def test_changes_arrive_in_commit_order_with_their_fields(
    app: Starlette, live_host: str, gql: GraphQLClient, admin_token: str
) -> None:
    async with live_client(live_host, admin_token) as client:
        events = await subscribed(app, client, RECORD_EVENTS, types=["CUSTOMER"])
        created = await customer(gql, name="Ada Live")
        version = await rename(gql, created["id"], created["version"], "Ada Lovelace")
        await gql.mutate(
            "mutation($id: ID!) { deleteCustomer(input: {id: $id}) { errors { code } } }",
            {"id": created["id"]},
        )
        first, second, third = await events.take(3)
    assert [e["kind"] for e in (first, second, third)] == ["CREATED", "UPDATED", "DELETED"]
    assert {e["recordId"] for e in (first, second, third)} == {created["id"]}
    assert int(first["sequence"]) < int(second["sequence"]) < int(third["sequence"])
    assert second["changedFields"] == ["name"]
    assert "deletedAt" in third["changedFields"]
    assert second["actor"] == {"email": ADMIN}
    assert second["record"]["name"] == "Ada Lovelace"  # the record as it is now
    assert version == created["version"] + 1


async def test_a_customer_timeline_gets_its_parts_and_nothing_else(
    app: Starlette, live_host: str, gql: GraphQLClient, admin_token: str
) -> None:
    followed = await customer(gql, name=unique("Followed"))
    other = await customer(gql, name=unique("Other"))
    async with live_client(live_host, admin_token) as client:
        timeline = await subscribed(app, client, RECORD_EVENTS, ids=[followed["id"]])
        for target in (other, followed):
            await gql.mutate(
                LOG_INTERACTION,
                {"input": {"customerId": target["id"], "kind": "CALL", "subject": "Hello"}},
            )
        await gql.mutate(
            "mutation($i: AddContactMethodInput!) { addContactMethod(input: $i) "
            "{ errors { code } } }",
            {"i": {"customerId": followed["id"], "kind": "EMAIL", "value": "t@example.com"}},
        )
        interaction, contact = await timeline.take(2)
        await timeline.nothing_more()
    assert (interaction["kind"], interaction["recordType"]) == ("CREATED", "INTERACTION")
    assert interaction["record"] == {"id": interaction["recordId"], "subject": "Hello"}
    assert (contact["kind"], contact["recordType"]) == ("UPDATED", "CUSTOMER")
    assert contact["recordId"] == followed["id"]
    assert contact["changedFields"] == ["contactMethods"]


async def test_a_client_that_resumes_with_after_misses_nothing_and_gets_nothing_twice(
    app: Starlette, live_host: str, gql: GraphQLClient, admin_token: str
) -> None:
    created = await customer(gql, name=unique("Resume"))
    version = created["version"]
    async with live_client(live_host, admin_token) as client:
        events = await subscribed(app, client, RECORD_EVENTS, ids=[created["id"]])
        version = await rename(gql, created["id"], version, "Seen live")
        seen = await events.next()
    # disconnected: three changes happen meanwhile
    missed = []
    for n in range(3):
        version = await rename(gql, created["id"], version, f"Missed {n}")
        missed.append(version)
    async with live_client(live_host, admin_token) as client:
        events = await subscribed(
            app, client, RECORD_EVENTS, ids=[created["id"]], after=seen["cursor"]
        )
        replayed = await events.take(3)
        await rename(gql, created["id"], version, "Live again")
        live = await events.next()
        await events.nothing_more()
    sequences = [int(e["sequence"]) for e in (seen, *replayed, live)]
    assert sequences == sorted(set(sequences))  # in order, no duplicates
    assert [e["kind"] for e in replayed] == ["UPDATED"] * 3
    assert live["record"]["name"] == "Live again"


async def test_rows_the_viewer_may_not_see_are_not_sent(
    app: Starlette, live_host: str, gql: GraphQLClient, sign_in: SignIn
) -> None:
    mine = await sign_in.user("live-s1@tests.example", UserRole.SALES)
    theirs = await sign_in.user("live-s2@tests.example", UserRole.SALES)
    token = await sign_in.token_for("live-s1@tests.example", UserRole.SALES)
    async with live_client(live_host, token) as client:
        events = await subscribed(app, client, RECORD_EVENTS, types=["CUSTOMER"])
        await customer(gql, name="Not yours", ownerId=encode_id("User", theirs))
        own = await customer(gql, name="Yours", ownerId=encode_id("User", mine))
        received = await events.next()
        await events.nothing_more()
    assert received["recordId"] == own["id"]


async def test_subscriptions_need_the_area_read_right(
    app: Starlette, live_host: str, gql: GraphQLClient, sign_in: SignIn, admin_token: str
) -> None:
    admin_id = await sign_in.user(ADMIN, UserRole.ADMIN)
    expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    payload = await gql.mutate(
        "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) "
        "{ secret errors { code } } }",
        {
            "i": {
                "name": unique("live"),
                "userId": encode_id("User", admin_id),
                "permissions": ["CUSTOMERS_READ"],
                "expiresAt": expires,
            }
        },
    )
    async with live_client(live_host, payload["secret"]) as client:
        denied = client.subscribe(
            'subscription { dealEvents(pipelineId: "UGlwZWxpbmU6MQ") { sequence } }'
        )
        error = await denied.failure()
    assert error.errors is not None
    assert error.errors[0]["extensions"]["code"] == "FORBIDDEN"


@sqlite_only
async def test_a_malformed_cursor_is_refused(
    app: Starlette, live_host: str, admin_token: str
) -> None:
    async with live_client(live_host, admin_token) as client:
        error = await client.subscribe(RECORD_EVENTS, {"after": "not-a-cursor"}).failure()
    assert error.errors is not None
    assert "`after` must be an event's `cursor`" in error.errors[0]["message"]


async def test_a_connection_may_hold_a_limited_number_of_subscriptions(
    app: Starlette, live_host: str, admin_token: str
) -> None:
    limit = app.state.resources.settings.max_subscriptions
    async with live_client(live_host, admin_token) as client:
        for _ in range(limit):
            await subscribed(app, client, RECORD_EVENTS)
        error = await client.subscribe(RECORD_EVENTS).failure()
    assert error.errors is not None
    assert "limit" in error.errors[0]["message"].lower()


@contextlib.asynccontextmanager
async def small_queue_server(settings: Settings) -> AsyncIterator[tuple[Starlette, str]]:
    """A second server on the same database whose subscribers may queue only 3 events; it
    learns of other servers' events by polling the log every second: the app and host:port."""
    app = create_app(replace(settings, subscription_queue=3, event_poll_seconds=1))
    async with app.router.lifespan_context(app), serving(app) as host:
        yield app, host


async def test_a_subscriber_that_falls_behind_is_dropped_and_resumes_with_after(
    settings: Settings, gql: GraphQLClient, admin_token: str
) -> None:
    people = [await customer(gql, name=unique("Burst")) for _ in range(8)]
    ids = [p["id"] for p in people]
    label = await gql.mutate(
        "mutation($i: CreateTagInput!) { createTag(input: $i) { tag { id } errors { code } } }",
        {"i": {"name": unique("burst")}},
    )
    async with (
        small_queue_server(settings) as (small_queue, small_queue_host),
        live_client(small_queue_host, admin_token) as client,
    ):
        events = await subscribed(small_queue, client, RECORD_EVENTS, ids=ids)
        await rename(gql, people[0]["id"], people[0]["version"], "Before the burst")
        received = [await events.next()]
        # one commit, eight events: more at once than the subscriber's queue holds
        await gql.mutate(
            "mutation($i: TagCustomersInput!) { tagCustomers(input: $i) { errors { code } } }",
            {"i": {"tagIds": [label["tag"]["id"]], "customerIds": ids}},
        )
        error = await events.failure()
        while not events.results.empty():
            received.append(await events.next())
    assert error.errors is not None
    (dropped,) = error.errors
    assert dropped["extensions"]["code"] == "SUBSCRIPTION_DROPPED"
    # the cursor to resume from is the last event the client got
    assert f'after: "{received[-1]["cursor"]}"' in dropped["message"]
    tagged_live = [e for e in received if e["changedFields"] == ["tags"]]
    assert len(tagged_live) < len(people)
    async with (
        small_queue_server(settings) as (_, small_queue_host),
        live_client(small_queue_host, admin_token) as client,
    ):
        resumed = client.subscribe(RECORD_EVENTS, {"ids": ids, "after": received[-1]["cursor"]})
        replayed = await resumed.take(len(people) - len(tagged_live))
        await resumed.nothing_more()
    tagged = tagged_live + replayed
    assert sorted(e["recordId"] for e in tagged) == sorted(ids)  # all, each once
    assert {tuple(e["changedFields"]) for e in replayed} == {("tags",)}


async def test_a_subscription_ends_when_its_token_is_revoked(
    app: Starlette,
    live_host: str,
    gql: GraphQLClient,
    sign_in: SignIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live, "RECHECK_SECONDS", 0.0)
    email = "live-signout@tests.example"
    await sign_in.user(email, UserRole.ADMIN)
    client_api = await sign_in.client(email, UserRole.ADMIN)
    token = client_api.http.headers["authorization"].removeprefix("Bearer ")
    created = await customer(gql, name=unique("Signout"))
    async with live_client(live_host, token) as client:
        events = await subscribed(app, client, RECORD_EVENTS, ids=[created["id"]])
        version = await rename(gql, created["id"], created["version"], "Still signed in")
        assert (await events.next())["kind"] == "UPDATED"
        await client_api.query("mutation { logout { errors { code } } }")
        await rename(gql, created["id"], version, "Signed out")
        error = await events.failure()
    await client_api.http.aclose()
    assert error.errors is not None
    assert error.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_cursor_ahead_of_the_servers_hub_gets_nothing_twice(
    app: Starlette, settings: Settings, gql: GraphQLClient, admin_token: str
) -> None:
    created = await customer(gql, name=unique("Ahead"))
    async with (
        small_queue_server(settings) as (lagging, lagging_host),  # learns of events by polling
        live_client(lagging_host, admin_token) as client,
    ):
        version = created["version"]
        for n in range(2):
            version = await rename(gql, created["id"], version, f"Before {n}")
        # the client saw both (e.g. on another server) and resumes here before this
        # server's hub has read them
        async with app.state.resources.engine.connect() as conn:
            newest = await conn.scalar(select(func.max(Event.seq)))
        events = await subscribed(
            lagging,
            client,
            RECORD_EVENTS,
            caught_up=False,
            ids=[created["id"]],
            after=live.encode_cursor(newest),
        )
        await eventually(lambda: hub_of(lagging).position >= newest)  # the hub catches up
        await rename(gql, created["id"], version, "After")
        received = await events.next()
        await events.nothing_more()
    assert received["record"]["name"] == "After"
