"""Every relation field has a batch form, so the batched executor never resolves one parent at
a time: a field of an object reachable from `Query` whose type is an entity, a connection or a
list of entities, and whose resolver loads (is async), carries BATCH_ATTRIBUTE (fields.py).
Sync resolvers read what the object holds, such as a connection's `nodes`."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)
from strawberry.types.field import StrawberryField

from crm_graphql.app.schema import create_schema
from crm_graphql.graphql.executor.batched import BACKREF, batch_of
from tests.support import factories
from tests.support.graphql_client import GraphQLClient


def is_relation(schema: GraphQLSchema, named: GraphQLNamedType) -> bool:
    node = schema.get_type("Node")
    if named is node:
        return True
    if not isinstance(named, GraphQLObjectType):
        return False
    return node in named.interfaces or {"edges", "nodes", "pageInfo"} <= named.fields.keys()


def reachable_objects(schema: GraphQLSchema) -> Iterator[GraphQLObjectType]:
    """Object types a query can reach (not the root itself: it has one parent)."""
    assert schema.query_type is not None
    seen: set[str] = {schema.query_type.name}
    todo: list[GraphQLNamedType] = [schema.query_type]
    while todo:
        current = todo.pop()
        if isinstance(current, GraphQLInterfaceType):
            found: list[GraphQLNamedType] = list(schema.get_implementations(current).objects)
        elif isinstance(current, GraphQLObjectType):
            found = [get_named_type(field.type) for field in current.fields.values()]
        else:
            continue
        for named in found:
            if named.name not in seen:
                seen.add(named.name)
                todo.append(named)
                if isinstance(named, GraphQLObjectType):
                    yield named


def lacks_batch_form(field: GraphQLField) -> bool:
    definition = field.extensions.get(BACKREF)
    assert isinstance(definition, StrawberryField)
    resolver = definition.base_resolver
    if resolver is None or not resolver.is_async:
        return False
    return batch_of(resolver.wrapped_func) is None


def test_no_relation_field_lacks_a_batch_form() -> None:
    # given
    schema = create_schema()._schema
    # when
    unbatched = {
        f"{object_type.name}.{name}"
        for object_type in reachable_objects(schema)
        for name, field in object_type.fields.items()
        if is_relation(schema, get_named_type(field.type)) and lacks_batch_form(field)
    }
    # then
    assert unbatched == set()


def test_the_walk_sees_the_relations_it_checks() -> None:
    # given
    schema = create_schema()._schema
    # when
    relations = {
        f"{object_type.name}.{name}"
        for object_type in reachable_objects(schema)
        for name, field in object_type.fields.items()
        if is_relation(schema, get_named_type(field.type))
    }
    # then
    assert {
        "Customer.company",
        "Customer.contactMethods",
        "Customer.consents",
        "Company.registeredAddress",
        "AuditRecord.entity",
        "OrderItem.product",
        "Pipeline.stages",
        "BoardColumn.deals",
        "ForecastBucket.owner",
        "LeadAssignmentRule.users",
    } <= relations


async def test_stages_come_in_board_order_when_the_selection_does_not_read_it(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    # given a pipeline whose stages' IDs are not in board order
    created = await gql.mutate(
        """mutation($input: CreatePipelineInput!) { createPipeline(input: $input) {
            pipeline { id stages { id } } errors { message } } }""",
        {
            "input": {
                "name": factories.unique("Board order"),
                "currency": "EUR",
                "stages": [
                    {"name": "A", "probability": 50},
                    {"name": "B", "probability": 100, "kind": "WON"},
                    {"name": "C", "probability": 0, "kind": "LOST"},
                ],
            }
        },
    )
    pipeline = created["pipeline"]
    a, b, c = (stage["id"] for stage in pipeline["stages"])
    await gql.mutate(
        """mutation($input: ReorderPipelineStagesInput!) { reorderPipelineStages(input: $input)
            { pipeline { id } errors { message } } }""",
        {"input": {"pipelineId": pipeline["id"], "stageIds": [c, a, b]}},
    )
    # when the batched executor reads only the names (the batch form reads the positions too)
    with caplog.at_level(logging.DEBUG, logger="crm_graphql.graphql.executor.batched"):
        answer = await gql.query(
            "query($id: ID!) { pipeline(id: $id) { stages { name } } }", {"id": pipeline["id"]}
        )
    # then
    assert [r.getMessage() for r in caplog.records if "batched" in r.name] == []
    assert [stage["name"] for stage in answer["pipeline"]["stages"]] == ["C", "A", "B"]
