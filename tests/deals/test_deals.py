"""Deals through the API: creation and its checks, board order, moves, winning, losing and
reopening with their history, the customer's lifecycle, ownership scopes, filters and order."""

from __future__ import annotations

import uuid
from typing import Any

from crm_graphql.core.ids import encode_id
from crm_graphql.platform.users.models import UserRole
from tests.support import factories
from tests.support.graphql_client import GraphQLClient, SignIn

DEAL_FIELDS = """
id title status version closedAt lostReason source expectedCloseDate stageEnteredAt deletedAt
amount { amount currency }
pipeline { id } stage { id name } owner { id } customer { id } company { id }
stageHistory { fromStage { id } toStage { id } user { id } changedAt }
"""

CREATE = f"""
mutation($input: CreateDealInput!) {{
  createDeal(input: $input) {{ deal {{ {DEAL_FIELDS} }} errors {{ field message code }} }}
}}
"""

UPDATE = f"""
mutation($input: UpdateDealInput!) {{
  updateDeal(input: $input) {{ deal {{ {DEAL_FIELDS} }} errors {{ field message code }} }}
}}
"""

MOVE = f"""
mutation($input: MoveDealInput!) {{
  moveDeal(input: $input) {{ deal {{ {DEAL_FIELDS} }} errors {{ field message code }} }}
}}
"""

WIN = f"""
mutation($input: WinDealInput!) {{
  winDeal(input: $input) {{ deal {{ {DEAL_FIELDS} }} errors {{ field message code }} }}
}}
"""

LOSE = f"""
mutation($input: LoseDealInput!) {{
  loseDeal(input: $input) {{ deal {{ {DEAL_FIELDS} }} errors {{ field message code }} }}
}}
"""

REOPEN = f"""
mutation($input: ReopenDealInput!) {{
  reopenDeal(input: $input) {{ deal {{ {DEAL_FIELDS} }} errors {{ field message code }} }}
}}
"""

DELETE = """
mutation($input: DeleteInput!) {
  deleteDeal(input: $input) { deal { id deletedAt } errors { field message code } }
}
"""

RESTORE = """
mutation($input: RestoreInput!) {
  restoreDeal(input: $input) { deal { id deletedAt } errors { field message code } }
}
"""

DEAL = f"query($id: ID!) {{ deal(id: $id) {{ {DEAL_FIELDS} }} }}"

DEALS = """
query($filter: DealFilter, $orderBy: [DealOrder!], $includeDeleted: Boolean! = false) {
  deals(filter: $filter, orderBy: $orderBy, includeDeleted: $includeDeleted) {
    totalCount nodes { id title }
  }
}
"""

COLUMN = """
query($id: ID!) {
  node(id: $id) { ... on PipelineStage { deals { totalCount nodes { id } } } }
}
"""

CREATE_PIPELINE = """
mutation($input: CreatePipelineInput!) {
  createPipeline(input: $input) {
    pipeline { id currency stages { id name kind } }
    errors { field message code }
  }
}
"""

DEFAULT_PIPELINE = """
{ pipelines(filter: {isDefault: {eq: true}}) { nodes { id stages { id name kind } } } }
"""

CUSTOMER = """
query($id: ID!) {
  customer(id: $id) { id lifecycleStage owner { id } deals { totalCount nodes { id } } }
}
"""

VIEWER = "{ viewer { id } }"

MISSING = 2**31 - 1


def _fields(errors: list[dict[str, Any]]) -> dict[tuple[str, ...], str]:
    return {tuple(e["field"] or ()): e["code"] for e in errors}


def _money(amount: str, currency: str = "EUR") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


async def _pipeline(gql: GraphQLClient, currency: str = "EUR") -> dict[str, Any]:
    """A fresh pipeline: stages by name (A and B open, Won, Lost) -> ID."""
    data = await gql.mutate(
        CREATE_PIPELINE,
        {
            "input": {
                "name": factories.unique("Deals pipeline"),
                "currency": currency,
                "stages": [
                    {"name": "A", "probability": 20},
                    {"name": "B", "probability": 60},
                    {"name": "Won", "probability": 100, "kind": "WON"},
                    {"name": "Lost", "probability": 0, "kind": "LOST"},
                ],
            }
        },
    )
    pipeline = data["pipeline"]
    return {"id": pipeline["id"], **{s["name"]: s["id"] for s in pipeline["stages"]}}


async def _default_stages(gql: GraphQLClient) -> dict[str, str]:
    (pipeline,) = (await gql.query(DEFAULT_PIPELINE))["pipelines"]["nodes"]
    return {"pipeline": pipeline["id"], **{s["name"]: s["id"] for s in pipeline["stages"]}}


async def _deal(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    if "customerId" not in fields and "companyId" not in fields:
        fields["companyId"] = (await factories.company(gql))["id"]
    data = await gql.mutate(
        CREATE,
        {"input": {"title": factories.unique("Deal"), "amount": _money("100"), **fields}},
    )
    deal: dict[str, Any] = data["deal"]
    return deal


async def _read(gql: GraphQLClient, deal_id: str) -> dict[str, Any] | None:
    deal: dict[str, Any] | None = (await gql.query(DEAL, {"id": deal_id}))["deal"]
    return deal


async def _column(gql: GraphQLClient, stage_id: str) -> list[str]:
    data = await gql.query(COLUMN, {"id": stage_id})
    return [n["id"] for n in data["node"]["deals"]["nodes"]]


async def _move(gql: GraphQLClient, deal: dict[str, Any], stage_id: str, **fields: Any) -> Any:
    data = await gql.mutate(
        MOVE,
        {
            "input": {
                "id": deal["id"],
                "expectedVersion": deal["version"],
                "stageId": stage_id,
                **fields,
            }
        },
    )
    deal.update(data["deal"])
    return deal


async def _viewer_id(client: GraphQLClient) -> str:
    user_id: str = (await client.query(VIEWER))["viewer"]["id"]
    return user_id


def _steps(deal: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [
        (h["fromStage"] and h["fromStage"]["id"], h["toStage"]["id"]) for h in deal["stageHistory"]
    ]


# --- createDeal -----------------------------------------------------------------------------


async def test_create_a_deal_with_defaults(gql: GraphQLClient) -> None:
    stages = await _default_stages(gql)
    customer = await factories.customer(gql)
    admin = await _viewer_id(gql)
    deal = await _deal(
        gql,
        title="  200 seats  ",
        amount=_money("1234.50", "usd"),
        customerId=customer["id"],
        expectedCloseDate="2031-03-31",
        source="webinar",
    )
    assert deal["title"] == "200 seats"
    assert deal["amount"] == {"amount": "1234.50", "currency": "USD"}
    assert (deal["status"], deal["version"], deal["closedAt"], deal["lostReason"]) == (
        "OPEN",
        1,
        None,
        None,
    )
    assert deal["pipeline"] == {"id": stages["pipeline"]}
    assert deal["stage"] == {"id": stages["Lead in"], "name": "Lead in"}
    assert (deal["owner"], deal["customer"], deal["company"]) == (
        None,
        {"id": customer["id"]},
        None,
    )
    assert (deal["expectedCloseDate"], deal["source"]) == ("2031-03-31", "webinar")
    (created,) = deal["stageHistory"]
    assert (created["fromStage"], created["toStage"], created["user"]) == (
        None,
        {"id": stages["Lead in"]},
        {"id": admin},
    )
    assert created["changedAt"] == deal["stageEnteredAt"]
    assert await _read(gql, deal["id"]) == deal


async def test_the_stage_names_its_pipeline(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    deal = await _deal(gql, stageId=pipeline["B"], amount=_money("5"))
    assert (deal["pipeline"]["id"], deal["stage"]["id"]) == (pipeline["id"], pipeline["B"])
    # and a pipeline alone means its first OPEN stage
    deal = await _deal(gql, pipelineId=pipeline["id"], amount=_money("5"))
    assert deal["stage"]["id"] == pipeline["A"]


async def test_create_deal_checks(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    other = await _pipeline(gql)
    company = await factories.company(gql)
    title = factories.unique("Refused deal")
    cases: list[tuple[dict[str, Any], dict[tuple[str, ...], str]]] = [
        # the currency must be the pipeline's
        (
            {"pipelineId": pipeline["id"], "amount": _money("10", "USD")},
            {("input", "amount", "currency"): "VALIDATION"},
        ),
        # a stage of another pipeline
        (
            {"pipelineId": pipeline["id"], "stageId": other["A"]},
            {("input", "stageId"): "VALIDATION"},
        ),
        # new deals start open
        ({"stageId": pipeline["Won"]}, {("input", "stageId"): "VALIDATION"}),
        # neither a customer nor a company
        (
            {"pipelineId": pipeline["id"], "companyId": None},
            {("input", "customerId"): "VALIDATION"},
        ),
        # unknown IDs
        (
            {
                "pipelineId": encode_id("Pipeline", MISSING),
                "customerId": encode_id("Customer", MISSING),
                "companyId": encode_id("Company", MISSING),
                "ownerId": encode_id("User", MISSING),
            },
            {
                ("input", "pipelineId"): "NOT_FOUND",
                ("input", "customerId"): "NOT_FOUND",
                ("input", "companyId"): "NOT_FOUND",
                ("input", "ownerId"): "NOT_FOUND",
            },
        ),
        ({"stageId": encode_id("Stage", MISSING)}, {("input", "stageId"): "NOT_FOUND"}),
        # an ID of the wrong type
        ({"stageId": pipeline["id"]}, {("input", "stageId"): "VALIDATION"}),
        # amounts
        (
            {"pipelineId": pipeline["id"], "amount": _money("-1")},
            {("input", "amount", "amount"): "VALIDATION"},
        ),
        (
            {"pipelineId": pipeline["id"], "amount": _money("1.001")},
            {("input", "amount", "amount"): "VALIDATION"},
        ),
        ({"pipelineId": pipeline["id"], "title": "  "}, {("input", "title"): "VALIDATION"}),
    ]
    for change, expected in cases:
        input = {
            "title": title,
            "amount": _money("10"),
            "companyId": company["id"],
            **change,
        }
        errors = await gql.user_errors(CREATE, {"input": input})
        assert _fields(errors) == expected, change
    data = await gql.query(DEALS, {"filter": {"title": {"eq": title}}, "includeDeleted": True})
    assert data["deals"]["totalCount"] == 0


async def test_the_currency_mismatch_names_the_pipelines_currency(gql: GraphQLClient) -> None:
    errors = await gql.user_errors(
        CREATE,
        {
            "input": {
                "title": "Wrong money",
                "amount": _money("10", "EUR"),
                "companyId": (await factories.company(gql))["id"],
            }
        },
    )
    assert errors == [
        {
            "field": ["input", "amount", "currency"],
            "message": "Amounts of this pipeline are in USD.",
            "code": "VALIDATION",
        }
    ]


# --- board order and moves ------------------------------------------------------------------


async def test_new_deals_go_to_the_end_of_their_column(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    deals = [await _deal(gql, stageId=pipeline["A"]) for _ in range(3)]
    assert await _column(gql, pipeline["A"]) == [d["id"] for d in deals]


async def test_move_deals_to_positions(gql: GraphQLClient) -> None:
    # a, b, c in A
    pipeline = await _pipeline(gql)
    a, b, c = [await _deal(gql, stageId=pipeline["A"]) for _ in range(3)]
    # c to the top of its own column
    await _move(gql, c, pipeline["A"], position=0)
    assert await _column(gql, pipeline["A"]) == [c["id"], a["id"], b["id"]]
    assert len(c["stageHistory"]) == 1  # no stage change, no history
    assert c["version"] == 2
    # b between c and a
    await _move(gql, b, pipeline["A"], position=1)
    assert await _column(gql, pipeline["A"]) == [c["id"], b["id"], a["id"]]
    # into B: at the end by default, then at a place
    await _move(gql, a, pipeline["B"])
    await _move(gql, c, pipeline["B"])
    await _move(gql, b, pipeline["B"], position=1)
    assert await _column(gql, pipeline["B"]) == [a["id"], b["id"], c["id"]]
    assert await _column(gql, pipeline["A"]) == []
    # a position past the end is the end
    await _move(gql, a, pipeline["B"], position=99)
    assert await _column(gql, pipeline["B"]) == [b["id"], c["id"], a["id"]]
    assert _steps(b) == [(None, pipeline["A"]), (pipeline["A"], pipeline["B"])]
    # orderBy still wins over the board order
    data = await gql.query(
        """query($id: ID!) { node(id: $id) { ... on PipelineStage {
             deals(orderBy: [{field: ID, direction: DESC}]) { nodes { id } } } } }""",
        {"id": pipeline["B"]},
    )
    assert [n["id"] for n in data["node"]["deals"]["nodes"]] == [c["id"], b["id"], a["id"]]


async def test_many_moves_between_the_same_neighbours_keep_the_order(gql: GraphQLClient) -> None:
    # every move halves the gap between the first two deals, until the column is renumbered
    pipeline = await _pipeline(gql)
    first, second, third = [await _deal(gql, stageId=pipeline["A"]) for _ in range(3)]
    for _ in range(30):
        await _move(gql, third, pipeline["A"], position=1)
        await _move(gql, second, pipeline["A"], position=1)
    assert await _column(gql, pipeline["A"]) == [first["id"], second["id"], third["id"]]
    await _move(gql, first, pipeline["A"], position=2)
    assert await _column(gql, pipeline["A"]) == [second["id"], third["id"], first["id"]]


async def test_negative_positions_are_refused(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    deal = await _deal(gql, stageId=pipeline["A"])
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
    assert _fields(errors) == {("input", "position"): "VALIDATION"}


async def test_stale_versions_are_conflicts(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    deal = await _deal(gql, stageId=pipeline["A"])
    await _move(gql, deal, pipeline["B"])
    for document, input in (
        (MOVE, {"stageId": pipeline["A"]}),
        (UPDATE, {"title": "Stale"}),
        (WIN, {}),
        (LOSE, {"reason": "Stale"}),
    ):
        errors = await gql.user_errors(
            document, {"input": {"id": deal["id"], "expectedVersion": 1, **input}}
        )
        assert _fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    stored = await _read(gql, deal["id"])
    assert stored is not None
    assert (stored["stage"]["id"], stored["version"], stored["status"]) == (
        pipeline["B"],
        2,
        "OPEN",
    )


async def test_moves_between_pipelines_need_the_same_currency(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    euros = await _pipeline(gql)
    pounds = await _pipeline(gql, currency="GBP")
    deal = await _deal(gql, stageId=pipeline["A"])
    errors = await gql.user_errors(
        MOVE, {"input": {"id": deal["id"], "expectedVersion": 1, "stageId": pounds["A"]}}
    )
    assert _fields(errors) == {("input", "stageId"): "VALIDATION"}
    assert "same currency" in errors[0]["message"]
    await _move(gql, deal, euros["B"])
    assert (deal["pipeline"]["id"], deal["stage"]["id"]) == (euros["id"], euros["B"])
    assert _steps(deal)[-1] == (pipeline["A"], euros["B"])


# --- win, lose, reopen ----------------------------------------------------------------------


async def test_win_lose_and_reopen(gql: GraphQLClient) -> None:
    # a deal that went from A to B
    pipeline = await _pipeline(gql)
    admin = await _viewer_id(gql)
    deal = await _deal(gql, stageId=pipeline["A"])
    await _move(gql, deal, pipeline["B"])
    # won from B
    won = (await gql.mutate(WIN, {"input": {"id": deal["id"], "expectedVersion": 2}}))["deal"]
    assert (won["status"], won["stage"]["id"], won["lostReason"]) == ("WON", pipeline["Won"], None)
    assert won["closedAt"] is not None
    assert won["closedAt"] == won["stageEnteredAt"]
    assert _steps(won)[-1] == (pipeline["B"], pipeline["Won"])
    assert won["stageHistory"][-1]["user"] == {"id": admin}
    errors = await gql.user_errors(
        WIN, {"input": {"id": deal["id"], "expectedVersion": won["version"]}}
    )
    assert _fields(errors) == {("input", "id"): "INVALID_TRANSITION"}
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
    assert _fields(errors) == {("input", "id"): "INVALID_TRANSITION"}
    # lost: a reason is required
    errors = await gql.user_errors(
        LOSE, {"input": {"id": deal["id"], "expectedVersion": reopened["version"], "reason": " "}}
    )
    assert _fields(errors) == {("input", "reason"): "VALIDATION"}
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
    assert _fields(errors) == {("input", "stageId"): "VALIDATION"}
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
    assert _steps(again) == [
        (None, pipeline["A"]),
        (pipeline["A"], pipeline["B"]),
        (pipeline["B"], pipeline["Won"]),
        (pipeline["Won"], pipeline["B"]),
        (pipeline["B"], pipeline["Lost"]),
        (pipeline["Lost"], pipeline["A"]),
    ]
    assert {h["user"]["id"] for h in again["stageHistory"]} == {admin}


async def test_moving_to_closed_stages_wins_and_loses(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    deal = await _deal(gql, stageId=pipeline["A"])
    errors = await gql.user_errors(
        MOVE, {"input": {"id": deal["id"], "expectedVersion": 1, "stageId": pipeline["Lost"]}}
    )
    assert _fields(errors) == {("input", "lostReason"): "VALIDATION"}
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
    assert _fields(errors) == {("input", "lostReason"): "VALIDATION"}
    await _move(gql, deal, pipeline["Lost"], lostReason="Too expensive")
    assert (deal["status"], deal["lostReason"]) == ("LOST", "Too expensive")
    assert deal["closedAt"] is not None
    await _move(gql, deal, pipeline["Won"])
    assert (deal["status"], deal["lostReason"]) == ("WON", None)
    await _move(gql, deal, pipeline["A"])
    assert (deal["status"], deal["closedAt"]) == ("OPEN", None)


# --- the customer's lifecycle ---------------------------------------------------------------


async def _lifecycle(gql: GraphQLClient, customer_id: str) -> str:
    stage: str = (await gql.query(CUSTOMER, {"id": customer_id}))["customer"]["lifecycleStage"]
    return stage


async def test_deals_move_the_customer_forward(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    customer = await factories.customer(gql, lifecycleStage="LEAD")
    # a first deal
    first = await _deal(gql, stageId=pipeline["A"], customerId=customer["id"])
    assert await _lifecycle(gql, customer["id"]) == "PROSPECT"
    # a lost deal changes nothing; a won one makes a customer
    second = await _deal(gql, stageId=pipeline["A"], customerId=customer["id"])
    await gql.mutate(LOSE, {"input": {"id": second["id"], "expectedVersion": 1, "reason": "No"}})
    assert await _lifecycle(gql, customer["id"]) == "PROSPECT"
    await gql.mutate(WIN, {"input": {"id": first["id"], "expectedVersion": 1}})
    assert await _lifecycle(gql, customer["id"]) == "CUSTOMER"
    # and never back: a new deal leaves a CUSTOMER as it is
    await _deal(gql, stageId=pipeline["A"], customerId=customer["id"])
    assert await _lifecycle(gql, customer["id"]) == "CUSTOMER"
    data = await gql.query(CUSTOMER, {"id": customer["id"]})
    assert data["customer"]["deals"]["totalCount"] == 3


async def test_churned_customers_stay_churned(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    customer = await factories.customer(gql, lifecycleStage="CHURNED")
    deal = await _deal(gql, stageId=pipeline["A"], customerId=customer["id"])
    assert await _lifecycle(gql, customer["id"]) == "CHURNED"
    await gql.mutate(WIN, {"input": {"id": deal["id"], "expectedVersion": 1}})
    assert await _lifecycle(gql, customer["id"]) == "CHURNED"


async def test_an_unowned_lead_gets_the_deals_owner(gql: GraphQLClient, sign_in: SignIn) -> None:
    email = f"deal-owner-{uuid.uuid4().hex[:10]}@deals.tests.example"
    await sign_in.user(email, UserRole.SALES)
    sales = await sign_in.client(email, UserRole.SALES)
    sales_id = await _viewer_id(sales)
    customer = await factories.customer(gql, lifecycleStage="LEAD")
    pipeline = await _pipeline(gql)
    # the SALES user sees the unowned lead and opens a deal: the lead stays theirs
    deal = await _deal(sales, stageId=pipeline["A"], customerId=customer["id"])
    assert deal["owner"] == {"id": sales_id}
    data = await sales.query(CUSTOMER, {"id": customer["id"]})
    assert data["customer"]["lifecycleStage"] == "PROSPECT"
    assert data["customer"]["owner"] == {"id": sales_id}
    await sales.http.aclose()


# --- updates, deletion ----------------------------------------------------------------------


async def test_update_a_deal(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    company = await factories.company(gql)
    deal = await _deal(gql, stageId=pipeline["A"], companyId=company["id"])
    customer = await factories.customer(gql, lifecycleStage="LEAD")
    updated = (
        await gql.mutate(
            UPDATE,
            {
                "input": {
                    "id": deal["id"],
                    "expectedVersion": 1,
                    "title": "Bigger",
                    "amount": _money("250.5"),
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
                "amount": _money("1", "USD"),
            }
        },
    )
    assert _fields(errors) == {
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
    pipeline = await _pipeline(gql)
    deal = await _deal(gql, stageId=pipeline["A"])
    deleted = await gql.mutate(DELETE, {"input": {"id": deal["id"], "expectedVersion": 1}})
    assert deleted["deal"]["deletedAt"] is not None
    assert await _read(gql, deal["id"]) is None
    assert await _column(gql, pipeline["A"]) == []
    by_id = {"filter": {"id": {"eq": deal["id"]}}}
    assert (await gql.query(DEALS, by_id))["deals"]["totalCount"] == 0
    assert (await gql.query(DEALS, {**by_id, "includeDeleted": True}))["deals"]["totalCount"] == 1
    errors = await gql.user_errors(
        MOVE, {"input": {"id": deal["id"], "expectedVersion": 2, "stageId": pipeline["B"]}}
    )
    assert _fields(errors) == {("input", "id"): "NOT_FOUND"}
    restored = await gql.mutate(RESTORE, {"input": {"id": deal["id"]}})
    assert restored["deal"]["deletedAt"] is None
    assert await _column(gql, pipeline["A"]) == [deal["id"]]


# --- ownership ------------------------------------------------------------------------------


async def test_sales_users_see_and_move_only_their_own_deals(
    gql: GraphQLClient, sign_in: SignIn
) -> None:
    # two SALES users, each with a deal, and an unowned deal
    tag = uuid.uuid4().hex[:10]
    clients = {}
    for label in ("s1", "s2"):
        email = f"{label}-{tag}@deals.tests.example"
        await sign_in.user(email, UserRole.SALES)
        clients[label] = await sign_in.client(email, UserRole.SALES)
    s1, s2 = clients["s1"], clients["s2"]
    s1_id, s2_id = await _viewer_id(s1), await _viewer_id(s2)
    pipeline = await _pipeline(gql)
    prefix = f"Owned {tag}"
    mine = await _deal(s1, title=f"{prefix} s1", stageId=pipeline["A"])
    theirs = await _deal(s2, title=f"{prefix} s2", stageId=pipeline["A"])
    unowned = await _deal(gql, title=f"{prefix} unowned", stageId=pipeline["A"])
    assert (mine["owner"], theirs["owner"]) == ({"id": s1_id}, {"id": s2_id})
    by_prefix = {"filter": {"title": {"startsWith": prefix}}, "orderBy": [{"field": "TITLE"}]}
    # lists, IDs, node and columns hide the other's deal
    data = await s1.query(DEALS, by_prefix)
    assert [n["id"] for n in data["deals"]["nodes"]] == [mine["id"], unowned["id"]]
    assert data["deals"]["totalCount"] == 2
    assert await _read(s1, theirs["id"]) is None
    assert (await s1.query("query($id: ID!) { node(id: $id) { id } }", {"id": theirs["id"]}))[
        "node"
    ] is None
    assert await _column(s1, pipeline["A"]) == [mine["id"], unowned["id"]]
    assert await _column(gql, pipeline["A"]) == [mine["id"], theirs["id"], unowned["id"]]
    # and the other's deal cannot be moved, won or changed
    for document, input in (
        (MOVE, {"stageId": pipeline["B"]}),
        (WIN, {}),
        (UPDATE, {"title": "Mine now"}),
    ):
        errors = await s1.user_errors(
            document, {"input": {"id": theirs["id"], "expectedVersion": 1, **input}}
        )
        assert _fields(errors) == {("input", "id"): "NOT_FOUND"}
    # nor handed to them
    errors = await s1.user_errors(
        UPDATE, {"input": {"id": mine["id"], "expectedVersion": 1, "ownerId": s2_id}}
    )
    assert _fields(errors) == {("input", "ownerId"): "FORBIDDEN"}
    # the own deal moves; a position counts the deals the mover sees
    await _move(s1, mine, pipeline["A"], position=1)
    assert await _column(s1, pipeline["A"]) == [unowned["id"], mine["id"]]
    stored = await _read(gql, theirs["id"])
    assert stored is not None
    assert (stored["stage"]["id"], stored["version"]) == (pipeline["A"], 1)
    for client in clients.values():
        await client.http.aclose()


# --- filters and order ----------------------------------------------------------------------


async def test_filters_and_ordering(gql: GraphQLClient) -> None:
    tag = uuid.uuid4().hex[:10]
    pipeline = await _pipeline(gql)
    acme = await factories.company(gql, name=f"Acme {tag}", industry="Rockets")
    person = await factories.customer(gql, name=f"Person {tag}")
    await _deal(
        gql,
        title=f"F {tag} small",
        amount=_money("10"),
        stageId=pipeline["A"],
        companyId=acme["id"],
    )
    large = await _deal(
        gql,
        title=f"F {tag} large",
        amount=_money("5000"),
        stageId=pipeline["A"],
        customerId=person["id"],
        expectedCloseDate="2030-06-30",
    )
    middle = await _deal(
        gql,
        title=f"F {tag} middle",
        amount=_money("300"),
        stageId=pipeline["A"],
        companyId=acme["id"],
        expectedCloseDate="2030-01-15",
    )
    await _move(gql, middle, pipeline["B"])
    await gql.mutate(WIN, {"input": {"id": large["id"], "expectedVersion": 1}})
    mine = {"title": {"startsWith": f"F {tag}"}}

    async def titles(
        filter: dict[str, Any], order: list[dict[str, Any]] | None = None
    ) -> list[str]:
        data = await gql.query(
            DEALS, {"filter": {"and": [mine, filter]}, "orderBy": order or [{"field": "ID"}]}
        )
        assert data["deals"]["totalCount"] == len(data["deals"]["nodes"])
        return [n["title"].removeprefix(f"F {tag} ") for n in data["deals"]["nodes"]]

    assert await titles({}, [{"field": "AMOUNT", "direction": "DESC"}]) == [
        "large",
        "middle",
        "small",
    ]
    assert await titles({"amount": {"currency": "EUR", "gte": "300"}}) == ["large", "middle"]
    assert await titles({"status": {"eq": "WON"}}) == ["large"]
    assert await titles({"status": {"in": ["OPEN"]}}) == ["small", "middle"]
    assert await titles({"company": {"industry": {"eq": "Rockets"}}}) == ["small", "middle"]
    assert await titles({"customer": {"name": {"eq": f"Person {tag}"}}}) == ["large"]
    assert await titles({"stage": {"name": {"eq": "B"}}}) == ["middle"]
    assert await titles({"stage": {"kind": {"eq": "WON"}}}) == ["large"]
    assert await titles(
        {"pipelineId": {"eq": pipeline["id"]}, "not": {"stageId": {"eq": pipeline["A"]}}}
    ) == [
        "large",
        "middle",
    ]
    assert await titles({"stageChanges": {"some": {"toStageId": {"eq": pipeline["B"]}}}}) == [
        "middle"
    ]
    assert await titles({"expectedCloseDate": {"isNull": True}}) == ["small"]
    assert await titles({}, [{"field": "EXPECTED_CLOSE_DATE", "nulls": "FIRST"}]) == [
        "small",
        "middle",
        "large",
    ]
    assert await titles(
        {"or": [{"amount": {"currency": "EUR", "lt": "20"}}, {"status": {"eq": "WON"}}]}
    ) == [
        "small",
        "large",
    ]
    assert await titles({"closedAt": {"isNull": False}}) == ["large"]
    # relation filters from the other side
    data = await gql.query(
        """query($f: PipelineFilter) { pipelines(filter: $f) { nodes { id } } }""",
        {
            "f": {
                "id": {"eq": pipeline["id"]},
                "deals": {"some": {"title": {"eq": f"F {tag} large"}}},
            }
        },
    )
    assert data["pipelines"]["nodes"] == [{"id": pipeline["id"]}]
    # a page of a pipeline's deals
    data = await gql.query(
        """query($id: ID!) { pipeline(id: $id) {
             deals(first: 2, orderBy: [{field: TITLE}]) {
               totalCount pageInfo { hasNextPage } nodes { title } } } }""",
        {"id": pipeline["id"]},
    )
    deals = data["pipeline"]["deals"]
    assert (deals["totalCount"], deals["pageInfo"]["hasNextPage"]) == (3, True)
    assert [n["title"] for n in deals["nodes"]] == [f"F {tag} large", f"F {tag} middle"]


async def test_an_id_of_another_type_in_a_filter_is_refused(gql: GraphQLClient) -> None:
    response = await gql.raw(DEALS, {"filter": {"stageId": {"eq": encode_id("Customer", 1)}}})
    body = response.json()
    assert "errors" in body
    assert "Expected the ID of a Stage" in body["errors"][0]["message"]
