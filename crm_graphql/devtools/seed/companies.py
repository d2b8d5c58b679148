"""Companies: unique names by industry, their domains, registered addresses and tags."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from crm_graphql.app.models import AddressKind, CompanySize, UserRole
from crm_graphql.devtools.seed.catalogue import add_tag_links
from crm_graphql.devtools.seed.draws import DAY, YEAR, Pick, at, later, names, phrases
from crm_graphql.devtools.seed.people import PICK_GENDER, draw_person, slug
from crm_graphql.devtools.seed.places import PICK_COUNTRY, City, Country, draw_address
from crm_graphql.devtools.seed.rows import Rows, stamps
from crm_graphql.devtools.seed.staff import USER_IDS

_INDUSTRIES: Final = (
    ("Software", phrases("Software|Systems|Labs")),
    ("Manufacturing", phrases("Industries|Works|Manufacturing")),
    ("Logistics", phrases("Logistics|Freight|Transport")),
    ("Retail", phrases("Retail|Stores|Trading")),
    ("Healthcare", phrases("Health|Care|Medical")),
    ("Financial Services", phrases("Capital|Finance|Investments")),
    ("Consulting", phrases("Consulting|Advisory|Partners")),
    ("Energy", phrases("Energy|Power|Solar")),
    ("Construction", phrases("Construction|Building|Engineering")),
    ("Food & Beverage", phrases("Foods|Beverages|Kitchens")),
    ("Telecommunications", phrases("Telecom|Networks|Connect")),
    ("Media & Entertainment", phrases("Media|Studios|Entertainment")),
    ("Automotive", phrases("Motors|Automotive|Mobility")),
    ("Education", phrases("Academy|Learning|Education")),
    ("Hospitality", phrases("Hotels|Hospitality|Resorts")),
    ("Real Estate", phrases("Properties|Real Estate|Estates")),
    ("Pharmaceuticals", phrases("Pharma|Biotech|Therapeutics")),
    ("Agriculture", phrases("Farms|Agro|Harvest")),
    ("Textiles & Apparel", phrases("Textiles|Apparel|Fashion")),
    ("Legal Services", phrases("Legal|Law Group|Counsel")),
)
_COMPANY_HEADS: Final = names(
    "Nord Blue Silver Green Red Oak Iron Sun Star Bright River Lake Stone Cloud Alpen Rhein "
    "Pacific Atlantic Summit Crystal Golden Maple Cedar Falcon Harbor Pioneer Orion Polar "
    "Sakura Jade"
)
_COMPANY_TAILS: Final = names("peak field wave stone point bridge gate line way light")
_PICK_SIZE: Final = Pick(
    zip(CompanySize, (15, 30, 30, 15, 10), strict=True)  # MICRO .. ENTERPRISE
)


@dataclass(slots=True)
class Company:
    """A seeded company as its customers see it: they share its country and mail domain."""

    id: int
    name: str
    country: Country
    domain: str


def _company_name(rng: random.Random, city: City, taken: set[str]) -> tuple[str, str]:
    """An unused name (without legal form) and its industry; names decide the domains."""
    industry, words = rng.choice(_INDUSTRIES)
    attempt = 0
    while True:
        head = rng.choice(_COMPANY_HEADS) + rng.choice(_COMPANY_TAILS)
        base = f"{head} {rng.choice(words)}"
        if attempt >= 10:  # the word lists run dry: qualify by city, then by a number
            base = f"{base} {city.name}" if attempt == 10 else f"{base} {attempt - 9}"
        if base not in taken:
            taken.add(base)
            return base, industry
        attempt += 1


def add_companies(rng: random.Random, rows: Rows, count: int) -> list[Company]:
    companies: list[Company] = []
    taken: set[str] = set()
    for _ in range(count):
        country = PICK_COUNTRY(rng)
        city = rng.choice(country.cities)
        base, industry = _company_name(rng, city, taken)
        name_slug = slug(base)
        company_id = rows.next_id("companies")
        created = at(3 * YEAR + rng.randrange(YEAR))
        representative = draw_person(rng, country.culture, PICK_GENDER(rng)).name
        owners = USER_IDS[UserRole.SALES if rng.random() < 0.85 else UserRole.MANAGER]
        owner = rng.choice(owners)
        name = f"{base} {rng.choice(country.legal_forms)}"
        rows.add(
            "companies",
            {
                "id": company_id,
                "name": name,
                "industry": industry,
                "size": _PICK_SIZE(rng),
                "website": f"https://www.{name_slug}.example",
                "domain": f"{name_slug}.example",
                "legal_representative": representative if rng.random() < 0.7 else None,
                "owner_id": owner,
                "deleted_at": None,
                **stamps(created, later(rng, created, 180 * DAY)),
            },
        )
        registered = draw_address(rng, rows, country, city, AddressKind.REGISTERED, created)
        registered["company_id"] = company_id
        rows.add("addresses", registered)
        add_tag_links(
            rng, rows, "company_tags", "company_id", company_id, rng.randint(0, 3), created
        )
        companies.append(Company(company_id, name, country, f"{name_slug}.example"))
    return companies
