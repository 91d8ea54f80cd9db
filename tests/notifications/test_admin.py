"""The admin of notifications: a template with an unknown variable is refused with the message, the
preview shows the text and the SMS segments with the diacritics warning, contacts are masked in the list."""

import pytest
from django.urls import reverse

from congso.notifications.models import Notification, Template

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("quantri", kind="official", is_staff=True, is_superuser=True))
    return client


def form(**fields):
    data = {
        "event_key": "dossier.accepted",
        "channel": "sms",
        "language": "vi",
        "subject": "",
        "body": "Ho so {{ ma_ho_so }} da duoc tiep nhan",
        "strip_diacritics": "",
        "is_active": "on",
    }
    data.update(fields)
    return data


def test_an_unknown_variable_is_refused_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:notifications_template_add"), form(body="Hồ sơ {{ ma_ho_so }} của {{ ho_ten }}")
    )
    assert response.status_code == 200
    assert "Biến không có trong sự kiện này: ho_ten" in response.content.decode()
    assert not Template.objects.exists()


def test_the_preview_counts_sms_segments_and_warns_about_diacritics(admin_client):
    response = admin_client.post(
        reverse("admin:notifications_template_add"), form(body="Hồ sơ {{ ma_ho_so }} đã được tiếp nhận")
    )
    assert response.status_code == 302
    template = Template.objects.get()
    page = admin_client.get(
        reverse("admin:notifications_template_change", args=[template.pk])
    ).content.decode()
    assert "Hồ sơ 000.00.01.H08-261204-0001 đã được tiếp nhận" in page
    assert "mã UCS-2" in page and "Cảnh báo" in page
    template.strip_diacritics = True
    template.save()
    page = admin_client.get(
        reverse("admin:notifications_template_change", args=[template.pk])
    ).content.decode()
    assert "mã GSM-7, 1 tin" in page and "Cảnh báo" not in page


def test_the_notification_list_masks_contacts(admin_client):
    Notification.objects.create(
        dedup_key="t", recipient_key="address:0912345634", address="0912345634", channel="sms", event_key="x"
    )
    page = admin_client.get(reverse("admin:notifications_notification_changelist")).content.decode()
    assert "09******34" in page and "0912345634" not in page
