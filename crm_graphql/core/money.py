"""Money: integer minor units plus an ISO 4217 code in storage, decimal strings in the API."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation, Overflow

import pycountry

from crm_graphql.core.errors import DomainError

# ISO 4217 minor units for the currencies that do not use two decimal places.
_MINOR_UNITS = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}
_NON_MONEY = {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA"}
_CURRENCIES = frozenset(
    c.alpha_3 for c in pycountry.currencies if c.alpha_3 not in _NON_MONEY and c.alpha_3 != "XXX"
)
MAX_MINOR = 10**15


def exponent(currency: str) -> int:
    return _MINOR_UNITS.get(currency, 2)


def normalize_currency(value: str, field: Sequence[str]) -> str:
    code = value.strip().upper()
    if code not in _CURRENCIES:
        raise DomainError.single(field, f"{value!r} is not an ISO 4217 currency code.")
    return code


def to_minor(amount: Decimal, currency: str, field: Sequence[str]) -> int:
    """Exact conversion to minor units; more decimals than the currency has is an error."""
    if not amount.is_finite():
        raise DomainError.single(field, "Not a valid amount.")
    if not amount.is_zero() and amount.adjusted() > 30:
        # `1e1000000` would overflow the decimal context below; no amount is anywhere near.
        raise DomainError.single(field, "The amount is too large.")
    try:
        scaled = amount.scaleb(exponent(currency))
        if not scaled.is_finite() or scaled != scaled.to_integral_value():
            raise DomainError.single(
                field, f"{currency} amounts have at most {exponent(currency)} decimal places."
            )
        minor = int(scaled)
    except (InvalidOperation, Overflow) as exc:
        raise DomainError.single(field, "Not a valid amount.") from exc
    if abs(minor) >= MAX_MINOR:
        raise DomainError.single(field, "The amount is too large.")
    return minor


def from_minor(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def format_decimal(minor: int, currency: str) -> str:
    places = exponent(currency)
    return f"{from_minor(minor, currency):.{places}f}"


def divide_half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, ties to even (banker's
    rounding): for amounts times a percentage, in minor units."""
    quotient, remainder = divmod(numerator, denominator)
    if 2 * remainder > denominator or (2 * remainder == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient
