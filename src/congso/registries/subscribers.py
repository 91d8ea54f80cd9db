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


@subscriber("dossier.submitted", name="registries.verify_on_submission")
def verify_on_submission(event) -> None:
    try:
        dossier = dossier_services.find_by_code(event.payload.get("code", ""))
    except dossier_services.Dossier.DoesNotExist:
        logger.warning("Event %s names dossier %r, which does not exist", event.pk, event.payload.get("code"))
        return
    if RegistryLookup.objects.filter(dossier=dossier, purpose=LookupPurpose.SUBMISSION).exists():
        return
    services.verify_dossier(dossier, purpose=LookupPurpose.SUBMISSION)
