"""A deal's way through its pipeline: board order and moves, winning, losing and reopening
with their history, the customer's lifecycle that follows them, updates and deletion."""

from __future__ import annotations

import uuid

from crm_graphql.platform.users.models import UserRole
from tests.deals.operations import (
    CUSTOMER,
    DEALS,
    DELETE,
    LOSE,
    MOVE,
    REOPEN,
    RESTORE,
    UPDATE,
    WIN,
    column_ids,
    error_fields,
    money_input,
    move_deal,
    new_deal,
    new_pipeline,
    read_deal,
    steps,
    viewer_id,
)
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, SignIn

# --- board order and moves ------------------------------------------------------------------


async def test_new_deals_go_to_the_end_of_their_column(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    deals = [await new_deal(gql, stageId=pipeline["A"]) for _ in range(3)]
    assert await column_ids(gql, pipeline["A"]) == [d["id"] for d in deals]


async def test_move_deals_to_positions(gql: GraphQLClient) -> None:
    # a, b, c in A
    pipeline = await new_pipeline(gql)
    a, b, c = [await new_deal(gql, stageId=pipeline["A"]) for _ in range(3)]
    # c to the top of its own column
    await move_deal(gql, c, pipeline["A"], position=0)
    assert await column_ids(gql, pipeline["A"]) == [c["id"], a["id"], b["id"]]
    assert len(c["stageHistory"]) == 1  # no stage change, no history
    assert c["version"] == 2
    # b between c and a
    await move_deal(gql, b, pipeline["A"], position=1)
    assert await column_ids(gql, pipeline["A"]) == [c["id"], b["id"], a["id"]]
    # into B: at the end by default, then at a place
    await move_deal(gql, a, pipeline["B"])
    await move_deal(gql, c, pipeline["B"])
    await move_deal(gql, b, pipeline["B"], position=1)
    assert await column_ids(gql, pipeline["B"]) == [a["id"], b["id"], c["id"]]
    assert await column_ids(gql, pipeline["A"]) == []
    # a position past the end is the end
    await move_deal(gql, a, pipeline["B"], position=99)
    assert await column_ids(gql, pipeline["B"]) == [b["id"], c["id"], a["id"]]
    assert steps(b) == [(None, pipeline["A"]), (pipeline["A"], pipeline["B"])]
    # orderBy still wins over the board order
    data = await gql.query(
        """query($id: ID!) { node(id: $id) { ... on PipelineStage {
             deals(orderBy: [{field: ID, direction: DESC}]) { nodes { id } } } } }""",
        {"id": pipeline["B"]},
    )
    assert [n["id"] for n in data["node"]["deals"]["nodes"]] == [c["id"], b["id"], a["id"]]


async def test_many_moves_between_the_same_neighbours_keep_the_order(gql: GraphQLClient) -> None:
    # every move halves the gap between the first two deals, until the column is renumbered
    pipeline = await new_pipeline(gql)
    first, second, third = [await new_deal(gql, stageId=pipeline["A"]) for _ in range(3)]
    for _ in range(30):
        await move_deal(gql, third, pipeline["A"], position=1)
        await move_deal(gql, second, pipeline["A"], position=1)
    assert await column_ids(gql, pipeline["A"]) == [first["id"], second["id"], third["id"]]
    await move_deal(gql, first, pipeline["A"], position=2)
    assert await column_ids(gql, pipeline["A"]) == [second["id"], third["id"], first["id"]]


async def test_negative_positions_are_refused(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    deal = await new_deal(gql, stageId=pipeline["A"])
    errors = await gql.user_errors(
        MOVE,
        {
            "input": {
                "id": deal["id"],
                "expectedVersion": 1,
                "stageId": pipeline["B"],
                "position": -1,
            }
        },
    )
    assert error_fields(errors) == {("input", "position"): "VALIDATION"}


async def test_stale_versions_are_conflicts(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    deal = await new_deal(gql, stageId=pipeline["A"])
    await move_deal(gql, deal, pipeline["B"])
    for document, input in (
        (MOVE, {"stageId": pipeline["A"]}),
        (UPDATE, {"title": "Stale"}),
        (WIN, {}),
        (LOSE, {"reason": "Stale"}),
    ):
        errors = await gql.user_errors(
            document, {"input": {"id": deal["id"], "expectedVersion": 1, **input}}
        )
        assert error_fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    stored = await read_deal(gql, deal["id"])
    assert stored is not None
    assert (stored["stage"]["id"], stored["version"], stored["status"]) == (
        pipeline["B"],
        2,
        "OPEN",
    )


async def test_moves_between_pipelines_need_the_same_currency(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    euros = await new_pipeline(gql)
    pounds = await new_pipeline(gql, currency="GBP")
    deal = await new_deal(gql, stageId=pipeline["A"])
    errors = await gql.user_errors(
        MOVE, {"input": {"id": deal["id"], "expectedVersion": 1, "stageId": pounds["A"]}}
    )
    assert error_fields(errors) == {("input", "stageId"): "VALIDATION"}
    assert "same currency" in errors[0]["message"]
    await move_deal(gql, deal, euros["B"])
    assert (deal["pipeline"]["id"], deal["stage"]["id"]) == (euros["id"], euros["B"])
    assert steps(deal)[-1] == (pipeline["A"], euros["B"])


# --- win, lose, reopen ----------------------------------------------------------------------


async def test_win_lose_and_reopen(gql: GraphQLClient) -> None:
    # a deal that went from A to B
    pipeline = await new_pipeline(gql)
    admin = await viewer_id(gql)
    deal = await new_deal(gql, stageId=pipeline["A"])
    await move_deal(gql, deal, pipeline["B"])
    # won from B
    won = (await gql.mutate(WIN, {"input": {"id": deal["id"], "expectedVersion": 2}}))["deal"]
    assert (won["status"], won["stage"]["id"], won["lostReason"]) == ("WON", pipeline["Won"], None)
    assert won["closedAt"] is not None
    assert won["closedAt"] == won["stageEnteredAt"]
    assert steps(won)[-1] == (pipeline["B"], pipeline["Won"])
    assert won["stageHistory"][-1]["user"] == {"id": admin}
    errors = await gql.user_errors(
        WIN, {"input": {"id": deal["id"], "expectedVersion": won["version"]}}
    )
    assert error_fields(errors) == {("input", "id"): "INVALID_TRANSITION"}
    # reopened: back to B, the last open stage it was in
    reopened = (
        await gql.mutate(REOPEN, {"input": {"id": deal["id"], "expectedVersion": won["version"]}})
    )["deal"]
    assert (reopened["status"], reopened["stage"]["id"], reopened["closedAt"]) == (
        "OPEN",
        pipeline["B"],
        None,
    )
    errors = await gql.user_errors(
        REOPEN, {"input": {"id": deal["id"], "expectedVersion": reopened["version"]}}
    )
    assert error_fields(errors) == {("input", "id"): "INVALID_TRANSITION"}
    # lost: a reason is required
    errors = await gql.user_errors(
        LOSE, {"input": {"id": deal["id"], "expectedVersion": reopened["version"], "reason": " "}}
    )
    assert error_fields(errors) == {("input", "reason"): "VALIDATION"}
    lost = (
        await gql.mutate(
            LOSE,
            {
                "input": {
                    "id": deal["id"],
                    "expectedVersion": reopened["version"],
                    "reason": "Chose a competitor",
                }
            },
        )
    )["deal"]
    assert (lost["status"], lost["stage"]["id"], lost["lostReason"]) == (
        "LOST",
        pipeline["Lost"],
        "Chose a competitor",
    )
    assert lost["closedAt"] is not None
    # reopened into a stage of our choice: the reason goes
    errors = await gql.user_errors(
        REOPEN,
        {
            "input": {
                "id": deal["id"],
                "expectedVersion": lost["version"],
                "stageId": pipeline["Won"],
            }
        },
    )
    assert error_fields(errors) == {("input", "stageId"): "VALIDATION"}
    again = (
        await gql.mutate(
            REOPEN,
            {
                "input": {
                    "id": deal["id"],
                    "expectedVersion": lost["version"],
                    "stageId": pipeline["A"],
                }
            },
        )
    )["deal"]
    assert (again["status"], again["stage"]["id"], again["lostReason"], again["closedAt"]) == (
        "OPEN",
        pipeline["A"],
        None,
        None,
    )
    assert steps(again) == [
        (None, pipeline["A"]),
        (pipeline["A"], pipeline["B"]),
        (pipeline["B"], pipeline["Won"]),
        (pipeline["Won"], pipeline["B"]),
        (pipeline["B"], pipeline["Lost"]),
        (pipeline["Lost"], pipeline["A"]),
    ]
    assert {h["user"]["id"] for h in again["stageHistory"]} == {admin}


async def test_moving_to_closed_stages_wins_and_loses(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    deal = await new_deal(gql, stageId=pipeline["A"])
    errors = await gql.user_errors(
        MOVE, {"input": {"id": deal["id"], "expectedVersion": 1, "stageId": pipeline["Lost"]}}
    )
    assert error_fields(errors) == {("input", "lostReason"): "VALIDATION"}
    errors = await gql.user_errors(
        MOVE,
        {
            "input": {
                "id": deal["id"],
                "expectedVersion": 1,
                "stageId": pipeline["B"],
                "lostReason": "Not for open stages",
            }
        },
    )
    assert error_fields(errors) == {("input", "lostReason"): "VALIDATION"}
    await move_deal(gql, deal, pipeline["Lost"], lostReason="Too expensive")
    assert (deal["status"], deal["lostReason"]) == ("LOST", "Too expensive")
    assert deal["closedAt"] is not None
    await move_deal(gql, deal, pipeline["Won"])
    assert (deal["status"], deal["lostReason"]) == ("WON", None)
    await move_deal(gql, deal, pipeline["A"])
    assert (deal["status"], deal["closedAt"]) == ("OPEN", None)


# --- the customer's lifecycle ---------------------------------------------------------------


async def _lifecycle(gql: GraphQLClient, customer_id: str) -> str:
    stage: str = (await gql.query(CUSTOMER, {"id": customer_id}))["customer"]["lifecycleStage"]
    return stage


async def test_deals_move_the_customer_forward(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    customer = await factories.customer(gql, lifecycleStage="LEAD")
    # a first deal
    first = await new_deal(gql, stageId=pipeline["A"], customerId=customer["id"])
    assert await _lifecycle(gql, customer["id"]) == "PROSPECT"
    # a lost deal changes nothing; a won one makes a customer
    second = await new_deal(gql, stageId=pipeline["A"], customerId=customer["id"])
    await gql.mutate(LOSE, {"input": {"id": second["id"], "expectedVersion": 1, "reason": "No"}})
    assert await _lifecycle(gql, customer["id"]) == "PROSPECT"
    await gql.mutate(WIN, {"input": {"id": first["id"], "expectedVersion": 1}})
    assert await _lifecycle(gql, customer["id"]) == "CUSTOMER"
    # and never back: a new deal leaves a CUSTOMER as it is
    await new_deal(gql, stageId=pipeline["A"], customerId=customer["id"])
    assert await _lifecycle(gql, customer["id"]) == "CUSTOMER"
    data = await gql.query(CUSTOMER, {"id": customer["id"]})
    assert data["customer"]["deals"]["totalCount"] == 3


async def test_churned_customers_stay_churned(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    customer = await factories.customer(gql, lifecycleStage="CHURNED")
    deal = await new_deal(gql, stageId=pipeline["A"], customerId=customer["id"])
    assert await _lifecycle(gql, customer["id"]) == "CHURNED"
    await gql.mutate(WIN, {"input": {"id": deal["id"], "expectedVersion": 1}})
    assert await _lifecycle(gql, customer["id"]) == "CHURNED"


async def test_an_unowned_lead_gets_the_deals_owner(gql: GraphQLClient, sign_in: SignIn) -> None:
    email = f"deal-owner-{uuid.uuid4().hex[:10]}@deals.tests.example"
    await sign_in.user(email, UserRole.SALES)
    sales = await sign_in.client(email, UserRole.SALES)
    sales_id = await viewer_id(sales)
    customer = await factories.customer(gql, lifecycleStage="LEAD")
    pipeline = await new_pipeline(gql)
    # the SALES user sees the unowned lead and opens a deal: the lead stays theirs
    deal = await new_deal(sales, stageId=pipeline["A"], customerId=customer["id"])
    assert deal["owner"] == {"id": sales_id}
    data = await sales.query(CUSTOMER, {"id": customer["id"]})
    assert data["customer"]["lifecycleStage"] == "PROSPECT"
    assert data["customer"]["owner"] == {"id": sales_id}
    await sales.http.aclose()


# --- updates, deletion ----------------------------------------------------------------------


async def test_update_a_deal(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    company = await factories.company(gql)
    deal = await new_deal(gql, stageId=pipeline["A"], companyId=company["id"])
    customer = await factories.customer(gql, lifecycleStage="LEAD")
    updated = (
        await gql.mutate(
            UPDATE,
            {
                "input": {
                    "id": deal["id"],
                    "expectedVersion": 1,
                    "title": "Bigger",
                    "amount": money_input("250.5"),
                    "customerId": customer["id"],
                    "expectedCloseDate": "2032-01-01",
                }
            },
        )
    )["deal"]
    assert (updated["title"], updated["amount"], updated["version"]) == (
        "Bigger",
        {"amount": "250.50", "currency": "EUR"},
        2,
    )
    assert (updated["customer"], updated["company"]) == (
        {"id": customer["id"]},
        {"id": company["id"]},
    )
    assert await _lifecycle(gql, customer["id"]) == "PROSPECT"
    # a customer or a company must remain; amounts stay in the pipeline's currency
    errors = await gql.user_errors(
        UPDATE,
        {
            "input": {
                "id": deal["id"],
                "expectedVersion": 2,
                "customerId": None,
                "companyId": None,
                "amount": money_input("1", "USD"),
            }
        },
    )
    assert error_fields(errors) == {
        ("input", "customerId"): "VALIDATION",
        ("input", "amount", "currency"): "VALIDATION",
    }
    cleared = (
        await gql.mutate(
            UPDATE,
            {"input": {"id": deal["id"], "expectedVersion": 2, "companyId": None, "source": None}},
        )
    )["deal"]
    assert (cleared["company"], cleared["customer"]) == (None, {"id": customer["id"]})


async def test_delete_and_restore_a_deal(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    deal = await new_deal(gql, stageId=pipeline["A"])
    deleted = await gql.mutate(DELETE, {"input": {"id": deal["id"], "expectedVersion": 1}})
    assert deleted["deal"]["deletedAt"] is not None
    assert await read_deal(gql, deal["id"]) is None
    assert await column_ids(gql, pipeline["A"]) == []
    by_id = {"filter": {"id": {"eq": deal["id"]}}}
    assert (await gql.query(DEALS, by_id))["deals"]["totalCount"] == 0
    assert (await gql.query(DEALS, {**by_id, "includeDeleted": True}))["deals"]["totalCount"] == 1
    errors = await gql.user_errors(
        MOVE, {"input": {"id": deal["id"], "expectedVersion": 2, "stageId": pipeline["B"]}}
    )
    assert error_fields(errors) == {("input", "id"): "NOT_FOUND"}
    restored = await gql.mutate(RESTORE, {"input": {"id": deal["id"]}})
    assert restored["deal"]["deletedAt"] is None
    assert await column_ids(gql, pipeline["A"]) == [deal["id"]]
