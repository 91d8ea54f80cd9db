"""Reactions to dossier events: when a dossier is submitted (online or at the counter), look up the
national registers it needs and record the answers, so the officer finds them at reception. A register
that is down leaves the lookup "unavailable" — the officer sees "verification pending" and re-queries.

At least once: a dossier that already has a lookup made at submission is not looked up again."""

import logging

from congso.core.events import subscriber
from congso.dossiers import services as dossier_services

from . import services
from .models import LookupPurpose, RegistryLookup

logger = logging.getLogger(__name__)


def _dossier(event):
    try:
        return dossier_services.find_by_code(event.payload.get("code", ""))
    except dossier_services.Dossier.DoesNotExist:
        logger.warning("Event %s names dossier %r, which does not exist", event.pk, event.payload.get("code"))
        return None


@subscriber("dossier.submitted", "dossier.supplemented", name="registries.keep_papers")
def keep_papers(event) -> None:
    """The applicant's papers go to their data store; those already there count as re-used."""
    dossier = _dossier(event)
    if dossier is not None:
        services.keep_papers_of(dossier)


@subscriber("dossier.result_ready", name="registries.keep_results")
def keep_results(event) -> None:
    """An electronic result goes to the applicant's data store."""
    dossier = _dossier(event)
    if dossier is not None:
        services.keep_results_of(dossier)


@subscriber("dossier.submitted", name="registries.verify_on_submission")
def verify_on_submission(event) -> None:
    dossier = _dossier(event)
    if dossier is None:
        return
    if RegistryLookup.objects.filter(dossier=dossier, purpose=LookupPurpose.SUBMISSION).exists():
        return
    services.verify_dossier(dossier, purpose=LookupPurpose.SUBMISSION)
