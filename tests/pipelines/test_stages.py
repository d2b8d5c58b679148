"""A pipeline's stages through the API: adding, reordering, changing and removing them."""

from __future__ import annotations

from crm_graphql.core.ids import encode_id
from tests.pipelines.operations import (
    CREATE_STAGE,
    DEAL_HISTORY,
    DELETE_DEAL,
    MOVE_DEAL,
    NODE,
    REMOVE_STAGE,
    REORDER,
    RESTORE_DEAL,
    UPDATE_STAGE,
    error_fields,
    new_deal,
    new_pipeline,
    read_pipeline,
)
from tests.support.graphql_client import GraphQLClient

# --- stages ---------------------------------------------------------------------------------


async def test_add_a_stage_at_a_position(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
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
    stored = await read_pipeline(gql, pipeline["id"])
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
    assert error_fields(errors) == {
        ("input", "position"): "VALIDATION",
        ("input", "name"): "DUPLICATE",
    }
    assert len((await read_pipeline(gql, pipeline["id"]))["stages"]) == 5
    # the default place is the end
    last = await gql.mutate(
        CREATE_STAGE,
        {"input": {"pipelineId": pipeline["id"], "name": "Parked", "probability": 0}},
    )
    assert last["stage"]["position"] == 5


async def test_update_a_stage(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
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
    assert error_fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
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
    assert error_fields(errors) == {("input", "probability"): "VALIDATION"}
    # a stage without deals changes its kind while every kind keeps a stage
    new = pipeline["stages"][0]
    changed = await gql.mutate(
        UPDATE_STAGE, {"input": {"id": new["id"], "expectedVersion": 1, "kind": "LOST"}}
    )
    assert changed["stage"]["kind"] == "LOST"


async def test_a_stage_with_deals_keeps_its_kind(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    demo = pipeline["stages"][1]
    await new_deal(gql, demo["id"])
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
    assert (await read_pipeline(gql, pipeline["id"]))["stages"][1]["kind"] == "OPEN"


async def test_reorder_stages(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    new, demo, won, lost = (s["id"] for s in pipeline["stages"])
    reordered = await gql.mutate(
        REORDER,
        {"input": {"pipelineId": pipeline["id"], "stageIds": [demo, new, lost, won]}},
    )
    stages = reordered["pipeline"]["stages"]
    assert [s["name"] for s in stages] == ["Demo", "New", "Closed lost", "Closed won"]
    assert [s["position"] for s in stages] == [0, 1, 2, 3]
    assert [s["name"] for s in (await read_pipeline(gql, pipeline["id"]))["stages"]] == [
        "Demo",
        "New",
        "Closed lost",
        "Closed won",
    ]


async def test_reorder_needs_exactly_the_pipelines_stages(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    other = await new_pipeline(gql)
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
        assert error_fields(errors) == {("input", "stageIds"): "VALIDATION"}, label
        assert errors[0]["message"].startswith("Give every stage of the pipeline exactly once")
    errors = await gql.user_errors(
        REORDER,
        {"input": {"pipelineId": pipeline["id"], "stageIds": [demo, new, won, pipeline["id"]]}},
    )
    assert error_fields(errors) == {("input", "stageIds", "3"): "VALIDATION"}
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
    assert error_fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    stored = await read_pipeline(gql, pipeline["id"])
    assert [s["id"] for s in stored["stages"]] == [new, demo, won, lost]
    assert stored["version"] == 1


async def test_a_stage_with_deals_is_removed_only_after_they_move(gql: GraphQLClient) -> None:
    # two deals in Demo, one of them deleted
    pipeline = await new_pipeline(gql)
    new, demo, _, _ = (s["id"] for s in pipeline["stages"])
    kept = await new_deal(gql, demo)
    gone = await new_deal(gql, demo)
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
    stored = await read_pipeline(gql, pipeline["id"])
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
    assert error_fields(errors) == {("input", "stageId"): "NOT_FOUND"}


async def test_the_last_won_stage_cannot_be_removed(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
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
    assert error_fields(errors) == {("input", "id"): "NOT_FOUND"}
