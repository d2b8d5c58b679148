"""Company domain logic: validation, normalisation and writes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.companies.models import Company
from crm_graphql.core.errors import DomainError, ErrorCode, Problems
from crm_graphql.core.validators import optional_text, required_text
from crm_graphql.data.records import (
    check_assignable,
    check_version,
    default_owner,
    find,
    require_all,
    visible,
)
from crm_graphql.platform.users.service import require_active_user

_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


async def require_company(
    session: AsyncSession, pk: int, field: Sequence[str], problems: Problems
) -> int | None:
    """`pk` when it names a live company; otherwise None and a NOT_FOUND problem."""
    if await visible(session, Company, pk) is None:
        problems.add(field, "No Company with this ID exists.", ErrorCode.NOT_FOUND)
        return None
    return pk


def normalize_domain(value: str, field: Sequence[str]) -> str:
    domain = value.strip().lower().removeprefix("www.")
    if not _HOSTNAME.match(domain):
        raise DomainError.single(field, f"{value!r} is not a valid domain name, e.g. example.com.")
    return domain


def normalize_website(value: str, field: Sequence[str]) -> str:
    url = value.strip()
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.username is not None
        or len(url) > 500
    ):
        raise DomainError.single(field, "Not a valid http(s) web address.")
    normalize_domain(parts.hostname, field)
    return url


async def _clean(
    session: AsyncSession, values: Mapping[str, Any], problems: Problems
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "name":
            out[key] = problems.check(required_text, value or "", ("name",), 200)
        elif key == "industry":
            out[key] = problems.check(optional_text, value, ("industry",), 100)
        elif key == "legal_representative":
            out[key] = problems.check(optional_text, value, ("legalRepresentative",), 200)
        elif key == "website":
            out[key] = (
                problems.check(normalize_website, value, ("website",))
                if value and value.strip()
                else None
            )
        elif key == "domain":
            out[key] = (
                problems.check(normalize_domain, value, ("domain",))
                if value and value.strip()
                else None
            )
        elif key == "size":
            out[key] = value
        elif key == "owner_id":
            out[key] = value and await require_active_user(session, value, ("ownerId",), problems)
            check_assignable(session, value, ("ownerId",), problems)
        else:  # pragma: no cover - the GraphQL inputs only carry the keys above
            raise KeyError(key)
    if out.get("website") and not values.get("domain"):
        host = urlsplit(out["website"]).hostname or ""
        out["domain"] = host.lower().removeprefix("www.")
    return out


async def create_company(*, session: AsyncSession, fields: Mapping[str, Any]) -> Company:
    problems = Problems()
    if "name" not in fields:
        problems.add(("name",), "Must not be blank.")
    if fields.get("owner_id") is None:
        fields = {**fields, "owner_id": default_owner(session)}
    values = await _clean(session, fields, problems)
    problems.raise_if_any()
    company = Company(**values)
    session.add(company)
    await session.flush()
    return company


async def update_company(
    *,
    session: AsyncSession,
    company_id: int,
    expected_version: int,
    fields: Mapping[str, Any],
) -> Company:
    company = await find(session, Company, company_id, ("id",))
    check_version(company, expected_version, ("expectedVersion",))
    problems = Problems()
    values = await _clean(session, fields, problems)
    problems.raise_if_any()
    for key, value in values.items():
        setattr(company, key, value)
    await session.flush()
    return company


async def require_companies(session: AsyncSession, pks: list[int], problems: Problems) -> None:
    """NOT_FOUND problems for keys that name no live company."""
    await require_all(session, Company, pks, ("companyIds",), problems)
