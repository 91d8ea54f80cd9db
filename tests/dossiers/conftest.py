"""Fixtures of the dossier tests. The dossier world they share with tests/workspace (agencies, versions,
officers, the citizen, ``submit``, ``drive``) is in tests/fixtures/dossiers.py; the clock in
tests/conftest.py."""

import pytest

from congso.agencies.models import UnitLevel
from congso.dossiers import services
from tests.factories.agencies import AdministrativeUnitFactory
from tests.samples import APPLICANT


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_directory(media_root):
    """Uploaded files go to a temporary directory per test."""


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


# The ward and the department as the standard forms and the registers show them.


@pytest.fixture
def ward_unit(db):
    return AdministrativeUnitFactory(
        code="25747", name="Phường Thủ Dầu Một", division_type="phường", level=UnitLevel.COMMUNE
    )


@pytest.fixture
def province(make_agency):
    return make_agency("000.00.00.H08", "Ủy ban nhân dân tỉnh Bình Dương")


@pytest.fixture
def ward(agency_a, ward_unit):
    """The receiving agency, a ward People's Committee with its administrative unit."""
    agency_a.administrative_unit = ward_unit
    agency_a.address = "Số 1 Quang Trung, phường Thủ Dầu Một"
    agency_a.phone = "0274 3822 000"
    agency_a.save()
    return agency_a


@pytest.fixture
def department(agency_b, province, ward_unit):
    """A department under the province, where dossiers are handed for processing."""
    agency_b.parent = province
    agency_b.name = "Sở Tư pháp tỉnh Bình Dương"
    agency_b.short_name = "STP"
    agency_b.administrative_unit = ward_unit
    agency_b.save()
    return agency_b
