"""Order domain logic: items priced from products, payments, totals and status transitions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crm_graphql.core.db import utcnow
from crm_graphql.core.errors import DomainError, ErrorCode, Problems
from crm_graphql.core.money import MAX_MINOR, format_decimal, normalize_currency, to_minor
from crm_graphql.core.validators import optional_text
from crm_graphql.customers.service import require_customer
from crm_graphql.data.records import check_version, find
from crm_graphql.orders.models import Order, OrderItem, OrderStatus, Payment, PaymentMethod
from crm_graphql.products.service import sellable_products

MAX_ITEMS = 500
MAX_QUANTITY = 1_000_000

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.DRAFT: frozenset({OrderStatus.PLACED, OrderStatus.CANCELLED}),
    # REFUNDED from PLACED only when part was paid; CANCELLED only when nothing was.
    OrderStatus.PLACED: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED, OrderStatus.REFUNDED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.REFUNDED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class NewItem:
    product_id: int
    quantity: int
    unit_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class NewPayment:
    amount: Decimal
    currency: str
    method: PaymentMethod
    paid_at: datetime | None = None
    reference: str | None = None


async def _items(
    session: AsyncSession, items: Sequence[NewItem], currency: str | None, problems: Problems
) -> list[OrderItem]:
    if len(items) > MAX_ITEMS:
        problems.add(("items",), f"At most {MAX_ITEMS} items per order.")
        return []
    products = await sellable_products(session, [i.product_id for i in items], ("items",), problems)
    built = []
    for i, item in enumerate(items):
        field = ("items", str(i))
        if not 0 < item.quantity <= MAX_QUANTITY:
            problems.add((*field, "quantity"), f"Must be between 1 and {MAX_QUANTITY}.")
            continue
        product = products.get(item.product_id)
        if product is None or currency is None:
            continue
        if item.unit_price is not None:
            price = problems.check(to_minor, item.unit_price, currency, (*field, "unitPrice"))
            if price is not None and price < 0:
                problems.add((*field, "unitPrice"), "Must not be negative.")
                continue
        elif product.currency != currency:
            problems.add(
                (*field, "unitPrice"),
                f"{product.name} is priced in {product.currency}; give a {currency} unit price.",
            )
            continue
        else:
            price = product.unit_price_minor
        if price is not None:
            built.append(
                OrderItem(
                    product_id=product.id,
                    quantity=item.quantity,
                    unit_price_minor=price,
                    currency=currency,
                )
            )
    return built


def _total(items: Sequence[OrderItem], problems: Problems) -> int:
    total = sum(i.quantity * i.unit_price_minor for i in items)
    if total >= MAX_MINOR:
        problems.add(("items",), "The order total is too large.")
    return total


async def create_order(
    *,
    session: AsyncSession,
    customer_id: int,
    currency: str,
    items: Sequence[NewItem],
    notes: str | None,
    status: OrderStatus,
) -> Order:
    problems = Problems()
    await require_customer(session, customer_id, ("customerId",), problems)
    code = problems.check(normalize_currency, currency, ("currency",))
    text = problems.check(optional_text, notes, ("notes",), 10_000)
    built = await _items(session, items, code, problems)
    total = _total(built, problems)
    if status not in {OrderStatus.DRAFT, OrderStatus.PLACED}:
        problems.add(("status",), "New orders are DRAFT or PLACED.", ErrorCode.INVALID_TRANSITION)
    if status is OrderStatus.PLACED and not items:
        problems.add(("items",), "A placed order needs at least one item.")
    problems.raise_if_any()
    assert code is not None
    order = Order(
        customer_id=customer_id,
        currency=code,
        status=status,
        notes=text,
        items=built,
        total_minor=total,
        paid_minor=0,
        placed_at=utcnow() if status is OrderStatus.PLACED else None,
    )
    session.add(order)
    await session.flush()
    return order


async def update_order(
    *,
    session: AsyncSession,
    order_id: int,
    expected_version: int,
    fields: Mapping[str, Any],
    items: Sequence[NewItem] | None,
) -> Order:
    order = await find(session, Order, order_id, ("id",))
    check_version(order, expected_version, ("expectedVersion",))
    problems = Problems()
    if "notes" in fields:
        order.notes = problems.check(optional_text, fields["notes"], ("notes",), 10_000)
    if items is not None:
        if order.status is not OrderStatus.DRAFT:
            problems.add(
                ("items",),
                "Items can only change while the order is a DRAFT.",
                ErrorCode.INVALID_TRANSITION,
            )
        built = await _items(session, items, order.currency, problems)
        total = _total(built, problems)
    problems.raise_if_any()
    if items is not None:
        await session.refresh(order, ["items"])
        order.items = built
        order.total_minor = total
        order.updated_at = utcnow()  # touches the row, so the version moves with the items too
    await session.flush()
    return order


async def change_order_status(
    *, session: AsyncSession, order_id: int, expected_version: int, status: OrderStatus
) -> Order:
    order = await find(session, Order, order_id, ("id",))
    check_version(order, expected_version, ("expectedVersion",))
    if status not in TRANSITIONS[order.status]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[order.status])) or "none"
        raise DomainError.single(
            ("status",),
            f"An order that is {order.status.value} cannot become {status.value} "
            f"(allowed: {allowed}).",
            ErrorCode.INVALID_TRANSITION,
        )
    if status is OrderStatus.CANCELLED and order.paid_minor > 0:
        raise DomainError.single(
            ("status",),
            "An order that is PLACED cannot become CANCELLED once part of it is paid; "
            "refund it (REFUNDED) instead.",
            ErrorCode.INVALID_TRANSITION,
        )
    if status is OrderStatus.REFUNDED and order.paid_minor == 0:
        raise DomainError.single(
            ("status",),
            "An order that is PLACED cannot become REFUNDED while nothing is paid; "
            "cancel it instead.",
            ErrorCode.INVALID_TRANSITION,
        )
    if status is OrderStatus.PLACED and order.total_minor == 0:
        await session.refresh(order, ["items"])
        if not order.items:
            raise DomainError.single(("status",), "A placed order needs at least one item.")
    if status is OrderStatus.PAID and order.paid_minor < order.total_minor:
        due = format_decimal(order.total_minor - order.paid_minor, order.currency)
        raise DomainError.single(
            ("status",),
            f"{due} {order.currency} is still due; add the payment first.",
            ErrorCode.INVALID_TRANSITION,
        )
    order.status = status
    if status is OrderStatus.PLACED:
        order.placed_at = utcnow()
    await session.flush()
    return order


async def add_payment(
    *, session: AsyncSession, order_id: int, expected_version: int | None, payment: NewPayment
) -> Order:
    order = await find(session, Order, order_id, ("orderId",))
    check_version(order, expected_version, ("expectedVersion",))
    problems = Problems()
    if order.status is not OrderStatus.PLACED:
        problems.add(
            ("orderId",),
            f"Payments are taken on PLACED orders; this one is {order.status.value}.",
            ErrorCode.INVALID_TRANSITION,
        )
    currency = problems.check(normalize_currency, payment.currency, ("amount", "currency"))
    if currency is not None and currency != order.currency:
        problems.add(("amount", "currency"), f"The order is in {order.currency}.")
    amount = (
        problems.check(to_minor, payment.amount, order.currency, ("amount", "amount"))
        if currency == order.currency
        else None
    )
    due = order.total_minor - order.paid_minor
    if amount is not None and amount <= 0:
        problems.add(("amount", "amount"), "Must be positive.")
    elif amount is not None and amount > due:
        problems.add(
            ("amount", "amount"),
            f"Only {format_decimal(due, order.currency)} {order.currency} is due.",
        )
    if payment.paid_at is not None and payment.paid_at > utcnow():
        problems.add(("paidAt",), "Must not be in the future.")
    reference = problems.check(optional_text, payment.reference, ("reference",), 100)
    problems.raise_if_any()
    assert amount is not None
    session.add(
        Payment(
            order_id=order.id,
            amount_minor=amount,
            currency=order.currency,
            method=payment.method,
            reference=reference,
            paid_at=payment.paid_at or utcnow(),
        )
    )
    order.paid_minor += amount
    if order.paid_minor == order.total_minor:
        order.status = OrderStatus.PAID
    await session.flush()
    return order
