"""``services.receive_from_national_portal``: a dossier submitted on the National Public Service Portal
enters in status 1, channel "national portal", once per national code."""

import io

import pytest

from congso.core.models import OutboxEvent
from congso.dossiers import services
from congso.dossiers.errors import InvalidDossierInput
from congso.dossiers.files import PaperUpload
from congso.dossiers.models import Channel, Dossier, Status
from tests.samples import APPLICANT, PDF_BYTES


@pytest.fixture
def receive(agency_a, version):
    def do(**overrides):
        arguments = {
            "version": version,
            "receiving_agency": agency_a,
            "national_code": "G22.99.261204-000001",
            "applicant_details": APPLICANT,
            "form_data": {},
            "papers": [PaperUpload("to-khai", "to-khai.pdf", io.BytesIO(PDF_BYTES))],
        }
        arguments.update(overrides)
        return services.receive_from_national_portal(**arguments)

    return do


def test_it_enters_awaiting_reception_once_per_national_code(receive):
    dossier = receive()
    assert (dossier.status, dossier.channel, dossier.submitted_by, dossier.applicant) == (
        Status.SUBMITTED,
        Channel.NATIONAL_PORTAL,
        None,
        None,
    )
    assert dossier.received_at is None and dossier.papers.count() == 1
    assert [c.transition for c in dossier.status_changes.all()] == ["receive_from_national_portal"]
    assert services.national_code_of(dossier) == "G22.99.261204-000001"
    again = receive(papers=[])
    assert again.pk == dossier.pk and Dossier.objects.count() == 1
    assert OutboxEvent.objects.filter(name="dossier.submitted", aggregate_id=str(dossier.pk)).count() == 1


def test_bad_input_changes_nothing(receive):
    with pytest.raises(InvalidDossierInput):
        receive(national_code="  ")
    with pytest.raises(InvalidDossierInput):
        receive(papers=[PaperUpload("khong-co", "x.pdf", io.BytesIO(PDF_BYTES))])
    with pytest.raises(InvalidDossierInput):
        receive(national_code="G" * 71)
    assert not Dossier.objects.exists()


def test_a_key_of_another_channel_is_not_answered(receive, submit):
    online = submit(idempotency_key="dvcqg:G-7")
    with pytest.raises(InvalidDossierInput):
        receive(national_code="G-7")
    assert services.national_code_of(online) == ""
