"""Dossiers to follow, for the tests of "Hồ sơ của tôi", the public status page and feedback: a ward with
its officers, a procedure, two citizens (An and Bình), and dossiers made and moved only through
``dossiers.services``, as officers would."""

import io
import itertools
import re
from datetime import date, time
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from congso.agencies.models import Agency, AgencyKind, StaffMembership
from congso.catalog.models import (
    Field,
    OnlineMode,
    Procedure,
    ProcedureLevel,
    ProcedureVersion,
    RequiredPaper,
    SupplementClockRule,
    TimeLimitUnit,
    VersionStatus,
)
from congso.dossiers import services as dossier_services
from congso.dossiers.files import PaperUpload
from congso.dossiers.models import Status

PASSWORD = "Mat-khau-rat-manh-2026"
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
HTML_BYTES = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
APPLICANT = {
    "name": "Nguyễn Văn An",
    "national_id": "074090000001",
    "phone": "0912345678",
    "email": "an@example.vn",
    "address": "Phường Thủ Dầu Một",
}
_keys = itertools.count(1)
_procedures = itertools.count(1)


def make_person(username, kind="citizen", **fields):
    fields.setdefault("full_name", username.title())
    return get_user_model().objects.create_user(username=username, password=PASSWORD, kind=kind, **fields)


def make_version(*, name="Đăng ký khai sinh", time_limit_value=3):
    n = next(_procedures)
    field, _created = Field.objects.get_or_create(code="ho-tich", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(
        code=f"1.09{n:04d}",
        national_code=f"1.09{n:04d}",
        name=f"{name} ({n})",
        field=field,
        level=ProcedureLevel.COMMUNE,
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=VersionStatus.PUBLISHED,
        effective_from=date(2020, 1, 1),
        legal_basis="Luật Hộ tịch 2014",
        time_limit_value=time_limit_value,
        time_limit_unit=TimeLimitUnit.WORKING_DAYS,
        receipt_cutoff=time(15, 0),
        supplement_clock_rule=SupplementClockRule.PAUSE,
        online_mode=OnlineMode.FULLY_ONLINE,
        form_schema={},
    )
    RequiredPaper.objects.create(
        version=version, code="to-khai", name="Tờ khai đăng ký", is_required=True, position=0
    )
    return version


def build_world():
    """A ward, a procedure, two citizens (An and Bình) and the ward's officers."""
    agency = Agency.objects.create(
        code="000.01.12.H08",
        name="UBND phường Thủ Dầu Một",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        address="1 Quang Trung",
    )
    officers = {}
    for role, username in (
        ("one_stop_officer", "motcua"),
        ("specialist", "chuyenvien"),
        ("leader", "lanhdao"),
    ):
        officers[role] = make_person(username, kind="official")
        StaffMembership.objects.create(user=officers[role], agency=agency, role=role)
    return SimpleNamespace(
        agency=agency,
        version=make_version(),
        an=make_person("an", full_name="Nguyễn Văn An", national_id="074090000001", phone="0912345678"),
        binh=make_person("binh", full_name="Trần Thị Bình", national_id="074090000002"),
        one_stop=officers["one_stop_officer"],
        specialist=officers["specialist"],
        leader=officers["leader"],
    )


def submit(world, user=None, *, acting_for=None, applicant_details=None, version=None):
    user = user or world.an
    return dossier_services.submit_online(
        version=version or world.version,
        applicant=user,
        receiving_agency=world.agency,
        form_data={},
        applicant_details=applicant_details or APPLICANT,
        acting_for=acting_for,
        submitted_by=user,
        idempotency_key=f"portal-test-{next(_keys)}",
        papers=[PaperUpload("to-khai", "Tờ khai đăng ký", io.BytesIO(PDF_BYTES))],
    )


def drive(world, status, user=None, *, result_file=False, **submit_kwargs):
    """A dossier of ``user`` (An by default) brought to ``status`` through the dossier services."""
    dossier = submit(world, user, **submit_kwargs)
    if status == Status.SUBMITTED:
        return dossier
    dossier_services.accept(dossier, world.one_stop)
    if status == Status.ACCEPTED:
        return dossier
    dossier_services.start_processing(dossier, world.specialist)
    if status == Status.SUPPLEMENT_REQUESTED:
        dossier_services.request_supplement(
            dossier,
            world.specialist,
            ["Bản sao Giấy chứng sinh", "Tờ khai có chữ ký của người đi khai"],
            "Tờ khai chưa ký",
        )
    elif status == Status.AWAITING_PAYMENT:
        dossier_services.request_payment(dossier, world.specialist, amount=50_000, note="Lệ phí đăng ký muộn")
    elif status in (Status.RESULT_READY, Status.RESULT_RETURNED):
        files = (
            [PaperUpload("", "Giấy khai sinh (bản điện tử)", io.BytesIO(PDF_BYTES))] if result_file else []
        )
        dossier_services.mark_result_ready(
            dossier, world.specialist, result_files=files, result_note="Giấy khai sinh số 12/2026"
        )
        if status == Status.RESULT_RETURNED:
            dossier_services.return_result(
                dossier, world.one_stop, "electronic" if result_file else "counter"
            )
    elif status == Status.STOPPED:
        dossier_services.stop(dossier, world.leader, "Người yêu cầu không đủ điều kiện")
    dossier.refresh_from_db()
    assert dossier.status == status
    return dossier


def without_tokens(html: str) -> str:
    """The page without what changes on every render (CSRF tokens)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def page(response) -> str:
    return response.content.decode()
