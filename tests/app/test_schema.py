"""The schema is the product's documentation: exported, described, and what runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    parse,
)

from crm_graphql.app.schema import CoreExecutionContext, create_schema

ROOT = Path(__file__).resolve().parents[2]


def test_schema_file_equals_running_schema() -> None:
    exported = create_schema().as_str() + "\n"
    on_disk = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert on_disk == exported, "schema.graphql is stale: run `crm-graphql export-schema`"


def test_export_schema_command_writes_the_running_schema(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    subprocess.run(
        [sys.executable, "-m", "crm_graphql", "export-schema", "--output", str(target)],
        check=True,
        capture_output=True,
    )
    assert target.read_text(encoding="utf-8") == create_schema().as_str() + "\n"


def undocumented(schema: GraphQLSchema) -> list[str]:
    missing = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Boolean", "ID", "Float"}:
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in field.args.items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        elif isinstance(graphql_type, GraphQLInputObjectType):
            missing.extend(
                f"{name}.{field_name}"
                for field_name, field in graphql_type.fields.items()
                if not field.description
            )
    return missing


def test_every_type_field_and_argument_is_described() -> None:
    assert undocumented(create_schema()._schema) == []


def test_naming_conventions() -> None:
    schema = create_schema()._schema
    mutation = schema.mutation_type
    assert mutation is not None
    for name, field in mutation.fields.items():
        assert list(field.args) in (["input"], []), name
        payload = field.type.of_type if hasattr(field.type, "of_type") else field.type
        assert "errors" in payload.fields, name
    for name, graphql_type in schema.type_map.items():
        if isinstance(graphql_type, GraphQLEnumType) and not name.startswith("__"):
            assert all(value.isupper() for value in graphql_type.values), name


def test_subscription_events_do_not_share_graphql_cores_sub_field_memo() -> None:
    # graphql-core 3.3 memoizes collected sub-fields per executor; per-event copies shared
    # the subscription's memo and grew it by every event (crm_graphql/schema.py)
    schema = create_schema()
    document = parse("subscription { recordEvents { sequence } }")
    executor = CoreExecutionContext.build(schema._schema, document)
    first = executor.build_per_event_executor(None)
    second = executor.build_per_event_executor(None)
    assert first._relevant_sub_fields is not executor._relevant_sub_fields
    assert first._relevant_sub_fields is not second._relevant_sub_fields
