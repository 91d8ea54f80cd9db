"""Periodic jobs of notifications (``core.scheduling``): the stale-send sweep, the retention purge and
the officers' morning digest."""

from congso.core.scheduling import periodic

from . import digest, services


@periodic("notifications.requeue_stale", every=60)
def _requeue_stale():
    services.requeue_stale()


@periodic("notifications.purge_bodies", every=6 * 3600)
def _purge_bodies():
    services.purge_old_bodies()


@periodic("notifications.morning_digest", every=15 * 60)
def _morning_digest():
    digest.send_digests()
