"""Fixtures of the dossier tests. The dossier world they share with tests/workspace (agencies, versions,
officers, the citizen, ``submit``, ``drive``) is in tests/fixtures/dossiers.py; the clock in
tests/conftest.py."""

import pytest

from congso.dossiers import services
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
