from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.utils import timezone

from congso.core.models import AuditEntry
from congso.identity import services
from tests.factories.identity import CITIZEN_ID


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  an.nguyen  ", "an.nguyen"),
        ("074 090 000 123", "074090000123"),
        ("074.090.000.123", "074090000123"),
        ("074-090-000-123", "074090000123"),
        ("０７４０９００００１２３", "074090000123"),
        ("\t074090000123\n", "074090000123"),
        ("3700000001-001", "3700000001-001"),  # a tax-code-like user name is not an ID: left alone
        ("An.Nguyen", "An.Nguyen"),
        (None, ""),
    ],
)
def test_identifier_is_normalised(typed, expected):
    assert services.normalise_sign_in_identifier(typed) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["an.nguyen", "AN.NGUYEN", " An.Nguyen ", CITIZEN_ID, "074 090 000 123"])
def test_every_spelling_of_an_account_resolves_to_its_exact_user_name(citizen, typed):
    assert services.canonical_sign_in_name(typed) == "an.nguyen"


@pytest.mark.django_db
def test_unknown_identifiers_are_case_folded_so_spellings_share_one_counter(citizen):
    assert services.canonical_sign_in_name("Nobody.Here") == "nobody.here"
    assert services.canonical_sign_in_name("NOBODY.HERE") == "nobody.here"
    assert services.canonical_sign_in_name("099 999 999 999") == "099999999999"
    assert services.canonical_sign_in_name("") == ""


@pytest.mark.django_db
def test_default_home_depends_on_the_kind_of_account(citizen, official, make_user):
    assert services.default_home_url(official) == "/can-bo/"
    assert services.default_home_url(citizen) == "/"
    assert services.default_home_url(make_user(kind="business")) == "/"
    assert services.default_home_url(None) == "/"


@pytest.mark.parametrize(
    ("next_url", "secure", "expected"),
    [
        ("/ho-so/?trang=2", False, "/ho-so/?trang=2"),
        ("http://testserver/can-bo/", False, "http://testserver/can-bo/"),
        ("http://testserver/can-bo/", True, ""),  # an HTTPS page must not send people to HTTP
        ("https://evil.example/", False, ""),
        ("//evil.example/", False, ""),
        ("/\\evil.example", False, ""),
        ("javascript:alert(1)", False, ""),
        ("", False, ""),
    ],
)
def test_only_same_site_next_pages_are_accepted(next_url, secure, expected):
    request = RequestFactory().get("/tai-khoan/dang-nhap/", {"next": next_url}, secure=secure)
    assert services.safe_next_url(request) == expected


def test_next_page_from_the_form_wins_over_the_query_string():
    request = RequestFactory().post("/tai-khoan/dang-nhap/?next=/a/", {"next": "/b/"})
    assert services.safe_next_url(request) == "/b/"


def _fail(username, *, count, ip="127.0.0.1", when=None):
    return AccessAttempt.objects.create(
        username=username,
        ip_address=ip,
        user_agent="test",
        http_accept="*/*",
        path_info="/tai-khoan/dang-nhap/",
        get_data="",
        post_data="",
        failures_since_start=count,
        attempt_time=when or timezone.now(),
    )


@pytest.mark.django_db
def test_lock_state_counts_recent_failures_against_the_name():
    limit = settings.AXES_FAILURE_LIMIT
    assert services.sign_in_lock("an.nguyen") is None
    _fail("an.nguyen", count=limit - 1)
    assert services.sign_in_lock("an.nguyen") is None
    last = _fail("an.nguyen", count=1, ip="10.0.0.2")
    lock = services.sign_in_lock("an.nguyen")
    assert lock.failures == limit
    assert lock.until == AccessAttempt.objects.get(pk=last.pk).attempt_time + timedelta(
        hours=settings.AXES_COOLOFF_TIME
    )


@pytest.mark.django_db
def test_failures_older_than_the_cool_off_no_longer_lock():
    _fail("an.nguyen", count=settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    )
    assert services.sign_in_lock("an.nguyen") is None


@pytest.mark.django_db
@override_settings(AXES_COOLOFF_TIME=None)
def test_without_cool_off_a_lock_lasts_until_an_administrator_lifts_it():
    _fail("an.nguyen", count=settings.AXES_FAILURE_LIMIT, when=timezone.now() - timedelta(days=30))
    lock = services.sign_in_lock("an.nguyen")
    assert lock.until is None


@pytest.mark.django_db
def test_unlock_removes_only_that_names_failures_and_is_audited(citizen):
    _fail("an.nguyen", count=settings.AXES_FAILURE_LIMIT)
    _fail("an.nguyen", count=1, ip="10.0.0.2")
    _fail("someone.else", count=2)

    assert services.unlock_sign_in("an.nguyen", subject=citizen) == 2

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone.else"]
    entry = AuditEntry.objects.get(action="identity.unlock")
    assert entry.object_id == str(citizen.pk)
    assert entry.changes == {"username": "an.nguyen", "attempts_removed": 2}


def test_users_are_found_by_their_exact_user_name(citizen):
    assert services.find_by_username("an.nguyen") == citizen
    assert services.user_exists("an.nguyen")
    assert services.find_by_username("An.Nguyen") is None
    assert not services.user_exists("khong.co")
