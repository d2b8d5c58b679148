"""The pipelines API as the pipeline tests use it: operation texts and small helpers."""

from __future__ import annotations

from typing import Any

from tests.support import factories
from tests.support.graphql_client import GraphQLClient

PIPELINE_FIELDS = """
id name currency isDefault version deletedAt
stages { id name position probability kind version }
"""

CREATE_PIPELINE = f"""
mutation($input: CreatePipelineInput!) {{
  createPipeline(input: $input) {{
    pipeline {{ {PIPELINE_FIELDS} }} errors {{ field message code }}
  }}
}}
"""

UPDATE_PIPELINE = f"""
mutation($input: UpdatePipelineInput!) {{
  updatePipeline(input: $input) {{
    pipeline {{ {PIPELINE_FIELDS} }} errors {{ field message code }}
  }}
}}
"""

DELETE_PIPELINE = """
mutation($input: DeleteInput!) {
  deletePipeline(input: $input) { pipeline { id deletedAt } errors { field message code } }
}
"""

RESTORE_PIPELINE = """
mutation($input: RestoreInput!) {
  restorePipeline(input: $input) { pipeline { id deletedAt } errors { field message code } }
}
"""

PIPELINE = f"query($id: ID!) {{ pipeline(id: $id) {{ {PIPELINE_FIELDS} }} }}"

PIPELINES = """
query($filter: PipelineFilter, $includeDeleted: Boolean! = false) {
  pipelines(filter: $filter, includeDeleted: $includeDeleted, orderBy: [{field: ID}]) {
    totalCount nodes { id name isDefault currency }
  }
}
"""

CREATE_STAGE = """
mutation($input: CreatePipelineStageInput!) {
  createPipelineStage(input: $input) {
    stage { id name position probability kind version pipeline { id } }
    errors { field message code }
  }
}
"""

UPDATE_STAGE = """
mutation($input: UpdatePipelineStageInput!) {
  updatePipelineStage(input: $input) {
    stage { id name position probability kind version }
    errors { field message code }
  }
}
"""

REORDER = f"""
mutation($input: ReorderPipelineStagesInput!) {{
  reorderPipelineStages(input: $input) {{
    pipeline {{ {PIPELINE_FIELDS} }} errors {{ field message code }}
  }}
}}
"""

REMOVE_STAGE = """
mutation($input: RemoveInput!) {
  removePipelineStage(input: $input) { stage { id name } errors { field message code } }
}
"""

CREATE_DEAL = """
mutation($input: CreateDealInput!) {
  createDeal(input: $input) { deal { id version stage { id } } errors { field message code } }
}
"""

MOVE_DEAL = """
mutation($input: MoveDealInput!) {
  moveDeal(input: $input) { deal { id version stage { id } } errors { field message code } }
}
"""

LOSE_DEAL = """
mutation($input: LoseDealInput!) {
  loseDeal(input: $input) { deal { id version status } errors { field message code } }
}
"""

DELETE_DEAL = """
mutation($input: DeleteInput!) { deleteDeal(input: $input) { deal { id } errors { code } } }
"""

RESTORE_DEAL = """
mutation($input: RestoreInput!) {
  restoreDeal(input: $input) { deal { id version } errors { code } }
}
"""

DEAL_HISTORY = """
query($id: ID!) {
  deal(id: $id) { stageHistory { fromStage { id name } toStage { id name } } }
}
"""

NODE = "query($id: ID!) { node(id: $id) { __typename id ... on PipelineStage { name } } }"

STAGES = [
    {"name": "New", "probability": 10},
    {"name": "Demo", "probability": 40, "kind": "OPEN"},
    {"name": "Closed won", "probability": 100, "kind": "WON"},
    {"name": "Closed lost", "probability": 0, "kind": "LOST"},
]


def error_fields(errors: list[dict[str, Any]]) -> dict[tuple[str, ...], str]:
    return {tuple(e["field"] or ()): e["code"] for e in errors}


async def new_pipeline(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    data = await gql.mutate(
        CREATE_PIPELINE,
        {
            "input": {
                "name": factories.unique("Pipeline"),
                "currency": "EUR",
                "stages": STAGES,
                **fields,
            }
        },
    )
    pipeline: dict[str, Any] = data["pipeline"]
    return pipeline


async def read_pipeline(gql: GraphQLClient, pipeline_id: str) -> dict[str, Any]:
    pipeline: dict[str, Any] = (await gql.query(PIPELINE, {"id": pipeline_id}))["pipeline"]
    return pipeline


async def new_deal(gql: GraphQLClient, stage_id: str) -> dict[str, Any]:
    company = await factories.company(gql)
    data = await gql.mutate(
        CREATE_DEAL,
        {
            "input": {
                "title": factories.unique("Deal"),
                "amount": {"amount": "100", "currency": "EUR"},
                "stageId": stage_id,
                "companyId": company["id"],
            }
        },
    )
    deal: dict[str, Any] = data["deal"]
    return deal


async def default_pipeline(gql: GraphQLClient) -> dict[str, Any]:
    data = await gql.query(PIPELINES, {"filter": {"isDefault": {"eq": True}}})
    (node,) = data["pipelines"]["nodes"]
    return await read_pipeline(gql, node["id"])
