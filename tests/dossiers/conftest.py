"""Fixtures of the dossier tests: agencies, procedure versions, officers, a settable clock, files."""

import io
import itertools
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

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
from congso.dossiers import services
from congso.dossiers.files import PaperUpload
from congso.dossiers.models import Status

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Minimal but genuine file heads: ``filetype`` recognises each by its magic bytes.
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 64
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def local(year, month, day, hour=0, minute=0) -> datetime:
    """An aware datetime in Asia/Ho_Chi_Minh."""
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def pdf(name="to-khai.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary directory per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def clock(monkeypatch):
    """A settable "now": ``clock.set(local(2026, 3, 6, 14))``; real time until set."""

    class Clock:
        moment = None

        def set(self, moment):
            self.moment = moment
            return moment

    c = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: c.moment or real_now())
    return c


_codes = itertools.count(10)


@pytest.fixture
def make_agency(db):
    def make(code=None, name=None, kind=AgencyKind.PEOPLES_COMMITTEE):
        code = code or f"000.{next(_codes):02d}.12.H08"
        return Agency.objects.create(code=code, name=name or f"Cơ quan {code}", kind=kind)

    return make


@pytest.fixture
def agency_a(make_agency):
    """The receiving agency: a ward People's Committee."""
    return make_agency("000.01.12.H08", "UBND phường Thủ Dầu Một")


@pytest.fixture
def agency_b(make_agency):
    """A department the dossier may be handed to."""
    return make_agency("000.00.20.H08", "Sở Tư pháp", AgencyKind.DEPARTMENT)


@pytest.fixture
def agency_c(make_agency):
    """An unrelated agency."""
    return make_agency("000.02.12.H08", "UBND phường Phú Lợi")


@pytest.fixture
def make_version(db):
    counter = itertools.count(1)

    def make(
        *,
        time_limit_value=3,
        time_limit_unit=TimeLimitUnit.WORKING_DAYS,
        receipt_cutoff=time(15, 0),
        supplement_clock_rule=SupplementClockRule.PAUSE,
        online_mode=OnlineMode.FULLY_ONLINE,
        effective_from=date(2020, 1, 1),
        effective_to=None,
        status=VersionStatus.PUBLISHED,
        papers=(("to-khai", "Tờ khai đăng ký", True, False),),
        form_schema=None,
    ):
        n = next(counter)
        field, _created = Field.objects.get_or_create(code="ho-tich", defaults={"name": "Hộ tịch"})
        procedure = Procedure.objects.create(
            code=f"1.00{n:04d}",
            national_code=f"1.00{n:04d}",
            name=f"Thủ tục thử {n}",
            field=field,
            level=ProcedureLevel.COMMUNE,
        )
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            number=1,
            status=status,
            effective_from=effective_from,
            effective_to=effective_to,
            legal_basis="Luật Hộ tịch 2014",
            time_limit_value=time_limit_value,
            time_limit_unit=time_limit_unit,
            receipt_cutoff=receipt_cutoff,
            supplement_clock_rule=supplement_clock_rule,
            online_mode=online_mode,
            form_schema=form_schema or {},
        )
        for position, (code, name, required, from_store) in enumerate(papers):
            RequiredPaper.objects.create(
                version=version,
                code=code,
                name=name,
                is_required=required,
                from_data_store=from_store,
                position=position,
            )
        return version

    return make


@pytest.fixture
def version(make_version):
    return make_version()


@pytest.fixture
def officer(make_user):
    """``officer("leader", agency)`` — an official holding that role there (one membership per call)."""

    def make(role, agency, username=None, **fields):
        user = make_user(username, kind="official", **fields)
        StaffMembership.objects.create(user=user, agency=agency, role=role)
        return user

    return make


@pytest.fixture
def citizen(make_user):
    return make_user("citizen_an", full_name="Nguyễn Văn An")


@pytest.fixture
def actors(officer, agency_a, agency_b):
    """The usual cast: one-stop officer, specialist and leader at the receiving agency A, specialist
    and leader at department B."""

    class Cast:
        one_stop = officer("one_stop_officer", agency_a, "motcua_a")
        specialist = officer("specialist", agency_a, "chuyenvien_a")
        leader = officer("leader", agency_a, "lanhdao_a")
        specialist_b = officer("specialist", agency_b, "chuyenvien_b")
        leader_b = officer("leader", agency_b, "lanhdao_b")

    return Cast


APPLICANT = {
    "name": "Nguyễn Văn An",
    "national_id": "074090000001",
    "phone": "0912345678",
    "email": "an@example.vn",
    "address": "Phường Thủ Dầu Một",
}

_keys = itertools.count(1)


@pytest.fixture
def submit(citizen, agency_a, version):
    """Submit an online dossier with sensible defaults; keyword arguments override them."""

    def do(**overrides):
        arguments = {
            "version": version,
            "applicant": citizen,
            "receiving_agency": agency_a,
            "form_data": {},
            "applicant_details": APPLICANT,
            "acting_for": None,
            "submitted_by": citizen,
            "idempotency_key": f"key-{next(_keys)}",
            "papers": [PaperUpload("to-khai", "Tờ khai đăng ký", io.BytesIO(PDF_BYTES))],
        }
        arguments.update(overrides)
        return services.submit_online(**arguments)

    return do


@pytest.fixture
def counter_dossier(actors, agency_a, version):
    """Receive a dossier at the counter (status 2)."""

    def do(**overrides):
        arguments = {
            "version": version,
            "receiving_agency": agency_a,
            "officer": actors.one_stop,
            "applicant_details": APPLICANT,
            "form_data": {},
        }
        arguments.update(overrides)
        return services.receive_at_counter(**arguments)

    return do


@pytest.fixture
def drive(submit, actors):
    """``drive(status, supplement_from=...)``: a dossier brought to ``status`` through the services
    (a supplement is asked during processing unless ``supplement_from=Status.SUBMITTED``)."""

    def to(status, supplement_from=Status.IN_PROCESSING):
        dossier = submit()
        if status == Status.SUBMITTED:
            return dossier
        if status == Status.SUPPLEMENT_REQUESTED and supplement_from == Status.SUBMITTED:
            services.request_supplement(dossier, actors.one_stop, ["Giấy chứng sinh (bản chính)"], "Thiếu")
            return dossier
        services.accept(dossier, actors.one_stop)
        if status == Status.ACCEPTED:
            return dossier
        services.start_processing(dossier, actors.specialist)
        if status == Status.SUPPLEMENT_REQUESTED:
            services.request_supplement(dossier, actors.specialist, ["Bản sao sổ hộ khẩu"], "Cần xác minh")
        elif status == Status.AWAITING_PAYMENT:
            services.request_payment(dossier, actors.specialist, amount=50_000)
        elif status in (Status.RESULT_READY, Status.RESULT_RETURNED):
            services.mark_result_ready(dossier, actors.specialist, result_note="Giấy khai sinh số 12/2026")
            if status == Status.RESULT_RETURNED:
                services.return_result(dossier, actors.one_stop, "counter")
        return dossier

    return to
