"""A procedure's result issued as an official document: drafted from the dossier's page by the officer
processing it, approved, signed, issued with the register's number, then delivered: the signed PDF
becomes the dossier's electronic result, which the citizen downloads from "Hồ sơ của tôi"."""

import pytest
from django.test import Client
from django.urls import reverse

from congso.core.models import OutboxEvent
from congso.documents import permissions, results, services
from congso.documents.models import Attachment
from congso.dossiers.models import PaperStage, Status

pytestmark = pytest.mark.django_db


def _as(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clerk(officer, agency_a):
    return officer("clerk", agency_a, "vanthu_kq")


def _issued_result(dossier, actors, clerk, client):
    response = client.post(
        reverse("documents:result_new", args=[dossier.pk]),
        {"document_type": "QĐ", "summary": "Về việc cấp giấy phép xây dựng"},
    )
    document = services.OutgoingDocument.objects.get(dossier=dossier)
    assert response["Location"] == reverse("documents:outgoing", args=[document.pk])
    services.submit_for_approval(document, by=actors.specialist, approvers=[], signer=actors.leader)
    services.decide(document, by=actors.leader, approve=True)
    services.sign(document, by=actors.leader)
    return services.issue(document, by=clerk)


def test_result_drafted_issued_and_delivered_to_the_citizen(
    drive, actors, clerk, citizen, media_root, settings, tmp_path
):
    settings.CONGSO_DOCUMENTS_PKI_DIR = str(tmp_path / "pki")
    dossier = drive(Status.IN_PROCESSING)
    specialist = _as(actors.specialist)
    page = specialist.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert reverse("documents:result_new", args=[dossier.pk]) in page
    document = _issued_result(dossier, actors, clerk, specialist)
    assert (
        "Trả kết quả cho công dân"
        in specialist.get(reverse("documents:outgoing", args=[document.pk])).content.decode()
    )
    _matrix_deliver = {
        u.username
        for u in (actors.specialist, actors.leader, actors.one_stop, clerk, actors.specialist_b)
        if permissions.can_deliver_result(u, document)
    }
    assert "chuyenvien_a" in _matrix_deliver and "chuyenvien_b" not in _matrix_deliver

    specialist.post(reverse("documents:result_deliver", args=[document.pk]))
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY and document.number_symbol in dossier.result_note
    result = dossier.papers.get(stage=PaperStage.RESULT)
    signed = Attachment.objects.get(outgoing=document, kind=Attachment.Kind.SIGNED)
    with signed.file.open("rb") as handle:
        signed_bytes = handle.read()
    assert result.sha256 == signed.sha256
    assert OutboxEvent.objects.filter(name="dossier.result_ready").exists()  # registries keeps it

    as_citizen = _as(citizen)
    mine = reverse("portal:my-dossier", kwargs={"public_id": dossier.public_id})
    paper = reverse("portal:my-dossier-paper", kwargs={"public_id": dossier.public_id, "paper_id": result.pk})
    assert paper in as_citizen.get(mine).content.decode()
    download = as_citizen.get(paper)
    assert b"".join(download.streaming_content) == signed_bytes

    # Delivered once: the dossier is no longer processed, the button is gone, a second try is refused.
    assert (
        "Trả kết quả cho công dân"
        not in specialist.get(reverse("documents:outgoing", args=[document.pk])).content.decode()
    )
    with pytest.raises(services.DocumentError):
        results.deliver_result(document, by=actors.specialist)


def test_only_the_processing_officer_drafts_and_delivers(
    drive, actors, clerk, media_root, settings, tmp_path
):
    settings.CONGSO_DOCUMENTS_PKI_DIR = str(tmp_path / "pki")
    dossier = drive(Status.IN_PROCESSING)
    with pytest.raises(services.DocumentError):
        results.draft_result(dossier, by=actors.specialist_b, document_type="QĐ", summary="X")
    outsider = _as(actors.specialist_b)
    assert (
        outsider.post(reverse("documents:result_new", args=[dossier.pk]), {"document_type": "QĐ"}).status_code
        == 404
    )
    draft = results.draft_result(dossier, by=actors.specialist, document_type="QĐ", summary="")
    assert dossier.code in draft.summary
    with pytest.raises(services.DocumentError, match="đã ban hành"):
        results.deliver_result(draft, by=actors.specialist)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING
