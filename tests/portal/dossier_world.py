"""Dossiers to follow, for the tests of "Hồ sơ của tôi", the public status page and feedback: a ward with
its officers, a procedure, two citizens (An and Bình), and dossiers made and moved only through
``dossiers.services``, as officers would."""

import io
import itertools
import re
from datetime import time
from types import SimpleNamespace

from congso.agencies.models import AgencyKind
from congso.catalog.models import (
    OnlineMode,
    SupplementClockRule,
    TimeLimitUnit,
)
from congso.dossiers import services as dossier_services
from congso.dossiers.files import PaperUpload
from congso.dossiers.models import Status
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.factories.catalog import ProcedureVersionFactory
from tests.factories.identity import UserFactory
from tests.samples import APPLICANT, PDF_BYTES

_keys = itertools.count(1)
_procedures = itertools.count(1)


def make_person(username, kind="citizen", **fields):
    """An account with the password ``PASSWORD``; citizens are given their national ID by the caller."""
    fields.setdefault("national_id", None)
    return UserFactory(username=username, kind=kind, **fields)


def make_version(*, name="Đăng ký khai sinh", time_limit_value=3):
    """A published birth-registration-like version with one required paper ("to-khai")."""
    return ProcedureVersionFactory(
        procedure__name=f"{name} ({next(_procedures)})",
        time_limit_value=time_limit_value,
        time_limit_unit=TimeLimitUnit.WORKING_DAYS,
        receipt_cutoff=time(15, 0),
        supplement_clock_rule=SupplementClockRule.PAUSE,
        online_mode=OnlineMode.FULLY_ONLINE,
        form_schema={},
        papers=[{"code": "to-khai", "name": "Tờ khai đăng ký", "is_required": True}],
    )


def build_world():
    """A ward, a procedure, two citizens (An and Bình) and the ward's officers."""
    agency = AgencyFactory(
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
        StaffMembershipFactory(user=officers[role], agency=agency, role=role)
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
