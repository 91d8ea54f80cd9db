"""The demo catalogue: at least 30 real procedures, idempotent, honest about what is not verified."""

import json
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from congso.catalog import services
from congso.catalog.demo import SEED_FILE, seed_demo_catalog
from congso.catalog.models import LifeEvent, OnlineMode, Procedure, ProcedureVersion
from congso.catalog.validators import PROVISIONAL_CODE_RE

STANDARDS_CODES = [
    "1.001193",
    "1.000894",
    "1.000656",
    "1.004873",
    "2.000815",
    "2.000884",
    "1.004222",
    "1.004194",
    "2.000720",
    "1.013225",
]
LIFE_EVENTS = {
    "Có con nhỏ",
    "Kết hôn",
    "Người thân qua đời",
    "Thay đổi nơi cư trú",
    "Thành lập hộ kinh doanh",
    "Xây nhà ở",
    "Mua bán, chuyển nhượng đất",
    "Xin việc làm",
}


@pytest.fixture
def seeded(db):
    return seed_demo_catalog()


def test_seed_loads_at_least_30_procedures_with_papers(seeded):
    assert seeded.ok
    assert Procedure.objects.count() >= 30
    for version in ProcedureVersion.objects.prefetch_related("papers"):
        assert version.papers.exists(), version
        assert version.legal_basis


def test_seed_is_idempotent(seeded):
    counts = (Procedure.objects.count(), ProcedureVersion.objects.count())
    stamps = list(Procedure.objects.order_by("pk").values_list("updated_at", flat=True))
    again = seed_demo_catalog()
    assert again.rows_written == 0
    assert (Procedure.objects.count(), ProcedureVersion.objects.count()) == counts
    assert list(Procedure.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_standards_procedures_are_present_and_in_force(seeded):
    for code in STANDARDS_CODES:
        assert services.version_in_force(code).procedure.national_code == code
    assert "lý lịch tư pháp" in services.search("phieu ly lich tu phap").items[0].name.lower()
    assert services.search("lien thong khai sinh thuong tru bao hiem y te").items[0].code == "DP.LT.01"


def test_life_events_have_procedures(seeded):
    assert set(LifeEvent.objects.values_list("name", flat=True)) >= LIFE_EVENTS
    for event in LifeEvent.objects.all():
        assert services.procedures_for_life_event(event.slug), event.name


def test_unconfirmed_national_codes_are_provisional_and_marked(seeded):
    for procedure in Procedure.objects.prefetch_related("versions"):
        if not procedure.national_code:
            assert PROVISIONAL_CODE_RE.match(procedure.code)
            assert all("national_code" in v.unverified for v in procedure.versions.all()), procedure.code


def test_online_modes_are_realistic(seeded):
    assert services.version_in_force("1.001193").online_mode == OnlineMode.FULLY_ONLINE
    assert services.version_in_force("1.013225").online_mode == OnlineMode.PARTLY_ONLINE
    assert services.version_in_force("2.000884").online_mode == OnlineMode.INFORMATION


def test_certification_fee_follows_the_law(seeded):
    from congso.catalog.fees import compute_fee

    fee = services.fees_for(services.version_in_force("2.000815"))[0].fee
    assert compute_fee(fee, pages=3) == 5000
    assert compute_fee(fee, pages=500) == 200000


def test_commune_procedures_name_the_demo_communes(seeded):
    from congso.agencies.demo import seed_demo_agencies

    agencies = seed_demo_agencies()
    birth = services.version_in_force("1.001193")
    assert agencies["commune"] in birth.implementing_agencies.all()
    assert agencies["justice"] in services.version_in_force("DP.LLTP.01").implementing_agencies.all()


def test_seed_file_is_in_the_documented_format():
    document = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    assert document["format"] == "congso.catalog" and document["format_version"] == 1


@pytest.mark.parametrize(
    "code",
    [
        "1.001193",  # birth registration
        "1.000894",  # marriage registration
        "1.000656",  # death registration
        "DP.HT.07",  # copies of civil-status extracts
        "2.000815",  # certified copies
    ],
)
def test_same_day_civil_status_procedures_have_the_15h_rule(seeded, code):
    # Their published procedure cards: received after 15:00, the result is returned the next working day.
    version = services.version_in_force(code)
    assert version.time_limit_value == 0
    assert version.receipt_cutoff == time(15, 0)


def test_marriage_registered_after_15h_is_due_the_next_working_day(seeded):
    from congso.dossiers import deadlines

    version = services.version_in_force("1.000894")
    # Thu 12 Mar 2026 15:30 (Vietnam time): due Fri 13 Mar at 17:00, not Thu 12.
    received = datetime(2026, 3, 12, 15, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert deadlines.initial_due(version, received) == datetime(
        2026, 3, 13, 17, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")
    )


def test_the_birth_registration_form_is_in_the_engines_format_and_refuses_a_future_birth_date(seeded):
    from datetime import timedelta

    from django.utils import timezone

    from congso import formengine
    from congso.formengine import examples

    version = services.version_in_force("1.001193")
    assert (version.form_schema, version.form_ui) == examples.load("1.001193")
    definition = formengine.build(version.form_schema, version.form_ui)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    result = definition.validate({"tre": {"ngay_sinh": tomorrow}}, paths={"tre.ngay_sinh"})
    assert result.fields == {"tre.ngay_sinh": "Ngày sinh của trẻ không được sau ngày hôm nay."}
