"""The periodic job that keeps the daily figures current: the days marked stale by new facts are
recomputed every ``INTERVAL_SECONDS`` (one worker runs it at a time, ``core.scheduling``)."""

from congso.core.scheduling import periodic

from . import aggregates

INTERVAL_SECONDS = 30


@periodic("reporting.refresh", every=INTERVAL_SECONDS)
def _refresh():
    aggregates.refresh_all_stale()


@periodic("reporting.it_reports", every=3600)
def _it_reports():
    """Open the December call for reports once December has come, and remind agencies of reports due."""
    from django.utils import timezone

    from . import it_reports

    it_reports.ensure_yearly_request(timezone.localdate().year)
    it_reports.remind_due_soon()
