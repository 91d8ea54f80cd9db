"""The reporting block follows the dossiers through their events: each status change and each rating
rewrites that dossier's fact (``facts.refresh``) in the delivery's transaction; the figures of the days
it touched follow within a minute (``jobs``)."""

from congso.core import events
from congso.dossiers import services as dossier_services

from . import facts

# registries.dossier_verified: a register proved something for the dossier, or a paper came from the
# applicant's data store — its re-use counts from then, not from its next status event.
EVENT_NAMES = (
    *sorted(dossier_services.status_event_names()),
    "feedback.given",
    "registries.dossier_verified",
)


@events.subscriber(*EVENT_NAMES, name="reporting.facts")
def refresh_fact(event) -> None:
    dossier_id = event.payload.get("dossier_id")
    if dossier_id is not None:
        facts.refresh([dossier_id])
