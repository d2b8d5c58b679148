"""Mutation factories for what every soft-deletable entity offers alike: delete and restore.

`delete_customer = delete_mutation(Customer, payload=CustomerPayload, description=...)` is the
whole mutation, as Saleor's ModelDeleteMutation is: the input, the write transaction
(payloads.mutate: permission, audit, events) and the payload `{ <entity>, errors }`.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types.base import get_object_definition

from crm_graphql.core.db import Base
from crm_graphql.core.ids import expect_id
from crm_graphql.data.records import restore, soft_delete
from crm_graphql.graphql.arguments import INPUT
from crm_graphql.graphql.fields import INFO, argument, with_signature
from crm_graphql.graphql.payloads import DeleteInput, RestoreInput
from crm_graphql.graphql.relay import NODE_TYPES, GraphInfo
from crm_graphql.graphql.transaction import mutate

Action = Callable[[AsyncSession, Any], Awaitable[Base]]


def payload_field(payload: type) -> str:
    """The entity field of a payload type `{ <entity>, errors }`."""
    definition = get_object_definition(payload, strict=True)
    (entity,) = [f.python_name for f in definition.fields if f.python_name != "errors"]
    return entity


def _mutation(
    model: type[Base], payload: type, input_type: type, action: Action, description: str
) -> Any:
    entity = payload_field(payload)

    async def resolve(info: GraphInfo, input: Any) -> Any:
        async def write(session: AsyncSession) -> Base:
            return await action(session, input)

        written, errors = await mutate(info, write)
        node = None if written is None else NODE_TYPES[model.__name__].from_model(written)
        return payload(**{entity: node, "errors": errors})

    parameter = argument("input", Annotated[input_type, INPUT], inspect.Parameter.empty)
    return strawberry.mutation(
        resolver=with_signature(resolve, INFO, parameter),
        description=description,
        graphql_type=payload,
    )


def delete_mutation(model: type[Base], *, payload: type, description: str) -> Any:
    """`delete<Entity>(input: DeleteInput!)`: a soft delete, if `expectedVersion` holds."""

    async def delete(session: AsyncSession, input: DeleteInput) -> Base:
        pk = expect_id(input.id, model.__name__, ("id",))
        return await soft_delete(session, model, pk, input.expected_version)

    return _mutation(model, payload, DeleteInput, delete, description)


def restore_mutation(model: type[Base], *, payload: type, description: str) -> Any:
    """`restore<Entity>(input: RestoreInput!)`: undoes a soft delete."""

    async def restore_one(session: AsyncSession, input: RestoreInput) -> Base:
        return await restore(session, model, expect_id(input.id, model.__name__, ("id",)))

    return _mutation(model, payload, RestoreInput, restore_one, description)
