"""Lockout after repeated failed sign-ins (django-axes), always through the real sign-in view."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories.identity import CITIZEN_ID, PASSWORD
from tests.support.html import has_link

LIMIT = settings.AXES_FAILURE_LIMIT
OTHER_PLACE = {"REMOTE_ADDR": "198.51.100.20", "HTTP_USER_AGENT": "Another browser/1.0"}


def _fail_until_locked(sign_in, username="an.nguyen", **extra):
    """Fail LIMIT times; the last failure reaches the limit and already gets the lockout page."""
    for _ in range(LIMIT - 1):
        response = sign_in(username, "wrong-password", **extra)
        assert response.status_code == 200
    response = sign_in(username, "wrong-password", **extra)
    assert response.status_code == 429
    return response


@pytest.mark.django_db
def test_locked_after_the_limit_even_with_the_right_password(sign_in, client, citizen):
    _fail_until_locked(sign_in)
    response = sign_in("an.nguyen", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_lock_by_name_holds_from_another_address_and_browser(sign_in, citizen):
    _fail_until_locked(sign_in)
    response = sign_in("an.nguyen", PASSWORD, client=Client(), **OTHER_PLACE)
    assert response.status_code == 429


@pytest.mark.django_db
def test_every_spelling_of_the_account_counts_towards_one_lock(sign_in, citizen):
    spellings = ["AN.NGUYEN", CITIZEN_ID, "074 090 000 123", " An.Nguyen ", "an.nguyen"]
    # A new address and browser each time: only the per-account counter can add these up.
    for number, spelling in enumerate((spellings * LIMIT)[: LIMIT - 1]):
        assert sign_in(spelling, "wrong", REMOTE_ADDR=f"203.0.113.{number + 1}").status_code == 200
    assert sign_in(spellings[-1], "wrong", REMOTE_ADDR="203.0.113.200").status_code == 429
    assert sign_in(CITIZEN_ID, PASSWORD, **OTHER_PLACE).status_code == 429


@pytest.mark.django_db
def test_lock_by_address_across_names(sign_in, citizen):
    for number in range(LIMIT - 1):
        assert sign_in(f"guess{number}", "wrong").status_code == 200
    assert sign_in("guess-last", "wrong").status_code == 429
    # The account itself is not locked: from elsewhere its owner gets in, from here nobody does.
    assert sign_in("an.nguyen", PASSWORD).status_code == 429
    assert sign_in("an.nguyen", PASSWORD, client=Client(), **OTHER_PLACE).status_code == 302


@pytest.mark.django_db
def test_a_new_user_agent_on_every_try_does_not_escape_the_address_lock(sign_in, citizen):
    """The address lock was per address and User-Agent: a script changing its User-Agent guessed on."""
    for number in range(LIMIT - 1):
        assert sign_in(f"guess{number}", "wrong", HTTP_USER_AGENT=f"bot/{number}").status_code == 200
    assert sign_in("guess-last", "wrong", HTTP_USER_AGENT="bot/last").status_code == 429
    assert sign_in("an.nguyen", PASSWORD, client=Client(), HTTP_USER_AGENT="bot/new").status_code == 429


@pytest.mark.django_db
@override_settings(CONGSO_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_behind_a_trusted_proxy_each_visitor_is_locked_separately(sign_in, citizen):
    """Behind a reverse proxy every request came from the proxy: one guesser locked out everybody."""
    guesser = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for number in range(LIMIT - 1):
        assert sign_in(f"guess{number}", "wrong", **guesser).status_code == 200
    assert sign_in("guess-last", "wrong", **guesser).status_code == 429
    owner = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    assert sign_in("an.nguyen", PASSWORD, client=Client(), **owner).status_code == 302
    assert AccessAttempt.objects.filter(ip_address="203.0.113.66").exists()


@pytest.mark.django_db
def test_lockout_page_says_when_to_retry_and_how_to_reset_without_naming_the_account(sign_in, citizen):
    response = _fail_until_locked(sign_in, username=CITIZEN_ID)
    html = response.content.decode()
    assert "Đăng nhập tạm thời bị khóa" in html
    assert f"Có {LIMIT} lần đăng nhập không thành công" in html
    retry_at = timezone.localtime(
        AccessAttempt.objects.get().attempt_time + timedelta(hours=settings.AXES_COOLOFF_TIME)
    )
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert (
        f"Bạn có thể thử lại sau {minutes} phút, tức là từ {retry_at:%H:%M} ngày {retry_at:%d/%m/%Y}." in html
    )
    assert "tính lại thời gian chờ" in html
    assert has_link(html, "/tai-khoan/quen-mat-khau/")
    assert "an.nguyen" not in html  # resolved from the national ID; showing it would reveal the account


@pytest.mark.django_db
@override_settings(AXES_COOLOFF_TIME=None)
def test_without_cool_off_the_lockout_page_sends_people_to_support(sign_in, citizen):
    html = _fail_until_locked(sign_in).content.decode()
    assert "liên hệ bộ phận hỗ trợ" in html
    assert "Bạn có thể thử lại sau" not in html


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off(sign_in, client, citizen):
    _fail_until_locked(sign_in)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    )
    assert sign_in("an.nguyen", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_successful_sign_in_resets_the_counter(sign_in, client, citizen):
    for _ in range(LIMIT - 1):
        assert sign_in("an.nguyen", "wrong").status_code == 200
    assert sign_in("an.nguyen", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post(reverse("identity:logout"))
    for _ in range(LIMIT - 1):
        assert sign_in("an.nguyen", "wrong").status_code == 200
    assert sign_in("an.nguyen", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_administrator_unlock_from_the_user_list_lets_the_owner_in(sign_in, citizen, make_user):
    _fail_until_locked(sign_in)
    admin_client = Client()
    admin_client.force_login(make_user(username="quantri", kind="official", is_staff=True, is_superuser=True))
    response = admin_client.post(
        reverse("admin:identity_user_changelist"),
        {"action": "unlock_sign_in_action", "_selected_action": [citizen.pk]},
    )
    assert response.status_code == 302
    assert sign_in("an.nguyen", PASSWORD, client=Client(), **OTHER_PLACE).status_code == 302


@pytest.mark.django_db
def test_administrator_reset_in_the_axes_list_lets_the_owner_in(sign_in, citizen, make_user):
    _fail_until_locked(sign_in)
    admin_client = Client()
    admin_client.force_login(make_user(username="quantri", kind="official", is_staff=True, is_superuser=True))
    attempt = AccessAttempt.objects.get()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in("an.nguyen", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_lockout_page_status_is_429_too_many_requests(sign_in, citizen):
    # AXES_HTTP_RESPONSE_CODE: axes's default is 429; the lockout page relies on it.
    assert settings.AXES_HTTP_RESPONSE_CODE == 429
    assert _fail_until_locked(sign_in).status_code == 429


@pytest.mark.django_db
@override_settings(AXES_USERNAME_CALLABLE="congso.identity.lockout.lockout_username")
def test_with_the_username_callable_the_admin_login_counts_every_spelling_too(sign_in, citizen):
    # The admin's own login form passes what was typed straight to authenticate(); the callable
    # makes axes count it under the account's name all the same.
    spellings = ["AN.NGUYEN", CITIZEN_ID, "An.Nguyen"]
    for number in range(LIMIT):
        Client().post(
            reverse("admin:login"),
            {"username": spellings[number % len(spellings)], "password": "wrong"},
            REMOTE_ADDR=f"203.0.113.{number + 1}",
        )
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"an.nguyen"}
    assert sign_in("an.nguyen", PASSWORD, **OTHER_PLACE).status_code == 429


def _lock_this_address(sign_in):
    for number in range(LIMIT):
        sign_in(f"guess{number}", "wrong")


@pytest.mark.django_db
def test_a_locked_sign_in_never_answers_in_json_naming_the_account(sign_in, citizen):
    _lock_this_address(sign_in)
    response = sign_in(CITIZEN_ID, "wrong", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "an.nguyen" not in response.content.decode()


@pytest.mark.django_db
@override_settings(
    AXES_LOCKOUT_CALLABLE="congso.identity.lockout.lockout_response",
    AXES_USERNAME_CALLABLE="congso.identity.lockout.lockout_username",
)
def test_lockout_callable_answers_every_entry_point_with_the_page_and_retry_after(citizen):
    client = Client()
    for number in range(LIMIT):
        client.post(reverse("admin:login"), {"username": f"guess{number}", "password": "wrong"})
    response = client.post(
        reverse("admin:login"),
        {"username": CITIZEN_ID, "password": "wrong"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "Đăng nhập tạm thời bị khóa" in response.content.decode()
    assert "an.nguyen" not in response.content.decode()
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME * 3600))
