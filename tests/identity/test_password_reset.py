import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from congso.core.models import AuditEntry

from .conftest import PASSWORD

RESET = "/tai-khoan/quen-mat-khau/"
NEW_PASSWORD = "Mua-xuan-Binh-Duong-2027"
LINK_RE = re.compile(r"http://testserver(/tai-khoan/dat-lai-mat-khau/[^/\s]+/[^/\s]+/)")


def _request_reset(client, email):
    return client.post(RESET, {"email": email})


def _link_from_mail(message):
    match = LINK_RE.search(message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_request_page_is_in_vietnamese(client):
    html = client.get(RESET).content.decode()
    assert "Đặt lại mật khẩu" in html
    assert 'autocomplete="email"' in html


@pytest.mark.django_db
def test_full_reset_flow(client, citizen):
    response = _request_reset(client, "AN.NGUYEN@example.vn")
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:password-reset-sent")
    sent_page = client.get(response["Location"]).content.decode()
    assert "Kiểm tra hộp thư của bạn" in sent_page
    assert "1 giờ" in sent_page  # PASSWORD_RESET_TIMEOUT: one hour

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an.nguyen@example.vn"]
    assert message.subject == f"Đặt lại mật khẩu trên {settings.CONGSO_SITE_NAME}"
    assert "Kính gửi Nguyễn Văn An," in message.body
    assert "Tên đăng nhập của bạn: an.nguyen" in message.body

    link = _link_from_mail(message)
    response = client.get(link)
    # The token leaves the address bar (and the Referer header) before the form is shown.
    assert response.status_code == 302
    assert response["Location"].endswith("/dat-mat-khau-moi/")
    form_page = client.get(response["Location"])
    assert form_page.status_code == 200
    assert 'autocomplete="new-password"' in form_page.content.decode()

    response = client.post(
        response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("identity:password-reset-complete")
    assert "Đã đặt mật khẩu mới" in client.get(response["Location"]).content.decode()

    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    fresh = Client()
    assert (
        fresh.post(reverse("identity:login"), {"username": "an.nguyen", "password": NEW_PASSWORD}).status_code
        == 302
    )

    # A link works once.
    reused = client.get(link, follow=True)
    assert "Liên kết đặt lại mật khẩu không còn dùng được" in reused.content.decode()


@pytest.mark.django_db
def test_weak_password_is_refused_in_vietnamese(client, citizen):
    _request_reset(client, citizen.email)
    form_url = client.get(_link_from_mail(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    html = response.content.decode()
    min_length = 10
    assert f"Mật khẩu quá ngắn. Mật khẩu phải có ít nhất {min_length} ký tự." in html
    assert "Mật khẩu này hoàn toàn là số." in html
    assert '<a href="#id_new_password2">' in html  # in the error summary
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_like_the_user_name_is_refused(client, citizen):
    _request_reset(client, citizen.email)
    form_url = client.get(_link_from_mail(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"new_password1": "an.nguyen1", "new_password2": "an.nguyen1"})
    assert "Mật khẩu quá giống với" in response.content.decode()


@pytest.mark.django_db
def test_unknown_address_gets_the_same_answer_and_no_mail(client, citizen):
    known = _request_reset(client, citizen.email)
    unknown = _request_reset(Client(), "khong-co@example.vn")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    entries = AuditEntry.objects.filter(action="identity.password_reset.request").order_by("id")
    assert [(entry.object_id, entry.changes["account_found"]) for entry in entries] == [
        (str(citizen.pk), True),
        ("", False),
    ]


@pytest.mark.django_db
def test_malformed_address_is_refused_in_vietnamese(client):
    html = _request_reset(client, "not-an-address").content.decode()
    assert "Nhập địa chỉ email đúng định dạng, ví dụ ten@example.vn." in html
    assert '<a href="#id_email">' in html


@pytest.mark.django_db
def test_tampered_link_is_refused(client, citizen):
    _request_reset(client, citizen.email)
    link = _link_from_mail(mail.outbox[0])
    tampered = link[:-3] + ("aa/" if not link.endswith("aa/") else "bb/")
    html = client.get(tampered).content.decode()
    assert "Liên kết đặt lại mật khẩu không còn dùng được" in html


@pytest.mark.django_db
def test_completing_a_reset_lifts_the_accounts_lockout_and_is_audited(client, citizen, sign_in):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("an.nguyen", "wrong")
    assert sign_in("an.nguyen", PASSWORD).status_code == 429

    _request_reset(client, citizen.email)
    form_url = client.get(_link_from_mail(mail.outbox[0]))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert not AccessAttempt.objects.filter(username="an.nguyen").exists()
    entry = AuditEntry.objects.get(action="identity.password_reset.complete")
    assert entry.actor == citizen
    assert entry.changes["failed_sign_ins_cleared"] >= 1
    assert sign_in("an.nguyen", NEW_PASSWORD, client=Client()).status_code == 302
    assert SESSION_KEY not in client.session  # the reset itself does not sign anyone in
