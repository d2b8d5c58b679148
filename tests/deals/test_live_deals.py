"""Live pipelines over a real WebSocket: deal events with a filter, a board's totals pushed
when they change (and only then), and the dashboard's KPIs."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from crm_graphql.platform.users.models import UserRole
from tests.support.factories import customer, order, product, unique
from tests.support.graphql_client import GraphQLClient, SignIn
from tests.support.live_client import live_client, subscribed

ADMIN = "admin@tests.example"
CREATE_PIPELINE = """
mutation($i: CreatePipelineInput!) {
  createPipeline(input: $i) { pipeline { id stages { id name kind } } errors { message } }
}
"""
CREATE_DEAL = """
mutation($i: CreateDealInput!) {
  createDeal(input: $i) { deal { id version } errors { field message code } }
}
"""
DEAL_EVENTS = """
subscription($pipeline: ID!, $filter: DealFilter, $after: String) {
  dealEvents(pipelineId: $pipeline, filter: $filter, after: $after) {
    cursor kind changedFields deal { id title status amount { amount } }
  }
}
"""
BOARD = """
subscription($pipeline: ID!, $after: String) {
  pipelineBoard(pipelineId: $pipeline, after: $after) {
    cursor pipeline { id }
    columns { stage { name } count total { amount currency } weighted { amount } }
  }
}
"""
DASHBOARD = """
subscription {
  dashboardMetrics {
    cursor ordersToday newLeadsToday openPipelineValue { amount currency }
  }
}
"""


@pytest.fixture
async def admin_token(sign_in: SignIn) -> str:
    return await sign_in.token_for(ADMIN, UserRole.ADMIN)


async def new_pipeline(gql: GraphQLClient) -> dict[str, Any]:
    payload = await gql.mutate(
        CREATE_PIPELINE,
        {
            "i": {
                "name": unique("Live"),
                "currency": "EUR",
                "stages": [
                    {"name": "Talk", "probability": 20},
                    {"name": "Offer", "probability": 60},
                    {"name": "Won", "probability": 100, "kind": "WON"},
                    {"name": "Lost", "probability": 0, "kind": "LOST"},
                ],
            }
        },
    )
    pipeline: dict[str, Any] = payload["pipeline"]
    return pipeline


async def new_deal(
    gql: GraphQLClient, pipeline: dict[str, Any], amount: str, title: str = "Deal"
) -> dict[str, Any]:
    person = await customer(gql, name=unique("Buyer"))
    payload = await gql.mutate(
        CREATE_DEAL,
        {
            "i": {
                "title": title,
                "amount": {"amount": amount, "currency": "EUR"},
                "pipelineId": pipeline["id"],
                "customerId": person["id"],
            }
        },
    )
    deal: dict[str, Any] = payload["deal"]
    return deal


async def test_deal_events_follow_one_pipeline_through_a_filter(
    app: Starlette, live_host: str, gql: GraphQLClient, admin_token: str
) -> None:
    pipeline = await new_pipeline(gql)
    elsewhere = await new_pipeline(gql)
    async with live_client(live_host, admin_token) as client:
        events = await subscribed(
            app,
            client,
            DEAL_EVENTS,
            pipeline=pipeline["id"],
            filter={"amount": {"currency": "EUR", "gte": "500"}},
        )
        await new_deal(gql, pipeline, "100.00", "Small")
        await new_deal(gql, elsewhere, "900.00", "Elsewhere")
        big = await new_deal(gql, pipeline, "900.00", "Big")
        offer = pipeline["stages"][1]["id"]
        moved = await gql.mutate(
            "mutation($i: MoveDealInput!) { moveDeal(input: $i) { deal { version } "
            "errors { message } } }",
            {"i": {"id": big["id"], "expectedVersion": big["version"], "stageId": offer}},
        )
        await gql.mutate(
            "mutation($i: WinDealInput!) { winDeal(input: $i) { deal { id } errors { message } } }",
            {"i": {"id": big["id"], "expectedVersion": moved["deal"]["version"]}},
        )
        created, move, win = await events.take(3)
        await events.nothing_more()
    assert [e["kind"] for e in (created, move, win)] == ["CREATED", "MOVED", "WON"]
    assert {e["deal"]["id"] for e in (created, move, win)} == {big["id"]}
    assert "stage" in move["changedFields"]
    assert win["deal"]["status"] == "WON"


async def test_the_board_is_pushed_when_its_totals_change_and_only_then(
    app: Starlette, live_host: str, gql: GraphQLClient, admin_token: str
) -> None:
    pipeline = await new_pipeline(gql)
    await new_deal(gql, pipeline, "100.00")
    async with live_client(live_host, admin_token) as client:
        board = await subscribed(app, client, BOARD, pipeline=pipeline["id"])
        first = await board.next()
        deal = await new_deal(gql, pipeline, "50.00")
        second = await board.next()
    # resubscribing after the cursor of the totals it has: nothing to send until a change
    async with live_client(live_host, admin_token) as client:
        board = await subscribed(
            app, client, BOARD, pipeline=pipeline["id"], after=second["cursor"]
        )
        await board.nothing_more()
        await gql.mutate(
            "mutation($i: UpdateDealInput!) { updateDeal(input: $i) { deal { id } "
            "errors { message } } }",
            {"i": {"id": deal["id"], "expectedVersion": deal["version"], "title": "Renamed"}},
        )
        await board.nothing_more(wait=1.0)  # a new title changes no total
        await new_deal(gql, pipeline, "25.00")
        third = await board.next()
    talk = [c for c in first["columns"] if c["stage"]["name"] == "Talk"]
    assert talk == [
        {
            "stage": {"name": "Talk"},
            "count": 1,
            "total": {"amount": "100.00", "currency": "EUR"},
            "weighted": {"amount": "20.00"},
        }
    ]
    talk_after = next(c for c in second["columns"] if c["stage"]["name"] == "Talk")
    assert (talk_after["count"], talk_after["total"]["amount"]) == (2, "150.00")
    assert talk_after["weighted"]["amount"] == "30.00"
    assert second["pipeline"]["id"] == pipeline["id"]
    talk_last = next(c for c in third["columns"] if c["stage"]["name"] == "Talk")
    assert (talk_last["count"], talk_last["total"]["amount"]) == (3, "175.00")
    assert talk_last["weighted"]["amount"] == "35.00"


async def test_the_dashboard_counts_todays_orders_live(
    app: Starlette, live_host: str, gql: GraphQLClient, admin_token: str
) -> None:
    buyer = await customer(gql, name=unique("Dashboard"))
    item = await product(gql)
    async with live_client(live_host, admin_token) as client:
        metrics = await subscribed(app, client, DASHBOARD)
        before = await metrics.next()
        await order(gql, buyer["id"], [{"productId": item["id"], "quantity": 1}])
        after = await metrics.next()
    assert after["ordersToday"] == before["ordersToday"] + 1
    assert after["cursor"] != before["cursor"]
