"""The LGSP's periodic jobs (run by the background worker through ``core.scheduling``): sealing the
message log with a signed checkpoint, archiving it past retention, and probing every service's upstream
(``lgsp.health_checks``)."""

from django.conf import settings

from congso.core.scheduling import periodic

from . import messagelog
from .services import health


def _checkpoint_every() -> float:
    return float(getattr(settings, "CONGSO_LGSP_CHECKPOINT_SECONDS", 300))


@periodic("lgsp.log_checkpoint", every=_checkpoint_every())
def seal_message_log():
    checkpoint = messagelog.write_checkpoint()
    return f"sealed #{checkpoint.seq}" if checkpoint else "nothing new"


@periodic("lgsp.log_retention", every=3600)
def archive_message_log():
    return f"archived {messagelog.archive_expired()}"


@periodic("lgsp.health_checks", every=health.health_every())
def check_upstreams():
    results = health.check_services()
    return f"{sum(r.healthy for r in results)}/{len(results)} healthy"
