"""Fixtures of the workflow tests: a commune with its officers, province police and social insurance, a
procedure whose version names a process, dossiers, a settable clock, and a small BPMN writer."""

import itertools
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from congso.agencies import services as agency_services
from congso.agencies.models import AdministrativeUnit, Agency, AgencyKind, UnitLevel
from congso.catalog.models import Field, Procedure, ProcedureLevel, ProcedureVersion, VersionStatus
from congso.dossiers.models import Channel, Dossier, Status
from congso.workflow import services

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BPMN_DIR = Path(__file__).resolve().parent / "bpmn"
_codes = itertools.count(1)


def local(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock(monkeypatch):
    """A settable platform clock (``django.utils.timezone.now``): ``clock.set(local(2026, 3, 9, 8))``.
    The workflow's timers, deadlines and the periodic scheduler all read it."""

    class Clock:
        moment = None

        def set(self, moment):
            self.moment = moment
            return moment

        def advance(self, **delta):
            from datetime import timedelta

            self.moment = (self.moment or timezone.now()) + timedelta(**delta)
            return self.moment

    c = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: c.moment or real_now())
    return c


class World:
    """Agencies and officers of the tests (attributes set by the ``world`` fixture)."""


@pytest.fixture
def world(db, make_user):
    w = World()
    w.province = AdministrativeUnit.objects.create(
        code="74", name="Tỉnh Bình Dương", level=UnitLevel.PROVINCE
    )
    w.commune_unit = AdministrativeUnit.objects.create(
        code="25747", name="Phường Phú Cường", level=UnitLevel.COMMUNE, parent=w.province
    )
    w.commune = Agency.objects.create(
        code="000.21.12.H57",
        name="UBND phường Phú Cường",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        administrative_unit=w.commune_unit,
    )
    w.police = Agency.objects.create(
        code="000.00.09.H57",
        name="Công an tỉnh Bình Dương",
        kind=AgencyKind.POLICE,
        administrative_unit=w.province,
    )
    w.insurance = Agency.objects.create(
        code="000.00.10.H57",
        name="Bảo hiểm xã hội tỉnh Bình Dương",
        kind=AgencyKind.SOCIAL_INSURANCE,
        administrative_unit=w.province,
    )
    w.department = Agency.objects.create(
        code="000.00.11.H57", name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, administrative_unit=w.province
    )

    def officer(username, agency, role):
        user = make_user(username, kind="official")
        agency_services.add_membership(user, agency, role, valid_from=date(2021, 1, 1))
        return user

    w.officer = officer
    w.one_stop = officer("motcua", w.commune, "one_stop_officer")
    w.specialist = officer("chuyenvien", w.commune, "specialist")
    w.leader = officer("lanhdao", w.commune, "leader")
    w.clerk = officer("vanthu", w.commune, "clerk")
    w.police_officer = officer("congan", w.police, "specialist")
    w.insurance_officer = officer("bhxh", w.insurance, "specialist")
    w.dept_one_stop = officer("motcua_so", w.department, "one_stop_officer")
    w.dept_specialist = officer("chuyenvien_so", w.department, "specialist")
    w.dept_leader = officer("lanhdao_so", w.department, "leader")
    field = Field.objects.create(code="chung-thuc", name="Chứng thực")
    w.procedure = Procedure.objects.create(
        code="2.000815",
        national_code="2.000815",
        name="Chứng thực bản sao",
        field=field,
        level=ProcedureLevel.COMMUNE,
    )
    return w


@pytest.fixture
def make_dossier(world):
    """A dossier received at ``agency`` (the commune by default), accepted, for a procedure version whose
    ``process_key`` is ``process_key``."""

    def make(process_key, *, agency=None, form=None, status=Status.ACCEPTED, channel=Channel.ONLINE):
        agency = agency or world.commune
        number = next(_codes)
        version = ProcedureVersion.objects.create(
            procedure=world.procedure,
            number=number,
            status=VersionStatus.PUBLISHED,
            effective_from=date(2021, 1, 1),
            legal_basis="Nghị định 23/2015/NĐ-CP",
            process_key=process_key,
        )
        now = timezone.now()
        return Dossier.objects.create(
            code=f"{agency.code}-260309-{number:04d}",
            procedure_version=version,
            receiving_agency=agency,
            current_agency=agency,
            channel=channel,
            status=status,
            applicant_name="Nguyễn Văn An",
            form_data=form or {},
            submitted_at=now,
            received_at=now,
            due_at=now + timedelta(days=10),
        )

    return make


@pytest.fixture
def deploy(db):
    """Upload a BPMN text (or a file of ``tests/workflow/bpmn``) as the active version of ``key``."""

    def do(xml_or_file, key="thu-nghiem", name="Quy trình thử nghiệm"):
        xml = xml_or_file
        if not xml_or_file.lstrip().startswith("<"):
            xml = (BPMN_DIR / xml_or_file).read_text(encoding="utf-8")
        return services.upload_version(key=key, name=name, xml=xml)

    return do


# --- A small BPMN writer for tests ------------------------------------------------------------------

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="https://congso.vn/test">\n'
)


def props(**values) -> str:
    inner = "".join(
        f"<camunda:property name={quoteattr(k.replace('__', '.'))} value={quoteattr(str(v))}/>"
        for k, v in values.items()
    )
    return (
        f"<bpmn:extensionElements><camunda:properties>{inner}</camunda:properties></bpmn:extensionElements>"
    )


def user_task(task_id, name, hours=8, **extra) -> str:
    extensions = props(allottedHours=hours, **extra)
    return f'<bpmn:userTask id="{task_id}" name={quoteattr(name)}>{extensions}</bpmn:userTask>'


def service_task(task_id, action, **params) -> str:
    values = {"action": action, **{f"param__{k}": v for k, v in params.items()}}
    return f'<bpmn:serviceTask id="{task_id}" name="{task_id}">{props(**values)}</bpmn:serviceTask>'


def flow(flow_id, source, target, condition=None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}'
        f"</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )


def process(body: list[str], lanes: dict[str, list[str]], process_id="p") -> str:
    """A BPMN document: one process with ``lanes`` (lane name → node ids) and the ``body`` elements."""
    lane_xml = "".join(
        f'<bpmn:lane id="lane{i}" name={quoteattr(name)}>'
        + "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in nodes)
        + "</bpmn:lane>"
        for i, (name, nodes) in enumerate(lanes.items())
    )
    return (
        HEADER + f'<bpmn:process id="{process_id}" isExecutable="true">\n'
        f'<bpmn:laneSet id="ls">{lane_xml}</bpmn:laneSet>\n'
        + "\n".join(body)
        + "\n</bpmn:process>\n</bpmn:definitions>\n"
    )
