"""``workflow.document_requested`` becomes a draft outgoing document linked to the dossier, once."""

from types import SimpleNamespace

import pytest

from congso.core.events import subscriptions
from congso.documents import services
from congso.documents.models import OutgoingDocument, OutgoingStatus

pytestmark = pytest.mark.django_db


def _event(pk, **payload):
    return SimpleNamespace(pk=pk, name="workflow.document_requested", payload=payload)


def test_subscriber_is_registered():
    names = {s.name for s in subscriptions() if s.wants("workflow.document_requested")}
    assert "documents.official_document_request" in names


def test_request_becomes_one_draft_linked_to_the_dossier(submit, agency_a, agency_b):
    from congso.documents.subscribers import draft_requested_document

    dossier = submit()
    event = _event(
        41,
        dossier_id=dossier.pk,
        dossier_code=dossier.code,
        kind="cong-van",
        subject="Xác minh nhân thân người nộp",
        to_agency_code=agency_b.code,
        step_label="Lấy ý kiến công an",
    )
    draft_requested_document(event)
    draft_requested_document(event)  # delivered again: still one draft
    draft = OutgoingDocument.objects.get()
    assert (draft.dossier, draft.agency, draft.status) == (
        dossier,
        dossier.current_agency,
        OutgoingStatus.DRAFT,
    )
    assert draft.document_type == "CV" and draft.summary == "Xác minh nhân thân người nộp"
    assert dossier.code in draft.content
    assert draft.recipients.get().organ_code == agency_b.code


@pytest.mark.parametrize(
    "kind, expected", [("quyet-dinh", "QĐ"), ("QĐ", "QĐ"), ("thong-bao", "TB"), ("", "CV"), ("la-thu", "CV")]
)
def test_kind_names(kind, expected):
    assert services.document_type_for(kind) == expected


def test_unknown_dossier_drafts_nothing(db):
    assert services.draft_for_request(7, {"dossier_code": "KHONG-CO"}) is None
    assert not OutgoingDocument.objects.exists()
