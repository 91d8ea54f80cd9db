"""Early / on time / late (trước hạn / đúng hạn / quá hạn, STANDARDS.md §1): the one rule by which a
dossier and each step of its processing are classified against their deadline.

Shared kernel: the dossier (its appointment) and the workflow (each step's allotted hours) use the same
vocabulary and the same rule, so the control sheet and the monitoring pages agree.
"""

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


def classify(finished_at: datetime | None, due_at: datetime | None) -> str:
    """Late when finished after the deadline; early when finished on an earlier local day than the
    deadline's; on time otherwise. Empty when either moment is missing."""
    if finished_at is None or due_at is None:
        return ""
    if finished_at > due_at:
        return Timeliness.LATE
    zone = timezone.get_default_timezone()  # the province's days, whatever language/zone is active
    if timezone.localtime(finished_at, zone).date() < timezone.localtime(due_at, zone).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME
