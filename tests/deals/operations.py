"""The deals API as the deal tests use it: operation texts and small helpers."""

from __future__ import annotations

from typing import Any

from tests.support import factories
from tests.support.graphql_client import GraphQLClient

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


def error_fields(errors: list[dict[str, Any]]) -> dict[tuple[str, ...], str]:
    return {tuple(e["field"] or ()): e["code"] for e in errors}


def money_input(amount: str, currency: str = "EUR") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


async def new_pipeline(gql: GraphQLClient, currency: str = "EUR") -> dict[str, Any]:
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


async def default_stages(gql: GraphQLClient) -> dict[str, str]:
    (pipeline,) = (await gql.query(DEFAULT_PIPELINE))["pipelines"]["nodes"]
    return {"pipeline": pipeline["id"], **{s["name"]: s["id"] for s in pipeline["stages"]}}


async def new_deal(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    if "customerId" not in fields and "companyId" not in fields:
        fields["companyId"] = (await factories.company(gql))["id"]
    data = await gql.mutate(
        CREATE,
        {"input": {"title": factories.unique("Deal"), "amount": money_input("100"), **fields}},
    )
    deal: dict[str, Any] = data["deal"]
    return deal


async def read_deal(gql: GraphQLClient, deal_id: str) -> dict[str, Any] | None:
    deal: dict[str, Any] | None = (await gql.query(DEAL, {"id": deal_id}))["deal"]
    return deal


async def column_ids(gql: GraphQLClient, stage_id: str) -> list[str]:
    data = await gql.query(COLUMN, {"id": stage_id})
    return [n["id"] for n in data["node"]["deals"]["nodes"]]


async def move_deal(gql: GraphQLClient, deal: dict[str, Any], stage_id: str, **fields: Any) -> Any:
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


async def viewer_id(client: GraphQLClient) -> str:
    user_id: str = (await client.query(VIEWER))["viewer"]["id"]
    return user_id


def steps(deal: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [
        (h["fromStage"] and h["fromStage"]["id"], h["toStage"]["id"]) for h in deal["stageHistory"]
    ]
