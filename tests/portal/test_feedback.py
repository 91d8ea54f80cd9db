"""Rating a finished dossier (once, by its applicant) and the satisfaction rate of Decision 766/QĐ-TTg."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from congso.agencies.models import AgencyKind
from congso.core.models import AuditEntry, OutboxEvent
from congso.dossiers.models import Dossier, Status, Timeliness
from congso.portal import services
from congso.portal.models import Feedback, Rating
from tests.factories.agencies import AgencyFactory
from tests.factories.identity import PASSWORD
from tests.support.html import has_link, links, one, select, texts

from .dossier_world import build_world, drive, page, submit


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def finished(world):
    return drive(world, Status.RESULT_RETURNED)


@pytest.fixture
def as_an(client, world):
    client.force_login(world.an)
    return client


def feedback_url(dossier):
    return reverse("portal:my-dossier-feedback", kwargs={"public_id": dossier.public_id})


# --- The form -------------------------------------------------------------------------------------------


def test_feedback_form_offers_the_three_ratings_and_the_reasons(as_an, finished):
    response = as_an.get(feedback_url(finished))
    assert response.status_code == 200
    html = page(response)
    labels = texts(html, "label")
    for label in ("Rất hài lòng", "Hài lòng", "Không hài lòng"):
        assert label in labels
    assert "Giải quyết chậm so với ngày hẹn" in html
    assert "Bạn có hài lòng với cách hồ sơ được giải quyết không?" in texts(html, "legend")


def test_feedback_is_stored_with_reasons_audited_and_published(as_an, finished, world):
    response = as_an.post(
        feedback_url(finished),
        {"rating": "unsatisfied", "reasons": ["late", "many_trips"], "comment": "Phải đi lại hai lần."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my-dossier", kwargs={"public_id": finished.public_id})
    feedback = Feedback.objects.get(dossier=finished)
    assert feedback.author == world.an
    assert feedback.rating == Rating.UNSATISFIED
    assert feedback.reasons == ["late", "many_trips"]
    assert feedback.comment == "Phải đi lại hai lần."
    assert AuditEntry.objects.for_object(finished).filter(action="portal.feedback").exists()
    event = OutboxEvent.objects.get(name="feedback.given")
    assert event.payload["code"] == finished.code
    assert event.payload["rating"] == "unsatisfied"
    assert event.payload["agency_code"] == world.agency.code
    assert "comment" not in event.payload and "Phải đi lại" not in str(event.payload)
    html = page(as_an.get(response["Location"]))
    assert "Cảm ơn bạn đã đánh giá." in html
    assert "Đánh giá của bạn" in html and "Phải đi lại hai lần." in html
    assert feedback_url(finished) not in html


def test_feedback_is_given_once_only(as_an, finished):
    as_an.post(feedback_url(finished), {"rating": "very_satisfied"})
    response = as_an.post(feedback_url(finished), {"rating": "unsatisfied", "comment": "Đổi ý"})
    assert response.status_code == 409
    assert "Mỗi hồ sơ chỉ đánh giá một lần." in page(response)
    feedback = Feedback.objects.get(dossier=finished)
    assert feedback.rating == Rating.VERY_SATISFIED and feedback.comment == ""
    assert OutboxEvent.objects.filter(name="feedback.given").count() == 1
    with pytest.raises(services.FeedbackAlreadyGiven):
        services.give_feedback(finished, finished.applicant, rating="satisfied")


def test_feedback_without_a_rating_is_refused(as_an, finished):
    response = as_an.post(feedback_url(finished), {"comment": "Tốt"})
    assert response.status_code == 400
    html = page(response)
    assert "Vui lòng chọn mức độ hài lòng của bạn." in html
    assert has_link(html, "#muc-do-1")
    assert not Feedback.objects.exists()


def test_unknown_reason_or_too_long_comment_is_refused(as_an, finished):
    response = as_an.post(feedback_url(finished), {"rating": "unsatisfied", "reasons": ["bribe"]})
    assert response.status_code == 400
    assert "Lý do không hài lòng không hợp lệ." in page(response)
    response = as_an.post(feedback_url(finished), {"rating": "satisfied", "comment": "x" * 2001})
    assert response.status_code == 400
    assert "Ý kiến quá dài (tối đa 2000 ký tự)." in page(response)
    assert not Feedback.objects.exists()


def test_every_invalid_answer_is_reported_at_once_with_a_summary_linking_to_each(as_an, finished):
    response = as_an.post(feedback_url(finished), {"reasons": ["bribe"], "comment": "x" * 2001})
    assert response.status_code == 400
    html = page(response)
    summary = one(html, ".error-summary")
    assert [href for href, _text in links(summary)] == ["#muc-do-1", "#ly-do-1", "#y-kien"]
    assert has_link(summary, "#muc-do-1", "Vui lòng chọn mức độ hài lòng của bạn.")
    assert has_link(summary, "#ly-do-1", "Lý do không hài lòng không hợp lệ.")
    assert has_link(summary, "#y-kien", "Ý kiến quá dài (tối đa 2000 ký tự).")
    assert select(html, "#muc-do-error") and select(html, "#ly-do-error") and select(html, "#y-kien-error")
    assert one(html, "#y-kien").text == "x" * 2001  # what was typed stays
    assert not Feedback.objects.exists()


def test_reasons_are_kept_only_with_an_unsatisfied_rating(as_an, finished):
    as_an.post(feedback_url(finished), {"rating": "satisfied", "reasons": ["late"]})
    assert Feedback.objects.get(dossier=finished).reasons == []


def test_no_feedback_before_the_result(as_an, world):
    dossier = drive(world, Status.IN_PROCESSING)
    html = page(as_an.get(feedback_url(dossier)))
    assert "Bạn đánh giá được khi hồ sơ đã có kết quả giải quyết." in html
    assert "<form" not in html.split("<main", 1)[1]
    response = as_an.post(feedback_url(dossier), {"rating": "satisfied"})
    assert response.status_code == 409
    assert not Feedback.objects.exists()


def test_feedback_when_the_result_is_ready_but_not_yet_returned(as_an, world):
    dossier = drive(world, Status.RESULT_READY)
    assert as_an.post(feedback_url(dossier), {"rating": "satisfied"}).status_code == 302


def test_only_the_applicant_gives_feedback(client, finished, world):
    client.force_login(world.binh)
    assert client.post(feedback_url(finished), {"rating": "unsatisfied"}).status_code == 404
    with pytest.raises(services.FeedbackError):
        services.give_feedback(finished, world.binh, rating="unsatisfied")
    assert not Feedback.objects.exists()


def test_the_agencys_reply_is_shown_to_the_applicant(as_an, finished, world):
    feedback = services.give_feedback(finished, world.an, rating="unsatisfied", reasons=["late"])
    Feedback.objects.filter(pk=feedback.pk).update(
        reply="Xin lỗi ông/bà, cơ quan đã chấn chỉnh.", replied_at=timezone.now(), replied_by=world.leader
    )
    html = page(as_an.get(reverse("portal:my-dossier", kwargs={"public_id": finished.public_id})))
    assert "Cơ quan trả lời" in html and "Xin lỗi ông/bà, cơ quan đã chấn chỉnh." in html
    assert "Giải quyết chậm so với ngày hẹn" in html


# --- Decision 766: satisfaction ------------------------------------------------------------------------


def rated(world, rating, *, late=False, user=None):
    dossier = drive(world, Status.RESULT_READY, user)
    if late:
        Dossier.objects.filter(pk=dossier.pk).update(timeliness=Timeliness.LATE)
        dossier.refresh_from_db()
    return services.give_feedback(dossier, user or world.an, rating=rating)


def test_satisfaction_worked_example(world):
    # 10 ratings: 6 very satisfied, 2 satisfied, 2 unsatisfied. One satisfied rating is on a late
    # dossier; one unsatisfied one too, and it counts once, as unsatisfied.
    # (10 − 2 − 1) / 10 × 100% = 70%.
    for _ in range(5):
        rated(world, Rating.VERY_SATISFIED)
    rated(world, Rating.VERY_SATISFIED, late=True)
    rated(world, Rating.SATISFIED)
    rated(world, Rating.SATISFIED)
    rated(world, Rating.UNSATISFIED)
    rated(world, Rating.UNSATISFIED, late=True)
    result = services.satisfaction()
    assert (result.feedback, result.unsatisfied, result.late, result.satisfied) == (10, 2, 1, 7)
    assert result.rate == Decimal("70.00")


def test_satisfaction_rounds_half_up_and_is_none_without_feedback(world):
    assert services.satisfaction().rate is None
    rated(world, Rating.SATISFIED)
    rated(world, Rating.SATISFIED)
    rated(world, Rating.UNSATISFIED)
    assert services.satisfaction().rate == Decimal("66.67")


def test_satisfaction_by_agency_and_period(world):
    rated(world, Rating.SATISFIED)
    other_agency = AgencyFactory(
        code="000.02.12.H08", name="UBND phường Phú Lợi", kind=AgencyKind.PEOPLES_COMMITTEE
    )
    other = submit(world)
    Dossier.objects.filter(pk=other.pk).update(
        receiving_agency=other_agency, status=Status.RESULT_RETURNED, timeliness=Timeliness.ON_TIME
    )
    other.refresh_from_db()
    old = services.give_feedback(other, world.an, rating=Rating.UNSATISFIED)
    Feedback.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    assert services.satisfaction(agency=world.agency).rate == Decimal("100.00")
    assert services.satisfaction(agency=other_agency.pk).rate == Decimal("0.00")
    today = timezone.localdate()
    recent = services.satisfaction(start=today - timedelta(days=7), end=today)
    assert (recent.feedback, recent.unsatisfied) == (1, 0)
    earlier = services.satisfaction(end=today - timedelta(days=30))
    assert (earlier.feedback, earlier.unsatisfied) == (1, 1)
    assert services.satisfaction(start=date(2000, 1, 1)).feedback == 2


def test_status_sentence_covers_every_status():
    sentences = {services.status_sentence(status) for status in Status}
    assert len(sentences) == len(Status)
    assert services.status_sentence(5) == "Cơ quan cần bạn bổ sung giấy tờ"
    with pytest.raises(ValueError):
        services.status_sentence(11)


def test_feedback_is_read_only_in_the_admin(client, finished, world, django_user_model):
    services.give_feedback(finished, world.an, rating=Rating.SATISFIED, comment="Nhanh, gọn.")
    admin = django_user_model.objects.create_superuser("quantri", password=PASSWORD, kind="official")
    client.force_login(admin)
    listing = client.get(reverse("admin:portal_feedback_changelist"))
    assert listing.status_code == 200
    assert finished.code in page(listing)
    feedback = Feedback.objects.get()
    detail = client.get(reverse("admin:portal_feedback_change", args=[feedback.pk]))
    assert detail.status_code == 200 and "Nhanh, gọn." in page(detail)
    assert client.get(reverse("admin:portal_feedback_add")).status_code == 403
