"""Local accounts: register with a phone or e-mail, activate with a one-time code, sign in with the address,
reset a forgotten password with a code; and the negatives (wrong, expired, reused code, too many tries,
limits, an address that already has an account)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from congso.core.models import AuditEntry
from congso.identity import one_time_codes
from congso.identity.base import CodeNotSent, OneTimeCodeSender
from congso.identity.models import AssuranceLevel, OneTimeCode, UserKind
from congso.identity.registry import one_time_code_senders
from congso.identity.validators import normalise_phone
from tests.factories.identity import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mat-khau-moi-2026!"
PHONE = "0912345678"


class _Phone(OneTimeCodeSender):
    sent: list = []

    def send(self, address, subject, body):
        type(self).sent.append((address, body))


class _BrokenPhone(OneTimeCodeSender):
    def send(self, address, subject, body):
        raise CodeNotSent("gateway down")


@pytest.fixture
def phone_outbox():
    """SMS codes land in a list instead of the gateway (the registered sender is put back after)."""
    previous = one_time_code_senders["phone"] if "phone" in one_time_code_senders else None
    one_time_code_senders.remove("phone")
    one_time_code_senders.add("phone", _Phone)
    _Phone.sent = []
    yield _Phone.sent
    one_time_code_senders.remove("phone")
    if previous is not None:
        one_time_code_senders.add("phone", previous)


def _code(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def _end_cool_down():
    """As if the minute between two codes to one address had passed."""
    from congso.core.models import RateCounter

    RateCounter.objects.filter(scope="identity.one_time_code.cool_down").delete()


def _register(client, contact, name="Lê Thị Hoa", password=PASSWORD, follow=False):
    return client.post(
        reverse("identity:register"),
        {"full_name": name, "contact": contact, "password1": password, "password2": password},
        follow=follow,
    )


def _verify(client, code):
    return client.post(reverse("identity:register-verify"), {"code": code})


def test_phone_numbers_are_normalised_to_the_vietnamese_form():
    for raw in (
        "0912345678",
        "+84 912 345 678",
        "84912345678",
        "0912.345.678",
        "０９１２３４５６７８",
        "(091) 234-5678",
    ):
        assert normalise_phone(raw) == PHONE, raw
    for raw in ("912345678", "01234567890", "0112345678", "+1 912 345 678", "091234567a", ""):
        assert normalise_phone(raw) == "", raw


def test_register_with_a_phone_then_sign_in_with_it(client, phone_outbox, sign_in):
    response = _register(client, "+84 912 345 678")
    assert response.status_code == 302 and response["Location"] == reverse("identity:register-verify")
    user = get_user_model().objects.get(phone=PHONE)
    assert not user.is_active and user.phone_verified_at is None and user.national_id is None
    [(address, body)] = phone_outbox
    assert address == PHONE and "mã kích hoạt" in body
    page = client.get(reverse("identity:register-verify"))
    assert "09******78" in page.content.decode() and PHONE not in page.content.decode()

    response = _verify(client, _code(body))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.phone_verified_at is not None
    assert (user.kind, user.assurance_level) == (UserKind.CITIZEN, AssuranceLevel.LEVEL_1)
    user.full_clean()  # a citizen without national ID is valid once the phone is verified
    assert client.get(reverse("portal:home")).wsgi_request.user == user
    login = AuditEntry.objects.filter(action="identity.login", object_id=str(user.pk)).get()
    assert login.changes["method"] == "local_account" and login.changes["assurance_level"] == 1
    stored = OneTimeCode.objects.get(user=user)
    assert _code(body) not in stored.code_hash and stored.used_at is not None

    client.logout()
    assert sign_in("0912 345 678", PASSWORD).status_code == 302
    assert client.get(reverse("portal:home")).wsgi_request.user == user


def test_register_with_an_email_then_sign_in_with_it(client, mailoutbox, sign_in):
    _register(client, "Hoa.Le@Example.VN")
    [mail] = mailoutbox
    assert mail.to == ["hoa.le@example.vn"] and "Mã kích hoạt" in mail.subject
    _verify(client, _code(mail.body))
    user = get_user_model().objects.get(email="hoa.le@example.vn")
    assert user.is_active and user.email_verified_at is not None
    client.logout()
    assert sign_in("HOA.LE@example.vn", PASSWORD).status_code == 302


def test_an_unverified_account_cannot_sign_in(client, mailoutbox, sign_in):
    _register(client, "chua.xac.minh@example.vn")
    response = sign_in("chua.xac.minh@example.vn", PASSWORD)
    assert response.status_code == 200 and "không đúng" in response.content.decode()


def test_wrong_code_is_refused_and_changes_nothing(client, mailoutbox):
    _register(client, "sai.ma@example.vn")
    right = _code(mailoutbox[0].body)
    wrong = "000000" if right != "000000" else "111111"
    response = _verify(client, wrong)
    assert response.status_code == 200 and "Mã xác minh không đúng" in response.content.decode()
    assert not get_user_model().objects.get(email="sai.ma@example.vn").is_active


def test_too_many_wrong_codes_kill_the_code(client, mailoutbox, settings):
    _register(client, "nhieu.lan@example.vn")
    right = _code(mailoutbox[0].body)
    wrong = "000000" if right != "000000" else "111111"
    for _n in range(settings.CONGSO_ONE_TIME_CODE_ATTEMPTS - 1):
        assert "không đúng" in _verify(client, wrong).content.decode()
    assert "quá nhiều lần" in _verify(client, wrong).content.decode()
    assert "quá nhiều lần" in _verify(client, right).content.decode()  # even the right one now
    assert not get_user_model().objects.get(email="nhieu.lan@example.vn").is_active


def test_an_expired_code_is_refused(client, mailoutbox):
    _register(client, "het.han@example.vn")
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _verify(client, _code(mailoutbox[0].body))
    assert "hết hạn" in response.content.decode()
    assert not get_user_model().objects.get(email="het.han@example.vn").is_active


def test_a_used_code_does_not_pass_twice(client, mailoutbox):
    _register(client, "mot.lan@example.vn")
    code = _code(mailoutbox[0].body)
    _verify(client, code)
    user = get_user_model().objects.get(email="mot.lan@example.vn")
    assert one_time_codes.check("sign_up", "mot.lan@example.vn", code).outcome == "wrong"
    assert user.is_active


def test_resend_waits_for_the_cool_down_and_replaces_the_old_code(client, mailoutbox, settings):
    _register(client, "gui.lai@example.vn")
    first = _code(mailoutbox[0].body)
    response = client.post(reverse("identity:register-verify"), {"resend": "1"}, follow=True)
    assert "Vui lòng đợi" in response.content.decode() and len(mailoutbox) == 1
    settings.CONGSO_ONE_TIME_CODE_RESEND_SECONDS = 1
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(seconds=5))
    from congso.core.models import RateCounter

    RateCounter.objects.filter(scope="identity.one_time_code.cool_down").delete()
    response = client.post(reverse("identity:register-verify"), {"resend": "1"}, follow=True)
    assert "Đã gửi mã mới" in response.content.decode() and len(mailoutbox) == 2
    second = _code(mailoutbox[1].body)
    if first != second:
        assert "không đúng" in _verify(client, first).content.decode()
    _verify(client, second)
    assert get_user_model().objects.get(email="gui.lai@example.vn").is_active


def _seconds_to_wait(page: str) -> int:
    return int(re.search(r"Vui lòng đợi (\d+) giây", page).group(1))


def _seconds_until_the_code(page: str) -> int:
    return int(re.search(r"có thể gửi sau (\d+) giây", page).group(1))


def _resend_after_the_wait(client):
    _end_cool_down()
    return client.post(reverse("identity:register-verify"), {"resend": "1"}, follow=True)


def test_registering_again_too_soon_replaces_the_attempt_and_says_when_its_code_comes(client, mailoutbox):
    _register(client, "hai.lan@example.vn")
    other = client.__class__()  # another device's session, without the first one's state
    response = _register(other, "hai.lan@example.vn", follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(reverse("identity:register-verify"), 302)]
    assert 0 < _seconds_until_the_code(page) <= 60 and "Gửi lại mã" in page
    assert "không còn dùng được" in page and len(mailoutbox) == 1
    # Asking again meanwhile does not move the minute on.
    again = _register(other, "hai.lan@example.vn", follow=True).content.decode()
    assert _seconds_until_the_code(again) <= _seconds_until_the_code(page)
    # The code sent for the first attempt activates neither attempt now.
    first_code = _code(mailoutbox[0].body)
    refused = _verify(other, first_code).content.decode()
    assert "Mã này được gửi cho một lần đăng ký trước" in refused
    assert "lần đăng ký mới hơn" in _verify(client, first_code).content.decode()
    assert not get_user_model().objects.get(email="hai.lan@example.vn").is_active
    # After the wait, the button sends the code of this attempt, which activates it.
    assert "Đã gửi mã mới" in _resend_after_the_wait(other).content.decode()
    _verify(other, _code(mailoutbox[1].body))
    assert get_user_model().objects.get(email="hai.lan@example.vn").is_active


def test_a_retry_with_another_password_activates_with_the_new_password(client, mailoutbox, sign_in):
    _register(client, "doi.y@example.vn", password=PASSWORD)
    _register(client, "doi.y@example.vn", password=NEW_PASSWORD)
    assert (
        "Mã này được gửi cho một lần đăng ký trước"
        in _verify(client, _code(mailoutbox[0].body)).content.decode()
    )
    _resend_after_the_wait(client)
    _verify(client, _code(mailoutbox[1].body))
    user = get_user_model().objects.get(email="doi.y@example.vn")
    assert user.is_active and user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    client.logout()
    assert sign_in("doi.y@example.vn", NEW_PASSWORD).status_code == 302


def test_a_code_sent_for_someone_elses_attempt_never_activates_yours(client, phone_outbox):
    attacker, attackers_password = client.__class__(), "Ke-gian-2026-mat-khau!"
    _register(attacker, PHONE, name="Kẻ giả mạo", password=attackers_password)
    # The owner of the phone registers while the attacker's code is on the phone.
    _register(client, PHONE, password=PASSWORD)
    [(_address, attackers_code)] = phone_outbox
    refused = _verify(client, _code(attackers_code)).content.decode()
    assert "Mã này được gửi cho một lần đăng ký trước" in refused
    assert not get_user_model().objects.get(phone=PHONE).is_active
    # The attacker starts over once the wait is over: the owner's attempt is superseded, and the code now
    # on the phone (the attacker's) works neither in the owner's browser nor makes their button send one.
    _end_cool_down()
    _register(attacker, PHONE, name="Kẻ giả mạo", password=attackers_password)
    newest_code = _code(phone_outbox[-1][1])
    assert "lần đăng ký mới hơn" in _verify(client, newest_code).content.decode()
    resent = _resend_after_the_wait(client).content.decode()
    assert "lần đăng ký mới hơn" in resent and len(phone_outbox) == 2
    assert not get_user_model().objects.get(phone=PHONE).is_active
    # Registering again takes the address back; its own code activates it with its own password.
    _end_cool_down()
    _register(client, PHONE, password=PASSWORD)
    _verify(client, _code(phone_outbox[-1][1]))
    user = get_user_model().objects.get(phone=PHONE)
    assert user.is_active and user.check_password(PASSWORD) and not user.check_password(attackers_password)
    assert user.full_name == "Lê Thị Hoa"


def test_the_same_registration_sent_twice_keeps_its_attempt_and_code(client, mailoutbox, sign_in):
    """A double click, or the form sent again from the code page's back button: the code already sent
    still works, nothing is sent again and nobody waits out the cool-down."""
    _register(client, "bam.hai.lan@example.vn")
    again = _register(client, "bam.hai.lan@example.vn", follow=True)
    page = again.content.decode()
    assert again.redirect_chain == [(reverse("identity:register-verify"), 302)]
    assert "Bạn đã gửi đăng ký này rồi" in page and "b***@example.vn" in page
    assert "không còn dùng được" not in page and "có thể gửi sau" not in page
    assert len(mailoutbox) == 1 and OneTimeCode.objects.count() == 1
    _verify(client, _code(mailoutbox[0].body))
    assert get_user_model().objects.get(email="bam.hai.lan@example.vn").is_active
    client.logout()
    assert sign_in("bam.hai.lan@example.vn", PASSWORD).status_code == 302


def test_sent_again_after_its_attempt_was_replaced_or_expired_is_a_new_attempt(client, mailoutbox):
    _register(client, "lai.lan.nua@example.vn")
    other = client.__class__()
    _end_cool_down()
    _register(other, "lai.lan.nua@example.vn", password=NEW_PASSWORD)  # another device takes over
    _end_cool_down()
    page = _register(client, "lai.lan.nua@example.vn", follow=True).content.decode()
    assert "Bạn đã gửi đăng ký này rồi" not in page and len(mailoutbox) == 3
    _verify(client, _code(mailoutbox[2].body))
    user = get_user_model().objects.get(email="lai.lan.nua@example.vn")
    assert user.is_active and user.check_password(PASSWORD)
    # An attempt whose code expired is not kept either: the person gets a new code.
    fresh = client.__class__()
    _register(fresh, "het.han@example.vn")
    OneTimeCode.objects.filter(address="het.han@example.vn").update(expires_at=timezone.now())
    _end_cool_down()
    page = _register(fresh, "het.han@example.vn", follow=True).content.decode()
    assert "Bạn đã gửi đăng ký này rồi" not in page and len(mailoutbox) == 5


def test_the_same_registration_sent_twice_is_explained_in_english_too(client, mailoutbox):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    _register(client, "hai.lan.en@example.vn")
    page = _register(client, "hai.lan.en@example.vn", follow=True).content.decode()
    assert "You have already sent this registration. Enter the code sent to h***@example.vn" in page


def test_a_replaced_attempt_is_explained_in_english_too(client, mailoutbox):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    _register(client, "tieng.anh@example.vn")
    page = _register(client, "tieng.anh@example.vn", password=NEW_PASSWORD, follow=True).content.decode()
    assert "Codes sent to this address before no longer work." in page
    assert re.search(r"can be sent in \d+ seconds", page) and "Send the code again" in page
    refused = _verify(client, _code(mailoutbox[0].body)).content.decode()
    assert "This code was sent for an earlier registration" in refused


def test_a_code_activates_only_from_the_session_of_its_attempt(client, mailoutbox):
    from congso.identity import local_accounts

    _register(client, "mot.phien@example.vn")
    contact = local_accounts.parse_contact("mot.phien@example.vn")
    code = _code(mailoutbox[0].body)
    with pytest.raises(local_accounts.CodeRefused) as refused:
        local_accounts.activate(contact, code, attempt="phien-khac")
    assert refused.value.outcome == "superseded"
    assert OneTimeCode.objects.get().attempts == 0  # the other session's tries cost the attempt nothing
    _verify(client, code)
    assert get_user_model().objects.get(email="mot.phien@example.vn").is_active


def test_a_reset_code_asked_again_too_soon_leads_to_the_code_page(client, local_user, phone_outbox):
    client.post(reverse("identity:password-reset-by-code"), {"contact": PHONE})
    response = client.post(reverse("identity:password-reset-by-code"), {"contact": PHONE})
    page = response.content.decode()
    assert 0 < _seconds_to_wait(page) <= 60
    assert f'href="{reverse("identity:password-reset-code")}"' in page
    [(_address, body)] = phone_outbox
    assert _reset(client, _code(body))["Location"] == reverse("identity:password-reset-complete")


def test_sends_per_address_are_limited(client, mailoutbox, settings):
    settings.CONGSO_ONE_TIME_CODE_RESEND_SECONDS = 1
    settings.CONGSO_ONE_TIME_CODE_ADDRESS_LIMIT = 2
    from congso.core.models import RateCounter

    # Each time with other answers: the same form sent again would keep its attempt and send nothing.
    for n in range(2):
        RateCounter.objects.filter(scope="identity.one_time_code.cool_down").delete()
        assert _register(client, "gioi.han@example.vn", name=f"Lần {n}").status_code == 302
    RateCounter.objects.filter(scope="identity.one_time_code.cool_down").delete()
    response = _register(client, "gioi.han@example.vn", name="Lần 3")
    assert response.status_code == 200 and "quá nhiều lần" in response.content.decode()
    assert len(mailoutbox) == 2
    assert get_user_model().objects.filter(email="gioi.han@example.vn").count() == 1  # reused, not duplicated


def test_sends_per_client_are_limited_whatever_the_address(client, mailoutbox, settings):
    settings.CONGSO_ONE_TIME_CODE_CLIENT_LIMIT = 2
    assert _register(client, "mot@example.vn").status_code == 302
    assert _register(client, "hai@example.vn").status_code == 302
    response = _register(client, "ba@example.vn")
    assert "quá nhiều lần" in response.content.decode()
    assert not get_user_model().objects.filter(email="ba@example.vn").exists()


def test_an_address_with_an_account_gets_a_notice_and_the_same_page(client, mailoutbox, phone_outbox):
    _register(client, "da.co@example.vn")
    _verify(client, _code(mailoutbox[0].body))
    owner = get_user_model().objects.get(email="da.co@example.vn")
    client.logout()
    _end_cool_down()
    response = _register(client, "da.co@example.vn", name="Kẻ giả mạo", password="Mat-khau-khac-99!")
    assert response.status_code == 302 and response["Location"] == reverse("identity:register-verify")
    assert "đã có tài khoản" in mailoutbox[1].subject and not re.search(r"\b\d{6}\b", mailoutbox[1].body)
    assert get_user_model().objects.filter(email__iexact="da.co@example.vn").count() == 1
    owner.refresh_from_db()
    assert owner.full_name == "Lê Thị Hoa" and owner.check_password(PASSWORD)


def test_an_address_with_an_account_answers_retries_and_codes_like_one_without(client, mailoutbox, settings):
    _register(client, "co.roi@example.vn")
    _verify(client, _code(mailoutbox[0].body))
    client.logout()
    _end_cool_down()

    def journey(address):
        visitor = client.__class__()
        first = _register(visitor, address)
        again = _register(visitor, address, password=NEW_PASSWORD, follow=True)
        twice = _register(visitor, address, password=NEW_PASSWORD, follow=True)
        wrong = [
            _verify(visitor, "000000").content.decode()
            for _n in range(settings.CONGSO_ONE_TIME_CODE_ATTEMPTS)
        ]
        return (
            (first.status_code, first["Location"], again.redirect_chain),
            _seconds_until_the_code(again.content.decode()) > 0,
            "Bạn đã gửi đăng ký này rồi" in twice.content.decode(),
            ["quá nhiều lần" in page for page in wrong],
        )

    # Without the retry's recorded attempt an address with an account had no code to wear down: its
    # wrong codes never turned into "too many", which told it apart.
    assert journey("co.roi@example.vn") == journey("chua.co@example.vn")


def test_the_verified_address_is_unique_in_the_database(client, mailoutbox):
    from django.db import IntegrityError, transaction

    _register(client, "duy.nhat@example.vn")
    _verify(client, _code(mailoutbox[0].body))
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create(
            username="khac",
            email="DUY.NHAT@example.vn",
            email_verified_at=timezone.now(),
            kind=UserKind.CITIZEN,
        )


def test_bad_input_gets_a_clear_message_and_makes_nothing(client, mailoutbox):
    response = _register(client, "12345")
    assert "Nhập số điện thoại Việt Nam" in response.content.decode()
    response = _register(client, "ok@example.vn", password="123")
    assert response.status_code == 200
    assert not get_user_model().objects.filter(email="ok@example.vn").exists() and mailoutbox == []


def test_without_an_sms_sender_a_phone_is_refused_clearly(client):
    previous = one_time_code_senders["phone"] if "phone" in one_time_code_senders else None
    one_time_code_senders.remove("phone")
    try:
        response = _register(client, PHONE)
    finally:
        if previous is not None:
            one_time_code_senders.add("phone", previous)
    assert "Hãy dùng địa chỉ email" in response.content.decode()
    assert not get_user_model().objects.filter(phone=PHONE).exists()


def test_a_failed_delivery_is_audited(client):
    one_time_code_senders.remove("phone")
    one_time_code_senders.add("phone", _BrokenPhone)
    try:
        assert _register(client, PHONE).status_code == 302
    finally:
        one_time_code_senders.remove("phone")
        from congso.notifications.one_time_codes import SmsCodeSender

        one_time_code_senders.add("phone", SmsCodeSender)
    assert AuditEntry.objects.filter(action="identity.one_time_code.not_sent").exists()


def test_the_notifications_block_registers_its_channels():
    from congso.notifications.one_time_codes import EmailCodeSender, SmsCodeSender

    assert one_time_code_senders["email"] is EmailCodeSender
    assert one_time_code_senders["phone"] is SmsCodeSender
    # SMS without diacritics: one GSM-7 part instead of two UCS-2 ones.
    assert SmsCodeSender().text("123456 là mã kích hoạt") == "123456 la ma kich hoat"


# --- Password reset by code ------------------------------------------------------------------------------


@pytest.fixture
def local_user(client, phone_outbox):
    _register(client, PHONE)
    _verify(client, _code(phone_outbox[-1][1]))
    client.logout()
    phone_outbox.clear()
    return get_user_model().objects.get(phone=PHONE)


def _reset(client, code, password=NEW_PASSWORD):
    return client.post(
        reverse("identity:password-reset-code"),
        {"code": code, "new_password1": password, "new_password2": password},
    )


def test_password_reset_by_code(client, local_user, phone_outbox, sign_in):
    response = client.post(reverse("identity:password-reset-by-code"), {"contact": "+84912345678"})
    assert response["Location"] == reverse("identity:password-reset-code")
    [(_address, body)] = phone_outbox
    response = _reset(client, _code(body))
    assert response["Location"] == reverse("identity:password-reset-complete")
    local_user.refresh_from_db()
    assert local_user.check_password(NEW_PASSWORD)
    assert sign_in(PHONE, NEW_PASSWORD).status_code == 302
    # The code is used up.
    client.logout()
    _end_cool_down()
    client.post(reverse("identity:password-reset-by-code"), {"contact": PHONE})
    assert "không đúng" in _reset(client, _code(body), password="Lai-mot-mat-khau-3!").content.decode()


def test_reset_for_an_unknown_address_looks_the_same_and_never_passes(client, local_user, phone_outbox):
    response = client.post(reverse("identity:password-reset-by-code"), {"contact": "0987654321"})
    assert response["Location"] == reverse("identity:password-reset-code")
    assert phone_outbox == []
    page = client.get(reverse("identity:password-reset-code")).content.decode()
    assert "09******21" in page
    assert "không đúng" in _reset(client, "123456").content.decode()


def test_a_wrong_reset_code_changes_nothing(client, local_user, phone_outbox):
    client.post(reverse("identity:password-reset-by-code"), {"contact": PHONE})
    right = _code(phone_outbox[0][1])
    response = _reset(client, "000000" if right != "000000" else "111111")
    assert "không đúng" in response.content.decode()
    local_user.refresh_from_db()
    assert local_user.check_password(PASSWORD)


def test_reset_code_pages_need_a_request_first(client):
    response = client.get(reverse("identity:password-reset-code"))
    assert response["Location"] == reverse("identity:password-reset-by-code")
    response = client.get(reverse("identity:register-verify"))
    assert response["Location"] == reverse("identity:register")


def test_pages_are_offered_in_english_too(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("identity:register")).content.decode()
    assert "Create an account" in page and "Phone number or e-mail address" in page


def test_a_local_account_is_offered_the_national_e_id_on_its_security_page(client, mailoutbox, settings):
    settings.CONGSO_VNEID_ISSUER = "https://vneid.example/"
    settings.CONGSO_VNEID_CLIENT_ID = "congso"
    _register(client, "muc.hai@example.vn")
    _verify(client, _code(mailoutbox[0].body))
    page = client.get(reverse("identity:security")).content.decode()
    assert "Xác thực bằng VNeID" in page and "/tai-khoan/dang-nhap/vneid/?next=/tai-khoan/bao-mat/" in page
    user = get_user_model().objects.get(email="muc.hai@example.vn")
    user.national_id = "074090001234"
    user.save()
    assert "Xác thực bằng VNeID" not in client.get(reverse("identity:security")).content.decode()
