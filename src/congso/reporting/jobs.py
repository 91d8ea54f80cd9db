"""The periodic job that keeps the daily figures current: the days marked stale by new facts are
recomputed every ``INTERVAL_SECONDS`` (one worker runs it at a time, ``core.scheduling``)."""

from congso.core.scheduling import periodic

from . import aggregates

INTERVAL_SECONDS = 30


@periodic("reporting.refresh", every=INTERVAL_SECONDS)
def _refresh():
    aggregates.refresh_all_stale()
