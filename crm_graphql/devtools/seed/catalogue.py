"""Tags and products, and the product prices converted into every demo currency."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from crm_graphql.core.money import exponent
from crm_graphql.devtools.seed.draws import DAY, YEAR, at, later, names, phrases
from crm_graphql.devtools.seed.rows import Rows, stamps

PRODUCT_COUNT: Final = 200
PRODUCT_IDS: Final = range(1, PRODUCT_COUNT + 1)

# Units of each currency per 10,000 US dollars; fixed so that converted prices are stable.
USD_RATES: Final = {
    "USD": 10_000,
    "EUR": 9_200,
    "GBP": 7_900,
    "CAD": 13_600,
    "AUD": 15_200,
    "MXN": 171_000,
    "CNY": 72_000,
    "JPY": 1_500_000,
    "INR": 832_000,
}

_TAG_NAMES: Final = phrases(
    "VIP|Key Account|Newsletter|Trade Show|Webinar Attendee|Early Adopter|Beta Tester|"
    "Churn Risk|Upsell|Cross-sell|Renewal Due|Partner|Reseller|Distributor|Enterprise|SMB|"
    "Startup|Public Sector|Nonprofit|Education|Healthcare|Finance|Retail|Manufacturing|"
    "Logistics|Hospitality|EMEA|APAC|Americas|DACH|Nordics|Iberia|Decision Maker|Influencer|"
    "Champion|Technical Contact|Billing Contact|Referral Source|Press|Investor|Do Not Call|"
    "GDPR Consent|Needs Follow-up|Demo Scheduled|Trial|Onboarding|Case Study|Survey Responder|"
    "High Value|Long-term"
)
_TAG_COLORS: Final = names(
    "#1E90FF #E74C3C #2ECC71 #F39C12 #9B59B6 #16A085 #D35400 #34495E #C0392B #27AE60 "
    "#8E44AD #F1C40F #2980B9 #E67E22 #7F8C8D #00A8A8 #FF6F61 #6B5B95"
)

_PRODUCT_ADJECTIVES: Final = phrases(
    "Compact|Premium|Classic|Smart|Ergonomic|Wireless|Portable|Deluxe|Essential|Advanced|"
    "Professional|Eco|Ultra|Modular|Rugged|Silent|Heavy-Duty|Lightweight|Digital|Industrial"
)
# (noun, lowest and highest price in whole US dollars)
_PRODUCT_NOUNS: Final = (
    ("Desk Lamp", 25, 90), ("Office Chair", 120, 650), ("Standing Desk", 300, 1200),
    ("Monitor", 150, 900), ("Keyboard", 30, 200), ("Headset", 40, 350), ("Webcam", 40, 200),
    ("Docking Station", 90, 350), ("Notebook Set", 5, 25), ("Backpack", 40, 180),
    ("Router", 60, 400), ("Label Printer", 80, 350), ("Coffee Machine", 90, 900),
    ("Whiteboard", 40, 300), ("Projector", 300, 2500), ("Power Bank", 20, 120),
    ("Paper Shredder", 60, 400), ("Support Plan", 200, 2400), ("Training Session", 150, 1500),
    ("Software License", 50, 1000),
)  # fmt: skip
_PRODUCT_BLURBS: Final = phrases(
    "Built for busy teams.|Two-year warranty included.|Ships in recyclable packaging.|"
    "Our best seller in this range.|Designed for hybrid offices.|Tested for 24/7 use."
)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What orders, interactions and deals refer to: the products by index (id - 1)."""

    names: list[str]
    prices: dict[str, list[int]]  # by currency code


def convert(usd_minor: int, currency: str) -> int:
    """A USD price in `currency`, rounded to a shop-like price (x.99, or tens of yen)."""
    if currency == "USD":
        return usd_minor
    unit: int = 10 ** exponent(currency)
    minor = (usd_minor * USD_RATES[currency] * unit + 500_000) // 1_000_000
    if unit >= 100:
        return max(unit, (minor + unit - 1) // unit * unit) - 1
    return max(10, (minor + 5) // 10 * 10)


def add_tags(rng: random.Random, rows: Rows) -> None:
    for name in _TAG_NAMES:
        created = at(5 * YEAR - rng.randrange(180) * DAY)
        rows.add(
            "tags",
            {
                "id": rows.next_id("tags"),
                "name": name,
                "name_key": name.casefold(),
                "color": rng.choice(_TAG_COLORS),
                "deleted_at": None,
                **stamps(created),
            },
        )


def add_tag_links(
    rng: random.Random,
    rows: Rows,
    table: str,
    key: str,
    owner_id: int,
    count: int,
    since: datetime,
) -> None:
    for tag_id in sorted(rng.sample(range(1, len(_TAG_NAMES) + 1), count)):
        created = later(rng, since, 90 * DAY)
        rows.add(table, {key: owner_id, "tag_id": tag_id, "created_at": created})


def add_products(rng: random.Random, rows: Rows) -> Catalogue:
    all_names = [f"{a} {noun}" for a in _PRODUCT_ADJECTIVES for noun, _, _ in _PRODUCT_NOUNS]
    bands = {noun: (low, high) for noun, low, high in _PRODUCT_NOUNS}
    usd: list[int] = []
    product_names: list[str] = []
    for name in rng.sample(all_names, PRODUCT_COUNT):
        low, high = bands[name.split(" ", 1)[1]]
        price = rng.randint(low, high) * 100 - (1 if rng.random() < 0.7 else 0)
        usd.append(price)
        product_names.append(name)
        product_id = rows.next_id("products")
        created = at(4 * YEAR + rng.randrange(365) * DAY)
        rows.add(
            "products",
            {
                "id": product_id,
                "sku": f"SKU-{product_id:05d}",
                "name": name,
                "description": f"{name}. {rng.choice(_PRODUCT_BLURBS)}",
                "unit_price_minor": price,
                "currency": "USD",
                "is_active": True,
                "deleted_at": None,
                **stamps(created),
            },
        )
    prices = {code: [convert(p, code) for p in usd] for code in USD_RATES}
    return Catalogue(names=product_names, prices=prices)
