"""Deals through the API: creation and its checks, ownership scopes, filters and order."""

from __future__ import annotations

import uuid
from typing import Any

from crm_graphql.core.ids import encode_id
from crm_graphql.platform.users.models import UserRole
from tests.deals.operations import (
    CREATE,
    DEALS,
    MISSING,
    MOVE,
    UPDATE,
    WIN,
    column_ids,
    default_stages,
    error_fields,
    money_input,
    move_deal,
    new_deal,
    new_pipeline,
    read_deal,
    viewer_id,
)
from tests.support import factories
from tests.support.databases import sqlite_only
from tests.support.graphql_client import GraphQLClient, SignIn

# --- createDeal -----------------------------------------------------------------------------


async def test_create_a_deal_with_defaults(gql: GraphQLClient) -> None:
    stages = await default_stages(gql)
    customer = await factories.customer(gql)
    admin = await viewer_id(gql)
    deal = await new_deal(
        gql,
        title="  200 seats  ",
        amount=money_input("1234.50", "usd"),
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
    assert await read_deal(gql, deal["id"]) == deal


async def test_the_stage_names_its_pipeline(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    deal = await new_deal(gql, stageId=pipeline["B"], amount=money_input("5"))
    assert (deal["pipeline"]["id"], deal["stage"]["id"]) == (pipeline["id"], pipeline["B"])
    # and a pipeline alone means its first OPEN stage
    deal = await new_deal(gql, pipelineId=pipeline["id"], amount=money_input("5"))
    assert deal["stage"]["id"] == pipeline["A"]


async def test_create_deal_checks(gql: GraphQLClient) -> None:
    pipeline = await new_pipeline(gql)
    other = await new_pipeline(gql)
    company = await factories.company(gql)
    title = factories.unique("Refused deal")
    cases: list[tuple[dict[str, Any], dict[tuple[str, ...], str]]] = [
        # the currency must be the pipeline's
        (
            {"pipelineId": pipeline["id"], "amount": money_input("10", "USD")},
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
            {"pipelineId": pipeline["id"], "amount": money_input("-1")},
            {("input", "amount", "amount"): "VALIDATION"},
        ),
        (
            {"pipelineId": pipeline["id"], "amount": money_input("1.001")},
            {("input", "amount", "amount"): "VALIDATION"},
        ),
        ({"pipelineId": pipeline["id"], "title": "  "}, {("input", "title"): "VALIDATION"}),
    ]
    for change, expected in cases:
        input = {
            "title": title,
            "amount": money_input("10"),
            "companyId": company["id"],
            **change,
        }
        errors = await gql.user_errors(CREATE, {"input": input})
        assert error_fields(errors) == expected, change
    data = await gql.query(DEALS, {"filter": {"title": {"eq": title}}, "includeDeleted": True})
    assert data["deals"]["totalCount"] == 0


async def test_the_currency_mismatch_names_the_pipelines_currency(gql: GraphQLClient) -> None:
    errors = await gql.user_errors(
        CREATE,
        {
            "input": {
                "title": "Wrong money",
                "amount": money_input("10", "EUR"),
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
    s1_id, s2_id = await viewer_id(s1), await viewer_id(s2)
    pipeline = await new_pipeline(gql)
    prefix = f"Owned {tag}"
    mine = await new_deal(s1, title=f"{prefix} s1", stageId=pipeline["A"])
    theirs = await new_deal(s2, title=f"{prefix} s2", stageId=pipeline["A"])
    unowned = await new_deal(gql, title=f"{prefix} unowned", stageId=pipeline["A"])
    assert (mine["owner"], theirs["owner"]) == ({"id": s1_id}, {"id": s2_id})
    by_prefix = {"filter": {"title": {"startsWith": prefix}}, "orderBy": [{"field": "TITLE"}]}
    # lists, IDs, node and columns hide the other's deal
    data = await s1.query(DEALS, by_prefix)
    assert [n["id"] for n in data["deals"]["nodes"]] == [mine["id"], unowned["id"]]
    assert data["deals"]["totalCount"] == 2
    assert await read_deal(s1, theirs["id"]) is None
    assert (await s1.query("query($id: ID!) { node(id: $id) { id } }", {"id": theirs["id"]}))[
        "node"
    ] is None
    assert await column_ids(s1, pipeline["A"]) == [mine["id"], unowned["id"]]
    assert await column_ids(gql, pipeline["A"]) == [mine["id"], theirs["id"], unowned["id"]]
    # and the other's deal cannot be moved, won or changed
    for document, input in (
        (MOVE, {"stageId": pipeline["B"]}),
        (WIN, {}),
        (UPDATE, {"title": "Mine now"}),
    ):
        errors = await s1.user_errors(
            document, {"input": {"id": theirs["id"], "expectedVersion": 1, **input}}
        )
        assert error_fields(errors) == {("input", "id"): "NOT_FOUND"}
    # nor handed to them
    errors = await s1.user_errors(
        UPDATE, {"input": {"id": mine["id"], "expectedVersion": 1, "ownerId": s2_id}}
    )
    assert error_fields(errors) == {("input", "ownerId"): "FORBIDDEN"}
    # the own deal moves; a position counts the deals the mover sees
    await move_deal(s1, mine, pipeline["A"], position=1)
    assert await column_ids(s1, pipeline["A"]) == [unowned["id"], mine["id"]]
    stored = await read_deal(gql, theirs["id"])
    assert stored is not None
    assert (stored["stage"]["id"], stored["version"]) == (pipeline["A"], 1)
    for client in clients.values():
        await client.http.aclose()


# --- filters and order ----------------------------------------------------------------------


async def test_filters_and_ordering(gql: GraphQLClient) -> None:
    tag = uuid.uuid4().hex[:10]
    pipeline = await new_pipeline(gql)
    acme = await factories.company(gql, name=f"Acme {tag}", industry="Rockets")
    person = await factories.customer(gql, name=f"Person {tag}")
    await new_deal(
        gql,
        title=f"F {tag} small",
        amount=money_input("10"),
        stageId=pipeline["A"],
        companyId=acme["id"],
    )
    large = await new_deal(
        gql,
        title=f"F {tag} large",
        amount=money_input("5000"),
        stageId=pipeline["A"],
        customerId=person["id"],
        expectedCloseDate="2030-06-30",
    )
    middle = await new_deal(
        gql,
        title=f"F {tag} middle",
        amount=money_input("300"),
        stageId=pipeline["A"],
        companyId=acme["id"],
        expectedCloseDate="2030-01-15",
    )
    await move_deal(gql, middle, pipeline["B"])
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


@sqlite_only
async def test_an_id_of_another_type_in_a_filter_is_refused(gql: GraphQLClient) -> None:
    response = await gql.raw(DEALS, {"filter": {"stageId": {"eq": encode_id("Customer", 1)}}})
    body = response.json()
    assert "errors" in body
    assert "Expected the ID of a Stage" in body["errors"][0]["message"]
