"""The API's periodic job: forget idempotency records older than ``CONGSO_API_IDEMPOTENCY_HOURS``."""

from datetime import timedelta

from django.utils import timezone

from congso.core.scheduling import periodic

from . import conf
from .models import IdempotencyRecord


def purge_idempotency_records(now=None) -> int:
    cutoff = (now or timezone.now()) - timedelta(hours=conf.idempotency_hours())
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@periodic("api.idempotency_purge", every=3600)
def purge_job():
    return f"purged {purge_idempotency_records()}"
