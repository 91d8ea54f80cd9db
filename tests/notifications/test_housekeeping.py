"""The officers' morning digest and the retention purge."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from congso.core import scheduling
from congso.notifications import digest, services
from congso.notifications.models import Notification, NotificationStatus
from tests.support.notifications import deliver_notifications

pytestmark = pytest.mark.django_db


def test_the_morning_digest_lists_what_is_late_per_officer_once_a_day(submit, actors, clock):
    dossier = submit()  # waits for reception by the one-stop officer of agency A
    clock.set(dossier.due_at + timedelta(hours=1))
    assert digest.send_digests(force=True) >= 1
    mine = Notification.objects.get(event_key="digest.morning", recipient=actors.one_stop, channel="inapp")
    assert "0 việc đến hạn và 1 việc đã quá hạn" in mine.body
    assert dossier.code in mine.body
    # Nothing for an officer with nothing due (the department B's specialist).
    assert not Notification.objects.filter(event_key="digest.morning", recipient=actors.specialist_b).exists()
    assert digest.send_digests(force=True) == 0  # one a day


@pytest.mark.parametrize(
    ("language", "made_in", "label", "text"),
    [
        ("en", "vi", "Receive a dossier submitted online", "Today 0 tasks are due and 1 are late."),
        ("vi", "en", "Tiếp nhận hồ sơ nộp trực tuyến", "0 việc đến hạn và 1 việc đã quá hạn"),
    ],
)
def test_the_digest_is_written_in_the_officers_language(
    submit, actors, clock, language, made_in, label, text
):
    services.update_preferences(actors.one_stop, language=language)
    dossier = submit()
    clock.set(dossier.due_at + timedelta(hours=1))
    # Made in a worker (or request) whose language is the other one: the account's language wins.
    with translation.override(made_in):
        digest.send_digests(force=True)
    mine = Notification.objects.get(event_key="digest.morning", recipient=actors.one_stop, channel="inapp")
    assert text in mine.body and f"{dossier.code}: {label} (" in mine.body


def test_the_digest_waits_for_its_hour_and_follows_the_preference(submit, actors, clock, settings):
    dossier = submit()
    settings.CONGSO_NOTIFICATIONS_DIGEST_HOUR = 23
    clock.set(timezone.localtime(dossier.due_at + timedelta(days=1)).replace(hour=6))
    assert digest.send_digests() == 0
    services.update_preferences(actors.one_stop, digest_enabled=False)
    digest.send_digests(force=True)
    assert not Notification.objects.filter(event_key="digest.morning", recipient=actors.one_stop).exists()


def test_the_periodic_jobs_are_registered():
    names = {job.name for job in scheduling.jobs()}
    assert {
        "notifications.requeue_stale",
        "notifications.purge_bodies",
        "notifications.morning_digest",
    } <= names


def test_texts_of_old_sent_notifications_are_purged_and_queued_ones_kept(drive, settings, clock):
    from congso.dossiers.models import Status

    drive(Status.ACCEPTED)
    deliver_notifications()
    settings.CONGSO_NOTIFICATIONS_RETENTION_DAYS = 30
    clock.set(timezone.now() + timedelta(days=31))
    purged = services.purge_old_bodies()
    inapp = Notification.objects.filter(channel="inapp")
    assert purged == inapp.count() > 0
    assert all(n.body == "" and n.subject == "" and n.body_purged_at for n in inapp)
    queued = Notification.objects.filter(status=NotificationStatus.QUEUED)
    assert queued.exists() and all(n.body for n in queued)
    assert services.purge_old_bodies() == 0
