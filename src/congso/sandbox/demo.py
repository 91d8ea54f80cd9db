"""The sandbox's demo data: the simulated registers, stored in this app's tables by
``seed_demo_sandbox()`` (called from the project's demo seeding; idempotent).

Why stored rather than computed on each call: the simulators then answer like the real registers do,
from rows (a lookup is one indexed query, a household is a join, the LGSP's evidence log can name a row
that exists), and the data can be inspected and kept stable while other blocks build on it. The rows
are generated deterministically (``generator``), so a fresh demo always holds the same people.

The data agree with the demo: the project passes its accounts in (``people``: citizens with their
national ID, name and birth date; ``businesses``: the business accounts' tax codes and representatives)
and each becomes a record — a citizen heading a household, a business whose legal representative is
also in the population database — before thousands of generated citizens and hundreds of businesses
are added around them, in the wards of Thành phố Hồ Chí Minh formed from the former Bình Dương.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from congso.agencies import demo as agencies_demo
from congso.agencies import loaders as agency_loaders
from congso.agencies import services as agency_services

from .generator import REFERENCE_DAY, Generator, Person, Place, generate_world, rng_for
from .models import Business, BusinessStatus, Citizen, Household, LandParcel

DEFAULT_SEED = "congso-sandbox-2026"
DEFAULT_CITIZENS = 3000
DEFAULT_BUSINESSES = 300
BATCH_SIZE = 500


@dataclass(frozen=True)
class KnownBusiness:
    """A business the demo knows (a business account): its tax code and legal representative, who is
    also put in the population database (with the given national ID, or one drawn from the seed)."""

    tax_code: str
    representative_name: str
    representative_national_id: str = ""
    representative_date_of_birth: date | None = None
    name: str = ""


def demo_places() -> list[Place]:
    """The wards in force today that carry the GSO code of a commune of the former Bình Dương (the
    agencies block's history of units), with the province they belong to, ordered by code."""
    province = agency_loaders.read_binh_duong_history()["province"]
    places = []
    for district in province["districts"]:
        for commune in district["communes"]:
            try:
                unit = agency_services.get_unit(commune["code"])
            except ObjectDoesNotExist:
                continue
            if unit.parent is not None:
                places.append(Place(unit.parent.code, unit.parent.name, unit.code, unit.name))
    return sorted(places, key=lambda place: place.ward_code)


def _representative(seed: str, generator: Generator, business: KnownBusiness) -> Person:
    if business.representative_national_id:
        return Person(
            business.representative_national_id,
            business.representative_name,
            business.representative_date_of_birth,
        )
    # No ID given: the one drawn on an earlier run, or a new one that fits the name (" Thị " marks a
    # woman's name) and a working age.
    stored = Business.objects.filter(
        tax_code=business.tax_code, representative_name=business.representative_name
    )
    national_id = stored.values_list("representative_national_id", flat=True).first()
    if national_id:
        return Person(national_id, business.representative_name, business.representative_date_of_birth)
    rng = rng_for(seed, "representative", business.tax_code)
    sex = "2" if " Thị " in f" {business.representative_name} " else "1"
    born = business.representative_date_of_birth or generator.birth_day(rng, rng.randint(1968, 1992))
    return Person(generator.national_id(rng, sex, born, "074"), business.representative_name, born)


def _save_households(households: list[Household], citizens: list[Citizen]) -> None:
    Household.objects.bulk_create(households, batch_size=BATCH_SIZE)
    # The whole table's codes (a few thousand short rows), not an IN list that could pass SQLite's limit.
    ids = dict(Household.objects.values_list("code", "id"))
    for citizen in citizens:
        citizen.household_id = ids[citizen.household.code]
    Citizen.objects.bulk_create(citizens, batch_size=BATCH_SIZE)


def _save_businesses(businesses: list[Business]) -> None:
    heads = [b for b in businesses if b.parent is None]
    Business.objects.bulk_create(heads, batch_size=BATCH_SIZE)
    ids = dict(Business.objects.filter(parent=None).values_list("tax_code", "id"))
    branches = [b for b in businesses if b.parent is not None]
    for branch in branches:
        branch.parent_id = ids[branch.parent.tax_code]
    Business.objects.bulk_create(branches, batch_size=BATCH_SIZE)


def _ensure_person(generator: Generator, person: Person) -> None:
    """The person's record agrees with what the demo says; a new one heads a household of its own."""
    existing = Citizen.objects.filter(national_id=person.national_id).first()
    if existing is None:
        household, members = generator.known_household(person)
        _save_households([household], members)
        return
    changes = {"full_name": person.full_name, "is_generated": False}
    if person.date_of_birth:
        changes["date_of_birth"] = person.date_of_birth
    if any(getattr(existing, name) != value for name, value in changes.items()):
        Citizen.objects.filter(pk=existing.pk).update(**changes)
    _move_household(generator, existing.household_id, person)


def _move_household(generator: Generator, household_id: int, person: Person) -> None:
    """The household registered where the demo says the person lives, if it says so."""
    place = next((p for p in generator.places if p.ward_code == person.ward_code), None)
    changes = {}
    if place is not None:
        changes.update(
            province_code=place.province_code,
            province_name=place.province_name,
            ward_code=place.ward_code,
            ward_name=place.ward_name,
        )
    if person.street_address:
        changes["street_address"] = person.street_address
    household = Household.objects.get(pk=household_id)
    if any(getattr(household, name) != value for name, value in changes.items()):
        Household.objects.filter(pk=household_id).update(**changes)


def _ensure_business(
    seed: str, generator: Generator, business: KnownBusiness, representative: Person
) -> None:
    existing = Business.objects.filter(tax_code=business.tax_code).first()
    if existing is None:
        rng = rng_for(seed, "known-business", business.tax_code)
        row = generator.business(
            rng,
            business.tax_code,
            representative,
            business.name,
            status=BusinessStatus.ACTIVE,
            is_generated=False,
        )
        generator.taken_tax_codes.add(business.tax_code)
        _save_businesses([row, *generator.branches(rng, row, 1)])
        return
    changes = {
        "representative_name": representative.full_name,
        "representative_national_id": representative.national_id,
        "is_generated": False,
    }
    if business.name:
        changes["name"] = business.name
    if any(getattr(existing, name) != value for name, value in changes.items()):
        Business.objects.filter(pk=existing.pk).update(**changes)


# Land-use purposes of the land law's catalogue the generated parcels take (code, name, weight).
LAND_PURPOSES = [
    ("ODT", "Đất ở tại đô thị", 6),
    ("ONT", "Đất ở tại nông thôn", 2),
    ("CLN", "Đất trồng cây lâu năm", 2),
]


def parcel_for(seed: str, household: Household, head: Citizen) -> LandParcel:
    """The parcel a household lives on, owned by its head, drawn from the seed and the household's code
    (the same household gets the same parcel on every machine)."""
    rng = rng_for(seed, "parcel", household.code)
    purpose_code, purpose_name, _weight = rng.choices(LAND_PURPOSES, weights=[p[2] for p in LAND_PURPOSES])[0]
    sheet, number = rng.randint(1, 60), rng.randint(1, 900)
    issued = REFERENCE_DAY.replace(year=rng.randint(2005, 2024))
    return LandParcel(
        parcel_id=f"{household.ward_code}-{sheet}-{number}",
        ward_code=household.ward_code,
        ward_name=household.ward_name,
        province_code=household.province_code,
        province_name=household.province_name,
        map_sheet=sheet,
        parcel_number=number,
        street_address=household.street_address,
        area_m2=round(rng.uniform(48, 400), 1) if purpose_code != "CLN" else round(rng.uniform(500, 5000), 1),
        purpose_code=purpose_code,
        purpose_name=purpose_name,
        owner_name=head.full_name,
        owner_national_id=head.national_id,
        certificate_number=f"C{rng.randint(10**7, 10**8 - 1)}",
        certificate_issued_on=issued,
        household_code=household.code,
    )


def _ensure_parcels(seed: str) -> None:
    """A parcel for every household that has none (the land registry agrees with the population one);
    a parcel identifier already taken by another household's draw is skipped."""
    done = set(LandParcel.objects.values_list("household_code", flat=True))
    taken = set(LandParcel.objects.values_list("parcel_id", flat=True))
    heads = Citizen.objects.filter(relation_to_head="Chủ hộ").select_related("household")
    new = []
    for head in heads.order_by("household__code"):
        household = head.household
        if household.code in done:
            continue
        parcel = parcel_for(seed, household, head)
        if parcel.parcel_id in taken:
            continue
        taken.add(parcel.parcel_id)
        done.add(household.code)
        new.append(parcel)
    LandParcel.objects.bulk_create(new, batch_size=BATCH_SIZE)


@transaction.atomic
def seed_demo_sandbox(
    people=(),
    businesses=(),
    *,
    citizens: int = DEFAULT_CITIZENS,
    business_count: int = DEFAULT_BUSINESSES,
    seed: str = DEFAULT_SEED,
) -> dict[str, int]:
    """Fill the simulated registers; a second run changes nothing (the known records are brought in line
    with what is passed, the generated ones are made only once). Returns the numbers of rows held.

    ``people`` are ``generator.Person`` (national ID, name, birth date or None to draw one that fits the
    ID's birth year); ``businesses`` are ``KnownBusiness``.
    """
    agencies_demo.seed_demo_units()
    places = demo_places()
    generator = Generator(
        seed,
        places,
        Citizen.objects.values_list("national_id", flat=True),
        Business.objects.values_list("tax_code", flat=True),
    )
    known_businesses = [(b, _representative(seed, generator, b)) for b in businesses]
    for person in [*people, *(representative for _b, representative in known_businesses)]:
        _ensure_person(generator, person)
    for business, representative in known_businesses:
        _ensure_business(seed, generator, business, representative)
    if not Household.objects.filter(is_generated=True).exists():
        world = generate_world(
            seed, places, citizens, business_count, generator.taken_ids, generator.taken_tax_codes
        )
        _save_households(world.households, world.citizens)
        _save_businesses(world.businesses)
    _ensure_parcels(seed)
    return {
        "parcels": LandParcel.objects.count(),
        "households": Household.objects.count(),
        "citizens": Citizen.objects.count(),
        "businesses": Business.objects.count(),
    }


__all__ = ["DEFAULT_SEED", "REFERENCE_DAY", "KnownBusiness", "Person", "demo_places", "seed_demo_sandbox"]
