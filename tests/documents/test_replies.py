"""Answers between documents through the pages: the clerk records which outgoing document a paper answer
replies to; a specialist finds a draft a process asked for and takes it. The whole loop with a
dossier's process is tests/workflow/test_official_reply.py."""

import pytest
from django.test import Client

from congso.core.models import OutboxEvent
from congso.documents import permissions, services
from congso.documents.models import DocumentReply
from tests.support.documents import assert_matrix as _matrix

pytestmark = pytest.mark.django_db


def _as(user):
    client = Client()
    client.force_login(user)
    return client


def test_clerk_links_a_paper_answer(cast, agency_a, incoming, signed_draft):
    sent = services.issue(signed_draft(), by=cast.clerk)
    answer = incoming(number_symbol="77/STP-HCTP", summary="Ý kiến về dự thảo")
    _matrix(cast, lambda p: permissions.can_link_reply(p, answer), ["clerk", "leader", "deputy"])
    clerk = _as(cast.clerk)
    page = clerk.get(f"/can-bo/van-ban/den/{answer.pk}/").content.decode()
    assert "tra_loi_so" in page
    wrong = clerk.post(
        f"/can-bo/van-ban/den/{answer.pk}/tra-loi-van-ban/", {"tra_loi_so": "999/XX"}, follow=True
    )
    assert "Không có văn bản đi đã ban hành số 999/XX" in wrong.content.decode()
    assert not DocumentReply.objects.exists()
    clerk.post(f"/can-bo/van-ban/den/{answer.pk}/tra-loi-van-ban/", {"tra_loi_so": sent.number_symbol})
    assert DocumentReply.objects.get().outgoing == sent
    # No dossier behind the document: the documents are linked, no process is told.
    assert not OutboxEvent.objects.filter(name="documents.reply_received").exists()
    assert sent.number_symbol in clerk.get(f"/can-bo/van-ban/den/{answer.pk}/").content.decode()
    assert answer.number_symbol in clerk.get(f"/can-bo/van-ban/di/{sent.pk}/").content.decode()
    specialist = _as(cast.specialist)
    specialist.post(f"/can-bo/van-ban/den/{answer.pk}/tra-loi-van-ban/", {"tra_loi_so": sent.number_symbol})
    assert DocumentReply.objects.count() == 1


def test_specialist_takes_a_requested_draft(cast, agency_a):
    draft = services.draft_outgoing(agency=agency_a, by=None, document_type="CV", summary="Đề nghị xác minh")
    _matrix(
        cast,
        lambda p: permissions.can_take_draft(p, draft),
        ["leader", "deputy", "specialist", "other_specialist"],
    )
    specialist = _as(cast.specialist)
    listing = specialist.get("/can-bo/van-ban/di/", {"co_quan": agency_a.pk}).content.decode()
    assert f"/can-bo/van-ban/di/{draft.pk}/" in listing
    assert "Nhận soạn dự thảo" in specialist.get(f"/can-bo/van-ban/di/{draft.pk}/").content.decode()
    specialist.post(f"/can-bo/van-ban/di/{draft.pk}/nhan-soan/")
    draft.refresh_from_db()
    assert draft.drafter == cast.specialist
    other = _as(cast.other_specialist)
    assert other.get(f"/can-bo/van-ban/di/{draft.pk}/").status_code == 404  # no longer open to take
    assert _as(cast.clerk_b).post(f"/can-bo/van-ban/di/{draft.pk}/nhan-soan/").status_code == 404
