"""The `forecast` root field over a fixed, hand-computed data set.

The module builds its own pipelines (see pipeline_data.py), and the expected figures are worked
out by hand below."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from starlette.applications import Starlette

from crm_graphql.core.db import write_session
from crm_graphql.core.ids import encode_id
from crm_graphql.platform.users.models import UserRole
from tests.forecasts.pipeline_data import PipelineData, at, money, new_pipeline, new_user
from tests.support.databases import sqlite_only
from tests.support.graphql_client import GraphQLClient, SignIn

# --- the forecast data set -------------------------------------------------------------------


@dataclass
class ForecastData:
    usd: PipelineData
    eur: PipelineData
    ann: int
    ann_email: str
    bob: int


@pytest.fixture(scope="module")
async def data(app: Starlette, sign_in: SignIn) -> ForecastData:
    """USD pipeline (stages 10/25/50/75/Won/Lost) in 2031:

    won   W1 1,500.00 ann closed 01-20 10:00   W2 3,000.00 bob closed 02-28 23:59:59
          W3   700.00 ann closed 04-01 00:00   W0   900.00 bob closed 2030-12-31 23:59 (before)
    open  O1 10,000.00 ann Qualified 25% expected 01-15   O2 4,000.00 bob Proposal 50% 01-31
          O3 12.25 ann Lead 10% 03-01   O4 12.25 unowned Lead 10% 03-31
          O5 2,000.00 bob Negotiation 75% 05-10   O7 6,000.00 bob Qualified 07-01 (after)
          O6 999.00 ann Proposal, no expected close date (left out)
    lost  L1 5,000.00 ann closed 01-10 (never counts)
    deleted X1 8,000.00 ann Qualified expected 01-20 (never counts)
    EUR pipeline: E1 800.00 ann Qualified 25% expected 01-05.
    """
    ann_email, ann = await new_user(sign_in, "ann")
    _, bob = await new_user(sign_in, "bob")
    async with write_session(app.state.resources.sessionmaker) as session:
        usd = await new_pipeline(session)
        await usd.deal("W1", "Won", "1500.00", owner=ann, closed_at=at("2031-01-20 10:00"))
        await usd.deal("W2", "Won", "3000.00", owner=bob, closed_at=at("2031-02-28 23:59:59"))
        await usd.deal("W3", "Won", "700.00", owner=ann, closed_at=at("2031-04-01 00:00"))
        await usd.deal("W0", "Won", "900.00", owner=bob, closed_at=at("2030-12-31 23:59"))
        await usd.deal("O1", "Qualified", "10000.00", owner=ann, expected=date(2031, 1, 15))
        await usd.deal("O2", "Proposal", "4000.00", owner=bob, expected=date(2031, 1, 31))
        await usd.deal("O3", "Lead in", "12.25", owner=ann, expected=date(2031, 3, 1))
        await usd.deal("O4", "Lead in", "12.25", expected=date(2031, 3, 31))
        await usd.deal("O5", "Negotiation", "2000.00", owner=bob, expected=date(2031, 5, 10))
        await usd.deal("O7", "Qualified", "6000.00", owner=bob, expected=date(2031, 7, 1))
        await usd.deal("O6", "Proposal", "999.00", owner=ann)
        await usd.deal(
            "L1",
            "Lost",
            "5000.00",
            owner=ann,
            expected=date(2031, 1, 10),
            closed_at=at("2031-01-10 09:00"),
        )
        await usd.deal(
            "X1", "Qualified", "8000.00", owner=ann, expected=date(2031, 1, 20), deleted=True
        )
        eur = await new_pipeline(session, currency="EUR")
        await eur.deal("E1", "Qualified", "800.00", owner=ann, expected=date(2031, 1, 5))
    return ForecastData(usd, eur, ann, ann_email, bob)


FORECAST = """
query($pipelineId: ID, $period: ForecastPeriod!, $from: Date!, $to: Date!,
      $groupBy: ForecastGroupBy!) {
  forecast(pipelineId: $pipelineId, period: $period, from: $from, to: $to, groupBy: $groupBy) {
    period from to groupBy
    buckets {
      periodStart periodEnd currency dealCount
      committed { amount currency } weighted { amount currency } bestCase { amount currency }
      owner { id } stage { id name } pipeline { id }
    }
  }
}
"""


def bucket(
    start: str,
    end: str,
    committed: str,
    weighted: str,
    best_case: str,
    count: int,
    *,
    currency: str = "USD",
    owner: str | None = None,
    stage: str | None = None,
    pipeline: str | None = None,
) -> dict[str, Any]:
    return {
        "periodStart": start,
        "periodEnd": end,
        "currency": currency,
        "dealCount": count,
        "committed": money(committed, currency),
        "weighted": money(weighted, currency),
        "bestCase": money(best_case, currency),
        "owner": None if owner is None else {"id": owner},
        "stage": stage,
        "pipeline": None if pipeline is None else {"id": pipeline},
    }


async def run_forecast(gql: GraphQLClient, **variables: Any) -> dict[str, Any]:
    data = await gql.query(FORECAST, variables)
    result: dict[str, Any] = data["forecast"]
    return result


async def test_monthly_forecast_of_one_pipeline(gql: GraphQLClient, data: ForecastData) -> None:
    # the USD pipeline's deals
    # asking for months, with a range that starts and ends mid-month
    result = await run_forecast(
        gql,
        pipelineId=data.usd.id,
        period="MONTH",
        **{"from": "2031-01-15", "to": "2031-05-10"},
        groupBy="PIPELINE",
    )
    # the range widens to whole months, and each month holds (by hand):
    # Jan: committed W1 1,500.00; weighted 10,000 x 0.25 + 4,000 x 0.5 = 4,500.00;
    #      best case 1,500 + 10,000 + 4,000 = 15,500.00; 3 deals
    # Feb: W2 3,000.00 (closed 23:59:59 on the 28th)
    # Mar: weighted (1,225 + 1,225) x 10 / 100 = 245 minor units = 2.45, rounded once per
    #      bucket (per deal it would be 1.22 + 1.22 = 2.44); best case 24.50
    # Apr: W3 700.00 (closed at 00:00 on 1 April: April, not March)
    # May: weighted 2,000 x 0.75 = 1,500.00; best case 2,000.00
    p = data.usd.id
    assert result["period"] == "MONTH"
    assert result["groupBy"] == "PIPELINE"
    assert (result["from"], result["to"]) == ("2031-01-01", "2031-05-31")
    assert result["buckets"] == [
        bucket("2031-01-01", "2031-01-31", "1500.00", "4500.00", "15500.00", 3, pipeline=p),
        bucket("2031-02-01", "2031-02-28", "3000.00", "0.00", "3000.00", 1, pipeline=p),
        bucket("2031-03-01", "2031-03-31", "0.00", "2.45", "24.50", 2, pipeline=p),
        bucket("2031-04-01", "2031-04-30", "700.00", "0.00", "700.00", 1, pipeline=p),
        bucket("2031-05-01", "2031-05-31", "0.00", "1500.00", "2000.00", 1, pipeline=p),
    ]


async def test_quarterly_forecast_of_one_pipeline(gql: GraphQLClient, data: ForecastData) -> None:
    result = await run_forecast(
        gql,
        pipelineId=data.usd.id,
        period="QUARTER",
        **{"from": "2031-02-10", "to": "2031-04-01"},
        groupBy="PIPELINE",
    )
    # Q1: committed 1,500 + 3,000 = 4,500.00
    #     weighted (1,000,000 x 25 + 400,000 x 50 + 1,225 x 10 + 1,225 x 10) / 100 minor
    #              = 450,245 minor = 4,502.45
    #     best case 4,500 + 10,000 + 4,000 + 12.25 + 12.25 = 18,524.50; 6 deals
    # Q2: committed 700.00, weighted 1,500.00, best case 2,700.00; 2 deals (O7 is in Q3)
    p = data.usd.id
    assert (result["from"], result["to"]) == ("2031-01-01", "2031-06-30")
    assert result["buckets"] == [
        bucket("2031-01-01", "2031-03-31", "4500.00", "4502.45", "18524.50", 6, pipeline=p),
        bucket("2031-04-01", "2031-06-30", "700.00", "1500.00", "2700.00", 2, pipeline=p),
    ]


async def test_forecast_by_owner_rounds_each_bucket_half_even(
    gql: GraphQLClient, data: ForecastData
) -> None:
    result = await run_forecast(
        gql,
        pipelineId=data.usd.id,
        period="MONTH",
        **{"from": "2031-01-01", "to": "2031-05-31"},
        groupBy="OWNER",
    )
    # Jan ann: W1 1,500 committed, O1 2,500 weighted; bob: O2 2,000 weighted
    # Mar ann: O3 1,225 x 10 / 100 = 122.5 minor -> half-even 122 = 1.22; unowned O4 likewise,
    #      after the owned buckets
    ann, bob = encode_id("User", data.ann), encode_id("User", data.bob)
    assert result["buckets"] == [
        bucket("2031-01-01", "2031-01-31", "1500.00", "2500.00", "11500.00", 2, owner=ann),
        bucket("2031-01-01", "2031-01-31", "0.00", "2000.00", "4000.00", 1, owner=bob),
        bucket("2031-02-01", "2031-02-28", "3000.00", "0.00", "3000.00", 1, owner=bob),
        bucket("2031-03-01", "2031-03-31", "0.00", "1.22", "12.25", 1, owner=ann),
        bucket("2031-03-01", "2031-03-31", "0.00", "1.22", "12.25", 1),
        bucket("2031-04-01", "2031-04-30", "700.00", "0.00", "700.00", 1, owner=ann),
        bucket("2031-05-01", "2031-05-31", "0.00", "1500.00", "2000.00", 1, owner=bob),
    ]


async def test_forecast_by_stage(gql: GraphQLClient, data: ForecastData) -> None:
    result = await run_forecast(
        gql,
        pipelineId=data.usd.id,
        period="QUARTER",
        **{"from": "2031-01-01", "to": "2031-06-30"},
        groupBy="STAGE",
    )

    def stage(name: str) -> dict[str, str]:
        return {"id": data.usd.stage_id(name), "name": name}

    q1, q1_end, q2, q2_end = "2031-01-01", "2031-03-31", "2031-04-01", "2031-06-30"
    # stages in position order within each quarter
    expected = [
        bucket(q1, q1_end, "0.00", "2.45", "24.50", 2),  # Lead in: O3 + O4
        bucket(q1, q1_end, "0.00", "2500.00", "10000.00", 1),  # Qualified: O1
        bucket(q1, q1_end, "0.00", "2000.00", "4000.00", 1),  # Proposal: O2
        bucket(q1, q1_end, "4500.00", "0.00", "4500.00", 2),  # Won: W1 + W2
        bucket(q2, q2_end, "0.00", "1500.00", "2000.00", 1),  # Negotiation: O5
        bucket(q2, q2_end, "700.00", "0.00", "700.00", 1),  # Won: W3
    ]
    names = ["Lead in", "Qualified", "Proposal", "Won", "Negotiation", "Won"]
    for item, name in zip(expected, names, strict=True):
        item["stage"] = stage(name)
    assert result["buckets"] == expected


async def test_currencies_never_mix(gql: GraphQLClient, data: ForecastData) -> None:
    # ann's deals in the USD and the EUR pipeline in January
    # forecasting every pipeline by owner
    result = await run_forecast(
        gql, period="MONTH", **{"from": "2031-01-01", "to": "2031-01-31"}, groupBy="OWNER"
    )
    # ann has one bucket per currency (EUR first): E1 800 x 0.25 = 200.00
    ann = encode_id("User", data.ann)
    mine = [b for b in result["buckets"] if b["owner"] == {"id": ann}]
    assert mine == [
        bucket(
            "2031-01-01", "2031-01-31", "0.00", "200.00", "800.00", 1, currency="EUR", owner=ann
        ),
        bucket("2031-01-01", "2031-01-31", "1500.00", "2500.00", "11500.00", 2, owner=ann),
    ]


async def test_forecast_of_every_pipeline_by_pipeline(
    gql: GraphQLClient, data: ForecastData
) -> None:
    result = await run_forecast(
        gql, period="QUARTER", **{"from": "2031-01-01", "to": "2031-03-31"}, groupBy="PIPELINE"
    )
    ours = {data.usd.id, data.eur.id}
    mine = [b for b in result["buckets"] if b["pipeline"]["id"] in ours]
    q1 = ("2031-01-01", "2031-03-31")
    assert mine == [
        bucket(*q1, "4500.00", "4502.45", "18524.50", 6, pipeline=data.usd.id),
        bucket(*q1, "0.00", "200.00", "800.00", 1, currency="EUR", pipeline=data.eur.id),
    ]


async def test_a_sales_user_forecasts_only_its_own_and_unowned_deals(
    sign_in: SignIn, data: ForecastData
) -> None:
    # ann, a SALES user: bob's O2 and W2 are not hers
    ann = await sign_in.client(data.ann_email, UserRole.SALES)
    try:
        result = await run_forecast(
            ann,
            pipelineId=data.usd.id,
            period="QUARTER",
            **{"from": "2031-01-01", "to": "2031-03-31"},
            groupBy="PIPELINE",
        )
    finally:
        await ann.http.aclose()
    # Q1 holds W1 1,500 committed; weighted O1 2,500 + O3 1.225 + O4 1.225 = 2,502.45;
    # best case 1,500 + 10,000 + 12.25 + 12.25 = 11,524.50
    assert result["buckets"] == [
        bucket(
            "2031-01-01", "2031-03-31", "1500.00", "2502.45", "11524.50", 4, pipeline=data.usd.id
        )
    ]


async def test_an_empty_range_has_no_buckets(gql: GraphQLClient, data: ForecastData) -> None:
    result = await run_forecast(
        gql,
        pipelineId=data.usd.id,
        period="MONTH",
        **{"from": "2031-06-01", "to": "2031-06-30"},
        groupBy="STAGE",
    )
    assert result["buckets"] == []
    assert (result["from"], result["to"]) == ("2031-06-01", "2031-06-30")


async def test_forecast_takes_a_constant_number_of_statements(
    http: Any, data: ForecastData
) -> None:
    async def statements(start: str, end: str) -> int:
        variables = {"period": "MONTH", "from": start, "to": end, "groupBy": "OWNER"}
        body = (
            await http.post("/graphql", json={"query": FORECAST, "variables": variables})
        ).json()
        assert "errors" not in body, body
        count: int = body["extensions"]["sql"]["statements"]
        return count

    # one month with few buckets, and five years of months with many
    assert await statements("2031-01-01", "2031-01-31") == await statements(
        "2027-01-01", "2031-12-31"
    )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2031-02-01", "2031-01-31", "`to` (2031-01-31) is before `from` (2031-02-01)."),
        ("2030-01-01", "2035-01-01", "A forecast covers at most 5 years"),
        ("2028-02-29", "2033-03-01", "`to` must be before 2033-03-01"),
        ("9998-01-01", "9999-12-31", "`to` must not be after 9998-12-31."),
    ],
)
@sqlite_only
async def test_bad_ranges_are_refused(
    gql: GraphQLClient, start: str, end: str, message: str
) -> None:
    errors = await gql.errors(
        FORECAST, {"period": "MONTH", "from": start, "to": end, "groupBy": "PIPELINE"}
    )
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]
    assert message in errors[0]["message"]


async def test_five_years_exactly_are_allowed(gql: GraphQLClient, data: ForecastData) -> None:
    result = await run_forecast(
        gql,
        pipelineId=data.usd.id,
        period="QUARTER",
        **{"from": "2030-01-01", "to": "2034-12-31"},
        groupBy="PIPELINE",
    )
    # W0 (Q4 2030) and O7 (Q3 2031) are in range too
    starts = [b["periodStart"] for b in result["buckets"]]
    assert starts == ["2030-10-01", "2031-01-01", "2031-04-01", "2031-07-01"]


@sqlite_only
async def test_a_pipeline_id_of_another_type_is_refused(gql: GraphQLClient) -> None:
    errors = await gql.errors(
        FORECAST,
        {
            "pipelineId": encode_id("Customer", 1),
            "period": "MONTH",
            "from": "2031-01-01",
            "to": "2031-01-31",
            "groupBy": "OWNER",
        },
    )
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]
    assert "Expected the ID of a Pipeline" in errors[0]["message"]
