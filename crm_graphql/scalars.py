"""Value types shared by every domain's GraphQL types."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from crm_graphql.money import from_minor


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
