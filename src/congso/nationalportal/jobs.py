"""Periodic jobs of the link (run by the background worker, ``core.scheduling``): take the dossiers
waiting on the national portal every minute, send due status reports every 15 seconds, compare the
catalogue once a day. Each does nothing while the link is off."""

import logging

from congso.core.scheduling import periodic

from . import services
from .registry import LinkError, active_link

logger = logging.getLogger(__name__)


@periodic("nationalportal.take_dossiers", every=60)
def take_dossiers():
    try:
        return services.take_waiting_dossiers()
    except LinkError as exc:
        logger.warning("National portal: dossiers not taken this time: %s", exc)
        return None


@periodic("nationalportal.push_status", every=15)
def push_status():
    return services.push_due()


@periodic("nationalportal.catalogue", every=24 * 3600)
def pull_catalogue():
    if active_link() is None:
        return None
    try:
        return services.pull_catalogue()
    except LinkError as exc:
        logger.warning("National portal: catalogue not compared this time: %s", exc)
        return None
