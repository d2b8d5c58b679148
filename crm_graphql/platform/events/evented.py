"""The models whose changes are events of their own, as their domains declare them (in their
models modules): the record type events name them by, the columns that place an event on a
customer's timeline and in a pipeline, and what else their changes say. Changes of their parts
(data/ownership.py) count as changes of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from crm_graphql.core.db import Base
from crm_graphql.platform.events.models import EventEntity, EventKind

# the kind of an update, from its changed columns (before, after); None: UPDATED
KindRule = Callable[[Mapping[str, tuple[Any, Any]]], EventKind | None]
Link = InstrumentedAttribute[int] | InstrumentedAttribute[int | None]


@dataclass(frozen=True, slots=True)
class Evented:
    model: type[Base]
    entity: EventEntity
    customer: str | None  # the column naming the customer whose timeline shows the event
    pipeline: str | None  # the column naming the pipeline it belongs to
    kind: KindRule | None
    renamed: Mapping[str, str] = field(default_factory=dict)  # column -> GraphQL field
    hidden: frozenset[str] = frozenset()  # columns that are bookkeeping of another field

    @property
    def is_customer(self) -> bool:
        """Whether the model is the customer itself (its events are on its own timeline)."""
        return self.customer == "id"


_BY_ENTITY: dict[EventEntity, Evented] = {}


def evented(
    model: type[Base],
    entity: EventEntity,
    *,
    customer: Link | None = None,
    pipeline: Link | None = None,
    kind: KindRule | None = None,
    renamed: Mapping[str, str] | None = None,
    hidden: frozenset[str] = frozenset(),
) -> None:
    _BY_ENTITY[entity] = Evented(
        model,
        entity,
        customer.key if customer is not None else None,
        pipeline.key if pipeline is not None else None,
        kind,
        dict(renamed or {}),
        hidden,
    )


def of_entity(entity: EventEntity) -> Evented:
    return _BY_ENTITY[entity]


def of_model(model: type[Base] | str) -> Evented | None:
    """The declaration of `model` (or a model's name), None if it has no events of its own."""
    for declared in _BY_ENTITY.values():
        if model in (declared.model, declared.model.__name__):
            return declared
    return None


def all_evented() -> list[Evented]:
    return list(_BY_ENTITY.values())
