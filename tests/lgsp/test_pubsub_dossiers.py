"""Real dossier events, as the dossiers block publishes them, become LGSP events whose payloads satisfy
their schemas and carry nothing about the applicant."""

import io
import json
from datetime import time

import pytest

from congso.agencies.models import AgencyKind
from congso.catalog.models import OnlineMode, SupplementClockRule, TimeLimitUnit
from congso.core import events
from congso.core.models import EventDelivery, OutboxEvent
from congso.dossiers import services as dossiers
from congso.dossiers import states
from congso.dossiers.files import PaperUpload
from congso.lgsp import services
from congso.lgsp.models import PublishedEvent
from congso.lgsp.pubsub import catalogue
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.factories.catalog import ProcedureVersionFactory

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
APPLICANT = {
    "name": "Nguyễn Văn An",
    "national_id": "074090000001",
    "phone": "0912345678",
    "email": "an@example.vn",
    "address": "Phường Thủ Dầu Một",
}


@pytest.fixture
def world(db, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agency = AgencyFactory(code="000.01.12.H08", name="UBND phường", kind=AgencyKind.PEOPLES_COMMITTEE)
    version = ProcedureVersionFactory(
        procedure__code="1.001193",
        procedure__name="Đăng ký khai sinh",
        time_limit_value=3,
        time_limit_unit=TimeLimitUnit.WORKING_DAYS,
        receipt_cutoff=time(15, 0),
        supplement_clock_rule=SupplementClockRule.PAUSE,
        online_mode=OnlineMode.FULLY_ONLINE,
        papers=[{"code": "to-khai", "name": "Tờ khai", "is_required": True}],
    )

    def staff(role, username):
        user = make_user(username, kind="official")
        StaffMembershipFactory(user=user, agency=agency, role=role)
        return user

    citizen = make_user("citizen_an", full_name="Nguyễn Văn An", national_id="074090000001")
    return {
        "agency": agency,
        "version": version,
        "citizen": citizen,
        "one_stop": staff("one_stop_officer", "motcua"),
        "specialist": staff("specialist", "chuyenvien"),
    }


def _walk_dossiers(w):
    """Online: submitted, refused. Counter: submitted, accepted, processing, supplement, supplemented,
    result ready, result returned."""
    online = dossiers.submit_online(
        version=w["version"],
        applicant=w["citizen"],
        receiving_agency=w["agency"],
        form_data={},
        applicant_details=APPLICANT,
        acting_for=None,
        submitted_by=w["citizen"],
        idempotency_key="k-1",
        papers=[PaperUpload("to-khai", "Tờ khai", io.BytesIO(PDF))],
    )
    dossiers.refuse(online, w["one_stop"], ["Hồ sơ không thuộc thẩm quyền"])
    counter = dossiers.receive_at_counter(
        version=w["version"],
        receiving_agency=w["agency"],
        officer=w["one_stop"],
        applicant_details=APPLICANT,
        form_data={},
    )
    dossiers.start_processing(counter, w["specialist"])
    dossiers.request_supplement(counter, w["specialist"], ["Bản sao giấy tờ"], "Cần xác minh")
    dossiers.provide_supplement(counter, w["one_stop"], note="Đã bổ sung")
    dossiers.mark_result_ready(counter, w["specialist"], result_note="Giấy khai sinh số 12/2026")
    dossiers.return_result(counter, w["one_stop"], "counter")


def test_the_catalogue_names_every_status_event_the_dossiers_block_publishes():
    published = {t.event for t in states.TRANSITIONS}
    assert published <= set(catalogue.DOMAIN_EVENT_TYPES)
    for transition in states.TRANSITIONS:
        const = catalogue.DOMAIN_EVENT_TYPES[transition.event]["schema"]["properties"]["status"].get("const")
        assert const in (None, int(transition.target)), transition


def test_real_dossier_events_validate_and_carry_no_personal_data(world):
    types = {t.code: t for t in services.ensure_domain_event_types()}
    member = services.member_for_agency(world["agency"])
    follower = services.register_system(member, "THEODOI", "Hệ thống theo dõi hồ sơ")
    for event_type in types.values():  # subscribed to everything, for its own agency only
        services.grant_events(event_type, system=follower)
        services.subscribe(follower, event_type, "pull")
    _walk_dossiers(world)
    outbox = list(OutboxEvent.objects.filter(name__in=list(types)).order_by("occurred_at"))
    names = {e.name for e in outbox}
    assert names >= {
        "dossier.submitted",
        "dossier.refused",
        "dossier.accepted",
        "dossier.processing_started",
        "dossier.supplement_requested",
        "dossier.supplemented",
        "dossier.result_ready",
        "dossier.result_returned",
    }
    for pk in EventDelivery.objects.filter(subscriber="lgsp.publish").values_list("pk", flat=True):
        assert events.attempt_delivery(pk) == "delivered", EventDelivery.objects.get(pk=pk).last_error

    published = list(PublishedEvent.objects.select_related("event_type"))
    assert len(published) == len(outbox)
    for event in published:
        services.validate_payload(event.event_type, event.payload)  # raises if not
        text = json.dumps(event.payload, ensure_ascii=False)
        for personal in APPLICANT.values():
            assert personal not in text, (event.event_type.code, personal)
        assert event.agency_codes == ["000.01.12.H08"]
        assert event.deliveries.count() == 1  # the follower's own agency
        assert event.payload["procedure_code"] == "1.001193"
    result = next(e for e in published if e.event_type.code == "dossier.result_ready")
    assert result.payload["status"] == 9 and result.payload["timeliness"] in ("early", "on_time", "late")
