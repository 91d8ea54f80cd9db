"""The public API of the dossier block: what the portal, the officers' workspace, the workflow engine and
the payments block call. Nothing else writes dossiers. Callers import this package
(``from congso.dossiers import services``); its modules are:

- ``intake``: ``submit_online``, ``receive_at_counter`` and ``receive_from_national_portal`` (one shared
  body), ``national_code_of``;
- ``reception``: ``accept``, ``refuse``, ``request_supplement``, ``provide_supplement``;
- ``processing``: ``start_processing``, payment, ``mark_result_ready``, ``return_result``,
  ``withdraw``, ``stop``, ``extend``;
- ``routing``: ``hand_over`` and the process's side (``attach_process``, ``hand_over_by_process``,
  ``release_process``);
- ``reading``: ``visible_to``, ``get_*``, ``find_by_code``, ``timeline``, ``can_receive_somewhere``, and
  for the reporting block ``status_event_names``, ``online_channels``, ``reporting_rows``,
  ``dossier_ids_after``, ``digitised_dossier_ids``;
- internal helpers: ``checks`` (input checks), ``papers`` (upload checks and storage), ``acting``
  (lock, transition, permission).

Every function runs in one database transaction: the change, its ``StatusChange`` row, the audit entry
and the outbox event commit together or not at all. Officer actions lock the dossier row first, so two
officers acting at once are serialised and the second sees the first one's status.

Errors: ``PermissionDenied`` (Django) when the acting user may not do it (``permissions.py``);
``IllegalTransition`` when the status machine forbids it (``states.py``); ``VersionNotInForce``,
``SupplementAlreadyRequested``, ``InvalidDossierInput`` and ``files.UploadRejected`` for bad input —
all ``ValidationError`` subclasses with a Vietnamese message. When one is raised nothing was changed.

Choices documented here:

- **Appointment of an online dossier** is computed from the submission time (the 15:00 rule and
  non-working days applied to it) and shown on the receipt (form 01). Accepting it later does not move
  it: the applicant must not lose processing time because the one-stop desk took a day to check.
- **Accepting does not start processing.** ``start_processing`` does, or the first ``hand_over`` of an
  accepted dossier (the usual way: the one-stop desk routes it to the specialist unit).
- **Counter intake** creates the dossier already accepted (status 2) and publishes both
  ``dossier.submitted`` (a dossier entered the system, whatever the channel) and ``dossier.accepted``
  (form 01 is due).
- **Timeliness** is measured against the statutory deadline (``statutory_due_at``): an extension moves
  the appointment (``due_at``) but a dossier finished after the statutory deadline is still late —
  form 04 is the apology for being late, not a waiver. See ``core.timeliness.classify``.
- **Waiting for payment** does not pause the clock (no rule says so in general; a procedure whose tax
  time is excluded should model it in its process).
- **Routing: one seam.** The steps inside "in processing" are driven by the procedure's BPMN process
  when it has one (the ``workflow`` block starts it when the dossier is accepted): the engine binds the
  dossier (``attach_process``), records every hand-over with ``hand_over_by_process`` and calls the
  status services with its ``permissions.ProcessAuthority`` instead of an officer; while it is bound,
  officers route the dossier by doing their work items and ``hand_over`` refuses. A procedure without a
  process is routed by officers with ``hand_over``. Both write the same control sheet (form 06).
- **Parallel branches and the current agency.** ``current_agency`` is where the lead line of the
  dossier is: the agency of the one open non-branch hand-over. When a process splits into parallel
  branches (liên thông: police and social insurance at once), each branch gets its own open row
  (``is_branch``) and its agency joins ``processing_agencies`` (its officers may then view the
  dossier), while ``current_agency`` stays with the agency that sent the dossier into the branches —
  the one that gets it back at the join (in the liên thông process, the receiving commune).
"""

from django.core.exceptions import PermissionDenied

from .. import permissions
from ..errors import (
    DossierError,
    IllegalTransition,
    InvalidDossierInput,
    SupplementAlreadyRequested,
    VersionNotInForce,
)
from ..files import PaperUpload, UploadRejected
from ..models import Dossier
from .intake import national_code_of, receive_at_counter, receive_from_national_portal, submit_online
from .processing import (
    extend,
    mark_result_ready,
    record_payment,
    request_payment,
    return_result,
    start_processing,
    stop,
    withdraw,
)
from .reading import (
    TimelineEntry,
    can_receive_somewhere,
    code_of,
    digitised_dossier_ids,
    dossier_ids_after,
    dossiers_asked_to_pay,
    find_by_code,
    get_for_applicant,
    get_visible,
    online_channels,
    reporting_rows,
    result_papers,
    status_event_names,
    supplement_and_papers,
    timeline,
    timeline_rows,
    visible_to,
)
from .reception import accept, provide_supplement, refuse, request_supplement
from .routing import (
    HAND_OVER_STATUSES,
    PROCESS_HAND_OVER_STATUSES,
    PROCESS_STATUSES,
    ProcessStep,
    attach_process,
    hand_over,
    hand_over_by_process,
    hand_over_receiver_roles,
    hand_over_receivers,
    in_charge_of,
    release_process,
    step_deadline,
)

__all__ = [
    "HAND_OVER_STATUSES",
    "PROCESS_HAND_OVER_STATUSES",
    "PROCESS_STATUSES",
    "Dossier",
    "DossierError",
    "IllegalTransition",
    "InvalidDossierInput",
    "PaperUpload",
    "PermissionDenied",
    "ProcessStep",
    "SupplementAlreadyRequested",
    "TimelineEntry",
    "UploadRejected",
    "VersionNotInForce",
    "accept",
    "attach_process",
    "can",
    "can_receive_somewhere",
    "digitised_dossier_ids",
    "dossier_ids_after",
    "dossiers_asked_to_pay",
    "code_of",
    "extend",
    "find_by_code",
    "get_for_applicant",
    "online_channels",
    "reporting_rows",
    "status_event_names",
    "supplement_and_papers",
    "get_visible",
    "hand_over",
    "hand_over_by_process",
    "hand_over_receiver_roles",
    "hand_over_receivers",
    "in_charge_of",
    "mark_result_ready",
    "permissions_for",
    "provide_supplement",
    "national_code_of",
    "receive_at_counter",
    "receive_from_national_portal",
    "record_payment",
    "refuse",
    "release_process",
    "request_payment",
    "request_supplement",
    "result_papers",
    "return_result",
    "start_processing",
    "step_deadline",
    "stop",
    "submit_online",
    "timeline",
    "timeline_rows",
    "visible_to",
    "withdraw",
]

can = permissions.can
permissions_for = permissions.permissions_for
