"""The pages: the citizen's messages and settings, the officer's, the unread counts in both headers,
the dossier page's notification lines; who may mark what read (a matrix)."""

import re

import pytest
from django.urls import reverse

from congso.dossiers.models import Status
from congso.notifications import services
from congso.notifications.models import Notification, NotificationStatus, Preference
from tests.support.notifications import deliver_notifications

pytestmark = pytest.mark.django_db


def html(response):
    return response.content.decode()


def test_the_citizen_sees_the_unread_count_and_the_messages(client, drive, citizen):
    dossier = drive(Status.ACCEPTED)
    deliver_notifications()
    client.force_login(citizen)
    home = html(client.get(reverse("portal:home")))
    assert "data-unread-count>2</span>" in home  # submitted + accepted
    # The count (a named query) is the queryset's rule: in-app, unread, this account's only.
    assert services.unread_count(citizen) == Notification.objects.unread_for(citizen).count() == 2
    assert Notification.objects.filter(recipient=citizen).exclude(channel="inapp").exists()
    page = html(client.get(reverse("notifications:portal-inbox")))
    assert f"Hồ sơ {dossier.code} đã được tiếp nhận" in page
    assert f'href="/ho-so-cua-toi/{dossier.public_id}/"' in page
    # Times read as on the dossier's page: "10:02, 06/12/2026".
    assert re.search(r'<p class="muted">\d\d:\d\d, \d\d/\d\d/\d{4}</p>', page)


def test_marking_read_one_and_all(client, drive, citizen):
    drive(Status.ACCEPTED)
    deliver_notifications()
    client.force_login(citizen)
    first = Notification.objects.filter(recipient=citizen, channel="inapp").order_by("pk").first()
    response = client.post(reverse("notifications:portal-mark-read"), {"id": [first.pk]})
    assert response.status_code == 302
    assert services.unread_count(citizen) == 1
    client.post(reverse("notifications:portal-mark-read"))
    assert services.unread_count(citizen) == 0


def test_a_bad_id_changes_nothing_and_says_so(client, drive, citizen):
    drive(Status.ACCEPTED)
    deliver_notifications()
    client.force_login(citizen)
    response = client.post(reverse("notifications:portal-mark-read"), {"id": ["abc"]}, follow=True)
    assert "Thông báo không hợp lệ" in html(response)
    assert services.unread_count(citizen) == 2


@pytest.mark.parametrize("bad", ["99999999999999999999", "²"])
def test_an_id_that_is_digits_but_no_row_id_is_refused_not_a_500(client, drive, citizen, bad):
    """Twenty digits overflow the database's key and "²" passes ``str.isdigit`` but not ``int``: both
    used to end in a server error."""
    drive(Status.ACCEPTED)
    deliver_notifications()
    client.force_login(citizen)
    response = client.post(reverse("notifications:portal-mark-read"), {"id": [bad]}, follow=True)
    assert response.status_code == 200
    assert "Thông báo không hợp lệ" in html(response)
    assert services.unread_count(citizen) == 2


@pytest.mark.parametrize(
    ("who", "may_mark"),
    [("owner", True), ("other_citizen", False), ("officer", False), ("anonymous", False)],
)
def test_who_may_mark_a_message_read(client, drive, citizen, make_user, actors, who, may_mark):
    drive(Status.ACCEPTED)
    deliver_notifications()
    message = Notification.objects.filter(recipient=citizen, channel="inapp").first()
    users = {"owner": citizen, "other_citizen": make_user("khac"), "officer": actors.one_stop}
    if who in users:
        client.force_login(users[who])
    url = (
        reverse("notifications:workspace-mark-read")
        if who == "officer"
        else reverse("notifications:portal-mark-read")
    )
    client.post(url, {"id": [message.pk]})
    message.refresh_from_db()
    assert (message.read_at is not None) is may_mark


def test_the_inbox_needs_a_sign_in_and_the_workspace_an_officer(client, citizen):
    response = client.get(reverse("notifications:portal-inbox"))
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]
    client.force_login(citizen)
    assert client.get(reverse("notifications:workspace-inbox")).status_code in (302, 403)


def test_preferences_page_saves_the_choices(client, citizen):
    client.force_login(citizen)
    page = html(client.get(reverse("notifications:portal-preferences")))
    assert "Cài đặt thông báo" in page and 'name="sms_enabled"' in page
    response = client.post(
        reverse("notifications:portal-preferences"), {"language": "en", "in_app_enabled": "on"}, follow=True
    )
    assert "Đã lưu cài đặt thông báo" in html(response)
    preference = Preference.objects.get(account=citizen)
    assert (
        preference.language,
        preference.in_app_enabled,
        preference.sms_enabled,
        preference.email_enabled,
    ) == (
        "en",
        True,
        False,
        False,
    )


def test_a_bad_language_is_refused_and_nothing_changes(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("notifications:portal-preferences"), {"language": "fr"})
    assert response.status_code == 200 and "field--error" in html(response)
    assert not Preference.objects.filter(account=citizen).exists()


def test_the_officer_sees_the_count_in_the_workspace_header_and_the_list(client, drive, actors):
    dossier = drive(Status.ACCEPTED)
    services.create(
        recipients=[services.recipient_for_account(actors.specialist)],
        values={"ma_ho_so": dossier.code, "buoc": "Thẩm định", "han_xu_ly": "", "duong_dan": "/"},
        required=False,
        event_key="workflow.step_opened",
        dedup_key="test:1",
    )
    client.force_login(actors.specialist)
    home = html(client.get(reverse("workspace:home")))
    assert 'Thông báo chưa đọc <span class="badge">1</span>' in home
    assert reverse("notifications:workspace-inbox") in home
    page = html(client.get(reverse("notifications:workspace-inbox")))
    assert f"Việc mới: Thẩm định — hồ sơ {dossier.code}" in page
    settings_page = html(client.get(reverse("notifications:workspace-preferences")))
    assert 'name="digest_enabled"' in settings_page


def test_the_dossier_page_shows_the_notifications_status_with_masked_contacts(client, drive, actors):
    dossier = drive(Status.ACCEPTED)
    deliver_notifications()
    Notification.objects.filter(event_key="dossier.accepted", channel="sms").update(
        status=NotificationStatus.FAILED, failure_reason="SMS gateway code 108: số điện thoại không hợp lệ"
    )
    client.force_login(actors.one_stop)
    page = html(client.get(reverse("dossiers:detail", args=[dossier.code])))
    assert "Thông báo cho người nộp — Tin nhắn SMS" in page
    assert "Gửi tới: 09******78" in page and "0912345678</dd>" in page  # masked in the notifications
    assert "Gửi tới: a***@example.vn" in page
    assert "Không gửi được" in page and "số điện thoại không hợp lệ" in page
    assert "Đã đến người nhận" in page  # in-app
