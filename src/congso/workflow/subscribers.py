"""How the workflow block follows a dossier's lifecycle: outbox subscribers (``core.events``), found at
start-up by ``core``'s autodiscovery.

- ``dossier.accepted`` — an online dossier accepted at the one-stop desk, or a dossier received at the
  counter (which is accepted as it is created): start the process of its procedure version
  (``services.start_for_dossier``). A procedure whose version names no ``process_key`` has no process:
  its dossiers are routed by officers with ``dossiers.services.hand_over``, which is legitimate. A key
  without an active version is a configuration fault: nothing starts, a warning is logged and
  ``workflow.not_started`` is published.
- ``dossier.withdrawn``, ``dossier.refused``, ``dossier.stopped`` — cancel the dossier's process
  (``services.cancel``): its open work items are cancelled and the dossier released.

Delivery is at least once, so both are idempotent: a second start finds the instance (checked under the
dossier's row lock, and the one-to-one instance per dossier settles a race), a second cancel changes
nothing. Events may also arrive out of order — a withdrawal delivered before the acceptance — so the
start refuses a dossier that is no longer open.

The delay this brings: the process starts when a worker delivers the event, shortly after the
acceptance commits — usually within seconds with ``congso worker`` running, longer if the workers are
busy or stopped (a failed start is retried with backoff, then parked in the admin's outbox list). Until
then the dossier is accepted but no step is in anyone's work list yet.
"""

import logging

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congso.core.events import subscriber

from . import services

logger = logging.getLogger(__name__)

CANCEL_REASONS = {
    "dossier.withdrawn": gettext_noop("Người nộp rút hồ sơ."),
    "dossier.refused": gettext_noop("Hồ sơ bị từ chối tiếp nhận."),
    "dossier.stopped": gettext_noop("Hồ sơ bị dừng giải quyết."),
}


def _dossier_of(event):
    """The dossier the event is about, or ``None`` when it no longer exists."""
    from congso.dossiers import services as dossier_services

    try:
        return dossier_services.find_by_code(event.payload.get("code", ""))
    except dossier_services.Dossier.DoesNotExist:
        logger.warning("Event %s names dossier %r, which does not exist", event.pk, event.payload.get("code"))
        return None


@subscriber("dossier.accepted", name="workflow.start_process")
def start_process(event) -> None:
    """Start the accepted dossier's process, if its procedure has one (see the module docstring)."""
    dossier = _dossier_of(event)
    if dossier is None:
        return
    instance = services.start_for_dossier(dossier)
    if instance is not None:
        logger.info("Started process %s for dossier %s", instance.process_version, dossier.code)


@subscriber(*CANCEL_REASONS, name="workflow.cancel_process")
def cancel_process(event) -> None:
    """Cancel the process of a withdrawn, refused or stopped dossier (nothing when it has none)."""
    dossier = _dossier_of(event)
    if dossier is None:
        return
    services.cancel(dossier, reason=_(CANCEL_REASONS[event.name]))


@subscriber("documents.reply_received", name="workflow.official_document_reply")
def official_document_reply(event) -> None:
    """The answer to an official document a process asked for was registered: the process's step
    waiting for it (a catch event of the message ``tra-loi-van-ban``) ends and the process goes on."""
    from .conventions import REPLY_MESSAGE

    payload = dict(event.payload or {})
    dossier_id = payload.pop("dossier_id", None)
    if dossier_id is None:
        return
    if not services.deliver_message(dossier_id, REPLY_MESSAGE, payload):
        logger.info(
            "Dossier %s: no process step waits for the answer %s", dossier_id, payload.get("number_symbol")
        )
