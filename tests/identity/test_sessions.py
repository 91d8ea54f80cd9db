"""The session engine and the backend's ``get_user`` read their rows by named queries
(``identity.sessions``, ``identity.backends``); what they give must be what Django's give."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from congso.identity.backends import UsernameOrNationalIdBackend
from congso.identity.sessions import SessionStore


def test_a_saved_session_is_read_back_and_an_expired_one_is_not(db):
    store = SessionStore()
    store["colour"] = "xanh"
    store.save()
    assert SessionStore(session_key=store.session_key)["colour"] == "xanh"

    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(session_key=store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's: the key is dropped, a new one is made on save


def test_an_unknown_session_key_reads_nothing(db):
    assert SessionStore(session_key="k" * 32).load() == {}


def test_get_user_gives_the_active_account_only(make_user):
    backend = UsernameOrNationalIdBackend()
    citizen = make_user(kind="citizen", email="b@example.vn")
    found = backend.get_user(citizen.pk)
    assert found == citizen and found.email == "b@example.vn" and found.national_id == citizen.national_id
    assert backend.get_user(str(citizen.pk)) == citizen  # as stored in the session: text

    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert backend.get_user(citizen.pk) is None
    assert backend.get_user(citizen.pk + 1000) is None
    assert backend.get_user("not-a-number") is None


def test_a_signed_in_request_reads_its_session_and_account(client, make_user):
    citizen = make_user(kind="citizen")
    client.force_login(citizen)
    page = client.get("/ho-so-cua-toi/")
    assert page.status_code == 200
    assert page.wsgi_request.user == citizen
