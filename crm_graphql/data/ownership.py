"""Which records belong to which, declared once by the domains' models and read wherever it
matters: a part is visible exactly when its whole is (access.row_rule), a change of a part is a
change of its whole (the event log), and a whole's history shows its parts' audit records.

A part may belong to several wholes (an address to a customer or to a company); its wholes are
read in the order they were declared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from crm_graphql.core.db import Base


@dataclass(frozen=True, slots=True)
class PartOf:
    part: type[Base]
    link: str  # the part's foreign key naming its whole
    whole: type[Base]
    field: str  # the whole's GraphQL field that lists the part
    in_history: bool  # whether the whole's audit history shows the part's records


_DECLARED: list[PartOf] = []


def model_of(attribute: InstrumentedAttribute[Any]) -> type[Base]:
    """The model a column attribute belongs to."""
    model = attribute.class_
    assert isinstance(model, type)
    assert issubclass(model, Base)
    return model


def part_of(
    link: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
    whole: type[Base],
    *,
    field: str,
    in_history: bool = False,
) -> None:
    """Declares that rows of `link`'s model belong to the `whole` that `link` names."""
    part = model_of(link)
    declared = PartOf(part, link.key, whole, field, in_history)
    if declared not in _DECLARED:
        _DECLARED.append(declared)


def wholes_of(part: type[Base] | str) -> tuple[PartOf, ...]:
    """What rows of `part` (a model or its name) belong to, in declaration order."""
    return tuple(p for p in _DECLARED if part in (p.part, p.part.__name__))


def parts_of(whole: type[Base] | str) -> tuple[PartOf, ...]:
    """The parts of `whole` (a model or its name), in declaration order."""
    return tuple(p for p in _DECLARED if whole in (p.whole, p.whole.__name__))


def links_of(part: type[Base]) -> frozenset[str]:
    """The foreign keys through which rows of `part` belong to a whole."""
    return frozenset(p.link for p in wholes_of(part))
