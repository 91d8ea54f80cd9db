"""The simulated registers: deterministic, plausible, idempotent, and in agreement with the demo's
accounts (national IDs, names, birth dates; the business account's tax code and representative)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from congso import demo
from congso.sandbox import generator
from congso.sandbox.demo import KnownBusiness, Person, demo_places, seed_demo_sandbox
from congso.sandbox.models import Business, Citizen, Household
from tests.sandbox.known import BUSINESS, POPULATION

pytestmark = pytest.mark.django_db


def rows():
    citizens = list(
        Citizen.objects.order_by("national_id").values_list(
            "national_id", "full_name", "date_of_birth", "sex", "household__code", "relation_to_head"
        )
    )
    businesses = list(
        Business.objects.order_by("tax_code").values_list(
            "tax_code", "name", "representative_national_id", "status", "business_lines"
        )
    )
    return citizens, businesses


def test_seeding_again_changes_nothing(world):
    before = rows()
    assert (
        seed_demo_sandbox([], [KnownBusiness("3700123456", "Trần Thị Bình")], citizens=200, business_count=20)
        == world
    )
    assert rows() == before


def test_the_same_seed_gives_the_same_world():
    places = [generator.Place("79", "Thành phố Hồ Chí Minh", "25747", "Phường Thủ Dầu Một")]

    def snapshot(seed):
        world = generator.generate_world(seed, places, citizens=300, businesses=30)
        return (
            [(c.national_id, c.full_name, c.date_of_birth, c.household.code) for c in world.citizens],
            [(b.tax_code, b.name, b.representative_national_id) for b in world.businesses],
        )

    assert snapshot("one") == snapshot("one")
    assert snapshot("one") != snapshot("two")


def test_generated_identifiers_follow_the_national_rules():
    places = [generator.Place("79", "Thành phố Hồ Chí Minh", "25747", "Phường Thủ Dầu Một")]
    world = generator.generate_world("rules", places, citizens=1000, businesses=100)
    ids = [c.national_id for c in world.citizens]
    assert len(ids) == len(set(ids))
    for citizen in world.citizens:
        assert len(citizen.national_id) == 12 and citizen.national_id.isdigit()
        assert generator.sex_of(citizen.national_id) == citizen.sex
        assert generator.birth_year_of(citizen.national_id) == citizen.date_of_birth.year
        assert citizen.date_of_birth <= generator.REFERENCE_DAY
        assert len(citizen.full_name.split()) >= 3
    codes = [b.tax_code for b in world.businesses]
    assert len(codes) == len(set(codes))
    for business in world.businesses:
        if business.parent is None:
            assert business.tax_code[:2] == "37"
            assert business.tax_code[9] == generator.tax_code_check_digit(business.tax_code[:9])
        else:
            assert business.tax_code.startswith(business.parent.tax_code + "-")
    representatives = {c.national_id: c for c in world.citizens}
    for business in world.businesses:
        person = representatives[business.representative_national_id]  # also in the population register
        assert person.full_name == business.representative_name
        assert business.registered_on.year - person.date_of_birth.year >= 18 or business.parent is not None


def test_households_have_one_head_and_members_whose_ages_fit(world):
    for household in Household.objects.prefetch_related("members"):
        members = list(household.members.all())
        heads = [m for m in members if m.relation_to_head == "Chủ hộ"]
        assert len(heads) == 1, household.code
        for child in (m for m in members if m.relation_to_head == "Con"):
            assert child.date_of_birth.year - heads[0].date_of_birth.year >= 18


def test_addresses_are_wards_formed_from_the_former_binh_duong(world):
    places = demo_places()
    assert len(places) == 36  # the communes of Bình Dương whose code lives on (agencies/data/README.md)
    codes = {p.ward_code for p in places}
    assert {"25747", "25942", "25978"} <= codes  # Thủ Dầu Một, Dĩ An, Thuận An
    assert set(Household.objects.values_list("ward_code", flat=True)) <= codes
    assert set(Business.objects.values_list("ward_code", flat=True)) <= codes
    assert {p.province_code for p in places} == {"79"}


def test_a_known_person_keeps_the_given_birth_date_and_follows_a_changed_name_and_address(world):
    born = date(1990, 5, 12)
    person = Person("074090001234", "Nguyễn Văn Ân", born, "25942", "Số 3 đường Trần Hưng Đạo")
    seed_demo_sandbox([person], [], citizens=200, business_count=20)
    citizen = Citizen.objects.select_related("household").get(national_id="074090001234")
    assert (citizen.full_name, citizen.date_of_birth, citizen.is_generated) == ("Nguyễn Văn Ân", born, False)
    assert (citizen.household.ward_code, citizen.household.ward_name) == ("25942", "Phường Dĩ An")
    assert citizen.household.street_address == "Số 3 đường Trần Hưng Đạo"


def test_a_new_known_person_lives_where_the_demo_says(world):
    seed_demo_sandbox([Person("074095000001", "Lê Văn Mới", None, "25747", "Số 1 đường Yersin")], [])
    citizen = Citizen.objects.select_related("household").get(national_id="074095000001")
    assert citizen.household.ward_code == "25747" and citizen.household.street_address == "Số 1 đường Yersin"
    assert citizen.household.code == "257479000001" and citizen.date_of_birth.year == 1995


def test_the_default_world_has_thousands_of_citizens_and_hundreds_of_businesses(db):
    counts = seed_demo_sandbox()
    assert counts["citizens"] >= 3000 and counts["households"] >= 700
    assert 300 <= counts["businesses"] < 400  # with about one branch in ten


def test_the_simulators_agree_with_the_demo_accounts(client, settings):
    settings.CONGSO_SANDBOX_ENABLED = True
    demo.seed()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {settings.CONGSO_SANDBOX_TOKEN}"}
    users = {u.username: u for u in get_user_model().objects.all()}
    people = [
        (a.national_id, a.full_name, users[a.username].date_of_birth) for a in demo.ACCOUNTS if a.national_id
    ]
    people += [(p["national_id"], p["name"], None) for p in demo.COUNTER_APPLICANTS.values()]
    assert people and any(born for _id, _name, born in people)
    for national_id, name, born in people:
        data = client.get(POPULATION + national_id, **auth).json()["data"]
        assert data["HoVaTen"] == name
        if national_id == users["congdan"].national_id:
            assert data["NoiThuongTru"]["MaXa"] == demo.CITIZEN_WARD_CODE
            assert data["NoiThuongTru"]["ChiTiet"] == demo.CITIZEN_STREET_ADDRESS
        assert data["NgayThangNamSinh"][:4] == str(generator.birth_year_of(national_id))
        if born:
            assert data["NgayThangNamSinh"] == born.strftime("%Y%m%d")
            check = {"SoDinhDanh": national_id, "HoVaTen": name, "NgayThangNamSinh": born.strftime("%Y%m%d")}
            answer = client.post(
                POPULATION + "xac-thuc", check, content_type="application/json", **auth
            ).json()
            assert answer["data"]["KetQuaXacThuc"] is True
    for account in (a for a in demo.ACCOUNTS if a.tax_code):
        data = client.get(BUSINESS + account.tax_code, **auth).json()["data"]
        (representative,) = data["NguoiDaiDienPhapLuat"]
        assert representative["HoVaTen"] == account.full_name
        person = client.get(POPULATION + representative["SoDinhDanh"], **auth).json()["data"]
        assert person["HoVaTen"] == account.full_name
        assert data["TinhTrangHoatDong"]["Ma"] == "DANG_HOAT_DONG"
    counts = (Citizen.objects.count(), Business.objects.count())
    demo.seed()
    assert (Citizen.objects.count(), Business.objects.count()) == counts


def test_the_tax_code_check_digit():
    # 0100109106 (Viettel) and 0300588569: real codes whose tenth digit follows the rule.
    assert generator.tax_code_check_digit("010010910") == "6"
    assert generator.tax_code_check_digit("030058856") == "9"
    # A remainder of 0 would need a tenth digit of 10: no code is issued.
    first_nine = next(
        f"37{n:07d}" for n in range(1000) if generator.tax_code_check_digit(f"37{n:07d}") is None
    )
    assert generator.tax_code_check_digit(first_nine) is None
