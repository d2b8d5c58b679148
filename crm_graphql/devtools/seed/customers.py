"""Customers, each with contact methods, addresses and tags, and the orders, interactions and
deal that make up their timeline."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime
from typing import Final

from crm_graphql.app.models import (
    AddressKind,
    ContactKind,
    CustomerSource,
    LifecycleStage,
    UserRole,
)
from crm_graphql.devtools.seed.activity import InteractionGenerator
from crm_graphql.devtools.seed.catalogue import Catalogue, add_tag_links
from crm_graphql.devtools.seed.commerce import OrderGenerator
from crm_graphql.devtools.seed.companies import Company
from crm_graphql.devtools.seed.draws import DAY, YEAR, Pick, at, later, names, phrases
from crm_graphql.devtools.seed.people import (
    PICK_GENDER,
    EmailBook,
    Person,
    PhoneBook,
    Timeline,
    draw_person,
    slug,
)
from crm_graphql.devtools.seed.places import PICK_COUNTRY, City, Country, draw_address
from crm_graphql.devtools.seed.rows import Row, Rows, stamps
from crm_graphql.devtools.seed.sales import DealGenerator
from crm_graphql.devtools.seed.staff import USER_IDS

_OCCUPATIONS: Final = phrases(
    "Software Engineer|Product Manager|Sales Director|Marketing Manager|Accountant|"
    "Financial Analyst|Operations Manager|HR Business Partner|Purchasing Manager|Data Scientist|"
    "UX Designer|Chief Executive Officer|Chief Technology Officer|Office Manager|Project Manager|"
    "Logistics Coordinator|Management Consultant|Architect|Physician|Teacher|Lawyer|Pharmacist|"
    "Mechanical Engineer|Customer Success Manager|IT Administrator|Research Scientist|"
    "Store Manager|Chef|Photographer|Journalist"
)
_PICK_STAGE: Final = Pick(
    ((LifecycleStage.CUSTOMER, 70), (LifecycleStage.PROSPECT, 12), (LifecycleStage.LEAD, 10),
     (LifecycleStage.CHURNED, 8))
)  # fmt: skip
# In declaration order: WEBSITE, REFERRAL, EVENT, COLD_OUTREACH, ADVERTISING, PARTNER, IMPORT,
# OTHER, unknown. strict=True turns a new enum member into an import error, not skewed data.
_PICK_SOURCE: Final = Pick(
    zip([*CustomerSource, None], (30, 18, 12, 10, 12, 8, 5, 2, 3), strict=True)
)
_PICK_ADDRESS_COUNT: Final = Pick(((0, 25), (1, 50), (2, 25)))
_PICK_TAG_COUNT: Final = Pick(((0, 30), (1, 30), (2, 20), (3, 12), (4, 8)))
_MAIL_DOMAINS: Final = names("mail.example inbox.example post.example")
_SOCIAL_NETWORKS: Final = names("LinkedIn X Mastodon Instagram")
_SECOND_ADDRESS: Final = (AddressKind.SHIPPING, AddressKind.BILLING, AddressKind.WORK)
_BIRTH_FIRST: Final = date(1950, 1, 1).toordinal()
_BIRTH_LAST: Final = date(2004, 12, 31).toordinal()


class CustomerGenerator:
    def __init__(
        self,
        rng: random.Random,
        rows: Rows,
        companies: Sequence[Company],
        catalogue: Catalogue,
        deals: DealGenerator,
    ) -> None:
        self.rng = rng
        self.rows = rows
        self.companies = companies
        self.phones = PhoneBook(rng)
        self.emails = EmailBook()
        self.orders = OrderGenerator(rng, rows, catalogue)
        self.interactions = InteractionGenerator(rng, rows, catalogue)
        self.deals = deals

    def add(self, *, with_deal: bool = False) -> None:
        rng = self.rng
        company = rng.choice(self.companies) if rng.random() < 0.9 else None
        country = company.country if company and rng.random() < 0.85 else PICK_COUNTRY(rng)
        gender = PICK_GENDER(rng)
        person = draw_person(rng, country.culture, gender)
        customer_id = self.rows.next_id("customers")
        created = at(30 * DAY + rng.randrange(3 * YEAR - 30 * DAY))
        stage = _PICK_STAGE(rng)
        owner = self._owner()
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
            **stamps(created, later(rng, created, 365 * DAY)),
        }
        self.rows.add("customers", row)
        city = rng.choice(country.cities)
        self._contacts(customer_id, person, country, company, created)
        self._addresses(customer_id, country, city, company is not None, created)
        add_tag_links(
            rng,
            self.rows,
            "customer_tags",
            "customer_id",
            customer_id,
            _PICK_TAG_COUNT(rng),
            created,
        )
        local = country.currency in {"USD", "EUR", "GBP"} or rng.random() < 0.4
        timeline = Timeline(
            customer_id,
            person.first,
            city.name,
            created,
            stage,
            owner,
            country.currency if local else "USD",
        )
        self.interactions.add_for(timeline, self.orders.add_for(timeline))
        if with_deal:
            self.deals.add_for(row, company, timeline)

    def _owner(self) -> int | None:
        roll = self.rng.random()
        if roll < 0.8:
            return self.rng.choice(USER_IDS[UserRole.SALES])
        return USER_IDS[UserRole.MANAGER][0] if roll < 0.9 else None

    def _contact(
        self,
        customer_id: int,
        kind: ContactKind,
        label: str,
        value: str,
        primary: bool,
        created: datetime,
    ) -> None:
        self.rows.add(
            "contact_methods",
            {
                "id": self.rows.next_id("contact_methods"),
                "customer_id": customer_id,
                "kind": kind,
                "label": label,
                "value": value,
                "is_primary": primary,
                **stamps(created),
            },
        )

    def _contacts(
        self,
        customer_id: int,
        person: Person,
        country: Country,
        company: Company | None,
        created: datetime,
    ) -> None:
        rng = self.rng
        if company is not None and rng.random() < 0.8:
            email, label = self.emails.address(person, company.domain), "Work"
        else:
            email, label = self.emails.address(person, rng.choice(_MAIL_DOMAINS)), "Personal"
        self._contact(customer_id, ContactKind.EMAIL, label, email, True, created)
        if rng.random() < 0.85:
            phone = self.phones.number(country.code)
            self._contact(customer_id, ContactKind.PHONE, "Mobile", phone, True, created)
        if rng.random() < 0.25:
            handle = f"@{slug(person.first)}_{slug(person.last)}".replace("-", "_")
            if rng.random() < 0.5:
                handle += str(rng.randint(1, 99))
            network = rng.choice(_SOCIAL_NETWORKS)
            self._contact(customer_id, ContactKind.SOCIAL, network, handle, False, created)

    def _addresses(
        self, customer_id: int, country: Country, city: City, employed: bool, created: datetime
    ) -> None:
        count = _PICK_ADDRESS_COUNT(self.rng)
        kinds = [AddressKind.HOME, self.rng.choice(_SECOND_ADDRESS)]
        if employed and self.rng.random() < 0.3:
            kinds[0] = AddressKind.WORK
        for index in range(count):
            place = city if index == 0 else self.rng.choice(country.cities)
            address = draw_address(self.rng, self.rows, country, place, kinds[index], created)
            address["customer_id"] = customer_id
            self.rows.add("addresses", address)
