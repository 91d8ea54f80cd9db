"""From dossier and workflow events to notifications: recipients, channels, language, preferences,
legally required notices, deduplication; e-mail through a real SMTP server."""

from email.header import decode_header, make_header

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from congso.core import events
from congso.core.models import DeliveryStatus, EventDelivery
from congso.dossiers import services as dossiers
from congso.dossiers.models import Status
from congso.notifications import services
from congso.notifications.models import Notification, NotificationStatus, Template
from tests.samples import APPLICANT
from tests.support.notifications import deliver_notifications, send_queued

pytestmark = pytest.mark.django_db


def made(event_key, **filters):
    return {n.channel: n for n in Notification.objects.filter(event_key=event_key, **filters)}


def test_an_accepted_online_dossier_tells_the_applicant_on_every_channel(drive, citizen):
    dossier = drive(Status.ACCEPTED)
    deliver_notifications()
    submitted, accepted = made("dossier.submitted"), made("dossier.accepted")
    assert set(submitted) == set(accepted) == {"inapp", "sms", "email"}
    inapp = accepted["inapp"]
    assert inapp.recipient == citizen and inapp.status == NotificationStatus.DELIVERED
    assert inapp.subject == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert inapp.link == f"/ho-so-cua-toi/{dossier.public_id}/"
    assert accepted["sms"].address == APPLICANT["phone"] and accepted["email"].address == APPLICANT["email"]
    # SMS texts lose their diacritics (GSM-7: 160 characters a part instead of 70).
    assert accepted["sms"].body.startswith(f"{dossier.receiving_agency.name}".replace("Đ", "D")[:3])
    assert "đ" not in accepted["sms"].body and "tiep nhan" in accepted["sms"].body
    assert {n.status for n in (accepted["sms"], accepted["email"])} == {NotificationStatus.QUEUED}
    assert all(n.dossier_id == dossier.pk for n in accepted.values())


def test_the_recipients_language_is_used(drive, citizen):
    services.update_preferences(citizen, language="en")
    dossier = drive(Status.ACCEPTED)
    deliver_notifications()
    accepted = made("dossier.accepted")
    assert accepted["email"].subject == f"Dossier {dossier.code} received"
    assert accepted["email"].language == "en"


@pytest.mark.parametrize(
    ("language", "made_in", "subject"),
    [("en", "vi", "Dossier {} received"), ("vi", "en", "Hồ sơ {} đã được tiếp nhận")],
)
def test_the_in_app_text_is_in_the_accounts_language_not_the_requests(
    drive, citizen, language, made_in, subject
):
    services.update_preferences(citizen, language=language)
    # The officer's request (or the worker) that made the event speaks the other language.
    with translation.override(made_in):
        dossier = drive(Status.ACCEPTED)
        deliver_notifications()
    inapp = made("dossier.accepted")["inapp"]
    assert inapp.subject == subject.format(dossier.code) and inapp.language == language


def test_translatable_values_are_rendered_in_the_recipients_language():
    values = {"ma_ho_so": "X", "thu_tuc": "1", "co_quan": gettext_lazy("Tiếp nhận hồ sơ nộp trực tuyến")}
    values.update(han_tra="", duong_dan="")
    with translation.override("vi"):
        _subject, body = services.render_for("dossier.accepted", "inapp", "en", values)
    assert "Receive a dossier submitted online" in body
    with translation.override("en"):
        _subject, body = services.render_for("dossier.accepted", "inapp", "vi", values)
    assert "Tiếp nhận hồ sơ nộp trực tuyến" in body


def test_an_administrators_template_replaces_the_built_in_text(drive):
    Template.objects.create(
        event_key="dossier.accepted",
        channel="inapp",
        language="vi",
        subject="Đã nhận {{ ma_ho_so }}",
        body="x",
    )
    dossier = drive(Status.ACCEPTED)
    deliver_notifications()
    assert made("dossier.accepted")["inapp"].subject == f"Đã nhận {dossier.code}"


def test_preferences_are_followed(drive, citizen):
    services.update_preferences(citizen, sms_enabled=False, email_enabled=False)
    drive(Status.ACCEPTED)
    deliver_notifications()
    assert set(made("dossier.accepted")) == {"inapp"}


def test_a_legally_required_notice_reaches_the_person_whatever_they_chose(drive, citizen):
    services.update_preferences(citizen, sms_enabled=False, email_enabled=False, in_app_enabled=False)
    dossier = drive(Status.SUPPLEMENT_REQUESTED)
    deliver_notifications()
    assert made("dossier.accepted") == {}  # not required: nothing, as chosen
    required = made("dossier.supplement_requested")
    assert set(required) == {"inapp", "sms", "email"}
    assert all(n.required for n in required.values())
    assert dossier.code in required["inapp"].subject


def test_required_notice_goes_out_by_the_one_outside_channel_chosen(drive, citizen):
    services.update_preferences(citizen, sms_enabled=True, email_enabled=False)
    drive(Status.RESULT_READY)
    deliver_notifications()
    assert set(made("dossier.result_ready")) == {"inapp", "sms"}


def test_an_event_delivered_twice_makes_no_second_notification(drive):
    drive(Status.ACCEPTED)
    deliver_notifications()
    before = Notification.objects.count()
    EventDelivery.objects.filter(subscriber="notifications.applicant").update(status=DeliveryStatus.PENDING)
    deliver_notifications()
    assert Notification.objects.count() == before


def test_a_dossier_without_an_account_is_told_by_sms_and_email_only(version, agency_a, actors):
    dossier = dossiers.receive_at_counter(
        version=version,
        receiving_agency=agency_a,
        officer=actors.one_stop,
        applicant_details=APPLICANT,
        form_data={},
    )
    deliver_notifications()
    assert made("dossier.submitted") == {}  # received at once: the acceptance says it
    accepted = made("dossier.accepted")
    assert set(accepted) == {"sms", "email"}
    assert (
        accepted["sms"].recipient is None and accepted["sms"].recipient_key == f"address:{APPLICANT['phone']}"
    )
    assert dossier.code in accepted["email"].subject


def test_the_apology_names_the_old_and_new_dates(drive, actors):
    from datetime import timedelta

    dossier = drive(Status.IN_PROCESSING)
    for days in range(3, 10):  # the first working day from three days on
        try:
            dossiers.extend(dossier, actors.leader, dossier.due_at + timedelta(days=days), "Chờ xác minh")
            break
        except dossiers.InvalidDossierInput:
            continue
    deliver_notifications()
    apology = made("dossier.extended")["email"]
    assert apology.required and "mẫu 04" in apology.body
    assert dossier.code in apology.subject


def test_a_work_item_assigned_to_an_officer_tells_them(drive, actors):
    dossier = drive(Status.ACCEPTED)
    actors.specialist.email = "chuyenvien@example.vn"
    actors.specialist.save()
    events.publish(
        "workflow.step_opened",
        {
            "instance_id": 1,
            "dossier_id": dossier.pk,
            "work_item_id": 7,
            "step": "review",
            "label": "Thẩm định hồ sơ",
            "agency_code": dossier.receiving_agency.code,
            "role": "specialist",
            "assigned_user_id": actors.specialist.pk,
            "due_at": dossier.due_at.isoformat(),
        },
    )
    deliver_notifications()
    told = made("workflow.step_opened")
    assert set(told) == {"inapp", "email"}
    assert told["inapp"].recipient == actors.specialist
    assert told["inapp"].subject == f"Việc mới: Thẩm định hồ sơ — hồ sơ {dossier.code}"
    assert told["inapp"].link == "/can-bo/cong-viec/7/"


def test_a_group_task_tells_every_holder_of_the_role(drive, actors, officer, agency_a):
    dossier = drive(Status.ACCEPTED)
    other = officer("specialist", agency_a, "chuyenvien_a2")
    events.publish(
        "workflow.step_opened",
        {
            "instance_id": 1,
            "dossier_id": dossier.pk,
            "work_item_id": 8,
            "step": "review",
            "label": "Thẩm định",
            "agency_code": agency_a.code,
            "role": "specialist",
            "assigned_user_id": None,
            "due_at": dossier.due_at.isoformat(),
        },
    )
    deliver_notifications()
    recipients = set(
        Notification.objects.filter(event_key="workflow.step_opened", channel="inapp").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {actors.specialist.pk, other.pk}


def test_email_goes_through_a_real_smtp_server(drive, smtp_server):
    dossier = drive(Status.ACCEPTED)
    deliver_notifications()
    outcomes = send_queued()
    email = made("dossier.accepted")["email"]
    assert outcomes[email.pk] == "sent"
    email.refresh_from_db()
    assert email.status == NotificationStatus.SENT and email.attempts == 1
    subjects = [str(make_header(decode_header(m["Subject"]))) for m in smtp_server]
    received = [
        m
        for m, s in zip(smtp_server, subjects, strict=True)
        if s == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    ]
    assert len(received) == 1
    assert received[0]["To"] == APPLICANT["email"]
    assert received[0]["Message-ID"] == email.provider_message_id == f"<congso-{email.pk}@congso.local>"


def test_an_smtp_server_that_is_down_means_a_retry_later(drive, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 8159  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    drive(Status.ACCEPTED)
    deliver_notifications()
    email = made("dossier.accepted")["email"]
    assert services.attempt_send(email.pk, rate_limited=False) == "retry"
    email.refresh_from_db()
    assert email.status == NotificationStatus.QUEUED and email.attempts == 1 and email.failure_reason
    assert email.next_attempt_at > email.created_at
    assert services.attempt_send(email.pk, rate_limited=False) == "skipped"  # not due yet


def test_a_deactivated_account_is_told_at_the_dossiers_contact_details(drive, citizen):
    citizen.is_active = False
    citizen.save()
    drive(Status.RESULT_READY)
    deliver_notifications()
    told = made("dossier.result_ready")
    assert set(told) == {"sms", "email"} and told["sms"].recipient is None


def test_a_message_carries_a_whole_address_where_no_public_base_url_is_set(settings):
    from congso.notifications import services as notification_services

    settings.CONGSO_PUBLIC_BASE_URL = ""
    settings.CONGSO_LOCAL_WEB_URL = "http://127.0.0.1:8700"
    assert notification_services._public_url("/tra-cuu/x/") == "http://127.0.0.1:8700/tra-cuu/x/"
    settings.CONGSO_PUBLIC_BASE_URL = "https://dichvucong.example.gov.vn/"
    assert notification_services._public_url("/tra-cuu/x/") == "https://dichvucong.example.gov.vn/tra-cuu/x/"
    settings.CONGSO_PUBLIC_BASE_URL, settings.IS_PRODUCTION = "", True
    assert notification_services._public_url("/tra-cuu/x/") == "/tra-cuu/x/"
