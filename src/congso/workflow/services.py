"""The public API of the workflow block: what the lifecycle subscribers (``subscribers``), the work-item
pages (``task_views``), the monitoring pages, the admin and the demo seeding call.

A dossier's process starts when the dossier is accepted (``start_for_dossier``, from the outbox) and is
cancelled when the dossier is withdrawn, refused or stopped (``cancel``). Officers complete its steps
(``complete``) with the data the step's form asks for (``step_fields``); what the drawing then does to
the dossier — hand-overs, status changes — the engine does on the process's authority (see ``engine``).

Every function that changes something runs in one database transaction with the instance's row locked
(``select_for_update``) and an optimistic ``lock_version`` check: the workflow, the work items, what
platform actions did to the dossier (through ``dossiers.services``), the audit entries and the outbox
events commit together or not at all. Errors carry a Vietnamese message; when one is raised, nothing
was changed:

- ``WorkflowError`` (a ``ValidationError``) — refused or failed operation;
- ``BpmnRejected`` (a ``ValidationError``) — an uploaded file with ``errors = [(line, message)]``;
- ``PermissionDenied`` (Django) — the user may not do this step;
- errors of ``dossiers.services`` raised by an action or a hand-over pass through unchanged.

Conventions of the BPMN files: ``conventions`` (lanes, properties) and ``bpmn`` (what is accepted).
Step deadlines and escalation: ``timers``.

Where it lives: ``lifecycle`` (start, complete, cancel, timers), ``versions`` (uploading and activating
versions, the default processes), ``step_forms`` (what a step asks), ``migration`` (moving running
instances to a new version). This module re-exports their public names.
"""

from .errors import BpmnRejected, ConcurrentUpdate, WorkflowError
from .lifecycle import (
    ProcessAlreadyStarted,
    acknowledge_escalation,
    active_version_for,
    can_monitor,
    cancel,
    complete,
    deliver_message,
    refresh_timers,
    start,
    start_for_dossier,
)
from .migration import MigrationRow, migrate, plan_migration
from .step_forms import StepField, parse_step_form, step_fields
from .versions import DEFAULT_PROCESSES, activate_version, load_default_processes, upload_version

__all__ = [
    "BpmnRejected",
    "ConcurrentUpdate",
    "DEFAULT_PROCESSES",
    "MigrationRow",
    "ProcessAlreadyStarted",
    "WorkflowError",
    "acknowledge_escalation",
    "activate_version",
    "active_version_for",
    "can_monitor",
    "cancel",
    "complete",
    "deliver_message",
    "load_default_processes",
    "migrate",
    "plan_migration",
    "refresh_timers",
    "StepField",
    "start",
    "parse_step_form",
    "start_for_dossier",
    "step_fields",
    "upload_version",
]
