"""The `pipelineStats` root field over a hand-made history of stage changes, its figures
worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from starlette.applications import Starlette

from crm_graphql.core.db import write_session
from crm_graphql.core.ids import encode_id
from crm_graphql.pipelines.models import StageKind
from crm_graphql.platform.users.models import UserRole
from tests.forecasts.pipeline_data import PipelineData, at, new_pipeline, new_user
from tests.support.databases import sqlite_only
from tests.support.graphql_client import GraphQLClient, SignIn

# --- pipelineStats over a hand-made history ---------------------------------------------------

STATS_STAGES = (
    ("Lead in", 10, StageKind.OPEN),
    ("Qualified", 25, StageKind.OPEN),
    ("Proposal", 50, StageKind.OPEN),
    ("Won", 100, StageKind.WON),
    ("Lost", 0, StageKind.LOST),
)


@dataclass
class StatsData:
    pipeline: PipelineData
    sam_email: str


@pytest.fixture(scope="module")
async def history(app: Starlette, sign_in: SignIn) -> StatsData:
    """Stage histories in March 2031 (see the tests for what each shows)."""
    sam_email, sam = await new_user(sign_in, "sam")
    _, other = await new_user(sign_in, "other")
    async with write_session(app.state.resources.sessionmaker) as session:
        p = await new_pipeline(session, stages=STATS_STAGES)
        await p.deal(
            "A",
            "Won",
            "100.00",
            owner=sam,
            closed_at=at("2031-03-10 12:00"),
            history=[
                ("Lead in", at("2031-03-01 00:00")),
                ("Qualified", at("2031-03-03 00:00")),
                ("Proposal", at("2031-03-04 12:00")),
                ("Won", at("2031-03-10 12:00")),
            ],
        )
        await p.deal(
            "B",
            "Lost",
            "100.00",
            owner=sam,
            closed_at=at("2031-03-06 00:00"),
            history=[("Lead in", at("2031-03-02 00:00")), ("Lost", at("2031-03-06 00:00"))],
        )
        await p.deal(
            "C",
            "Lead in",
            "100.00",
            history=[
                ("Lead in", at("2031-03-05 00:00")),
                ("Qualified", at("2031-03-05 06:00")),
                ("Lead in", at("2031-03-07 06:00")),
            ],
        )
        await p.deal(
            "D",
            "Proposal",
            "100.00",
            history=[("Qualified", at("2031-02-20 00:00")), ("Proposal", at("2031-03-02 00:00"))],
        )
        await p.deal(
            "E",
            "Qualified",
            "100.00",
            owner=sam,
            deleted=True,
            history=[("Lead in", at("2031-03-01 00:00")), ("Qualified", at("2031-03-02 00:00"))],
        )
        await p.deal(
            "G",
            "Qualified",
            "100.00",
            owner=other,
            history=[("Lead in", at("2031-03-01 00:00")), ("Qualified", at("2031-03-02 00:00"))],
        )
    return StatsData(p, sam_email)


STATS = """
query($pipelineId: ID!, $from: DateTime!, $to: DateTime!) {
  pipelineStats(pipelineId: $pipelineId, from: $from, to: $to) {
    stages { stage { name } entered advanced conversionRate averageDaysInStage }
  }
}
"""

MARCH_1_TO_8 = {"from": "2031-03-01T00:00:00Z", "to": "2031-03-08T00:00:00Z"}


def stats_by_stage(data: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    rows = data["pipelineStats"]["stages"]
    return {
        row["stage"]["name"]: (
            row["entered"],
            row["advanced"],
            None if row["conversionRate"] is None else round(row["conversionRate"], 6),
            None if row["averageDaysInStage"] is None else round(row["averageDaysInStage"], 6),
        )
        for row in rows
    }


async def test_stage_conversion_and_days_in_stage(gql: GraphQLClient, history: StatsData) -> None:
    data = await gql.query(STATS, {"pipelineId": history.pipeline.id, **MARCH_1_TO_8})
    # in [03-01, 03-08):
    # Lead in: entered by A (03-01), B (03-02), C (03-05, again 03-07), G (03-01): 4 deals
    #   (deleted E does not count); advanced A, C (to Qualified), G; B only reached Lost: 3/4.
    #   Completed stays that ended in range: A 2 days, B 4, C 0.25, G 1 -> 7.25 / 4 = 1.8125
    #   (C's second stay goes on).
    # Qualified: entered by A (03-03), C (03-05 06:00), G (03-02); D entered in February.
    #   Advanced: A only (C went back to Lead in, G stays): 1/3.
    #   Stays ended in range: A 1.5 days, C 2, D 10 (entered before the range) -> 4.5.
    # Proposal: entered by D (03-02) and A (03-04 12:00); A reached Won on 03-10, after the
    #   range, which still counts: 1/2. No stay ended in range (A left on 03-10): null.
    # Won: nobody entered in range (A on 03-10): null rate, null days.
    # Lost: B entered (03-06) and stays: 0/1 = 0.0, null days.
    assert list(stats_by_stage(data).items()) == [
        ("Lead in", (4, 3, 0.75, 1.8125)),
        ("Qualified", (3, 1, round(1 / 3, 6), 4.5)),
        ("Proposal", (2, 1, 0.5, None)),
        ("Won", (0, 0, None, None)),
        ("Lost", (1, 0, 0.0, None)),
    ]


async def test_a_sales_user_sees_the_stats_of_its_own_and_unowned_deals(
    sign_in: SignIn, history: StatsData
) -> None:
    sam = await sign_in.client(history.sam_email, UserRole.SALES)
    try:
        data = await sam.query(STATS, {"pipelineId": history.pipeline.id, **MARCH_1_TO_8})
    finally:
        await sam.http.aclose()
    # without G (another user's): Lead in 2/3, stays A 2 + B 4 + C 0.25 = 6.25 / 3;
    # Qualified 1/2 (A, C), stays 1.5 + 2 + 10 = 13.5 / 3 = 4.5
    stats = stats_by_stage(data)
    assert stats["Lead in"] == (3, 2, round(2 / 3, 6), round(6.25 / 3, 6))
    assert stats["Qualified"] == (2, 1, 0.5, 4.5)


async def test_a_later_range_sees_the_later_moves(gql: GraphQLClient, history: StatsData) -> None:
    data = await gql.query(
        STATS,
        {
            "pipelineId": history.pipeline.id,
            "from": "2031-03-08T00:00:00Z",
            "to": "2031-04-01T00:00:00Z",
        },
    )
    # only A's move to Won (03-10 12:00) happens: it ends A's 6-day Proposal stay
    assert list(stats_by_stage(data).items()) == [
        ("Lead in", (0, 0, None, None)),
        ("Qualified", (0, 0, None, None)),
        ("Proposal", (0, 0, None, 6.0)),
        ("Won", (1, 0, 0.0, None)),
        ("Lost", (0, 0, None, None)),
    ]


async def test_stats_of_a_missing_pipeline_are_null(gql: GraphQLClient) -> None:
    data = await gql.query(STATS, {"pipelineId": encode_id("Pipeline", 2**31 - 1), **MARCH_1_TO_8})
    assert data == {"pipelineStats": None}


@sqlite_only
async def test_stats_refuse_a_reversed_range(gql: GraphQLClient, history: StatsData) -> None:
    errors = await gql.errors(
        STATS,
        {
            "pipelineId": history.pipeline.id,
            "from": "2031-03-08T00:00:00Z",
            "to": "2031-03-01T00:00:00Z",
        },
    )
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]
    assert "is before `from`" in errors[0]["message"]
