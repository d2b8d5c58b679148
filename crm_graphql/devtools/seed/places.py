"""Countries, their cities, streets and postal codes, and the addresses drawn from them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from crm_graphql.app.models import AddressKind
from crm_graphql.devtools.seed.draws import Pick, fill, phrases
from crm_graphql.devtools.seed.people import (
    CHINESE,
    ENGLISH,
    FRENCH,
    GERMAN,
    INDIAN,
    JAPANESE,
    SPANISH,
    Culture,
)
from crm_graphql.devtools.seed.rows import Row, Rows, stamps

_EN_STREETS = phrases(
    "Main Street|Oak Avenue|Station Road|Park Road|Church Lane|King Street|Elm Street|"
    "Victoria Road|Mill Lane|Maple Drive"
)
_EN_LINE2 = phrases("Apt {n}|Suite {n}00|Unit {n}|Floor {n}")
_DE_STREETS = phrases(
    "Hauptstraße|Bahnhofstraße|Gartenweg|Schillerstraße|Goethestraße|Lindenallee|Bergstraße|"
    "Am Markt|Kirchplatz|Mozartstraße"
)
_DE_LINE2 = phrases("{n}. OG|Hinterhaus|Aufgang {L}")
_ES_STREETS = phrases(
    "Calle Real|Calle del Sol|Calle de la Paz|Avenida de la Libertad|Calle Nueva|"
    "Avenida de la Constitución|Calle San Juan|Paseo de las Flores"
)
_ES_LINE2 = phrases("Piso {n}|Planta {n}|Puerta {L}")


@dataclass(frozen=True, slots=True)
class City:
    name: str
    region: str | None
    postal: str  # '#' is a digit, '%' a digit from 1 to 9, '@' an upper-case letter


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    weight: int
    culture: Culture
    currency: str
    legal_forms: tuple[str, ...]
    street_format: str  # {n} house number, {street}; {a}-{b}-{c} for Japanese block numbers
    streets: tuple[str, ...]
    line2: tuple[str, ...]
    cities: tuple[City, ...]


def cities(*rows: tuple[str, str | None, str]) -> tuple[City, ...]:
    return tuple(City(*row) for row in rows)


COUNTRIES: Final = (
    Country(
        "US", 22, ENGLISH, "USD", ("Inc.", "LLC", "Corp."), "{n} {street}", _EN_STREETS,
        _EN_LINE2,
        cities(
            ("New York", "NY", "100##"), ("San Francisco", "CA", "941##"),
            ("Chicago", "IL", "606##"), ("Austin", "TX", "787##"), ("Seattle", "WA", "981##"),
            ("Boston", "MA", "021##"),
        ),
    ),
    Country(
        "GB", 12, ENGLISH, "GBP", ("Ltd", "PLC", "LLP"), "{n} {street}", _EN_STREETS, _EN_LINE2,
        cities(
            ("London", "England", "EC%@ #@@"), ("Manchester", "England", "M% #@@"),
            ("Edinburgh", "Scotland", "EH% #@@"), ("Bristol", "England", "BS% #@@"),
            ("Cardiff", "Wales", "CF% #@@"),
        ),
    ),
    Country(
        "CA", 4, ENGLISH, "CAD", ("Inc.", "Ltd."), "{n} {street}", _EN_STREETS, _EN_LINE2,
        cities(
            ("Toronto", "ON", "M5V #@#"), ("Vancouver", "BC", "V6B #@#"),
            ("Montréal", "QC", "H2X #@#"),
        ),
    ),
    Country(
        "AU", 3, ENGLISH, "AUD", ("Pty Ltd",), "{n} {street}", _EN_STREETS, _EN_LINE2,
        cities(("Sydney", "NSW", "20##"), ("Melbourne", "VIC", "30##"), ("Perth", "WA", "60##")),
    ),
    Country(
        "DE", 12, GERMAN, "EUR", ("GmbH", "AG", "GmbH & Co. KG"), "{street} {n}", _DE_STREETS,
        _DE_LINE2,
        cities(
            ("Berlin", "Berlin", "10###"), ("Hamburg", "Hamburg", "20###"),
            ("München", "Bayern", "80###"), ("Köln", "Nordrhein-Westfalen", "50###"),
            ("Frankfurt am Main", "Hessen", "60###"), ("Stuttgart", "Baden-Württemberg", "70###"),
        ),
    ),
    Country(
        "AT", 3, GERMAN, "EUR", ("GmbH", "AG"), "{street} {n}", _DE_STREETS, _DE_LINE2,
        cities(("Wien", "Wien", "10%0"), ("Graz", "Steiermark", "80%0"), ("Linz", None, "40#0")),
    ),
    Country(
        "FR", 8, FRENCH, "EUR", ("SARL", "SA", "SAS"), "{n} {street}",
        phrases(
            "rue de la Paix|avenue Victor Hugo|boulevard Voltaire|rue du Moulin|"
            "place de la République|rue des Lilas|avenue Jean Jaurès|rue Pasteur"
        ),
        phrases("Bâtiment {L}|Étage {n}|Appartement {n}"),
        cities(
            ("Paris", "Île-de-France", "7500%"), ("Lyon", "Auvergne-Rhône-Alpes", "6900%"),
            ("Marseille", "Provence-Alpes-Côte d'Azur", "130##"),
            ("Toulouse", "Occitanie", "310##"), ("Bordeaux", "Nouvelle-Aquitaine", "330##"),
        ),
    ),
    Country(
        "ES", 6, SPANISH, "EUR", ("S.L.", "S.A."), "{street}, {n}", _ES_STREETS, _ES_LINE2,
        cities(
            ("Madrid", "Comunidad de Madrid", "280##"), ("Barcelona", "Cataluña", "080##"),
            ("Valencia", "Comunidad Valenciana", "460##"), ("Sevilla", "Andalucía", "410##"),
        ),
    ),
    Country(
        "MX", 3, SPANISH, "MXN", ("S.A. de C.V.", "S. de R.L."), "{street} {n}", _ES_STREETS,
        _ES_LINE2,
        cities(
            ("Ciudad de México", "CDMX", "06###"), ("Guadalajara", "Jalisco", "44###"),
            ("Monterrey", "Nuevo León", "64###"),
        ),
    ),
    Country(
        "CN", 6, CHINESE, "CNY", ("Co., Ltd.",), "{n} {street}",
        phrases("Renmin Road|Jiefang Road|Zhongshan Road|Jianshe Road|Heping Road|Wenhua Road"),
        phrases("Room {n}01|Floor {n}|Building {n}"),
        cities(
            ("Shanghai", "Shanghai", "200###"), ("Beijing", "Beijing", "100###"),
            ("Shenzhen", "Guangdong", "518###"), ("Hangzhou", "Zhejiang", "310###"),
        ),
    ),
    Country(
        "JP", 5, JAPANESE, "JPY", ("K.K.", "G.K."), "{a}-{b}-{c} {street}",
        phrases("Chuo|Honcho|Motomachi|Sakuragicho|Midoricho|Nishiki"),
        phrases("Room {n}0{b}|{n}F"),
        cities(
            ("Tokyo", "Tokyo", "1##-####"), ("Osaka", "Osaka", "53#-####"),
            ("Yokohama", "Kanagawa", "22#-####"), ("Kyoto", "Kyoto", "60#-####"),
        ),
    ),
    Country(
        "IN", 6, INDIAN, "INR", ("Pvt. Ltd.", "Ltd."), "{n}, {street}",
        phrases("MG Road|Station Road|Gandhi Nagar|Nehru Street|Temple Road|Residency Road"),
        phrases("Flat {n}|Floor {n}|Block {L}"),
        cities(
            ("Bengaluru", "Karnataka", "560###"), ("Mumbai", "Maharashtra", "400###"),
            ("New Delhi", "Delhi", "110###"), ("Chennai", "Tamil Nadu", "600###"),
            ("Hyderabad", "Telangana", "500###"),
        ),
    ),
)  # fmt: skip
PICK_COUNTRY: Final = Pick((c, c.weight) for c in COUNTRIES)


def draw_address(
    rng: random.Random,
    rows: Rows,
    country: Country,
    city: City,
    kind: AddressKind,
    created: datetime,
) -> Row:
    """An address row owned by nobody yet: the caller sets customer_id or company_id."""
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
        "id": rows.next_id("addresses"),
        "customer_id": None,
        "company_id": None,
        "kind": kind,
        "line1": line1,
        "line2": line2,
        "city": city.name,
        "region": city.region,
        "postal_code": fill(city.postal, rng),
        "country": country.code,
        **stamps(created),
    }
