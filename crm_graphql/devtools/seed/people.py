"""People: names by culture, genders, and the unique e-mail addresses and phone numbers
that customers are reached at."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Final

import phonenumbers

from crm_graphql.app.models import Gender, LifecycleStage
from crm_graphql.devtools.seed.draws import Pick, names
from crm_graphql.devtools.seed.errors import SeedError


@dataclass(frozen=True, slots=True)
class Culture:
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    family_first: bool = False
    two_surnames: bool = False


ENGLISH = Culture(
    names("Emma Olivia Charlotte Amelia Grace Hannah Chloe Emily Sarah Jessica Megan Laura"),
    names("James Oliver William Henry Jack Thomas Daniel Michael Samuel Ethan Ryan Lucas"),
    names(
        "Smith Johnson Williams Brown Taylor Wilson Davies Evans Thompson Walker Wright "
        "Robinson Clarke Hughes Bennett Carter Murphy O'Brien Campbell Anderson"
    ),
)
GERMAN = Culture(
    names("Anna Lena Katharina Sophie Marie Julia Lea Jana Sabine Petra Ursula Greta"),
    names("Lukas Maximilian Felix Jonas Tobias Stefan Jürgen Matthias Florian Andreas Klaus Jan"),
    names(
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch "
        "Richter Wolf Schäfer Neumann Schwarz Zimmermann Krüger Hartmann Lange"
    ),
)
FRENCH = Culture(
    names("Camille Léa Manon Chloé Inès Juliette Margaux Élise Sophie Claire Amélie Océane"),
    names("Lucas Hugo Louis Gabriel Arthur Théo Antoine Julien Mathieu Nicolas François Rémi"),
    names(
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
        "Lefèvre Michel Fontaine Rousseau Girard Bonnet Lambert Faure"
    ),
)
SPANISH = Culture(
    names("Lucía María Sofía Paula Carmen Elena Marta Isabel Valentina Ximena Guadalupe Nuria"),
    names("Hugo Martín Pablo Alejandro Javier Diego Carlos Miguel Sergio Andrés José Santiago"),
    names(
        "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Jiménez Ruiz "
        "Hernández Díaz Moreno Álvarez Romero Navarro Torres Ramírez Castillo"
    ),
    two_surnames=True,
)
CHINESE = Culture(
    names("Xiuying Fang Jing Min Yan Hui Xiaoling Mei Yuqi Ting Lan Ying"),
    names("Wei Jun Hao Lei Yang Jian Ming Qiang Tao Zhiwei Yichen Bo"),
    names("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo"),
    family_first=True,
)
JAPANESE = Culture(
    names("Yui Aoi Sakura Haruka Yuki Mei Rin Hina Akiko Emi Naomi Keiko"),
    names("Haruto Sota Ren Takumi Hiroshi Kenji Daiki Yuto Kazuki Takeshi Shota Ryo"),
    names(
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida "
        "Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Mori"
    ),
)
INDIAN = Culture(
    names("Priya Ananya Aishwarya Divya Kavya Neha Pooja Sneha Lakshmi Meera Riya Shreya"),
    names("Aarav Arjun Rohan Vikram Rahul Amit Sanjay Karthik Aditya Rajesh Siddharth Vivek"),
    names(
        "Sharma Patel Singh Kumar Gupta Reddy Iyer Nair Mehta Joshi Rao Desai Chatterjee "
        "Banerjee Kapoor Malhotra Agarwal Pillai Menon Bhat"
    ),
)

PICK_GENDER: Final = Pick(
    ((Gender.FEMALE, 46), (Gender.MALE, 46), (Gender.NON_BINARY, 2), (Gender.UNDISCLOSED, 3),
     (None, 3))
)  # fmt: skip


@dataclass(slots=True)
class Person:
    first: str
    last: str
    name: str


@dataclass(slots=True)
class Timeline:
    """One customer's facts that their orders and interactions refer to."""

    id: int
    first: str
    city: str
    created_at: datetime
    stage: LifecycleStage
    owner_id: int | None
    currency: str


def draw_person(rng: random.Random, culture: Culture, gender: Gender | None) -> Person:
    if gender is Gender.FEMALE or (gender is not Gender.MALE and rng.random() < 0.5):
        first = rng.choice(culture.female)
    else:
        first = rng.choice(culture.male)
    last = rng.choice(culture.surnames)
    if culture.two_surnames and rng.random() < 0.4:
        last = f"{last} {rng.choice(culture.surnames)}"
    name = f"{last} {first}" if culture.family_first else f"{first} {last}"
    return Person(first, last, name)


_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "'": ""})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(value: str) -> str:
    """Lower-case ASCII with hyphens: 'Müller García' -> 'mueller-garcia'."""
    folded = unicodedata.normalize("NFKD", value.lower().translate(_GERMAN_LETTERS))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text).strip("-")


class EmailBook:
    """Unique addresses: a second Emma Smith at one domain is emma.smith2@ that domain."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def address(self, who: Person, domain: str) -> str:
        local = f"{slug(who.first)}.{slug(who.last)}"
        seen = self._seen.get(f"{local}@{domain}", 0) + 1
        self._seen[f"{local}@{domain}"] = seen
        return f"{local}{seen if seen > 1 else ''}@{domain}"


class PhoneBook:
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
