"""Deterministic generation of the simulated registers: households of citizens and businesses with their
branches, from a seed and a list of places (wards of the former Bình Dương).

Pure Python, no database: ``generate_world`` returns unsaved model instances, ``demo`` saves them. The
same seed and the same places give the same rows, byte for byte, on every machine (``random.Random``
seeded with a string is stable across runs and Python versions). Dates are counted from ``REFERENCE_DAY``,
not from today, for the same reason.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import names
from .models import Business, BusinessStatus, Citizen, Household, Sex

REFERENCE_DAY = date(2025, 12, 31)
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


@dataclass(frozen=True)
class Place:
    """A ward (phường, xã) in force, with its province: where people live and businesses sit."""

    province_code: str
    province_name: str
    ward_code: str
    ward_name: str


@dataclass(frozen=True)
class Person:
    """A citizen whose identity is fixed in advance (a demo account, a demo applicant)."""

    national_id: str
    full_name: str
    date_of_birth: date | None = None
    # Where the person's household is registered, when the demo says so: a ward's GSO code (one of the
    # places) and the street address; otherwise drawn like anyone's.
    ward_code: str = ""
    street_address: str = ""


@dataclass
class World:
    """Unsaved rows: households, their members (``Citizen.household`` is set to the household object, to
    be resolved after saving), businesses and their branches (``Business.parent`` likewise)."""

    households: list[Household] = field(default_factory=list)
    citizens: list[Citizen] = field(default_factory=list)
    businesses: list[Business] = field(default_factory=list)


def rng_for(seed: str, *parts) -> random.Random:
    """A generator of its own for one seed and subject, so one record never shifts another."""
    return random.Random(":".join([seed, *map(str, parts)]))  # noqa: S311 — fake data, not secrets


def sex_of(national_id: str) -> str:
    """The sex a national ID encodes: its fourth digit is even for men, odd for women."""
    return Sex.MALE if int(national_id[3]) % 2 == 0 else Sex.FEMALE


def birth_year_of(national_id: str) -> int:
    """The birth year a national ID encodes: the fourth digit gives the century, the next two the year."""
    century = 1900 + 100 * (int(national_id[3]) // 2)
    return century + int(national_id[4:6])


def tax_code_check_digit(first_nine: str) -> str | None:
    """The tenth digit of a tax code: 10 minus the weighted sum of the first nine modulo 11; None when
    that is 10 (no code is issued with those nine digits)."""
    total = sum(int(d) * w for d, w in zip(first_nine, TAX_CODE_WEIGHTS, strict=True))
    check = 10 - total % 11
    return str(check) if check < 10 else None


def _weighted(rng: random.Random, table):
    return rng.choices(table, weights=[row[-1] for row in table])[0]


BIRTH_PROVINCE_NAMES = {code: name for code, name, _weight in names.BIRTH_PROVINCES}


def _hometown(national_id: str) -> str:
    """Quê quán, taken here as the province of birth that the ID's first three digits name."""
    province = BIRTH_PROVINCE_NAMES.get(national_id[:3], "Bình Dương")
    return province if province.startswith("Thành phố") else f"Tỉnh {province}"


def _citizen(national_id, full_name, born, sex, household, relation, rng) -> Citizen:
    ethnicity = _weighted(rng, names.ETHNICITIES)
    return Citizen(
        national_id=national_id,
        full_name=full_name,
        date_of_birth=born,
        sex=sex,
        ethnicity_code=ethnicity[0],
        ethnicity_name=ethnicity[1],
        hometown=_hometown(national_id),
        household=household,
        relation_to_head=relation,
    )


class Generator:
    """Makes citizens, households and businesses; remembers the identifiers it has given out."""

    def __init__(self, seed: str, places: list[Place], taken_ids=(), taken_tax_codes=()):
        if not places:
            raise ValueError("The sandbox needs at least one place (ward) to generate addresses.")
        self.seed = seed
        self.places = places
        self.taken_ids = set(taken_ids)
        self.taken_tax_codes = set(taken_tax_codes)
        self.household_numbers: dict[str, int] = {}

    # --- People ---------------------------------------------------------------------------------

    def birth_day(self, rng: random.Random, year: int) -> date:
        day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        return min(day, REFERENCE_DAY)

    def national_id(self, rng: random.Random, sex: str, born: date, province_code: str | None = None) -> str:
        code = province_code or _weighted(rng, names.BIRTH_PROVINCES)[0]
        century = 2 * ((born.year - 1900) // 100) + (0 if sex == Sex.MALE else 1)
        while True:
            candidate = f"{code}{century}{born.year % 100:02d}{rng.randrange(10**6):06d}"
            if candidate not in self.taken_ids:
                self.taken_ids.add(candidate)
                return candidate

    def name(self, rng: random.Random, sex: str, family: str | None = None) -> str:
        family = family or _weighted(rng, names.FAMILY_NAMES)[0]
        return f"{family} {rng.choice(names.MIDDLE_NAMES[sex])} {rng.choice(names.GIVEN_NAMES[sex])}"

    def citizen(self, rng, household, relation, sex, born, family=None, province_code=None) -> Citizen:
        national_id = self.national_id(rng, sex, born, province_code)
        return _citizen(national_id, self.name(rng, sex, family), born, sex, household, relation, rng)

    def known_citizen(self, rng, household, person: Person) -> Citizen:
        """The head of a household whose identity is given; the rest is drawn like anyone's."""
        born = person.date_of_birth or self.birth_day(rng, birth_year_of(person.national_id))
        self.taken_ids.add(person.national_id)
        head = _citizen(
            person.national_id, person.full_name, born, sex_of(person.national_id), household, "Chủ hộ", rng
        )
        head.is_generated = False
        return head

    def street_address(self, rng: random.Random) -> str:
        street = rng.choice(names.STREETS)
        number = rng.randrange(1, 400)
        if rng.random() < 0.3:
            return f"Số {number}/{rng.randrange(1, 60)}, đường {street}"
        if rng.random() < 0.2:
            return f"Tổ {rng.randrange(1, 30)}, khu phố {rng.randrange(1, 12)}, đường {street}"
        return f"Số {number}, đường {street}"

    def household(self, rng: random.Random, known_id: str = "") -> Household:
        """A household at a random address. Its code (the sandbox's own, 12 digits) is the ward's code and
        a number: counted within the ward for generated ones, the head's last six ID digits behind a 9
        for a known head, so a known head added on a later run never takes a code already given."""
        place = rng.choice(self.places)
        if known_id:
            number = f"9{known_id[-6:]}"
        else:
            count = self.household_numbers.get(place.ward_code, 0) + 1
            self.household_numbers[place.ward_code] = count
            number = f"0{count:06d}"
        return Household(
            code=f"{place.ward_code}{number}",
            province_code=place.province_code,
            province_name=place.province_name,
            ward_code=place.ward_code,
            ward_name=place.ward_name,
            street_address=self.street_address(rng),
            is_generated=not known_id,
        )

    def family(self, rng: random.Random, household: Household, head: Citizen) -> list[Citizen]:
        """The head's spouse, children and sometimes a parent, with ages and family names that fit."""
        members = []
        head_family = head.full_name.split()[0]
        age = REFERENCE_DAY.year - head.date_of_birth.year
        father_family = head_family
        if age >= 22 and rng.random() < 0.78:
            spouse_sex = Sex.FEMALE if head.sex == Sex.MALE else Sex.MALE
            born = self.birth_day(rng, head.date_of_birth.year + rng.randint(-6, 4))
            relation = "Vợ" if spouse_sex == Sex.FEMALE else "Chồng"
            spouse = self.citizen(rng, household, relation, spouse_sex, born)
            members.append(spouse)
            if spouse_sex == Sex.MALE:
                father_family = spouse.full_name.split()[0]
        if age >= 22:
            for _child in range(rng.choice([0, 1, 1, 2, 2, 2, 3])):
                year = head.date_of_birth.year + rng.randint(21, 38)
                if year > REFERENCE_DAY.year:
                    continue
                sex = rng.choice([Sex.MALE, Sex.FEMALE])
                born = self.birth_day(rng, year)
                members.append(self.citizen(rng, household, "Con", sex, born, father_family, "074"))
        if 25 <= age <= 50 and rng.random() < 0.2:
            sex = rng.choice([Sex.MALE, Sex.FEMALE])
            born = self.birth_day(rng, head.date_of_birth.year - rng.randint(22, 34))
            family = head_family if sex == Sex.MALE else None
            members.append(
                self.citizen(rng, household, "Cha" if sex == Sex.MALE else "Mẹ", sex, born, family)
            )
        for member in members:
            if rng.random() < 0.08:
                self.give_temporary_residence(rng, member)
        return members

    def give_temporary_residence(self, rng: random.Random, citizen: Citizen) -> None:
        place = rng.choice(self.places)
        citizen.temporary_province_code = place.province_code
        citizen.temporary_province_name = place.province_name
        citizen.temporary_ward_code = place.ward_code
        citizen.temporary_ward_name = place.ward_name
        citizen.temporary_street_address = self.street_address(rng)

    def generated_household(self, number: int) -> tuple[Household, list[Citizen]]:
        rng = rng_for(self.seed, "household", number)
        household = self.household(rng)
        sex = Sex.MALE if rng.random() < 0.7 else Sex.FEMALE
        head = self.citizen(rng, household, "Chủ hộ", sex, self.birth_day(rng, rng.randint(1950, 2002)))
        if rng.random() < 0.08:
            self.give_temporary_residence(rng, head)
        return household, [head, *self.family(rng, household, head)]

    def known_household(self, person: Person) -> tuple[Household, list[Citizen]]:
        rng = rng_for(self.seed, "known", person.national_id)
        household = self.household(rng, known_id=person.national_id)
        place = next((p for p in self.places if p.ward_code == person.ward_code), None)
        if place is not None:
            household.code = f"{place.ward_code}9{person.national_id[-6:]}"
            household.ward_code, household.ward_name = place.ward_code, place.ward_name
            household.province_code, household.province_name = place.province_code, place.province_name
        if person.street_address:
            household.street_address = person.street_address
        head = self.known_citizen(rng, household, person)
        family = self.family(rng, household, head)
        for member in family:
            member.is_generated = False
        return household, [head, *family]

    # --- Businesses -----------------------------------------------------------------------------

    def tax_code(self, rng: random.Random) -> str:
        while True:
            # 37: the prefix of tax codes issued in Bình Dương.
            first_nine = f"37{rng.randrange(10**7):07d}"
            check = tax_code_check_digit(first_nine)
            if check is None:
                continue
            candidate = first_nine + check
            if candidate not in self.taken_tax_codes:
                self.taken_tax_codes.add(candidate)
                return candidate

    def business(
        self, rng, tax_code: str, representative: Citizen | Person, name: str = "", **fields
    ) -> Business:
        kind, prefix, suffix_en, title = rng.choice(names.ENTERPRISE_KINDS)
        lines = rng.sample(names.BUSINESS_LINES, rng.randint(1, 5))
        trade, trade_en = names.trade_for(lines[0][0])
        brand, brand_en = rng.choice(names.BRAND_WORDS)
        place = rng.choice(self.places)
        # Registered since 2000, once the representative was 20.
        earliest = date(2000, 1, 1)
        if representative.date_of_birth:
            earliest = max(earliest, date(representative.date_of_birth.year + 20, 1, 1))
        latest = date(2025, 6, 30)
        registered = earliest + timedelta(days=rng.randrange(max((latest - earliest).days, 1)))
        return Business(
            tax_code=tax_code,
            name=name or f"{prefix} {trade} {brand}",
            english_name=f"{brand_en} {trade_en} {suffix_en}",
            short_name=brand_en.upper().replace(" ", "") + " CO.",
            kind=kind,
            status=fields.get("status")
            or _weighted(
                rng,
                [(BusinessStatus.ACTIVE, 85), (BusinessStatus.SUSPENDED, 8), (BusinessStatus.DISSOLVED, 7)],
            )[0],
            registered_on=registered,
            charter_capital=rng.choice([1, 2, 3, 5, 10, 20, 50, 100])
            * 1_000_000_000
            // rng.choice([1, 2, 10]),
            representative_name=representative.full_name,
            representative_national_id=representative.national_id,
            representative_title=title,
            province_code=place.province_code,
            province_name=place.province_name,
            ward_code=place.ward_code,
            ward_name=place.ward_name,
            street_address=self.street_address(rng),
            business_lines=[
                {"code": code, "name": line_name, "main": index == 0}
                for index, (code, line_name) in enumerate(lines)
            ],
            is_generated=fields.get("is_generated", True),
        )

    def branches(self, rng: random.Random, parent: Business, count: int) -> list[Business]:
        found = []
        for number in range(1, count + 1):
            place = rng.choice(self.places)
            branch = Business(
                tax_code=f"{parent.tax_code}-{number:03d}",
                parent=parent,
                name=f"Chi nhánh {parent.name} tại {place.ward_name}",
                english_name=f"{parent.english_name} – {place.ward_name} Branch",
                kind="Chi nhánh",
                status=parent.status,
                registered_on=min(
                    parent.registered_on + timedelta(days=rng.randrange(30, 3000)), REFERENCE_DAY
                ),
                representative_name=parent.representative_name,
                representative_national_id=parent.representative_national_id,
                representative_title="Giám đốc chi nhánh",
                province_code=place.province_code,
                province_name=place.province_name,
                ward_code=place.ward_code,
                ward_name=place.ward_name,
                street_address=self.street_address(rng),
                business_lines=parent.business_lines[:2],
                is_generated=parent.is_generated,
            )
            self.taken_tax_codes.add(branch.tax_code)
            found.append(branch)
        return found

    def generated_businesses(self, count: int, adults: list[Citizen]) -> list[Business]:
        found = []
        for number in range(count):
            rng = rng_for(self.seed, "business", number)
            business = self.business(rng, self.tax_code(rng), rng.choice(adults))
            found.append(business)
            if rng.random() < 0.1:
                found.extend(self.branches(rng, business, rng.randint(1, 2)))
        return found


def generate_world(
    seed: str, places: list[Place], citizens: int, businesses: int, taken_ids=(), taken_tax_codes=()
) -> World:
    """Households until at least ``citizens`` people live in them, and ``businesses`` enterprises (plus a
    branch or two for about one in ten) whose legal representatives are adults among those people."""
    generator = Generator(seed, places, taken_ids, taken_tax_codes)
    world = World()
    number = 0
    while len(world.citizens) < citizens:
        household, members = generator.generated_household(number)
        world.households.append(household)
        world.citizens.extend(members)
        number += 1
    adults = [c for c in world.citizens if REFERENCE_DAY.year - c.date_of_birth.year >= 22]
    if businesses:
        world.businesses = generator.generated_businesses(businesses, adults)
    return world
