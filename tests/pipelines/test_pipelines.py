"""Pipelines and their stages through the API: the default pipeline, creation, reordering,
stage rules, removal of stages and deletion of pipelines."""

from __future__ import annotations

from typing import Any

from crm_graphql.core.ids import encode_id
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


def _fields(errors: list[dict[str, Any]]) -> dict[tuple[str, ...], str]:
    return {tuple(e["field"] or ()): e["code"] for e in errors}


async def _pipeline(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
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


async def _read(gql: GraphQLClient, pipeline_id: str) -> dict[str, Any]:
    pipeline: dict[str, Any] = (await gql.query(PIPELINE, {"id": pipeline_id}))["pipeline"]
    return pipeline


async def _deal(gql: GraphQLClient, stage_id: str) -> dict[str, Any]:
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


async def _default(gql: GraphQLClient) -> dict[str, Any]:
    data = await gql.query(PIPELINES, {"filter": {"isDefault": {"eq": True}}})
    (node,) = data["pipelines"]["nodes"]
    return await _read(gql, node["id"])


# --- the default pipeline -------------------------------------------------------------------


async def test_the_default_pipeline_exists(gql: GraphQLClient) -> None:
    pipeline = await _default(gql)
    assert (pipeline["name"], pipeline["currency"], pipeline["isDefault"]) == ("Sales", "USD", True)
    assert [(s["name"], s["probability"], s["kind"]) for s in pipeline["stages"]] == [
        ("Lead in", 10, "OPEN"),
        ("Qualified", 25, "OPEN"),
        ("Proposal", 50, "OPEN"),
        ("Negotiation", 75, "OPEN"),
        ("Won", 100, "WON"),
        ("Lost", 0, "LOST"),
    ]
    assert [s["position"] for s in pipeline["stages"]] == list(range(6))


async def test_the_default_pipeline_cannot_be_deleted(gql: GraphQLClient) -> None:
    pipeline = await _default(gql)
    errors = await gql.user_errors(DELETE_PIPELINE, {"input": {"id": pipeline["id"]}})
    assert _fields(errors) == {("input", "id"): "CONFLICT"}
    assert "default pipeline" in errors[0]["message"]
    assert (await _read(gql, pipeline["id"]))["deletedAt"] is None


# --- creating and changing pipelines --------------------------------------------------------


async def test_create_a_pipeline_with_its_stages(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql, currency=" eur ")
    assert (pipeline["currency"], pipeline["isDefault"], pipeline["version"]) == ("EUR", False, 1)
    assert [
        (s["name"], s["position"], s["probability"], s["kind"]) for s in pipeline["stages"]
    ] == [
        ("New", 0, 10, "OPEN"),
        ("Demo", 1, 40, "OPEN"),
        ("Closed won", 2, 100, "WON"),
        ("Closed lost", 3, 0, "LOST"),
    ]
    assert await _read(gql, pipeline["id"]) == pipeline
    stage = pipeline["stages"][1]
    node = (await gql.query(NODE, {"id": stage["id"]}))["node"]
    assert node == {"__typename": "PipelineStage", "id": stage["id"], "name": "Demo"}


async def test_a_pipeline_needs_open_won_and_lost_stages(gql: GraphQLClient) -> None:
    name = factories.unique("Broken pipeline")
    errors = await gql.user_errors(
        CREATE_PIPELINE,
        {
            "input": {
                "name": name,
                "currency": "EURO",
                "stages": [
                    {"name": "Won", "probability": 100, "kind": "WON"},
                    {"name": "won", "probability": 101, "kind": "WON"},
                    {"name": " ", "probability": 5},
                ],
            }
        },
    )
    messages = {(tuple(e["field"]), e["message"]) for e in errors}
    assert messages == {
        (("input", "currency"), "'EURO' is not an ISO 4217 currency code."),
        (("input", "stages", "1", "probability"), "Must be between 0 and 100 (percent)."),
        (("input", "stages", "2", "name"), "Must not be blank."),
        (("input", "stages"), "A pipeline needs at least one LOST stage."),
    }
    data = await gql.query(PIPELINES, {"filter": {"name": {"eq": name}}})
    assert data["pipelines"]["totalCount"] == 0


async def test_stage_names_are_unique_in_a_pipeline(gql: GraphQLClient) -> None:
    stages = [*STAGES, {"name": "demo", "probability": 60}]
    errors = await gql.user_errors(
        CREATE_PIPELINE,
        {"input": {"name": factories.unique("Pipeline"), "currency": "EUR", "stages": stages}},
    )
    assert _fields(errors) == {("input", "stages"): "DUPLICATE"}


async def test_rename_and_stale_version(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    renamed = await gql.mutate(
        UPDATE_PIPELINE,
        {"input": {"id": pipeline["id"], "expectedVersion": 1, "name": "  Renewals  "}},
    )
    assert (renamed["pipeline"]["name"], renamed["pipeline"]["version"]) == ("Renewals", 2)
    errors = await gql.user_errors(
        UPDATE_PIPELINE, {"input": {"id": pipeline["id"], "expectedVersion": 1, "name": "Stale"}}
    )
    assert _fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    assert (await _read(gql, pipeline["id"]))["name"] == "Renewals"


async def test_currency_changes_only_without_deals(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    changed = await gql.mutate(
        UPDATE_PIPELINE, {"input": {"id": pipeline["id"], "expectedVersion": 1, "currency": "GBP"}}
    )
    assert changed["pipeline"]["currency"] == "GBP"
    changed = await gql.mutate(
        UPDATE_PIPELINE, {"input": {"id": pipeline["id"], "expectedVersion": 2, "currency": "EUR"}}
    )
    await _deal(gql, pipeline["stages"][0]["id"])
    errors = await gql.user_errors(
        UPDATE_PIPELINE, {"input": {"id": pipeline["id"], "expectedVersion": 3, "currency": "USD"}}
    )
    assert _fields(errors) == {("input", "currency"): "CONFLICT"}
    assert "1 deal in EUR" in errors[0]["message"]


async def test_making_another_pipeline_the_default(gql: GraphQLClient) -> None:
    sales = await _default(gql)
    other = await _pipeline(gql)
    try:
        made = await gql.mutate(
            UPDATE_PIPELINE, {"input": {"id": other["id"], "expectedVersion": 1, "isDefault": True}}
        )
        # exactly one default
        assert made["pipeline"]["isDefault"] is True
        data = await gql.query(PIPELINES, {"filter": {"isDefault": {"eq": True}}})
        assert [n["id"] for n in data["pipelines"]["nodes"]] == [other["id"]]
        assert (await _read(gql, sales["id"]))["isDefault"] is False
        # the default cannot simply be unset
        errors = await gql.user_errors(
            UPDATE_PIPELINE,
            {"input": {"id": other["id"], "expectedVersion": 2, "isDefault": False}},
        )
        assert _fields(errors) == {("input", "isDefault"): "VALIDATION"}
    finally:
        current = await _read(gql, sales["id"])
        await gql.mutate(
            UPDATE_PIPELINE,
            {
                "input": {
                    "id": sales["id"],
                    "expectedVersion": current["version"],
                    "isDefault": True,
                }
            },
        )
    assert (await _read(gql, other["id"]))["isDefault"] is False
    assert (await _default(gql))["id"] == sales["id"]


async def test_delete_and_restore_a_pipeline(gql: GraphQLClient) -> None:
    # a pipeline with an open deal
    pipeline = await _pipeline(gql)
    deal = await _deal(gql, pipeline["stages"][0]["id"])
    # an open deal keeps it
    errors = await gql.user_errors(DELETE_PIPELINE, {"input": {"id": pipeline["id"]}})
    assert errors == [
        {
            "field": ["input", "id"],
            "message": "The pipeline has 1 open deal; win, lose or move them first.",
            "code": "CONFLICT",
        }
    ]
    # a closed one does not
    await gql.mutate(
        LOSE_DEAL, {"input": {"id": deal["id"], "expectedVersion": 1, "reason": "No budget"}}
    )
    deleted = await gql.mutate(DELETE_PIPELINE, {"input": {"id": pipeline["id"]}})
    assert deleted["pipeline"]["deletedAt"] is not None
    by_id = {"filter": {"id": {"eq": pipeline["id"]}}}
    assert (await gql.query(PIPELINES, by_id))["pipelines"]["totalCount"] == 0
    assert (await gql.query(PIPELINES, {**by_id, "includeDeleted": True}))["pipelines"][
        "totalCount"
    ] == 1
    assert (await gql.query(PIPELINE, {"id": pipeline["id"]}))["pipeline"] is None
    # new deals cannot go there
    errors = await gql.user_errors(
        CREATE_DEAL,
        {
            "input": {
                "title": "Ghost",
                "amount": {"amount": "1", "currency": "EUR"},
                "pipelineId": pipeline["id"],
                "companyId": (await factories.company(gql))["id"],
            }
        },
    )
    assert _fields(errors) == {("input", "pipelineId"): "NOT_FOUND"}
    # restore
    restored = await gql.mutate(RESTORE_PIPELINE, {"input": {"id": pipeline["id"]}})
    assert restored["pipeline"]["deletedAt"] is None
    assert (await gql.query(PIPELINES, by_id))["pipelines"]["totalCount"] == 1


# --- stages ---------------------------------------------------------------------------------


async def test_add_a_stage_at_a_position(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    created = await gql.mutate(
        CREATE_STAGE,
        {
            "input": {
                "pipelineId": pipeline["id"],
                "name": "Trial",
                "probability": 30,
                "position": 1,
            }
        },
    )
    stage = created["stage"]
    assert (stage["position"], stage["kind"], stage["pipeline"]) == (
        1,
        "OPEN",
        {"id": pipeline["id"]},
    )
    stored = await _read(gql, pipeline["id"])
    assert [s["name"] for s in stored["stages"]] == [
        "New",
        "Trial",
        "Demo",
        "Closed won",
        "Closed lost",
    ]
    assert [s["position"] for s in stored["stages"]] == [0, 1, 2, 3, 4]
    assert stored["version"] == 2  # the board changed
    # a place past the end, or a name taken, is refused
    errors = await gql.user_errors(
        CREATE_STAGE,
        {
            "input": {
                "pipelineId": pipeline["id"],
                "name": "TRIAL",
                "probability": 100,
                "kind": "WON",
                "position": 6,
            }
        },
    )
    assert _fields(errors) == {("input", "position"): "VALIDATION", ("input", "name"): "DUPLICATE"}
    assert len((await _read(gql, pipeline["id"]))["stages"]) == 5
    # the default place is the end
    last = await gql.mutate(
        CREATE_STAGE,
        {"input": {"pipelineId": pipeline["id"], "name": "Parked", "probability": 0}},
    )
    assert last["stage"]["position"] == 5


async def test_update_a_stage(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    demo = pipeline["stages"][1]
    updated = await gql.mutate(
        UPDATE_STAGE,
        {"input": {"id": demo["id"], "expectedVersion": 1, "name": "Pilot", "probability": 55}},
    )
    assert {k: updated["stage"][k] for k in ("name", "probability", "version")} == {
        "name": "Pilot",
        "probability": 55,
        "version": 2,
    }
    errors = await gql.user_errors(
        UPDATE_STAGE, {"input": {"id": demo["id"], "expectedVersion": 1, "name": "Stale"}}
    )
    assert _fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    # the only LOST stage cannot become OPEN
    lost = pipeline["stages"][3]
    errors = await gql.user_errors(
        UPDATE_STAGE, {"input": {"id": lost["id"], "expectedVersion": 1, "kind": "OPEN"}}
    )
    assert errors == [
        {
            "field": ["input", "kind"],
            "message": "A pipeline needs at least one LOST stage.",
            "code": "VALIDATION",
        }
    ]
    errors = await gql.user_errors(
        UPDATE_STAGE, {"input": {"id": demo["id"], "expectedVersion": 2, "probability": 101}}
    )
    assert _fields(errors) == {("input", "probability"): "VALIDATION"}
    # a stage without deals changes its kind while every kind keeps a stage
    new = pipeline["stages"][0]
    changed = await gql.mutate(
        UPDATE_STAGE, {"input": {"id": new["id"], "expectedVersion": 1, "kind": "LOST"}}
    )
    assert changed["stage"]["kind"] == "LOST"


async def test_a_stage_with_deals_keeps_its_kind(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    demo = pipeline["stages"][1]
    await _deal(gql, demo["id"])
    errors = await gql.user_errors(
        UPDATE_STAGE, {"input": {"id": demo["id"], "expectedVersion": 1, "kind": "WON"}}
    )
    assert errors == [
        {
            "field": ["input", "kind"],
            "message": "Demo holds 1 deal (counting deleted ones); move them to another stage "
            "before changing its kind.",
            "code": "CONFLICT",
        }
    ]
    assert (await _read(gql, pipeline["id"]))["stages"][1]["kind"] == "OPEN"


async def test_reorder_stages(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    new, demo, won, lost = (s["id"] for s in pipeline["stages"])
    reordered = await gql.mutate(
        REORDER,
        {"input": {"pipelineId": pipeline["id"], "stageIds": [demo, new, lost, won]}},
    )
    stages = reordered["pipeline"]["stages"]
    assert [s["name"] for s in stages] == ["Demo", "New", "Closed lost", "Closed won"]
    assert [s["position"] for s in stages] == [0, 1, 2, 3]
    assert [s["name"] for s in (await _read(gql, pipeline["id"]))["stages"]] == [
        "Demo",
        "New",
        "Closed lost",
        "Closed won",
    ]


async def test_reorder_needs_exactly_the_pipelines_stages(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    other = await _pipeline(gql)
    new, demo, won, lost = (s["id"] for s in pipeline["stages"])
    foreign = other["stages"][0]["id"]
    wrong_sets = {
        "missing": [demo, new, won],
        "foreign": [demo, new, won, foreign],
        "repeated": [demo, new, won, lost, lost],
        "extra": [demo, new, won, lost, foreign],
    }
    for label, stage_ids in wrong_sets.items():
        errors = await gql.user_errors(
            REORDER, {"input": {"pipelineId": pipeline["id"], "stageIds": stage_ids}}
        )
        assert _fields(errors) == {("input", "stageIds"): "VALIDATION"}, label
        assert errors[0]["message"].startswith("Give every stage of the pipeline exactly once")
    errors = await gql.user_errors(
        REORDER,
        {"input": {"pipelineId": pipeline["id"], "stageIds": [demo, new, won, pipeline["id"]]}},
    )
    assert _fields(errors) == {("input", "stageIds", "3"): "VALIDATION"}
    errors = await gql.user_errors(
        REORDER,
        {
            "input": {
                "pipelineId": pipeline["id"],
                "stageIds": [demo, new, won, lost],
                "expectedVersion": 7,
            }
        },
    )
    assert _fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    stored = await _read(gql, pipeline["id"])
    assert [s["id"] for s in stored["stages"]] == [new, demo, won, lost]
    assert stored["version"] == 1


async def test_a_stage_with_deals_is_removed_only_after_they_move(gql: GraphQLClient) -> None:
    # two deals in Demo, one of them deleted
    pipeline = await _pipeline(gql)
    new, demo, _, _ = (s["id"] for s in pipeline["stages"])
    kept = await _deal(gql, demo)
    gone = await _deal(gql, demo)
    await gql.mutate(DELETE_DEAL, {"input": {"id": gone["id"]}})
    # refused, naming how many deals are in it
    errors = await gql.user_errors(REMOVE_STAGE, {"input": {"id": demo}})
    assert errors == [
        {
            "field": ["input", "id"],
            "message": "Demo holds 2 deals (counting deleted ones); move them to another "
            "stage first.",
            "code": "CONFLICT",
        }
    ]
    await gql.mutate(
        MOVE_DEAL, {"input": {"id": kept["id"], "expectedVersion": kept["version"], "stageId": new}}
    )
    errors = await gql.user_errors(REMOVE_STAGE, {"input": {"id": demo}})
    assert errors[0]["message"].startswith("Demo holds 1 deal ")
    restored = await gql.mutate(RESTORE_DEAL, {"input": {"id": gone["id"]}})
    await gql.mutate(
        MOVE_DEAL,
        {
            "input": {
                "id": gone["id"],
                "expectedVersion": restored["deal"]["version"],
                "stageId": new,
            }
        },
    )
    # removed
    removed = await gql.mutate(REMOVE_STAGE, {"input": {"id": demo}})
    assert removed["stage"] == {"id": demo, "name": "Demo"}
    stored = await _read(gql, pipeline["id"])
    assert [(s["name"], s["position"]) for s in stored["stages"]] == [
        ("New", 0),
        ("Closed won", 1),
        ("Closed lost", 2),
    ]
    assert (await gql.query(NODE, {"id": demo}))["node"] is None
    # the deals' history still names it
    history = (await gql.query(DEAL_HISTORY, {"id": kept["id"]}))["deal"]["stageHistory"]
    assert [(h["fromStage"] and h["fromStage"]["name"], h["toStage"]["name"]) for h in history] == [
        (None, "Demo"),
        ("Demo", "New"),
    ]
    # and it cannot be used any more
    errors = await gql.user_errors(
        MOVE_DEAL, {"input": {"id": kept["id"], "expectedVersion": 2, "stageId": demo}}
    )
    assert _fields(errors) == {("input", "stageId"): "NOT_FOUND"}


async def test_the_last_won_stage_cannot_be_removed(gql: GraphQLClient) -> None:
    pipeline = await _pipeline(gql)
    won = pipeline["stages"][2]["id"]
    errors = await gql.user_errors(REMOVE_STAGE, {"input": {"id": won}})
    assert errors == [
        {
            "field": ["input", "id"],
            "message": "A pipeline needs at least one WON stage.",
            "code": "VALIDATION",
        }
    ]
    errors = await gql.user_errors(REMOVE_STAGE, {"input": {"id": encode_id("Stage", 2**31 - 1)}})
    assert _fields(errors) == {("input", "id"): "NOT_FOUND"}
