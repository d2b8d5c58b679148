"""Orders with their line items and payments, as a customer's stage makes them likely."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Final

from crm_graphql.app.models import LifecycleStage, OrderStatus, PaymentMethod
from crm_graphql.devtools.seed.catalogue import PRODUCT_IDS, Catalogue
from crm_graphql.devtools.seed.draws import BASE_TIME, DAY, Pick, between, later, phrases
from crm_graphql.devtools.seed.people import Timeline
from crm_graphql.devtools.seed.rows import Rows, stamps

ORDERS_PER_CUSTOMER: Final = 10
ITEMS_PER_ORDER: Final = 3

_PICK_QUANTITY: Final = Pick(((1, 60), (2, 20), (3, 8), (4, 4), (5, 4), (10, 3), (25, 1)))
_PICK_METHOD: Final = Pick(
    ((PaymentMethod.CARD, 60), (PaymentMethod.BANK_TRANSFER, 20), (PaymentMethod.WALLET, 15),
     (PaymentMethod.CASH, 3), (PaymentMethod.OTHER, 2))
)  # fmt: skip
# Buying customers mostly have completed orders; leads and prospects mostly open ones.
_PICK_STATUS_BUYER: Final = Pick(
    ((OrderStatus.SHIPPED, 50), (OrderStatus.PAID, 22), (OrderStatus.PLACED, 10),
     (OrderStatus.DRAFT, 8), (OrderStatus.CANCELLED, 10))
)  # fmt: skip
_PICK_STATUS_LEAD: Final = Pick(
    ((OrderStatus.SHIPPED, 10), (OrderStatus.PAID, 10), (OrderStatus.PLACED, 25),
     (OrderStatus.DRAFT, 35), (OrderStatus.CANCELLED, 20))
)  # fmt: skip
_ORDER_NOTES: Final = phrases(
    "Please deliver to the reception.|Gift wrap requested.|Invoice by email only.|"
    "Needed before the trade show.|Split shipment is fine.|Call before delivery."
)
_PAYMENT_PREFIX: Final = {
    PaymentMethod.CARD: "ch_",
    PaymentMethod.BANK_TRANSFER: "TRF-",
    PaymentMethod.WALLET: "wal_",
    PaymentMethod.CASH: "CASH-",
    PaymentMethod.OTHER: "REF-",
}


class OrderGenerator:
    def __init__(self, rng: random.Random, rows: Rows, catalogue: Catalogue) -> None:
        self.rng = rng
        self.rows = rows
        self.prices = catalogue.prices

    def add_for(self, who: Timeline) -> list[tuple[datetime, int]]:
        """Writes the customer's orders; returns (placed_at, id) of those that were placed."""
        rng = self.rng
        end = BASE_TIME
        if who.stage is LifecycleStage.CHURNED:
            end = max(who.created_at, BASE_TIME - timedelta(days=120))
        buyer = who.stage in (LifecycleStage.CUSTOMER, LifecycleStage.CHURNED)
        pick = _PICK_STATUS_BUYER if buyer else _PICK_STATUS_LEAD
        moments = sorted(between(rng, who.created_at, end) for _ in range(ORDERS_PER_CUSTOMER))
        placed: list[tuple[datetime, int]] = []
        for moment in moments:
            status = pick(rng)
            order_id = self._order(who, moment, status)
            if status is not OrderStatus.DRAFT:
                placed.append((moment, order_id))
        return placed

    def _order(self, who: Timeline, moment: datetime, status: OrderStatus) -> int:
        rng = self.rng
        order_id = self.rows.next_id("orders")
        prices = self.prices[who.currency]
        total = 0
        for product_id in rng.sample(PRODUCT_IDS, ITEMS_PER_ORDER):
            quantity = _PICK_QUANTITY(rng)
            price = prices[product_id - 1]
            total += quantity * price
            self.rows.add(
                "order_items",
                {
                    "id": self.rows.next_id("order_items"),
                    "order_id": order_id,
                    "product_id": product_id,
                    "quantity": quantity,
                    "unit_price_minor": price,
                    "currency": who.currency,
                },
            )
        placed_at = None if status is OrderStatus.DRAFT else moment
        created = moment - timedelta(seconds=rng.randrange(3_600)) if placed_at else moment
        paid, updated = self._payments(order_id, status, total, moment, who.currency)
        self.rows.add(
            "orders",
            {
                "id": order_id,
                "customer_id": who.id,
                "status": status,
                "currency": who.currency,
                "total_minor": total,
                "paid_minor": paid,
                "placed_at": placed_at,
                "notes": rng.choice(_ORDER_NOTES) if rng.random() < 0.1 else None,
                "deleted_at": None,
                **stamps(created, updated),
            },
        )
        return order_id

    def _payments(
        self, order_id: int, status: OrderStatus, total: int, placed: datetime, currency: str
    ) -> tuple[int, datetime]:
        """Writes the order's payments; returns (paid_minor, the order's updated_at)."""
        rng = self.rng
        if status in (OrderStatus.PAID, OrderStatus.SHIPPED):
            paid_at = self._payment(order_id, total, currency, placed)
            if status is OrderStatus.SHIPPED:
                return total, later(rng, paid_at, 5 * DAY)
            return total, paid_at
        if status is OrderStatus.PLACED and total > 1 and rng.random() < 0.5:
            amount = max(1, total * rng.randint(20, 80) // 100)
            return amount, self._payment(order_id, amount, currency, placed)
        if status is OrderStatus.CANCELLED:
            return 0, later(rng, placed, 10 * DAY)
        return 0, placed

    def _payment(self, order_id: int, amount: int, currency: str, placed: datetime) -> datetime:
        rng = self.rng
        method = _PICK_METHOD(rng)
        paid_at = later(rng, placed, 3 * DAY)
        self.rows.add(
            "payments",
            {
                "id": self.rows.next_id("payments"),
                "order_id": order_id,
                "amount_minor": amount,
                "currency": currency,
                "method": method,
                "reference": f"{_PAYMENT_PREFIX[method]}{rng.getrandbits(48):012X}",
                "paid_at": paid_at,
                "created_at": paid_at,
            },
        )
        return paid_at
