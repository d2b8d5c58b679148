"""Product domain logic."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.errors import DomainError, ErrorCode, Problems
from crm_graphql.core.money import normalize_currency, to_minor
from crm_graphql.core.validators import optional_text, required_text
from crm_graphql.data.records import check_version, find
from crm_graphql.products.models import Product


def _price(amount: Decimal, currency: str, field: Sequence[str]) -> tuple[int, str]:
    code = normalize_currency(currency, (*field, "currency"))
    minor = to_minor(amount, code, (*field, "amount"))
    if minor < 0:
        raise DomainError.single((*field, "amount"), "Must not be negative.")
    return minor, code


async def _clean(
    session: AsyncSession, values: Mapping[str, Any], problems: Problems, product_id: int | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "sku" in values:
        sku = problems.check(required_text, values["sku"] or "", ("sku",), 64)
        if sku is not None:
            sku = sku.upper()
            clash = (
                await session.execute(select(Product.id).where(Product.sku == sku))
            ).scalar_one_or_none()
            if clash is not None and clash != product_id:
                problems.add(("sku",), f"A product with SKU {sku} exists.", ErrorCode.DUPLICATE)
            out["sku"] = sku
    if "name" in values:
        out["name"] = problems.check(required_text, values["name"] or "", ("name",), 200)
    if "description" in values:
        out["description"] = problems.check(
            optional_text, values["description"], ("description",), 10_000
        )
    if "unit_price" in values:
        price = values["unit_price"]
        if price is None:
            problems.add(("unitPrice",), "Must not be null.")
        else:
            cleaned = problems.check(_price, price.amount, price.currency, ("unitPrice",))
            if cleaned is not None:
                out["unit_price_minor"], out["currency"] = cleaned
    if "is_active" in values:
        if values["is_active"] is None:
            problems.add(("isActive",), "Must not be null.")
        out["is_active"] = values["is_active"]
    return out


async def create_product(*, session: AsyncSession, fields: Mapping[str, Any]) -> Product:
    problems = Problems()
    values = await _clean(session, fields, problems, None)
    problems.raise_if_any()
    product = Product(**values)
    session.add(product)
    await session.flush()
    return product


async def update_product(
    *, session: AsyncSession, product_id: int, expected_version: int, fields: Mapping[str, Any]
) -> Product:
    product = await find(session, Product, product_id, ("id",))
    check_version(product, expected_version, ("expectedVersion",))
    problems = Problems()
    values = await _clean(session, fields, problems, product_id)
    problems.raise_if_any()
    for key, value in values.items():
        setattr(product, key, value)
    await session.flush()
    return product


async def sellable_products(
    session: AsyncSession, pks: Sequence[int], field: Sequence[str], problems: Problems
) -> dict[int, Product]:
    """Live, active products by key; problems name the items whose product is not sellable."""
    found = {
        p.id: p
        for p in (
            await session.execute(
                select(Product).where(Product.id.in_(set(pks)), Product.deleted_at.is_(None))
            )
        ).scalars()
    }
    for i, pk in enumerate(pks):
        product = found.get(pk)
        if product is None:
            problems.add(
                (*field, str(i), "productId"),
                "No Product with this ID exists.",
                ErrorCode.NOT_FOUND,
            )
        elif not product.is_active:
            problems.add((*field, str(i), "productId"), f"{product.name} is not sold any more.")
    return found
