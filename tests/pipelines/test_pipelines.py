"""Pipelines through the API: the default pipeline, creation, changes and deletion."""

from __future__ import annotations

from tests.pipelines.operations import (
    CREATE_DEAL,
    CREATE_PIPELINE,
    DELETE_PIPELINE,
    LOSE_DEAL,
    NODE,
    PIPELINE,
    PIPELINES,
    RESTORE_PIPELINE,
    STAGES,
    UPDATE_PIPELINE,
    default_pipeline,
    error_fields,
    new_deal,
    new_pipeline,
    read_pipeline,
)
from tests.support import factories
from tests.support.graphql_client import GraphQLClient

# --- the default pipeline -------------------------------------------------------------------


async def test_the_default_pipeline_exists(gql: GraphQLClient) -> None:
    pipeline = await default_pipeline(gql)
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
    pipeline = await default_pipeline(gql)
    errors = await gql.user_errors(DELETE_PIPELINE, {"input": {"id": pipeline["id"]}})
    assert error_fields(errors) == {("input", "id"): "CONFLICT"}
    assert "default pipeline" in errors[0]["message"]
    assert (await read_pipeline(gql, pipeline["id"]))["deletedAt"] is None


# --- creating and changing pipelines --------------------------------------------------------


async def test_create_a_pipeline_with_its_stages(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql, currency=" eur ")
    assert (pipeline["currency"], pipeline["isDefault"], pipeline["version"]) == ("EUR", False, 1)
    assert [
        (s["name"], s["position"], s["probability"], s["kind"]) for s in pipeline["stages"]
    ] == [
        ("New", 0, 10, "OPEN"),
        ("Demo", 1, 40, "OPEN"),
        ("Closed won", 2, 100, "WON"),
        ("Closed lost", 3, 0, "LOST"),
    ]
    assert await read_pipeline(gql, pipeline["id"]) == pipeline
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
    assert error_fields(errors) == {("input", "stages"): "DUPLICATE"}


async def test_rename_and_stale_version(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    renamed = await gql.mutate(
        UPDATE_PIPELINE,
        {"input": {"id": pipeline["id"], "expectedVersion": 1, "name": "  Renewals  "}},
    )
    assert (renamed["pipeline"]["name"], renamed["pipeline"]["version"]) == ("Renewals", 2)
    errors = await gql.user_errors(
        UPDATE_PIPELINE, {"input": {"id": pipeline["id"], "expectedVersion": 1, "name": "Stale"}}
    )
    assert error_fields(errors) == {("input", "expectedVersion"): "CONFLICT"}
    assert (await read_pipeline(gql, pipeline["id"]))["name"] == "Renewals"


async def test_currency_changes_only_without_deals(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    changed = await gql.mutate(
        UPDATE_PIPELINE, {"input": {"id": pipeline["id"], "expectedVersion": 1, "currency": "GBP"}}
    )
    assert changed["pipeline"]["currency"] == "GBP"
    changed = await gql.mutate(
        UPDATE_PIPELINE, {"input": {"id": pipeline["id"], "expectedVersion": 2, "currency": "EUR"}}
    )
    await new_deal(gql, pipeline["stages"][0]["id"])
    errors = await gql.user_errors(
        UPDATE_PIPELINE, {"input": {"id": pipeline["id"], "expectedVersion": 3, "currency": "USD"}}
    )
    assert error_fields(errors) == {("input", "currency"): "CONFLICT"}
    assert "1 deal in EUR" in errors[0]["message"]


async def test_making_another_pipeline_the_default(gql: GraphQLClient) -> None:
    sales = await default_pipeline(gql)
    other = await new_pipeline(gql)
    try:
        made = await gql.mutate(
            UPDATE_PIPELINE, {"input": {"id": other["id"], "expectedVersion": 1, "isDefault": True}}
        )
        # exactly one default
        assert made["pipeline"]["isDefault"] is True
        data = await gql.query(PIPELINES, {"filter": {"isDefault": {"eq": True}}})
        assert [n["id"] for n in data["pipelines"]["nodes"]] == [other["id"]]
        assert (await read_pipeline(gql, sales["id"]))["isDefault"] is False
        # the default cannot simply be unset
        errors = await gql.user_errors(
            UPDATE_PIPELINE,
            {"input": {"id": other["id"], "expectedVersion": 2, "isDefault": False}},
        )
        assert error_fields(errors) == {("input", "isDefault"): "VALIDATION"}
    finally:
        current = await read_pipeline(gql, sales["id"])
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
    assert (await read_pipeline(gql, other["id"]))["isDefault"] is False
    assert (await default_pipeline(gql))["id"] == sales["id"]


async def test_delete_and_restore_a_pipeline(gql: GraphQLClient) -> None:
    # a pipeline with an open deal
    pipeline = await new_pipeline(gql)
    deal = await new_deal(gql, pipeline["stages"][0]["id"])
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
    assert error_fields(errors) == {("input", "pipelineId"): "NOT_FOUND"}
    # restore
    restored = await gql.mutate(RESTORE_PIPELINE, {"input": {"id": pipeline["id"]}})
    assert restored["pipeline"]["deletedAt"] is None
    assert (await gql.query(PIPELINES, by_id))["pipelines"]["totalCount"] == 1
