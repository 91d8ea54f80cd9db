"""Time in the tests: aware datetimes in Việt Nam's time zone and a settable platform clock."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(year, month, day, hour=0, minute=0) -> datetime:
    """An aware datetime in Asia/Ho_Chi_Minh."""
    return datetime(year, month, day, hour, minute, tzinfo=VN)


class Clock:
    """The platform's "now" (``django.utils.timezone.now``), settable: real time until ``set``."""

    def __init__(self):
        self.moment = None

    def set(self, moment):
        self.moment = moment
        return moment

    def advance(self, **delta):
        self.moment = (self.moment or timezone.now()) + timedelta(**delta)
        return self.moment

    def install(self, monkeypatch):
        """Make ``timezone.now`` read this clock for the rest of the test."""
        real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: self.moment or real_now())
        return self
