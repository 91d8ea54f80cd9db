import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from congso.core.models import AuditEntry
from tests.factories.identity import PASSWORD
from tests.support.html import has_link, one, select

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
    assert one(html, 'input[name="email"]')["autocomplete"] == "email"


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
    assert {field["autocomplete"] for field in select(form_page, 'input[type="password"]')} == {
        "new-password"
    }

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
    assert has_link(one(html, ".error-summary"), "#id_new_password2")
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
    assert has_link(html, "#id_email")


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


# --- Rate limits: per account and per client address ----------------------------------------------


@pytest.mark.django_db
def test_reset_mails_per_account_are_limited_and_the_page_stays_the_same(client, citizen, settings):
    settings.CONGSO_PASSWORD_RESET_ACCOUNT_LIMIT = 2
    pages = []
    for number in range(4):
        # From a different address each time: the account's limit holds whoever asks.
        response = client.post(RESET, {"email": citizen.email}, REMOTE_ADDR=f"198.51.100.{number}")
        pages.append((response.status_code, response["Location"]))
    assert len(mail.outbox) == 2
    assert set(pages) == {(302, reverse("identity:password-reset-sent"))}
    throttled = AuditEntry.objects.filter(action="identity.password_reset.throttled")
    assert throttled.count() == 2
    assert {e.changes["limit"] for e in throttled} == {"account"}
    assert {e.object_id for e in throttled} == {str(citizen.pk)}
    # A held-back request is not also audited as "no account has this address".
    assert not AuditEntry.objects.filter(changes__account_found=False).exists()


@pytest.mark.django_db
def test_reset_requests_per_client_address_are_limited_whatever_address_is_asked(client, make_user, settings):
    settings.CONGSO_PASSWORD_RESET_ADDRESS_LIMIT = 3
    people = [make_user(username=f"nguoi{i}", email=f"nguoi{i}@example.vn") for i in range(5)]
    for person in people:
        response = client.post(RESET, {"email": person.email}, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302
        assert response["Location"] == reverse("identity:password-reset-sent")
    assert [m.to for m in mail.outbox] == [[p.email] for p in people[:3]]
    throttled = AuditEntry.objects.filter(action="identity.password_reset.throttled")
    assert [e.changes for e in throttled.order_by("pk")] == [
        {"email": p.email, "limit": "address"} for p in people[3:]
    ]
    # Another client is not held back by this one.
    client.post(RESET, {"email": people[4].email}, REMOTE_ADDR="203.0.113.8")
    assert mail.outbox[-1].to == [people[4].email]


@pytest.mark.django_db
def test_unknown_addresses_count_against_the_client_too(client, citizen, settings):
    """Probing for accounts costs the same as asking for links: no way round the limit, no enumeration."""
    settings.CONGSO_PASSWORD_RESET_ADDRESS_LIMIT = 2
    for number in range(2):
        client.post(RESET, {"email": f"khong-co-{number}@example.vn"}, REMOTE_ADDR="203.0.113.9")
    response = client.post(RESET, {"email": citizen.email}, REMOTE_ADDR="203.0.113.9")
    assert response["Location"] == reverse("identity:password-reset-sent")
    assert mail.outbox == []
