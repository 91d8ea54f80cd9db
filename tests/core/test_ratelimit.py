"""Database-backed rate limits (``core.ratelimit``): sliding windows, HMAC keys, purge."""

from datetime import timedelta

import pytest
from django.utils import timezone

from congso.core import ratelimit, scheduling
from congso.core.models import RateCounter

pytestmark = pytest.mark.django_db


def test_take_allows_up_to_the_limit_and_counts_refusals_too():
    now = timezone.now()
    results = [ratelimit.take("test.scope", "k", limit=3, window=600, now=now) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert ratelimit.recent("test.scope", "k", window=600, now=now) == 5


def test_give_back_undoes_one_attempt_of_the_current_bucket_only():
    now = timezone.now()
    for _ in range(3):
        ratelimit.take("test.scope", "k", limit=3, window=600, now=now)
    ratelimit.give_back("test.scope", "k", window=600, now=now)
    assert ratelimit.recent("test.scope", "k", window=600, now=now) == 2
    # Nothing to give back in a bucket with no attempts: the count never goes below zero.
    later = now + timedelta(minutes=5)
    ratelimit.give_back("test.scope", "k", window=600, now=later)
    assert ratelimit.recent("test.scope", "k", window=600, now=later) == 2


def test_keys_and_scopes_are_counted_apart_and_stored_as_hmacs():
    now = timezone.now()
    for _ in range(3):
        ratelimit.take("test.scope", "203.0.113.7", limit=3, window=600, now=now)
    assert ratelimit.take("test.scope", "203.0.113.8", limit=3, window=600, now=now)
    assert ratelimit.take("test.other", "203.0.113.7", limit=3, window=600, now=now)
    assert not RateCounter.objects.filter(key_hash__contains="203.0.113").exists()


def test_the_window_slides():
    start = timezone.now()
    for _ in range(3):
        ratelimit.take("test.scope", "k", limit=3, window=600, now=start)
    assert not ratelimit.take("test.scope", "k", limit=3, window=600, now=start + timedelta(seconds=60))
    assert ratelimit.take("test.scope", "k", limit=3, window=600, now=start + timedelta(seconds=700))


def test_wait_seconds_says_when_the_next_attempt_passes():
    start = timezone.now().replace(microsecond=0)
    assert ratelimit.wait_seconds("test.scope", "k", limit=1, window=60, now=start) == 0
    ratelimit.take("test.scope", "k", limit=1, window=60, now=start)
    later = start + timedelta(seconds=20)
    wait = ratelimit.wait_seconds("test.scope", "k", limit=1, window=60, now=later)
    # The window is cut into 6-second buckets: what is left is 40 s, less the bucket's start.
    assert 34 <= wait <= 40
    assert not ratelimit.take("test.scope", "k", limit=1, window=60, now=later + timedelta(seconds=wait - 1))
    ratelimit.give_back("test.scope", "k", window=60, now=later + timedelta(seconds=wait - 1))
    assert ratelimit.take("test.scope", "k", limit=1, window=60, now=later + timedelta(seconds=wait))


def test_a_window_beyond_the_retention_is_refused():
    with pytest.raises(ValueError):
        ratelimit.take("test.scope", "k", limit=1, window=int(ratelimit.RETENTION.total_seconds()) + 1)


def test_old_rows_are_purged_every_hour():
    old = timezone.now() - ratelimit.RETENTION - timedelta(hours=1)
    ratelimit.take("test.scope", "k", limit=1, window=600, now=old)
    ratelimit.take("test.scope", "k", limit=1, window=600)
    assert ratelimit.purge_rate_counters() == 1
    assert RateCounter.objects.count() == 1
    assert "core.purge_rate_counters" in [job.name for job in scheduling.jobs()]
