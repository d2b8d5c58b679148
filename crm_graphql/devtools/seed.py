"""Deterministic, realistic demo data for an empty, migrated database.

`seed(engine, customers=N, seed=S)` writes users, companies, customers (with contact methods,
addresses and tags), products, orders (with items and payments), interactions, and deals on the
default pipeline (one per 5 customers, with their stage history). Every value comes from
`random.Random(S)` and a fixed base time, so equal arguments give identical rows. Deals draw
from a stream of their own, so adding them left every other row as it was.
Rows go in through Core bulk inserts with ids assigned here, all inside one transaction.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Generic, TypeVar

import phonenumbers
from sqlalchemy import Table, exists, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from crm_graphql.app.models import (
    AddressKind,
    CompanySize,
    ContactKind,
    CustomerSource,
    Gender,
    InteractionDirection,
    InteractionKind,
    LifecycleStage,
    OrderStatus,
    PaymentMethod,
    StageKind,
    UserRole,
)
from crm_graphql.core.db import WRITE_OPTION, Base
from crm_graphql.core.money import exponent
from crm_graphql.platform.auth.passwords import hash_password

_T = TypeVar("_T")
Row = dict[str, Any]

# Fixed so that the output never depends on the clock; everything lies before it.
BASE_TIME: Final = datetime(2026, 1, 1, tzinfo=UTC)
CHUNK_ROWS: Final = 5_000
CUSTOMER_BLOCK: Final = 500
ORDERS_PER_CUSTOMER: Final = 10
ITEMS_PER_ORDER: Final = 3
INTERACTIONS_PER_CUSTOMER: Final = 5
PRODUCT_COUNT: Final = 200
CUSTOMERS_PER_DEAL: Final = 5
DEAL_RANK_STEP: Final = 1024.0  # as the pipeline service spaces a column's ranks
_DAY: Final = 86_400
_YEAR: Final = 365 * _DAY

# Parents before children, so that foreign keys hold at every insert.
_TABLE_ORDER: Final = (
    "users",
    "tags",
    "products",
    "companies",
    "company_tags",
    "customers",
    "contact_methods",
    "addresses",
    "customer_tags",
    "orders",
    "order_items",
    "payments",
    "interactions",
    "deals",
    "deal_stage_changes",
)
_ID_TABLES: Final = tuple(t for t in _TABLE_ORDER if t not in {"company_tags", "customer_tags"})


class SeedError(ValueError):
    """The database cannot be seeded (it already holds data, or the arguments are unusable)."""


@dataclass(frozen=True, slots=True)
class SeedReport:
    """How many rows of the main tables `seed` wrote."""

    users: int
    companies: int
    customers: int
    tags: int
    products: int
    orders: int
    order_items: int
    payments: int
    interactions: int
    deals: int
    deal_stage_changes: int


DEMO_USERS: tuple[tuple[str, str, UserRole], ...] = (
    ("admin@example.com", "Ada Fischer", UserRole.ADMIN),
    ("manager@example.com", "Martin Keller", UserRole.MANAGER),
    ("sales@example.com", "Sofia Ramos", UserRole.SALES),
    ("sales2@example.com", "Kenji Watanabe", UserRole.SALES),
    ("support@example.com", "Priya Nair", UserRole.SUPPORT),
    ("viewer@example.com", "Victor Lemaire", UserRole.VIEWER),
)
DEMO_PASSWORD = "crm-demo-password"  # every demo user's; documented in the README

_USER_IDS: Final = {
    role: [pk for pk, user in enumerate(DEMO_USERS, 1) if user[2] is role] for role in UserRole
}


def _names(words: str) -> tuple[str, ...]:
    return tuple(words.split())


def _phrases(words: str) -> tuple[str, ...]:
    return tuple(words.split("|"))


class _Pick(Generic[_T]):
    """A weighted choice with integer weights, so that draws are exact and reproducible."""

    def __init__(self, pairs: Iterable[tuple[_T, int]]) -> None:
        items = list(pairs)
        self.items = [item for item, _ in items]
        self.cumulative = list(itertools.accumulate(weight for _, weight in items))

    def __call__(self, rng: random.Random) -> _T:
        index = bisect.bisect_right(self.cumulative, rng.randrange(self.cumulative[-1]))
        return self.items[index]


# --- word lists -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Culture:
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    family_first: bool = False
    two_surnames: bool = False


_ENGLISH = _Culture(
    _names("Emma Olivia Charlotte Amelia Grace Hannah Chloe Emily Sarah Jessica Megan Laura"),
    _names("James Oliver William Henry Jack Thomas Daniel Michael Samuel Ethan Ryan Lucas"),
    _names(
        "Smith Johnson Williams Brown Taylor Wilson Davies Evans Thompson Walker Wright "
        "Robinson Clarke Hughes Bennett Carter Murphy O'Brien Campbell Anderson"
    ),
)
_GERMAN = _Culture(
    _names("Anna Lena Katharina Sophie Marie Julia Lea Jana Sabine Petra Ursula Greta"),
    _names("Lukas Maximilian Felix Jonas Tobias Stefan Jürgen Matthias Florian Andreas Klaus Jan"),
    _names(
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch "
        "Richter Wolf Schäfer Neumann Schwarz Zimmermann Krüger Hartmann Lange"
    ),
)
_FRENCH = _Culture(
    _names("Camille Léa Manon Chloé Inès Juliette Margaux Élise Sophie Claire Amélie Océane"),
    _names("Lucas Hugo Louis Gabriel Arthur Théo Antoine Julien Mathieu Nicolas François Rémi"),
    _names(
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
        "Lefèvre Michel Fontaine Rousseau Girard Bonnet Lambert Faure"
    ),
)
_SPANISH = _Culture(
    _names("Lucía María Sofía Paula Carmen Elena Marta Isabel Valentina Ximena Guadalupe Nuria"),
    _names("Hugo Martín Pablo Alejandro Javier Diego Carlos Miguel Sergio Andrés José Santiago"),
    _names(
        "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Jiménez Ruiz "
        "Hernández Díaz Moreno Álvarez Romero Navarro Torres Ramírez Castillo"
    ),
    two_surnames=True,
)
_CHINESE = _Culture(
    _names("Xiuying Fang Jing Min Yan Hui Xiaoling Mei Yuqi Ting Lan Ying"),
    _names("Wei Jun Hao Lei Yang Jian Ming Qiang Tao Zhiwei Yichen Bo"),
    _names("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo"),
    family_first=True,
)
_JAPANESE = _Culture(
    _names("Yui Aoi Sakura Haruka Yuki Mei Rin Hina Akiko Emi Naomi Keiko"),
    _names("Haruto Sota Ren Takumi Hiroshi Kenji Daiki Yuto Kazuki Takeshi Shota Ryo"),
    _names(
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida "
        "Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Mori"
    ),
)
_INDIAN = _Culture(
    _names("Priya Ananya Aishwarya Divya Kavya Neha Pooja Sneha Lakshmi Meera Riya Shreya"),
    _names("Aarav Arjun Rohan Vikram Rahul Amit Sanjay Karthik Aditya Rajesh Siddharth Vivek"),
    _names(
        "Sharma Patel Singh Kumar Gupta Reddy Iyer Nair Mehta Joshi Rao Desai Chatterjee "
        "Banerjee Kapoor Malhotra Agarwal Pillai Menon Bhat"
    ),
)

_EN_STREETS = _phrases(
    "Main Street|Oak Avenue|Station Road|Park Road|Church Lane|King Street|Elm Street|"
    "Victoria Road|Mill Lane|Maple Drive"
)
_EN_LINE2 = _phrases("Apt {n}|Suite {n}00|Unit {n}|Floor {n}")
_DE_STREETS = _phrases(
    "Hauptstraße|Bahnhofstraße|Gartenweg|Schillerstraße|Goethestraße|Lindenallee|Bergstraße|"
    "Am Markt|Kirchplatz|Mozartstraße"
)
_DE_LINE2 = _phrases("{n}. OG|Hinterhaus|Aufgang {L}")
_ES_STREETS = _phrases(
    "Calle Real|Calle del Sol|Calle de la Paz|Avenida de la Libertad|Calle Nueva|"
    "Avenida de la Constitución|Calle San Juan|Paseo de las Flores"
)
_ES_LINE2 = _phrases("Piso {n}|Planta {n}|Puerta {L}")


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    region: str | None
    postal: str  # '#' is a digit, '%' a digit from 1 to 9, '@' an upper-case letter


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    weight: int
    culture: _Culture
    currency: str
    legal_forms: tuple[str, ...]
    street_format: str  # {n} house number, {street}; {a}-{b}-{c} for Japanese block numbers
    streets: tuple[str, ...]
    line2: tuple[str, ...]
    cities: tuple[_City, ...]


def _cities(*rows: tuple[str, str | None, str]) -> tuple[_City, ...]:
    return tuple(_City(*row) for row in rows)


_COUNTRIES: Final = (
    _Country(
        "US", 22, _ENGLISH, "USD", ("Inc.", "LLC", "Corp."), "{n} {street}", _EN_STREETS,
        _EN_LINE2,
        _cities(
            ("New York", "NY", "100##"), ("San Francisco", "CA", "941##"),
            ("Chicago", "IL", "606##"), ("Austin", "TX", "787##"), ("Seattle", "WA", "981##"),
            ("Boston", "MA", "021##"),
        ),
    ),
    _Country(
        "GB", 12, _ENGLISH, "GBP", ("Ltd", "PLC", "LLP"), "{n} {street}", _EN_STREETS, _EN_LINE2,
        _cities(
            ("London", "England", "EC%@ #@@"), ("Manchester", "England", "M% #@@"),
            ("Edinburgh", "Scotland", "EH% #@@"), ("Bristol", "England", "BS% #@@"),
            ("Cardiff", "Wales", "CF% #@@"),
        ),
    ),
    _Country(
        "CA", 4, _ENGLISH, "CAD", ("Inc.", "Ltd."), "{n} {street}", _EN_STREETS, _EN_LINE2,
        _cities(
            ("Toronto", "ON", "M5V #@#"), ("Vancouver", "BC", "V6B #@#"),
            ("Montréal", "QC", "H2X #@#"),
        ),
    ),
    _Country(
        "AU", 3, _ENGLISH, "AUD", ("Pty Ltd",), "{n} {street}", _EN_STREETS, _EN_LINE2,
        _cities(("Sydney", "NSW", "20##"), ("Melbourne", "VIC", "30##"), ("Perth", "WA", "60##")),
    ),
    _Country(
        "DE", 12, _GERMAN, "EUR", ("GmbH", "AG", "GmbH & Co. KG"), "{street} {n}", _DE_STREETS,
        _DE_LINE2,
        _cities(
            ("Berlin", "Berlin", "10###"), ("Hamburg", "Hamburg", "20###"),
            ("München", "Bayern", "80###"), ("Köln", "Nordrhein-Westfalen", "50###"),
            ("Frankfurt am Main", "Hessen", "60###"), ("Stuttgart", "Baden-Württemberg", "70###"),
        ),
    ),
    _Country(
        "AT", 3, _GERMAN, "EUR", ("GmbH", "AG"), "{street} {n}", _DE_STREETS, _DE_LINE2,
        _cities(("Wien", "Wien", "10%0"), ("Graz", "Steiermark", "80%0"), ("Linz", None, "40#0")),
    ),
    _Country(
        "FR", 8, _FRENCH, "EUR", ("SARL", "SA", "SAS"), "{n} {street}",
        _phrases(
            "rue de la Paix|avenue Victor Hugo|boulevard Voltaire|rue du Moulin|"
            "place de la République|rue des Lilas|avenue Jean Jaurès|rue Pasteur"
        ),
        _phrases("Bâtiment {L}|Étage {n}|Appartement {n}"),
        _cities(
            ("Paris", "Île-de-France", "7500%"), ("Lyon", "Auvergne-Rhône-Alpes", "6900%"),
            ("Marseille", "Provence-Alpes-Côte d'Azur", "130##"),
            ("Toulouse", "Occitanie", "310##"), ("Bordeaux", "Nouvelle-Aquitaine", "330##"),
        ),
    ),
    _Country(
        "ES", 6, _SPANISH, "EUR", ("S.L.", "S.A."), "{street}, {n}", _ES_STREETS, _ES_LINE2,
        _cities(
            ("Madrid", "Comunidad de Madrid", "280##"), ("Barcelona", "Cataluña", "080##"),
            ("Valencia", "Comunidad Valenciana", "460##"), ("Sevilla", "Andalucía", "410##"),
        ),
    ),
    _Country(
        "MX", 3, _SPANISH, "MXN", ("S.A. de C.V.", "S. de R.L."), "{street} {n}", _ES_STREETS,
        _ES_LINE2,
        _cities(
            ("Ciudad de México", "CDMX", "06###"), ("Guadalajara", "Jalisco", "44###"),
            ("Monterrey", "Nuevo León", "64###"),
        ),
    ),
    _Country(
        "CN", 6, _CHINESE, "CNY", ("Co., Ltd.",), "{n} {street}",
        _phrases("Renmin Road|Jiefang Road|Zhongshan Road|Jianshe Road|Heping Road|Wenhua Road"),
        _phrases("Room {n}01|Floor {n}|Building {n}"),
        _cities(
            ("Shanghai", "Shanghai", "200###"), ("Beijing", "Beijing", "100###"),
            ("Shenzhen", "Guangdong", "518###"), ("Hangzhou", "Zhejiang", "310###"),
        ),
    ),
    _Country(
        "JP", 5, _JAPANESE, "JPY", ("K.K.", "G.K."), "{a}-{b}-{c} {street}",
        _phrases("Chuo|Honcho|Motomachi|Sakuragicho|Midoricho|Nishiki"),
        _phrases("Room {n}0{b}|{n}F"),
        _cities(
            ("Tokyo", "Tokyo", "1##-####"), ("Osaka", "Osaka", "53#-####"),
            ("Yokohama", "Kanagawa", "22#-####"), ("Kyoto", "Kyoto", "60#-####"),
        ),
    ),
    _Country(
        "IN", 6, _INDIAN, "INR", ("Pvt. Ltd.", "Ltd."), "{n}, {street}",
        _phrases("MG Road|Station Road|Gandhi Nagar|Nehru Street|Temple Road|Residency Road"),
        _phrases("Flat {n}|Floor {n}|Block {L}"),
        _cities(
            ("Bengaluru", "Karnataka", "560###"), ("Mumbai", "Maharashtra", "400###"),
            ("New Delhi", "Delhi", "110###"), ("Chennai", "Tamil Nadu", "600###"),
            ("Hyderabad", "Telangana", "500###"),
        ),
    ),
)  # fmt: skip
_PICK_COUNTRY: Final = _Pick((c, c.weight) for c in _COUNTRIES)

# Units of each currency per 10,000 US dollars; fixed so that converted prices are stable.
_USD_RATES: Final = {
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

_INDUSTRIES: Final = (
    ("Software", _phrases("Software|Systems|Labs")),
    ("Manufacturing", _phrases("Industries|Works|Manufacturing")),
    ("Logistics", _phrases("Logistics|Freight|Transport")),
    ("Retail", _phrases("Retail|Stores|Trading")),
    ("Healthcare", _phrases("Health|Care|Medical")),
    ("Financial Services", _phrases("Capital|Finance|Investments")),
    ("Consulting", _phrases("Consulting|Advisory|Partners")),
    ("Energy", _phrases("Energy|Power|Solar")),
    ("Construction", _phrases("Construction|Building|Engineering")),
    ("Food & Beverage", _phrases("Foods|Beverages|Kitchens")),
    ("Telecommunications", _phrases("Telecom|Networks|Connect")),
    ("Media & Entertainment", _phrases("Media|Studios|Entertainment")),
    ("Automotive", _phrases("Motors|Automotive|Mobility")),
    ("Education", _phrases("Academy|Learning|Education")),
    ("Hospitality", _phrases("Hotels|Hospitality|Resorts")),
    ("Real Estate", _phrases("Properties|Real Estate|Estates")),
    ("Pharmaceuticals", _phrases("Pharma|Biotech|Therapeutics")),
    ("Agriculture", _phrases("Farms|Agro|Harvest")),
    ("Textiles & Apparel", _phrases("Textiles|Apparel|Fashion")),
    ("Legal Services", _phrases("Legal|Law Group|Counsel")),
)
_COMPANY_HEADS: Final = _names(
    "Nord Blue Silver Green Red Oak Iron Sun Star Bright River Lake Stone Cloud Alpen Rhein "
    "Pacific Atlantic Summit Crystal Golden Maple Cedar Falcon Harbor Pioneer Orion Polar "
    "Sakura Jade"
)
_COMPANY_TAILS: Final = _names("peak field wave stone point bridge gate line way light")
_PICK_SIZE: Final = _Pick(
    zip(CompanySize, (15, 30, 30, 15, 10), strict=True)  # MICRO .. ENTERPRISE
)

_OCCUPATIONS: Final = _phrases(
    "Software Engineer|Product Manager|Sales Director|Marketing Manager|Accountant|"
    "Financial Analyst|Operations Manager|HR Business Partner|Purchasing Manager|Data Scientist|"
    "UX Designer|Chief Executive Officer|Chief Technology Officer|Office Manager|Project Manager|"
    "Logistics Coordinator|Management Consultant|Architect|Physician|Teacher|Lawyer|Pharmacist|"
    "Mechanical Engineer|Customer Success Manager|IT Administrator|Research Scientist|"
    "Store Manager|Chef|Photographer|Journalist"
)
_TAG_NAMES: Final = _phrases(
    "VIP|Key Account|Newsletter|Trade Show|Webinar Attendee|Early Adopter|Beta Tester|"
    "Churn Risk|Upsell|Cross-sell|Renewal Due|Partner|Reseller|Distributor|Enterprise|SMB|"
    "Startup|Public Sector|Nonprofit|Education|Healthcare|Finance|Retail|Manufacturing|"
    "Logistics|Hospitality|EMEA|APAC|Americas|DACH|Nordics|Iberia|Decision Maker|Influencer|"
    "Champion|Technical Contact|Billing Contact|Referral Source|Press|Investor|Do Not Call|"
    "GDPR Consent|Needs Follow-up|Demo Scheduled|Trial|Onboarding|Case Study|Survey Responder|"
    "High Value|Long-term"
)
_TAG_COLORS: Final = _names(
    "#1E90FF #E74C3C #2ECC71 #F39C12 #9B59B6 #16A085 #D35400 #34495E #C0392B #27AE60 "
    "#8E44AD #F1C40F #2980B9 #E67E22 #7F8C8D #00A8A8 #FF6F61 #6B5B95"
)

_PRODUCT_ADJECTIVES: Final = _phrases(
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
_PRODUCT_BLURBS: Final = _phrases(
    "Built for busy teams.|Two-year warranty included.|Ships in recyclable packaging.|"
    "Our best seller in this range.|Designed for hybrid offices.|Tested for 24/7 use."
)

_PICK_GENDER: Final = _Pick(
    ((Gender.FEMALE, 46), (Gender.MALE, 46), (Gender.NON_BINARY, 2), (Gender.UNDISCLOSED, 3),
     (None, 3))
)  # fmt: skip
_PICK_STAGE: Final = _Pick(
    ((LifecycleStage.CUSTOMER, 70), (LifecycleStage.PROSPECT, 12), (LifecycleStage.LEAD, 10),
     (LifecycleStage.CHURNED, 8))
)  # fmt: skip
# In declaration order: WEBSITE, REFERRAL, EVENT, COLD_OUTREACH, ADVERTISING, PARTNER, IMPORT,
# OTHER, unknown. strict=True turns a new enum member into an import error, not skewed data.
_PICK_SOURCE: Final = _Pick(
    zip([*CustomerSource, None], (30, 18, 12, 10, 12, 8, 5, 2, 3), strict=True)
)
_PICK_ADDRESS_COUNT: Final = _Pick(((0, 25), (1, 50), (2, 25)))
_PICK_TAG_COUNT: Final = _Pick(((0, 30), (1, 30), (2, 20), (3, 12), (4, 8)))
_PICK_QUANTITY: Final = _Pick(((1, 60), (2, 20), (3, 8), (4, 4), (5, 4), (10, 3), (25, 1)))
_PICK_METHOD: Final = _Pick(
    ((PaymentMethod.CARD, 60), (PaymentMethod.BANK_TRANSFER, 20), (PaymentMethod.WALLET, 15),
     (PaymentMethod.CASH, 3), (PaymentMethod.OTHER, 2))
)  # fmt: skip
# Buying customers mostly have completed orders; leads and prospects mostly open ones.
_PICK_STATUS_BUYER: Final = _Pick(
    ((OrderStatus.SHIPPED, 50), (OrderStatus.PAID, 22), (OrderStatus.PLACED, 10),
     (OrderStatus.DRAFT, 8), (OrderStatus.CANCELLED, 10))
)  # fmt: skip
_PICK_STATUS_LEAD: Final = _Pick(
    ((OrderStatus.SHIPPED, 10), (OrderStatus.PAID, 10), (OrderStatus.PLACED, 25),
     (OrderStatus.DRAFT, 35), (OrderStatus.CANCELLED, 20))
)  # fmt: skip
_ORDER_NOTES: Final = _phrases(
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

_PICK_KIND: Final = _Pick(
    ((InteractionKind.EMAIL, 35), (InteractionKind.CALL, 25), (InteractionKind.CHAT, 15),
     (InteractionKind.NOTE, 15), (InteractionKind.MEETING, 10))
)  # fmt: skip
_IN: Final = InteractionDirection.INBOUND
_OUT: Final = InteractionDirection.OUTBOUND
_NOTE: Final = InteractionDirection.INTERNAL
# (direction, subject, body); placeholders: {first} name, {product}, {order} number, {qty}, {city}.
_INTERACTION_TEXTS: Final[
    Mapping[InteractionKind, tuple[tuple[InteractionDirection, str, str], ...]]
] = {
    InteractionKind.CALL: (
        (_OUT, "Follow-up call about {product}",
         "Called {first} about the {product} quote. Wants pricing for {qty} units by Friday."),
        (_OUT, "Discovery call",
         "Intro call with {first}. Main pain point: slow reporting. Will send a short proposal."),
        (_IN, "Delivery question",
         "{first} asked when {order} will arrive. Confirmed shipping within two business days."),
        (_IN, "Renewal discussion",
         "{first} called about the renewal and asked about volume discounts for next year."),
        (_IN, "Billing question",
         "{first} could not find the VAT number on the last invoice. Explained where it is."),
    ),
    InteractionKind.EMAIL: (
        (_OUT, "Quote for {product}",
         "Hi {first},\n\nattached is our quote for {qty} x {product}. "
         "Happy to answer any questions.\n\nBest regards"),
        (_IN, "Re: Invoice for {order}",
         "{first} asked for a corrected billing address on {order}. Sent the updated PDF."),
        (_OUT, "Welcome aboard", "Sent the onboarding guide and portal login to {first}."),
        (_IN, "Return request",
         "{first} wants to return one {product} from {order}. Return label sent."),
        (_OUT, "Product update",
         "Shared the release notes for {product} and invited {first} to the webinar."),
    ),
    InteractionKind.CHAT: (
        (_IN, "Website chat: shipping costs",
         "{first} asked about shipping costs to {city}. Pointed to the rates page."),
        (_IN, "Chat: login problem",
         "{first} could not log in to the portal. Password reset; solved."),
        (_IN, "Chat: order status", "Status request for {order}. Sent the tracking link."),
        (_IN, "Chat: product question",
         "Question about {product} compatibility. Sent the spec sheet."),
        (_OUT, "Chat: renewal reminder",
         "Reminded {first} that the subscription renews next month."),
    ),
    InteractionKind.MEETING: (
        (_OUT, "Quarterly business review",
         "QBR with {first}: usage is up, two open tickets, next review in three months."),
        (_OUT, "Product demo: {product}",
         "Demo of {product} for {first} and two colleagues. Good feedback; trial requested."),
        (_OUT, "Contract negotiation",
         "Went through the contract draft with {first}. Legal review pending on their side."),
        (_OUT, "Site visit in {city}",
         "Visited {first} in {city}. Toured the office and discussed a larger rollout."),
    ),
    InteractionKind.NOTE: (
        (_NOTE, "Prefers email",
         "{first} prefers email over phone calls; best reached in the morning."),
        (_NOTE, "Budget cycle", "Budget planning happens in Q4; reach out in September."),
        (_NOTE, "Decision maker", "{first} signs off on purchases above 10k."),
        (_NOTE, "Payment reminder",
         "Sent a friendly reminder about the open balance on {order}."),
        (_NOTE, "Met at a trade show",
         "Met {first} at the trade show in {city}; keen on {product}."),
    ),
}  # fmt: skip
_TEXTS_WITHOUT_ORDER: Final = {
    kind: tuple(t for t in texts if "{order}" not in t[1] + t[2])
    for kind, texts in _INTERACTION_TEXTS.items()
}
# Open deals sit in the earlier stages more often; a churned customer's deal was lost.
_PICK_DEAL_OUTCOME: Final = _Pick(((StageKind.OPEN, 63), (StageKind.WON, 22), (StageKind.LOST, 15)))
_DEAL_QUANTITIES: Final = (5, 10, 20, 50, 100, 250)
_DEAL_SOURCES: Final = ("Inbound", "Referral", "Outbound", "Event", "Partner", None)
_LOST_REASONS: Final = _phrases(
    "Chose a competitor|No budget this year|Price too high|Went quiet after the proposal|"
    "Project cancelled|Stayed with their current supplier|Timing: revisit next year"
)
_MAIL_DOMAINS: Final = _names("mail.example inbox.example post.example")
_SOCIAL_NETWORKS: Final = _names("LinkedIn X Mastodon Instagram")
_SECOND_ADDRESS: Final = (AddressKind.SHIPPING, AddressKind.BILLING, AddressKind.WORK)
_BIRTH_FIRST: Final = date(1950, 1, 1).toordinal()
_BIRTH_LAST: Final = date(2004, 12, 31).toordinal()
_PRODUCT_IDS: Final = range(1, PRODUCT_COUNT + 1)
# (shortest, longest, step) in seconds; meetings are booked in quarter hours.
_DURATION: Final = {
    InteractionKind.CALL: (60, 3_600, 1),
    InteractionKind.CHAT: (120, 1_800, 1),
    InteractionKind.MEETING: (900, 5_400, 900),
}


# --- helpers --------------------------------------------------------------------------------

_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "'": ""})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(value: str) -> str:
    """Lower-case ASCII with hyphens: 'Müller García' -> 'mueller-garcia'."""
    folded = unicodedata.normalize("NFKD", value.lower().translate(_GERMAN_LETTERS))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text).strip("-")


def _fill(pattern: str, rng: random.Random) -> str:
    """Replaces '#' with a digit, '%' with a non-zero digit and '@' with a letter."""
    out = []
    for char in pattern:
        if char == "#":
            out.append(str(rng.randrange(10)))
        elif char == "%":
            out.append(str(rng.randint(1, 9)))
        elif char == "@":
            out.append(chr(65 + rng.randrange(26)))
        else:
            out.append(char)
    return "".join(out)


def _at(seconds_before_base: int) -> datetime:
    return BASE_TIME - timedelta(seconds=seconds_before_base)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(span + 1)) if span > 0 else start


def _later(rng: random.Random, start: datetime, max_seconds: int) -> datetime:
    """A moment up to `max_seconds` after `start`, never past the base time."""
    return _between(rng, start, min(start + timedelta(seconds=max_seconds), BASE_TIME))


def _convert(usd_minor: int, currency: str) -> int:
    """A USD price in `currency`, rounded to a shop-like price (x.99, or tens of yen)."""
    if currency == "USD":
        return usd_minor
    unit: int = 10 ** exponent(currency)
    minor = (usd_minor * _USD_RATES[currency] * unit + 500_000) // 1_000_000
    if unit >= 100:
        return max(unit, (minor + unit - 1) // unit * unit) - 1
    return max(10, (minor + 5) // 10 * 10)


class _Ids:
    """Primary keys handed out here, so that children can name parents without a read."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def next(self, table: str) -> int:
        value = self._last.get(table, 0) + 1
        self._last[table] = value
        return value

    def count(self, table: str) -> int:
        return self._last.get(table, 0)


class _PhoneBook:
    """Unique mobile numbers that `phonenumbers` accepts as valid for their country.

    Numbers derive from the library's example mobile number with the trailing digits drawn
    at random; a candidate is kept only if it validates, so every stored value is valid.
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._examples: dict[str, tuple[int, str]] = {}
        self._free: dict[str, int] = {}
        self._issued: set[str] = set()

    def _example(self, region: str) -> tuple[int, str]:
        if region not in self._examples:
            example = phonenumbers.example_number_for_type(
                region, phonenumbers.PhoneNumberType.MOBILE
            )
            if example is None or example.country_code is None:
                raise SeedError(f"phonenumbers has no example mobile number for {region}")
            national = str(example.national_number)
            self._examples[region] = (example.country_code, national)
            # NANP examples sit in the fictional 555 exchange; keep it and vary the line only.
            self._free[region] = 4 if example.country_code == 1 else min(7, len(national) - 2)
        return self._examples[region]

    def number(self, region: str) -> str:
        code, example = self._example(region)
        for attempt in range(1, 201):
            if attempt % 20 == 0:  # crowded: vary one more digit (only for very large runs)
                self._free[region] = min(self._free[region] + 1, len(example) - 1)
            free = self._free[region]
            national = example[:-free] + f"{self._rng.randrange(10**free):0{free}d}"
            value = f"+{code}{national}"
            if value in self._issued:
                continue
            parsed = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
            if phonenumbers.is_valid_number(parsed):
                self._issued.add(value)
                return value
        raise SeedError(f"could not find an unused valid phone number for {region}")


@dataclass(slots=True)
class _Company:
    id: int
    name: str
    country: _Country
    domain: str


@dataclass(frozen=True, slots=True)
class _Board:
    """The default pipeline that seeded deals go on: its stage ids by kind, in board order."""

    pipeline_id: int
    currency: str
    open_stages: tuple[int, ...]
    won_stage: int
    lost_stage: int


@dataclass(slots=True)
class _Person:
    first: str
    last: str
    name: str


@dataclass(slots=True)
class _Timeline:
    """One customer's facts that their orders and interactions refer to."""

    id: int
    first: str
    city: str
    created_at: datetime
    stage: LifecycleStage
    owner_id: int | None
    currency: str


# --- the generator --------------------------------------------------------------------------


class _Generator:
    """Builds the rows in a fixed order from one random stream; `take()` hands them over."""

    def __init__(
        self, rng: random.Random, deal_rng: random.Random, board: _Board | None = None
    ) -> None:
        self.rng = rng
        self.deal_rng = deal_rng
        self.board = board
        self._column_sizes: dict[int, int] = {}
        self.ids = _Ids()
        self.phones = _PhoneBook(rng)
        self.rows: dict[str, list[Row]] = {name: [] for name in _TABLE_ORDER}
        self.companies: list[_Company] = []
        self.prices: dict[str, list[int]] = {}
        self.product_names: list[str] = []
        self._emails: dict[str, int] = {}
        self._company_names: set[str] = set()

    def take(self) -> dict[str, list[Row]]:
        taken, self.rows = self.rows, {name: [] for name in _TABLE_ORDER}
        return taken

    def _add(self, table: str, row: Row) -> None:
        self.rows[table].append(row)

    @staticmethod
    def _stamps(created_at: datetime, updated_at: datetime | None = None) -> Row:
        return {"version": 1, "created_at": created_at, "updated_at": updated_at or created_at}

    # catalogue

    def users(self) -> None:
        created = _at(5 * _YEAR)
        # one salted hash for all demo users (argon2 is slow by design); the only part of the
        # data set that differs between runs
        password_hash = hash_password(DEMO_PASSWORD)
        manager = _USER_IDS[UserRole.MANAGER][0]
        for email, name, role in DEMO_USERS:
            self._add(
                "users",
                {
                    "id": self.ids.next("users"),
                    "email": email,
                    "name": name,
                    "role": role,
                    "is_active": True,
                    "password_hash": password_hash,
                    "manager_id": manager if role is UserRole.SALES else None,
                    **self._stamps(created),
                },
            )

    def tags(self) -> None:
        for name in _TAG_NAMES:
            created = _at(5 * _YEAR - self.rng.randrange(180) * _DAY)
            self._add(
                "tags",
                {
                    "id": self.ids.next("tags"),
                    "name": name,
                    "name_key": name.casefold(),
                    "color": self.rng.choice(_TAG_COLORS),
                    "deleted_at": None,
                    **self._stamps(created),
                },
            )

    def products(self) -> None:
        names = [f"{a} {noun}" for a in _PRODUCT_ADJECTIVES for noun, _, _ in _PRODUCT_NOUNS]
        bands = {noun: (low, high) for noun, low, high in _PRODUCT_NOUNS}
        usd: list[int] = []
        for name in self.rng.sample(names, PRODUCT_COUNT):
            low, high = bands[name.split(" ", 1)[1]]
            price = self.rng.randint(low, high) * 100 - (1 if self.rng.random() < 0.7 else 0)
            usd.append(price)
            self.product_names.append(name)
            product_id = self.ids.next("products")
            created = _at(4 * _YEAR + self.rng.randrange(365) * _DAY)
            self._add(
                "products",
                {
                    "id": product_id,
                    "sku": f"SKU-{product_id:05d}",
                    "name": name,
                    "description": f"{name}. {self.rng.choice(_PRODUCT_BLURBS)}",
                    "unit_price_minor": price,
                    "currency": "USD",
                    "is_active": True,
                    "deleted_at": None,
                    **self._stamps(created),
                },
            )
        self.prices = {code: [_convert(p, code) for p in usd] for code in _USD_RATES}

    # people and places

    def _person(self, culture: _Culture, gender: Gender | None) -> _Person:
        rng = self.rng
        if gender is Gender.FEMALE or (gender is not Gender.MALE and rng.random() < 0.5):
            first = rng.choice(culture.female)
        else:
            first = rng.choice(culture.male)
        last = rng.choice(culture.surnames)
        if culture.two_surnames and rng.random() < 0.4:
            last = f"{last} {rng.choice(culture.surnames)}"
        name = f"{last} {first}" if culture.family_first else f"{first} {last}"
        return _Person(first, last, name)

    def _address(self, country: _Country, city: _City, kind: AddressKind, created: datetime) -> Row:
        rng = self.rng
        line1 = country.street_format.format(
            n=rng.randint(1, 250),
            street=rng.choice(country.streets),
            a=rng.randint(1, 9),
            b=rng.randint(1, 30),
            c=rng.randint(1, 20),
        )
        line2 = None
        if rng.random() < 0.3:
            line2 = rng.choice(country.line2).format(
                n=rng.randint(1, 12), b=rng.randint(1, 9), L=chr(65 + rng.randrange(6))
            )
        return {
            "id": self.ids.next("addresses"),
            "customer_id": None,
            "company_id": None,
            "kind": kind,
            "line1": line1,
            "line2": line2,
            "city": city.name,
            "region": city.region,
            "postal_code": _fill(city.postal, rng),
            "country": country.code,
            **self._stamps(created),
        }

    def _email(self, person: _Person, domain: str) -> str:
        local = f"{_slug(person.first)}.{_slug(person.last)}"
        seen = self._emails.get(f"{local}@{domain}", 0) + 1
        self._emails[f"{local}@{domain}"] = seen
        return f"{local}{seen if seen > 1 else ''}@{domain}"

    def _tag_links(self, table: str, key: str, owner_id: int, count: int, since: datetime) -> None:
        for tag_id in sorted(self.rng.sample(range(1, len(_TAG_NAMES) + 1), count)):
            created = _later(self.rng, since, 90 * _DAY)
            self._add(table, {key: owner_id, "tag_id": tag_id, "created_at": created})

    # companies

    def _company_name(self, city: _City) -> tuple[str, str]:
        """An unused name (without legal form) and its industry; names decide the domains."""
        rng = self.rng
        industry, words = rng.choice(_INDUSTRIES)
        attempt = 0
        while True:
            head = rng.choice(_COMPANY_HEADS) + rng.choice(_COMPANY_TAILS)
            base = f"{head} {rng.choice(words)}"
            if attempt >= 10:  # the word lists run dry: qualify by city, then by a number
                base = f"{base} {city.name}" if attempt == 10 else f"{base} {attempt - 9}"
            if base not in self._company_names:
                self._company_names.add(base)
                return base, industry
            attempt += 1

    def companies_for(self, count: int) -> None:
        rng = self.rng
        for _ in range(count):
            country = _PICK_COUNTRY(rng)
            city = rng.choice(country.cities)
            base, industry = self._company_name(city)
            slug = _slug(base)
            company_id = self.ids.next("companies")
            created = _at(3 * _YEAR + rng.randrange(_YEAR))
            representative = self._person(country.culture, _PICK_GENDER(rng)).name
            owners = _USER_IDS[UserRole.SALES if rng.random() < 0.85 else UserRole.MANAGER]
            owner = rng.choice(owners)
            name = f"{base} {rng.choice(country.legal_forms)}"
            self._add(
                "companies",
                {
                    "id": company_id,
                    "name": name,
                    "industry": industry,
                    "size": _PICK_SIZE(rng),
                    "website": f"https://www.{slug}.example",
                    "domain": f"{slug}.example",
                    "legal_representative": representative if rng.random() < 0.7 else None,
                    "owner_id": owner,
                    "deleted_at": None,
                    **self._stamps(created, _later(rng, created, 180 * _DAY)),
                },
            )
            address = self._address(country, city, AddressKind.REGISTERED, created)
            address["company_id"] = company_id
            self._add("addresses", address)
            self._tag_links("company_tags", "company_id", company_id, rng.randint(0, 3), created)
            self.companies.append(_Company(company_id, name, country, f"{slug}.example"))

    # customers

    def customer(self, *, with_deal: bool = False) -> None:
        rng = self.rng
        company = rng.choice(self.companies) if rng.random() < 0.9 else None
        country = company.country if company and rng.random() < 0.85 else _PICK_COUNTRY(rng)
        gender = _PICK_GENDER(rng)
        person = self._person(country.culture, gender)
        customer_id = self.ids.next("customers")
        created = _at(30 * _DAY + rng.randrange(3 * _YEAR - 30 * _DAY))
        stage = _PICK_STAGE(rng)
        owner = self._customer_owner()
        birthday = None
        if rng.random() < 0.85:
            birthday = date.fromordinal(rng.randint(_BIRTH_FIRST, _BIRTH_LAST))
        row: Row = {
            "id": customer_id,
            "name": person.name,
            "gender": gender,
            "birthday": birthday,
            "occupation": rng.choice(_OCCUPATIONS) if rng.random() < 0.9 else None,
            "lifecycle_stage": stage,
            "source": _PICK_SOURCE(rng),
            "owner_id": owner,
            "company_id": company.id if company else None,
            "deleted_at": None,
            **self._stamps(created, _later(rng, created, 365 * _DAY)),
        }
        self._add("customers", row)
        city = rng.choice(country.cities)
        self._contacts(customer_id, person, country, company, created)
        self._customer_addresses(customer_id, country, city, company is not None, created)
        self._tag_links("customer_tags", "customer_id", customer_id, _PICK_TAG_COUNT(rng), created)
        local = country.currency in {"USD", "EUR", "GBP"} or rng.random() < 0.4
        timeline = _Timeline(
            customer_id,
            person.first,
            city.name,
            created,
            stage,
            owner,
            country.currency if local else "USD",
        )
        self._interactions(timeline, self._orders(timeline))
        if with_deal:
            self._deal(row, company, timeline)

    def _customer_owner(self) -> int | None:
        roll = self.rng.random()
        if roll < 0.8:
            return self.rng.choice(_USER_IDS[UserRole.SALES])
        return _USER_IDS[UserRole.MANAGER][0] if roll < 0.9 else None

    def _contact(
        self,
        customer_id: int,
        kind: ContactKind,
        label: str,
        value: str,
        primary: bool,
        created: datetime,
    ) -> None:
        self._add(
            "contact_methods",
            {
                "id": self.ids.next("contact_methods"),
                "customer_id": customer_id,
                "kind": kind,
                "label": label,
                "value": value,
                "is_primary": primary,
                **self._stamps(created),
            },
        )

    def _contacts(
        self,
        customer_id: int,
        person: _Person,
        country: _Country,
        company: _Company | None,
        created: datetime,
    ) -> None:
        rng = self.rng
        if company is not None and rng.random() < 0.8:
            email, label = self._email(person, company.domain), "Work"
        else:
            email, label = self._email(person, rng.choice(_MAIL_DOMAINS)), "Personal"
        self._contact(customer_id, ContactKind.EMAIL, label, email, True, created)
        if rng.random() < 0.85:
            phone = self.phones.number(country.code)
            self._contact(customer_id, ContactKind.PHONE, "Mobile", phone, True, created)
        if rng.random() < 0.25:
            handle = f"@{_slug(person.first)}_{_slug(person.last)}".replace("-", "_")
            if rng.random() < 0.5:
                handle += str(rng.randint(1, 99))
            network = rng.choice(_SOCIAL_NETWORKS)
            self._contact(customer_id, ContactKind.SOCIAL, network, handle, False, created)

    def _customer_addresses(
        self, customer_id: int, country: _Country, city: _City, employed: bool, created: datetime
    ) -> None:
        count = _PICK_ADDRESS_COUNT(self.rng)
        kinds = [AddressKind.HOME, self.rng.choice(_SECOND_ADDRESS)]
        if employed and self.rng.random() < 0.3:
            kinds[0] = AddressKind.WORK
        for index in range(count):
            place = city if index == 0 else self.rng.choice(country.cities)
            address = self._address(country, place, kinds[index], created)
            address["customer_id"] = customer_id
            self._add("addresses", address)

    # orders

    def _orders(self, who: _Timeline) -> list[tuple[datetime, int]]:
        """Writes the customer's orders; returns (placed_at, id) of those that were placed."""
        rng = self.rng
        end = BASE_TIME
        if who.stage is LifecycleStage.CHURNED:
            end = max(who.created_at, BASE_TIME - timedelta(days=120))
        buyer = who.stage in (LifecycleStage.CUSTOMER, LifecycleStage.CHURNED)
        pick = _PICK_STATUS_BUYER if buyer else _PICK_STATUS_LEAD
        moments = sorted(_between(rng, who.created_at, end) for _ in range(ORDERS_PER_CUSTOMER))
        placed: list[tuple[datetime, int]] = []
        for moment in moments:
            status = pick(rng)
            order_id = self._order(who, moment, status)
            if status is not OrderStatus.DRAFT:
                placed.append((moment, order_id))
        return placed

    def _order(self, who: _Timeline, moment: datetime, status: OrderStatus) -> int:
        rng = self.rng
        order_id = self.ids.next("orders")
        prices = self.prices[who.currency]
        total = 0
        for product_id in rng.sample(_PRODUCT_IDS, ITEMS_PER_ORDER):
            quantity = _PICK_QUANTITY(rng)
            price = prices[product_id - 1]
            total += quantity * price
            self._add(
                "order_items",
                {
                    "id": self.ids.next("order_items"),
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
        self._add(
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
                **self._stamps(created, updated),
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
                return total, _later(rng, paid_at, 5 * _DAY)
            return total, paid_at
        if status is OrderStatus.PLACED and total > 1 and rng.random() < 0.5:
            amount = max(1, total * rng.randint(20, 80) // 100)
            return amount, self._payment(order_id, amount, currency, placed)
        if status is OrderStatus.CANCELLED:
            return 0, _later(rng, placed, 10 * _DAY)
        return 0, placed

    def _payment(self, order_id: int, amount: int, currency: str, placed: datetime) -> datetime:
        rng = self.rng
        method = _PICK_METHOD(rng)
        paid_at = _later(rng, placed, 3 * _DAY)
        self._add(
            "payments",
            {
                "id": self.ids.next("payments"),
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

    # deals

    def _deal(self, customer: Row, company: _Company | None, who: _Timeline) -> None:
        """One deal of the customer on the default board, with the stage history that led it
        there, and the customer's lifecycle moved as the pipeline service would move it."""
        board = self.board
        if board is None:
            raise SeedError("deals need a default pipeline with OPEN, WON and LOST stages")
        rng = self.deal_rng
        kind = StageKind.LOST if who.stage is LifecycleStage.CHURNED else _PICK_DEAL_OUTCOME(rng)
        opened = board.open_stages
        if kind is StageKind.OPEN:
            # earlier columns hold more deals: weights 6, 5, 4, 3 for the default four
            reached = _Pick((i, len(opened) + 2 - i) for i in range(len(opened)))(rng)
            path = [*opened[: reached + 1]]
        elif kind is StageKind.WON:
            reached = len(opened) - (2 if rng.random() < 0.2 and len(opened) > 1 else 1)
            path = [*opened[: reached + 1], board.won_stage]
        else:
            reached = rng.randrange(len(opened))
            path = [*opened[: reached + 1], board.lost_stage]
        recent = 180 * _DAY if kind is StageKind.OPEN else 2 * _YEAR
        created = _between(rng, max(who.created_at, _at(recent)), _at(len(path) * 7 * _DAY))
        owner = who.owner_id if who.owner_id in _USER_IDS[UserRole.SALES] else None
        if owner is None and rng.random() < 0.5:
            owner = rng.choice(_USER_IDS[UserRole.SALES])
        deal_id = self.ids.next("deals")
        moment = created
        for step, stage_id in enumerate(path):
            if step:
                moment = _later(rng, moment, 30 * _DAY)
            self._add(
                "deal_stage_changes",
                {
                    "id": self.ids.next("deal_stage_changes"),
                    "deal_id": deal_id,
                    "from_stage_id": path[step - 1] if step else None,
                    "to_stage_id": stage_id,
                    "changed_at": moment,
                    "user_id": owner,
                },
            )
        if kind is StageKind.OPEN:
            days_left = rng.randint(7, 180 - 30 * min(reached, 3))
            expected = (BASE_TIME + timedelta(days=days_left)).date()
        else:
            expected = (created + timedelta(days=rng.randint(30, 120))).date()
        product = rng.randrange(PRODUCT_COUNT)
        quantity = rng.choice(_DEAL_QUANTITIES)
        unit = 10 ** exponent(board.currency)
        price = self.prices[board.currency][product]
        amount = quantity * price * rng.randint(80, 100) // 100 // unit * unit
        stage_id = path[-1]
        rank = self._column_sizes.get(stage_id, 0) + 1
        self._column_sizes[stage_id] = rank
        self._add(
            "deals",
            {
                "id": deal_id,
                "title": f"{company.name if company else customer['name']}: "
                f"{quantity} x {self.product_names[product]}",
                "amount_minor": amount,
                "currency": board.currency,
                "pipeline_id": board.pipeline_id,
                "stage_id": stage_id,
                "status": kind.value,
                "rank": rank * DEAL_RANK_STEP,
                "owner_id": owner,
                "customer_id": who.id,
                "company_id": company.id if company else None,
                "expected_close_date": expected,
                "closed_at": None if kind is StageKind.OPEN else moment,
                "lost_reason": rng.choice(_LOST_REASONS) if kind is StageKind.LOST else None,
                "source": rng.choice(_DEAL_SOURCES),
                "stage_entered_at": moment,
                "deleted_at": None,
                "version": len(path),
                "created_at": created,
                "updated_at": moment,
            },
        )
        self._advance(customer, kind, owner, created if kind is StageKind.OPEN else moment)

    @staticmethod
    def _advance(customer: Row, kind: StageKind, owner: int | None, at: datetime) -> None:
        """As the pipeline service does: a deal makes a LEAD a PROSPECT, a won deal makes a
        LEAD or PROSPECT a CUSTOMER (never backwards); an unowned lead gets the deal's owner."""
        before = customer["lifecycle_stage"]
        after = before
        if kind is StageKind.OPEN and before is LifecycleStage.LEAD:
            after = LifecycleStage.PROSPECT
        elif kind is StageKind.WON and before in (LifecycleStage.LEAD, LifecycleStage.PROSPECT):
            after = LifecycleStage.CUSTOMER
        if after is before:
            return
        customer["lifecycle_stage"] = after
        if before is LifecycleStage.LEAD and customer["owner_id"] is None:
            customer["owner_id"] = owner
        customer["version"] += 1
        customer["updated_at"] = max(customer["updated_at"], at)

    # interactions

    def _interactions(self, who: _Timeline, placed: Sequence[tuple[datetime, int]]) -> None:
        rng = self.rng
        start = max(who.created_at, BASE_TIME - timedelta(days=730))
        moments = sorted(_between(rng, start, BASE_TIME) for _ in range(INTERACTIONS_PER_CUSTOMER))
        for moment in moments:
            kind = _PICK_KIND(rng)
            # Only orders placed by then can be talked about.
            earlier = [order_id for when, order_id in placed if when <= moment]
            texts = _INTERACTION_TEXTS if earlier else _TEXTS_WITHOUT_ORDER
            direction, subject, body = rng.choice(texts[kind])
            values = {
                "first": who.first,
                "city": who.city,
                "qty": rng.choice((5, 10, 20, 50, 100)),
                "product": rng.choice(self.product_names),
                "order": f"SO-{rng.choice(earlier):06d}" if earlier else "",
            }
            created = _later(rng, moment, 2 * 3_600)
            self._add(
                "interactions",
                {
                    "id": self.ids.next("interactions"),
                    "customer_id": who.id,
                    "user_id": self._handler(who, kind, direction),
                    "kind": kind,
                    "direction": direction,
                    "subject": subject.format(**values),
                    "body": body.format(**values),
                    "occurred_at": moment,
                    "duration_seconds": self._duration(kind),
                    "deleted_at": None,
                    **self._stamps(created),
                },
            )

    def _duration(self, kind: InteractionKind) -> int | None:
        bounds = _DURATION.get(kind)
        if bounds is None:
            return None
        shortest, longest, step = bounds
        return self.rng.randrange(shortest, longest + 1, step)

    def _handler(
        self, who: _Timeline, kind: InteractionKind, direction: InteractionDirection
    ) -> int:
        """Support answers most inbound chats and calls; sales (the owner, if any) the rest."""
        support = kind in (InteractionKind.CHAT, InteractionKind.CALL)
        if support and direction is InteractionDirection.INBOUND and self.rng.random() < 0.7:
            return self.rng.choice(_USER_IDS[UserRole.SUPPORT])
        if who.owner_id in _USER_IDS[UserRole.SALES]:
            return who.owner_id
        return self.rng.choice(_USER_IDS[UserRole.SALES])


# --- writing --------------------------------------------------------------------------------


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


async def _insert(conn: AsyncConnection, rows_by_table: Mapping[str, Sequence[Row]]) -> None:
    for name in _TABLE_ORDER:
        rows = rows_by_table.get(name, ())
        for start in range(0, len(rows), CHUNK_ROWS):
            await conn.execute(_table(name).insert(), rows[start : start + CHUNK_ROWS])


async def _has_rows(conn: AsyncConnection, name: str) -> bool:
    return bool(await conn.scalar(select(exists().select_from(_table(name)))))


async def _reset_sequences(conn: AsyncConnection) -> None:
    """Moves PostgreSQL's id sequences past the ids assigned here."""
    for name in _ID_TABLES:
        await conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )


def _batches(generator: _Generator, customers: int) -> Iterator[dict[str, list[Row]]]:
    """The catalogue first, then customers in blocks, so memory stays flat for large runs.
    Exactly one customer in CUSTOMERS_PER_DEAL (rounded down) gets a deal, drawn per block."""
    generator.users()
    generator.tags()
    generator.products()
    generator.companies_for(max(1, customers // 10))
    yield generator.take()
    for start in range(0, customers, CUSTOMER_BLOCK):
        size = min(CUSTOMER_BLOCK, customers - start)
        deals = (start + size) // CUSTOMERS_PER_DEAL - start // CUSTOMERS_PER_DEAL
        with_deal = set(generator.deal_rng.sample(range(size), deals))
        for index in range(size):
            generator.customer(with_deal=index in with_deal)
        yield generator.take()


async def _default_board(conn: AsyncConnection) -> _Board | None:
    """The default pipeline with an OPEN, a WON and a LOST stage (migration 0006 makes one)."""
    p = _table("pipelines").c
    s = _table("pipeline_stages").c
    pipeline = (
        await conn.execute(
            select(p.id, p.currency)
            .where(p.is_default.is_(True), p.deleted_at.is_(None))
            .order_by(p.id)
            .limit(1)
        )
    ).first()
    if pipeline is None:
        return None
    stages = (
        await conn.execute(
            select(s.id, s.kind)
            .where(s.pipeline_id == pipeline.id, s.deleted_at.is_(None))
            .order_by(s.position, s.id)
        )
    ).all()
    by_kind = {kind: [row.id for row in stages if row.kind == kind] for kind in StageKind}
    if not all(by_kind.values()):
        return None
    if pipeline.currency not in _USD_RATES:
        raise SeedError(f"the default pipeline's currency {pipeline.currency} has no demo rate")
    return _Board(
        pipeline_id=pipeline.id,
        currency=pipeline.currency,
        open_stages=tuple(by_kind[StageKind.OPEN]),
        won_stage=by_kind[StageKind.WON][0],
        lost_stage=by_kind[StageKind.LOST][0],
    )


async def is_empty(engine: AsyncEngine) -> bool:
    """True when the database holds neither customers nor users (a fresh install)."""
    async with engine.connect() as conn:
        return not (await _has_rows(conn, "customers") or await _has_rows(conn, "users"))


async def seed(engine: AsyncEngine, *, customers: int = 200, seed: int = 42) -> SeedReport:
    """Fills an empty, migrated database with demo data; the same arguments give the same rows.

    Raises SeedError if the customers table (or any other table written here) has rows.
    """
    if customers < 0:
        raise SeedError(f"customers must not be negative, got {customers}")
    # deals draw from their own stream (seeded from a string: stable across runs)
    generator = _Generator(random.Random(seed), random.Random(f"deals:{seed}"))
    async with engine.connect() as conn:
        conn = await conn.execution_options(**{WRITE_OPTION: True})
        if await _has_rows(conn, "customers"):
            raise SeedError("the database already has customers; seed only fills an empty one")
        filled = [name for name in _TABLE_ORDER if await _has_rows(conn, name)]
        if filled:
            raise SeedError(f"the database is not empty (rows in: {', '.join(filled)})")
        generator.board = await _default_board(conn)
        for batch in _batches(generator, customers):
            await _insert(conn, batch)
        if conn.dialect.name == "postgresql":
            await _reset_sequences(conn)
        await conn.commit()
    return _report(generator.ids)


def _report(ids: _Ids) -> SeedReport:
    return SeedReport(
        users=ids.count("users"),
        companies=ids.count("companies"),
        customers=ids.count("customers"),
        tags=ids.count("tags"),
        products=ids.count("products"),
        orders=ids.count("orders"),
        order_items=ids.count("order_items"),
        payments=ids.count("payments"),
        interactions=ids.count("interactions"),
        deals=ids.count("deals"),
        deal_stage_changes=ids.count("deal_stage_changes"),
    )
