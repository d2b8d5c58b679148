"""Value types shared by every domain's GraphQL types."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types.scalar import ScalarDefinition

from crm_graphql.core.money import from_minor


@strawberry.type(description="An amount of money: a decimal string and its ISO 4217 currency.")
class Money:
    amount: Decimal = strawberry.field(
        description="The amount as a decimal string, exact to the currency's minor unit."
    )
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. EUR.")

    @classmethod
    def of(cls, minor: int, currency: str) -> Money:
        return cls(amount=from_minor(minor, currency), currency=currency)


@strawberry.input(description="An amount of money in a currency.")
class MoneyInput:
    amount: Decimal = strawberry.field(description='A decimal amount, e.g. "19.99".')
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. EUR.")


def _serialize_datetime(value: datetime.datetime) -> str:
    return value.isoformat()


def _parse_datetime(value: object) -> datetime.datetime:
    if not isinstance(value, str):
        raise ValueError("A DateTime is an ISO 8601 string, e.g. 2026-05-01T09:30:00Z.")
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not an ISO 8601 date and time.") from exc
    if parsed.tzinfo is None:
        raise ValueError(
            f"{value!r} has no time zone: add an offset, e.g. 2026-05-01T09:30:00Z or +02:00."
        )
    return parsed


DATETIME = strawberry.scalar(
    name="DateTime",
    description="A point in time: ISO 8601 with a time zone offset, e.g. 2026-05-01T09:30:00Z. "
    "Times without an offset are refused rather than guessed.",
    serialize=_serialize_datetime,
    parse_value=_parse_datetime,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {datetime.datetime: DATETIME}
