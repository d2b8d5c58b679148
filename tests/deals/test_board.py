"""The `pipelineBoard` root field: per-stage counts and sums, and each column's deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from crm_graphql.core.db import write_session
from crm_graphql.core.ids import encode_id
from crm_graphql.data.reader import Reader
from crm_graphql.deals.board import board_totals
from crm_graphql.pipelines.models import StageKind
from crm_graphql.platform.users.models import UserRole
from tests.forecasts.pipeline_data import PipelineData, money, new_pipeline, new_user
from tests.support import factories
from tests.support.databases import sqlite_only
from tests.support.factories import unique
from tests.support.graphql_client import GraphQLClient, SignIn

BOARD_STAGES = (
    ("Lead in", 10, StageKind.OPEN),
    ("Qualified", 25, StageKind.OPEN),
    ("Proposal", 50, StageKind.OPEN),
    ("Won", 100, StageKind.WON),
    ("Lost", 0, StageKind.LOST),
)


@dataclass
class BoardData:
    board: PipelineData
    small: PipelineData
    sam: int
    sam_email: str


@pytest.fixture(scope="module")
async def data(app: Starlette, sign_in: SignIn) -> BoardData:
    """Lead in: a1 100.00 sam rank 2, a2 250.00 other rank 1, a3 12.25 unowned rank 1
    (a2 before a3: same rank, lower ID); Qualified: b1 1,000.00 sam, b2 5,000.00 sam deleted;
    Proposal: nothing; Won: c1 2,000.00 other; Lost: c2 300.00 unowned."""
    sam_email, sam = await new_user(sign_in, "sam")
    _, other = await new_user(sign_in, "other")
    async with write_session(app.state.resources.sessionmaker) as session:
        board = await new_pipeline(session, stages=BOARD_STAGES)
        await board.deal("a1", "Lead in", "100.00", owner=sam, rank=2.0)
        await board.deal("a2", "Lead in", "250.00", owner=other, rank=1.0)
        await board.deal("a3", "Lead in", "12.25", rank=1.0)
        await board.deal("b1", "Qualified", "1000.00", owner=sam, rank=0.5)
        await board.deal("b2", "Qualified", "5000.00", owner=sam, deleted=True)
        await board.deal("c1", "Won", "2000.00", owner=other)
        await board.deal("c2", "Lost", "300.00")
        small = await new_pipeline(session, stages=BOARD_STAGES[:2], currency="JPY")
        await small.deal("s1", "Qualified", "1001", owner=other)
    return BoardData(board, small, sam, sam_email)


BOARD = """
query($pipelineId: ID!, $filter: DealFilter, $first: Int, $after: String, $last: Int,
      $before: String) {
  pipelineBoard(pipelineId: $pipelineId, filter: $filter) {
    pipeline { id }
    columns {
      stage { name probability }
      count
      total { amount currency }
      weighted { amount currency }
      deals(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        nodes { title owner { id } }
      }
    }
  }
}
"""


def totals(board: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    return [
        (c["stage"]["name"], c["count"], c["total"]["amount"], c["weighted"]["amount"])
        for c in board["columns"]
    ]


def titles(column: dict[str, Any]) -> list[str]:
    return [node["title"] for node in column["deals"]["nodes"]]


async def board_of(gql: GraphQLClient, pipeline_id: str, **variables: Any) -> dict[str, Any]:
    data = await gql.query(BOARD, {"pipelineId": pipeline_id, **variables})
    board: dict[str, Any] = data["pipelineBoard"]
    return board


async def test_columns_count_sum_and_weigh_the_live_deals(
    gql: GraphQLClient, data: BoardData
) -> None:
    # an administrator reads the board
    board = await board_of(gql, data.board.id)
    # every stage is a column, in order, empty ones included; the deleted b2 is left out
    # Lead in: 100 + 250 + 12.25 = 362.25; x 10% = 36.225 -> half-even 36.22
    # Qualified: 1,000 x 25% = 250.00; Won: 2,000 x 100%; Lost: 300 x 0%
    assert board["pipeline"] == {"id": data.board.id}
    assert totals(board) == [
        ("Lead in", 3, "362.25", "36.22"),
        ("Qualified", 1, "1000.00", "250.00"),
        ("Proposal", 0, "0.00", "0.00"),
        ("Won", 1, "2000.00", "2000.00"),
        ("Lost", 1, "300.00", "0.00"),
    ]
    assert {c["total"]["currency"] for c in board["columns"]} == {"USD"}
    assert [c["stage"]["probability"] for c in board["columns"]] == [10, 25, 50, 100, 0]
    # and each column lists its deals by rank, then ID
    assert [titles(c) for c in board["columns"]] == [["a2", "a3", "a1"], ["b1"], [], ["c1"], ["c2"]]
    assert [c["deals"]["totalCount"] for c in board["columns"]] == [3, 1, 0, 1, 1]


async def test_column_deals_page_with_keyset_cursors(gql: GraphQLClient, data: BoardData) -> None:
    first_page = (await board_of(gql, data.board.id, first=2))["columns"][0]["deals"]
    assert [n["title"] for n in first_page["nodes"]] == ["a2", "a3"]
    assert first_page["pageInfo"]["hasNextPage"] is True
    assert first_page["totalCount"] == 3

    after = first_page["pageInfo"]["endCursor"]
    second_page = (await board_of(gql, data.board.id, first=2, after=after))["columns"][0]["deals"]
    assert [n["title"] for n in second_page["nodes"]] == ["a1"]
    assert second_page["pageInfo"]["hasNextPage"] is False
    assert second_page["pageInfo"]["hasPreviousPage"] is True

    before = second_page["pageInfo"]["startCursor"]
    back = (await board_of(gql, data.board.id, last=1, before=before))["columns"][0]["deals"]
    assert [n["title"] for n in back["nodes"]] == ["a3"]
    last = (await board_of(gql, data.board.id, last=1))["columns"][0]["deals"]
    assert [n["title"] for n in last["nodes"]] == ["a1"]


async def test_a_sales_user_sees_only_its_own_and_unowned_deals(
    sign_in: SignIn, data: BoardData
) -> None:
    # sam, a SALES user who owns a1 and b1; a3 and c2 are unowned
    sam = await sign_in.client(data.sam_email, UserRole.SALES)
    try:
        board = await board_of(sam, data.board.id)
    finally:
        await sam.http.aclose()
    # a2 and c1 (another user's) are neither counted nor listed
    # Lead in: 100 + 12.25 = 112.25; x 10% = 11.225 -> half-even 11.22
    assert totals(board) == [
        ("Lead in", 2, "112.25", "11.22"),
        ("Qualified", 1, "1000.00", "250.00"),
        ("Proposal", 0, "0.00", "0.00"),
        ("Won", 0, "0.00", "0.00"),
        ("Lost", 1, "300.00", "0.00"),
    ]
    assert [titles(c) for c in board["columns"]] == [["a3", "a1"], ["b1"], [], [], ["c2"]]


async def test_the_filter_applies_to_totals_and_deals(gql: GraphQLClient, data: BoardData) -> None:
    sam = encode_id("User", data.sam)
    board = await board_of(gql, data.board.id, filter={"ownerId": {"eq": sam}})
    assert totals(board) == [
        ("Lead in", 1, "100.00", "10.00"),
        ("Qualified", 1, "1000.00", "250.00"),
        ("Proposal", 0, "0.00", "0.00"),
        ("Won", 0, "0.00", "0.00"),
        ("Lost", 0, "0.00", "0.00"),
    ]
    assert [titles(c) for c in board["columns"]] == [["a1"], ["b1"], [], [], []]


async def test_amounts_are_in_the_pipelines_currency(gql: GraphQLClient, data: BoardData) -> None:
    board = await board_of(gql, data.small.id)
    # JPY has no minor unit: 1,001 x 25% = 250.25 -> 250
    assert totals(board) == [("Lead in", 0, "0", "0"), ("Qualified", 1, "1001", "250")]
    assert board["columns"][1]["weighted"] == money("250", "JPY")


async def test_a_missing_pipeline_has_no_board(gql: GraphQLClient) -> None:
    data = await gql.query(BOARD, {"pipelineId": encode_id("Pipeline", 2**31 - 1)})
    assert data == {"pipelineBoard": None}


@sqlite_only
async def test_an_id_of_another_type_is_refused(gql: GraphQLClient, data: BoardData) -> None:
    errors = await gql.errors(BOARD, {"pipelineId": data.board.stage_id("Won")})
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]
    assert "Expected the ID of a Pipeline" in errors[0]["message"]


async def test_statements_do_not_depend_on_stages_or_deals(
    http: httpx.AsyncClient, data: BoardData
) -> None:
    async def statements(pipeline_id: str) -> int:
        body = (
            await http.post(
                "/graphql",
                json={"query": BOARD, "variables": {"pipelineId": pipeline_id, "first": 10}},
            )
        ).json()
        assert "errors" not in body, body
        count: int = body["extensions"]["sql"]["statements"]
        return count

    # 5 stages and 6 live deals against 2 stages and 1 deal
    assert await statements(data.board.id) == await statements(data.small.id)


async def test_board_totals_serve_other_callers(app: Starlette, data: BoardData) -> None:
    # the function the live board subscription calls, with an administrator's rules
    def scope(model: Any, include_deleted: bool = False) -> list[Any]:
        return [model.__table__.c.deleted_at.is_(None)] if hasattr(model, "deleted_at") else []

    reader = Reader(app.state.resources.engine)
    columns = await board_totals(db=reader, pipeline_id=data.board.pipeline.id, scope=scope)
    async with app.state.resources.sessionmaker() as session:
        from_session = await board_totals(
            db=session, pipeline_id=data.board.pipeline.id, scope=scope
        )
    # it gives the same figures as the board, in minor units, through either handle
    assert [(c.count, c.total_minor, c.weighted_minor, c.currency) for c in columns] == [
        (3, 36225, 3622, "USD"),
        (1, 100000, 25000, "USD"),
        (0, 0, 0, "USD"),
        (1, 200000, 200000, "USD"),
        (1, 30000, 0, "USD"),
    ]
    assert from_session == columns


# --- the figures follow the deal mutations ----------------------------------------------------

CREATE_PIPELINE = """
mutation($input: CreatePipelineInput!) {
  createPipeline(input: $input) {
    pipeline { id stages { id name } }
    errors { field message code }
  }
}
"""
CREATE_DEAL = """
mutation($input: CreateDealInput!) {
  createDeal(input: $input) { deal { id version } errors { field message code } }
}
"""
MOVE_DEAL = """
mutation($input: MoveDealInput!) {
  moveDeal(input: $input) { deal { id version } errors { field message code } }
}
"""
WIN_DEAL = """
mutation($input: WinDealInput!) {
  winDeal(input: $input) { deal { id version closedAt } errors { field message code } }
}
"""
STATS = """
query($pipelineId: ID!, $from: DateTime!, $to: DateTime!) {
  pipelineStats(pipelineId: $pipelineId, from: $from, to: $to) {
    stages { stage { name } entered advanced conversionRate averageDaysInStage }
  }
}
"""
FORECAST = """
query($pipelineId: ID!, $from: Date!, $to: Date!) {
  forecast(pipelineId: $pipelineId, period: QUARTER, from: $from, to: $to, groupBy: PIPELINE) {
    buckets { committed { amount } weighted { amount } bestCase { amount } dealCount }
  }
}
"""


async def test_analytics_follow_the_deal_mutations(gql: GraphQLClient) -> None:
    # a pipeline and four deals made through the API, in the order d1 d2 d3 d4
    started = datetime.now(UTC)
    created = await gql.mutate(
        CREATE_PIPELINE,
        {
            "input": {
                "name": unique("Flow"),
                "currency": "USD",
                "stages": [
                    {"name": "Lead in", "probability": 20},
                    {"name": "Demo", "probability": 60},
                    {"name": "Won", "probability": 100, "kind": "WON"},
                    {"name": "Lost", "probability": 0, "kind": "LOST"},
                ],
            }
        },
    )
    pipeline_id = created["pipeline"]["id"]
    stages = {s["name"]: s["id"] for s in created["pipeline"]["stages"]}
    company = await factories.company(gql)
    deals = {}
    for title, amount in (("d1", "100.00"), ("d2", "200.00"), ("d3", "300.00"), ("d4", "50.00")):
        payload = await gql.mutate(
            CREATE_DEAL,
            {
                "input": {
                    "title": title,
                    "amount": money(amount),
                    "pipelineId": pipeline_id,
                    "companyId": company["id"],
                    "expectedCloseDate": started.date().isoformat() if title == "d4" else None,
                }
            },
        )
        deals[title] = payload["deal"]

    # d3 moves to the top of its column, d2 on to Demo, and d1 is won
    def move(title: str, stage: str, position: int | None = None) -> dict[str, Any]:
        deal = deals[title]
        return {
            "input": {
                "id": deal["id"],
                "expectedVersion": deal["version"],
                "stageId": stages[stage],
                "position": position,
            }
        }

    await gql.mutate(MOVE_DEAL, move("d3", "Lead in", 0))
    await gql.mutate(MOVE_DEAL, move("d2", "Demo"))
    won = await gql.mutate(
        WIN_DEAL, {"input": {"id": deals["d1"]["id"], "expectedVersion": deals["d1"]["version"]}}
    )
    finished = datetime.now(UTC)

    # the board shows Lead in: d3 d4 (350.00, x 20% = 70.00), Demo: d2 (200 x 60% = 120),
    # Won: d1
    board = await board_of(gql, pipeline_id)
    assert totals(board) == [
        ("Lead in", 2, "350.00", "70.00"),
        ("Demo", 1, "200.00", "120.00"),
        ("Won", 1, "100.00", "100.00"),
        ("Lost", 0, "0.00", "0.00"),
    ]
    assert [titles(c) for c in board["columns"]] == [["d3", "d4"], ["d2"], ["d1"], []]

    # and the stage history: four deals entered Lead in, two went on (d2 to Demo, d1 to Won)
    window = {
        "from": (started - timedelta(minutes=1)).isoformat(),
        "to": (finished + timedelta(minutes=1)).isoformat(),
    }
    data = await gql.query(STATS, {"pipelineId": pipeline_id, **window})
    rows = {r["stage"]["name"]: r for r in data["pipelineStats"]["stages"]}
    assert [(r["entered"], r["advanced"], r["conversionRate"]) for r in rows.values()] == [
        (4, 2, 0.5),
        (1, 0, 0.0),
        (1, 0, 0.0),
        (0, 0, None),
    ]
    # the two finished stays in Lead in lasted less than the test
    lead_days = rows["Lead in"]["averageDaysInStage"]
    assert lead_days is not None
    assert 0 <= lead_days <= (finished - started).total_seconds() / 86400
    assert rows["Demo"]["averageDaysInStage"] is None

    # and the forecast: d1 committed (closed now), d4 expected today (50 x 20% = 10.00)
    closed_on = datetime.fromisoformat(won["deal"]["closedAt"]).date()
    forecast = await gql.query(
        FORECAST,
        {
            "pipelineId": pipeline_id,
            "from": started.date().isoformat(),
            "to": closed_on.isoformat(),
        },
    )
    buckets = forecast["forecast"]["buckets"]
    assert sum(Decimal(b["committed"]["amount"]) for b in buckets) == Decimal("100.00")
    assert sum(Decimal(b["weighted"]["amount"]) for b in buckets) == Decimal("10.00")
    assert sum(Decimal(b["bestCase"]["amount"]) for b in buckets) == Decimal("150.00")
    assert sum(b["dealCount"] for b in buckets) == 2
