"""``identity.services.eid_authenticated_share``: the share of active citizens and businesses who signed
in with the national e-ID in a period (the plan's 40% target), for the reporting block."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from congso.core import audit
from congso.core.models import AuditEntry
from congso.identity.services import EID_SHARE_TARGET, eid_authenticated_share
from tests.support.clock import local


@pytest.fixture
def signed_in(clock):
    def record(user, method, day):
        clock.set(local(day.year, day.month, day.day, 9))
        audit.record("identity.login", user, actor=user, changes={"method": method})

    return record


@pytest.mark.django_db
def test_share_counts_distinct_citizens_and_businesses_in_the_period(make_user, signed_in):
    a, b, c = make_user("a"), make_user("b"), make_user("c")
    firm = make_user("firm", kind="business")
    official = make_user("officer", kind="official")
    day = date(2026, 3, 10)
    signed_in(a, "vneid", day)
    signed_in(a, "vneid", day)  # twice: one person
    signed_in(a, "password", day)
    signed_in(b, "password", day)
    signed_in(firm, "vneid", day + timedelta(days=1))
    signed_in(official, "vneid", day)  # officials are not counted
    signed_in(c, "vneid", day - timedelta(days=1))  # before the period
    share = eid_authenticated_share(day, day + timedelta(days=1))
    assert (share.active, share.with_eid) == (3, 2)
    assert share.share == pytest.approx(2 / 3) and share.meets_target and share.target == EID_SHARE_TARGET
    only_first_day = eid_authenticated_share(day, day)
    assert (only_first_day.active, only_first_day.with_eid) == (2, 1) and only_first_day.share == 0.5


@pytest.mark.django_db
def test_no_activity_has_no_share_and_a_reversed_period_is_refused():
    share = eid_authenticated_share(date(2026, 1, 1), date(2026, 1, 31))
    assert (share.active, share.share, share.meets_target) == (0, None, False)
    with pytest.raises(ValueError):
        eid_authenticated_share(date(2026, 2, 1), date(2026, 1, 1))


@pytest.mark.django_db
def test_below_target(make_user, signed_in):
    users = [make_user(f"u{i}") for i in range(5)]
    day = date(2026, 4, 1)
    signed_in(users[0], "vneid", day)
    for user in users[1:]:
        signed_in(user, "password", day)
    share = eid_authenticated_share(day, day)
    assert share.share == pytest.approx(0.2) and not share.meets_target


@pytest.mark.django_db
def test_real_sign_ins_are_recorded_with_their_method(client, make_user):
    user = make_user("citizen1")
    client.force_login(user)
    entry = AuditEntry.objects.filter(action="identity.login").latest("pk")
    assert entry.changes["method"] == "password" and entry.changes["assurance_level"] == 1
    today = timezone.localdate()
    assert eid_authenticated_share(today, today).active == 1
