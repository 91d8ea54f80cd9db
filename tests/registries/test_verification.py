"""At reception: the registers a dossier needs are looked up through the real gateway and recorded;
the officer's page shows the register's answer beside the declaration, differences marked, and a
re-query; a register that is down leaves "verification pending", which a later re-query resolves. The
paper the register proves is not asked for. "Who used my data" lists exactly the citizen's lookups."""

import io
import re

import pytest
from django.urls import reverse

from congso.core.models import OutboxEvent
from congso.dossiers import services as dossier_services
from congso.dossiers.files import PaperUpload
from congso.lgsp.models import MessageRecord
from congso.registries import services
from congso.registries.models import LookupPurpose, LookupStatus, RegistryLookup
from congso.registries.subscribers import verify_on_submission
from congso.sandbox.models import Citizen
from tests.samples import PDF_BYTES

CITIZEN = "074090001234"

SCHEMA = {
    "type": "object",
    "properties": {
        "ho_ten": {"type": "string"},
        "ngay_sinh": {"type": "string", "format": "date"},
        "noi_thuong_tru": {"type": "string"},
    },
}
UI = {
    "fields": {
        "ho_ten": {"label": "Họ tên", "prefill": "dan_cu.full_name", "readonly": True},
        "ngay_sinh": {"label": "Ngày sinh", "prefill": "dan_cu.date_of_birth"},
        "noi_thuong_tru": {"label": "Nơi thường trú", "prefill": "dan_cu.permanent_address"},
    }
}


@pytest.fixture
def proven_version(make_version):
    return make_version(
        papers=(
            ("to-khai", "Tờ khai", True, False),
            ("xac-nhan-cu-tru", "Giấy xác nhận thông tin về cư trú", True, True),
        ),
        form_schema=SCHEMA,
        form_ui=UI,
    )


@pytest.fixture
def resident(make_user):
    return make_user("congdan_an", kind="citizen", national_id=CITIZEN, full_name="Nguyễn Văn An")


@pytest.fixture
def dossier(gateway, proven_version, resident, agency_a):
    record = Citizen.objects.get(national_id=CITIZEN)
    return dossier_services.submit_online(
        version=proven_version,
        applicant=resident,
        receiving_agency=agency_a,
        form_data={
            "ho_ten": record.full_name,
            "ngay_sinh": record.date_of_birth.isoformat(),
            "noi_thuong_tru": "Số 99 đường Khác, Phường Khác",
        },
        applicant_details={"name": record.full_name, "national_id": CITIZEN, "phone": "0912345678"},
        acting_for=None,
        submitted_by=resident,
        idempotency_key="registries-1",
        # Only the form: the residence confirmation is proven by the population database.
        papers=[PaperUpload("to-khai", "Tờ khai", io.BytesIO(PDF_BYTES))],
    )


def _submitted_event(dossier):
    class Event:
        pk = 0
        payload = {"code": dossier.code}

    return Event()


def test_submission_records_the_lookup_and_the_officer_sees_the_difference(
    dossier, actors, client, media_root
):
    verify_on_submission(_submitted_event(dossier))
    verify_on_submission(_submitted_event(dossier))  # at least once: the second delivery adds nothing
    lookup = RegistryLookup.objects.get(dossier=dossier)
    assert lookup.status == LookupStatus.FOUND and lookup.purpose == LookupPurpose.SUBMISSION
    assert lookup.papers == ["xac-nhan-cu-tru"]
    assert MessageRecord.objects.get(message_id=lookup.message_id).issue == dossier.code
    [check] = services.verification(dossier)
    differing = [row.label for row in check.rows if row.differs]
    assert differing == ["Nơi thường trú"]
    assert not services.verification_pending(dossier)
    # The register proved a paper: the dossier re-uses data from now on (the reporting block counts it).
    assert OutboxEvent.objects.filter(name=services.REUSE_EVENT, aggregate_id=str(dossier.pk)).count() == 1

    client.force_login(actors.one_stop)
    page = client.get(reverse("dossiers:detail", args=[dossier.code]))
    html = page.content.decode()
    assert "Đối chiếu cơ sở dữ liệu quốc gia" in html
    assert "Khác với kê khai" in html and "Số 99 đường Khác" in html
    # The paper it stands in for, by its name (its catalogue code means nothing to the officer).
    assert "Thay cho giấy tờ: Giấy xác nhận thông tin về cư trú (người nộp không phải nộp)." in html
    assert "xac-nhan-cu-tru" not in html
    assert reverse("registries:requery", args=[dossier.pk]) in html


def test_outage_leaves_verification_pending_and_a_requery_resolves_it(
    dossier, actors, client, settings, gateway
):
    settings.CONGSO_REGISTRIES_GATEWAY_URL = "http://127.0.0.1:9"  # the gateway itself unreachable
    verify_on_submission(_submitted_event(dossier))
    assert services.verification_pending(dossier)
    client.force_login(actors.one_stop)
    html = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Chưa xác minh được" in html
    settings.CONGSO_REGISTRIES_GATEWAY_URL = gateway
    answer = client.post(reverse("registries:requery", args=[dossier.pk]))
    assert answer.status_code == 302
    assert not services.verification_pending(dossier)
    assert RegistryLookup.objects.filter(dossier=dossier, purpose=LookupPurpose.REQUERY).count() == 1
    # Only the answer that found something is published as re-use.
    assert OutboxEvent.objects.filter(name=services.REUSE_EVENT).count() == 1


@pytest.mark.parametrize("who", ["applicant", "specialist_b", "anonymous"])
def test_only_officers_who_receive_or_process_may_requery(dossier, actors, client, resident, who):
    if who == "applicant":
        client.force_login(resident)
    elif who == "specialist_b":
        client.force_login(actors.specialist_b)
    answer = client.post(reverse("registries:requery", args=[dossier.pk]))
    assert answer.status_code in (302, 403, 404)
    if who == "anonymous":
        assert "/tai-khoan/" in answer.headers.get("Location", "")
    else:
        assert answer.status_code in (403, 404)
    assert not RegistryLookup.objects.filter(dossier=dossier).exists()


def test_who_used_my_data_lists_exactly_my_lookups(dossier, actors, client, resident, make_user):
    other = Citizen.objects.exclude(national_id=CITIZEN).order_by("national_id").first()
    services.lookup("dan_cu", other.national_id)  # someone else's data
    verify_on_submission(_submitted_event(dossier))  # one lookup of mine, for the dossier
    client.force_login(actors.one_stop)
    client.get(reverse("dossiers:detail", args=[dossier.code]))  # an officer reads my dossier
    client.logout()
    mine = MessageRecord.objects.filter(data_subject=CITIZEN)
    assert mine.count() == 1

    client.force_login(resident)
    html = client.get(reverse("registries:data-uses")).content.decode()
    assert "2 lần sử dụng" in html
    assert dossier.code in html
    # Times read as on the dossier's page: "10:02, 06/12/2026".
    assert re.search(r'data-label="Thời điểm">\d\d:\d\d, \d\d/\d\d/\d{4}<', html)
    assert "Cơ sở dữ liệu quốc gia về dân cư" in html
    assert "Nơi thường trú" in html  # the attributes the register gives
    assert actors.one_stop.get_full_name() in html or str(actors.one_stop) in html
    uses = services.data_uses_for(resident)
    assert len(uses) == 2

    # The other citizen sees only their own lookup, none of mine.
    stranger = make_user("nguoi_khac", kind="citizen", national_id=other.national_id)
    client.force_login(stranger)
    html = client.get(reverse("registries:data-uses")).content.decode()
    assert "1 lần sử dụng" in html and dossier.code not in html
