"""Validation and normalisation of contact data, shared by every domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

from crm_graphql.core.errors import DomainError
from crm_graphql.core.text import text_problem


def check_text(value: str, field: Sequence[str]) -> str:
    """`value` unchanged, if it holds no control character or lone surrogate (core/text.py)."""
    problem = text_problem(value)
    if problem is not None:
        raise DomainError.single(field, problem)
    return value


def instant_problem(value: datetime) -> str | None:
    """Why a point in time cannot be used, or None. Storage and comparisons happen in UTC,
    and `0001-01-01T00:00:00+14:00` has no UTC form (it would fall in year 0)."""
    try:
        value.astimezone(UTC)
    except OverflowError:
        return f"{value.isoformat()} is outside the range of UTC times (years 1 to 9999)."
    return None


def check_instant(value: datetime, field: Sequence[str]) -> datetime:
    problem = instant_problem(value)
    if problem is not None:
        raise DomainError.single(field, problem)
    return value


def normalize_email(value: str, field: Sequence[str]) -> str:
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise DomainError.single(field, f"Not a valid email address: {exc}") from exc
    return result.normalized.lower()


def normalize_phone(value: str, field: Sequence[str], region: str | None) -> str:
    """E.164 form; numbers without a +country prefix need CRM_DEFAULT_PHONE_REGION."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        hint = "" if region else " Use the international form, e.g. +44 20 7946 0958."
        raise DomainError.single(field, f"Not a valid phone number.{hint}") from exc
    if not phonenumbers.is_valid_number(number):
        raise DomainError.single(field, "Not a valid phone number for its country.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_country(value: str, field: Sequence[str]) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise DomainError.single(field, f"{value!r} is not an ISO 3166-1 alpha-2 country code.")
    return code


def required_text(value: str, field: Sequence[str], max_length: int) -> str:
    text = check_text(value, field).strip()
    if not text:
        raise DomainError.single(field, "Must not be blank.")
    if len(text) > max_length:
        raise DomainError.single(field, f"At most {max_length} characters.")
    return text


def optional_text(value: str | None, field: Sequence[str], max_length: int) -> str | None:
    if value is None:
        return None
    text = check_text(value, field).strip()
    if len(text) > max_length:
        raise DomainError.single(field, f"At most {max_length} characters.")
    return text or None


def past_date(value: date | None, field: Sequence[str], today: date) -> date | None:
    if value is not None and value > today:
        raise DomainError.single(field, "Must not be in the future.")
    if value is not None and value.year < 1900:
        raise DomainError.single(field, "Must be in 1900 or later.")
    return value
