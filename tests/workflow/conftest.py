"""Fixtures of the workflow tests: a commune with its officers, province police and social insurance, a
procedure whose version names a process, dossiers (the clock is in tests/conftest.py, the BPMN writer in
tests/support/bpmn.py)."""

import itertools
from datetime import date

import pytest

from congso.agencies import services as agency_services
from congso.agencies.models import AgencyKind, UnitLevel
from congso.catalog.models import VersionStatus
from congso.dossiers.models import Channel, Status
from congso.workflow import services
from tests.factories.agencies import AdministrativeUnitFactory, AgencyFactory
from tests.factories.catalog import FieldFactory, ProcedureFactory, ProcedureVersionFactory
from tests.factories.dossiers import DossierFactory
from tests.support.bpmn import BPMN_DIR

_codes = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class World:
    """Agencies and officers of the tests (attributes set by the ``world`` fixture)."""


@pytest.fixture
def world(db, make_user):
    world = World()
    world.province = AdministrativeUnitFactory(code="74", name="Tỉnh Bình Dương", level=UnitLevel.PROVINCE)
    world.commune_unit = AdministrativeUnitFactory(
        code="25747", name="Phường Phú Cường", level=UnitLevel.COMMUNE, parent=world.province
    )
    world.commune = AgencyFactory(
        code="000.21.12.H57",
        name="UBND phường Phú Cường",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        administrative_unit=world.commune_unit,
    )
    world.police = AgencyFactory(
        code="000.00.09.H57",
        name="Công an tỉnh Bình Dương",
        kind=AgencyKind.POLICE,
        administrative_unit=world.province,
    )
    world.insurance = AgencyFactory(
        code="000.00.10.H57",
        name="Bảo hiểm xã hội tỉnh Bình Dương",
        kind=AgencyKind.SOCIAL_INSURANCE,
        administrative_unit=world.province,
    )
    world.department = AgencyFactory(
        code="000.00.11.H57",
        name="Sở Tư pháp",
        kind=AgencyKind.DEPARTMENT,
        administrative_unit=world.province,
    )

    def officer(username, agency, role):
        user = make_user(username, kind="official")
        agency_services.add_membership(user, agency, role, valid_from=date(2021, 1, 1))
        return user

    world.officer = officer
    world.one_stop = officer("motcua", world.commune, "one_stop_officer")
    world.specialist = officer("chuyenvien", world.commune, "specialist")
    world.leader = officer("lanhdao", world.commune, "leader")
    world.clerk = officer("vanthu", world.commune, "clerk")
    world.police_officer = officer("congan", world.police, "specialist")
    world.insurance_officer = officer("bhxh", world.insurance, "specialist")
    world.dept_one_stop = officer("motcua_so", world.department, "one_stop_officer")
    world.dept_specialist = officer("chuyenvien_so", world.department, "specialist")
    world.dept_leader = officer("lanhdao_so", world.department, "leader")
    world.procedure = ProcedureFactory(
        code="2.000815", name="Chứng thực bản sao", field=FieldFactory(code="chung-thuc", name="Chứng thực")
    )
    return world


@pytest.fixture
def make_dossier(world):
    """A dossier received at ``agency`` (the commune by default), accepted, for a procedure version whose
    ``process_key`` is ``process_key``."""

    def make(process_key, *, agency=None, form=None, status=Status.ACCEPTED, channel=Channel.ONLINE):
        agency = agency or world.commune
        number = next(_codes)
        version = ProcedureVersionFactory(
            procedure=world.procedure,
            number=number,
            status=VersionStatus.PUBLISHED,
            effective_from=date(2021, 1, 1),
            legal_basis="Nghị định 23/2015/NĐ-CP",
            process_key=process_key,
        )
        return DossierFactory(
            code=f"{agency.code}-260309-{number:04d}",
            procedure_version=version,
            receiving_agency=agency,
            channel=channel,
            status=status,
            applicant_name="Nguyễn Văn An",
            form_data=form or {},
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
