"""Who may do what with official documents: one function per decision, read by services and views.

Roles are the agencies' roles (``agencies.models.Role``), held in the document's own agency (roles are
not inherited along the agency tree):

- the clerk (văn thư) registers incoming documents, issues (numbers and seals) and dispatches outgoing
  ones, and reads the agency's registers;
- the leader (lãnh đạo) assigns incoming documents, approves when on a draft's chain, signs when named
  as signer, and reads the agency's registers;
- the specialist (chuyên viên) reads and handles the incoming documents assigned to them, drafts
  outgoing documents and reads their own drafts.

A classified document (mật and above) is read only by the agency's leaders and clerks and by the
people it was assigned to or drafted by / passes through for approval.
"""

from congso.agencies import services as agencies
from congso.agencies.models import Role

from .models import (
    ApprovalStep,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    WorkFile,
    WorkFileStatus,
)


def _is(user, role, agency) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and agencies.has_role(user, role, agency)


def is_clerk(user, agency) -> bool:
    return _is(user, Role.CLERK, agency)


def is_leader(user, agency) -> bool:
    return _is(user, Role.LEADER, agency)


def is_specialist(user, agency) -> bool:
    return _is(user, Role.SPECIALIST, agency)


def reads_registers(user, agency) -> bool:
    """The whole incoming and outgoing registers of ``agency`` (clerks and leaders)."""
    return is_clerk(user, agency) or is_leader(user, agency)


def works_with_documents(user, agency) -> bool:
    """Whether ``user`` has any documents page in ``agency`` (the workspace navigation)."""
    return reads_registers(user, agency) or is_specialist(user, agency)


# --- Incoming ---------------------------------------------------------------------------------


def can_register_incoming(user, agency) -> bool:
    return is_clerk(user, agency)


def _assigned_to(user, document: IncomingDocument) -> bool:
    return document.assignments.filter(assignee_id=user.pk).exists()


def can_view_incoming(user, document: IncomingDocument) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if reads_registers(user, document.agency):
        return True
    return _assigned_to(user, document)


def can_assign(user, document: IncomingDocument) -> bool:
    return document.status not in (IncomingStatus.DONE, IncomingStatus.RECALLED) and is_leader(
        user, document.agency
    )


def can_handle(user, document: IncomingDocument) -> bool:
    """Record progress on, reply to, or complete the document: the main assignee."""
    if document.status not in (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS):
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    return document.assignments.filter(assignee_id=user.pk, is_main=True).exists()


# --- Outgoing ---------------------------------------------------------------------------------


def can_draft(user, agency) -> bool:
    return is_specialist(user, agency) or is_leader(user, agency) or is_clerk(user, agency)


def _on_chain(user, document: OutgoingDocument) -> bool:
    return document.approvals.filter(approver_id=user.pk).exists()


def can_view_outgoing(user, document: OutgoingDocument) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if reads_registers(user, document.agency):
        return True
    if document.drafter_id == user.pk or document.signer_id == user.pk:
        return True
    if can_take_draft(user, document):  # asked for by a process, waiting for someone to write it
        return True
    return _on_chain(user, document)


def can_edit_draft(user, document: OutgoingDocument) -> bool:
    return (
        document.status in (OutgoingStatus.DRAFT, OutgoingStatus.RETURNED)
        and getattr(user, "is_authenticated", False)
        and document.drafter_id == user.pk
        and can_draft(user, document.agency)
    )


def current_step(document: OutgoingDocument) -> ApprovalStep | None:
    """The first pending step of the document's latest round, if it is in review."""
    if document.status != OutgoingStatus.IN_REVIEW:
        return None
    return (
        document.approvals.filter(decision=ApprovalStep.Decision.PENDING)
        .order_by("round", "position")
        .first()
    )


def can_decide(user, document: OutgoingDocument) -> bool:
    """The person of the current step, who still holds what the step asks: the role the configured
    chain set for it, in its unit or the agency; a freely chosen approver, a leader or specialist."""
    step = current_step(document)
    if step is None or not getattr(user, "is_authenticated", False) or step.approver_id != user.pk:
        return False
    if step.role:
        return _is(user, step.role, step.unit or document.agency)
    return is_leader(user, document.agency) or is_specialist(user, document.agency)


def can_configure_chains(user, agency) -> bool:
    """Define the agency's approval chains: its administrator (quản trị cơ quan) or a leader."""
    return _is(user, Role.AGENCY_ADMIN, agency) or is_leader(user, agency)


def can_sign(user, document: OutgoingDocument) -> bool:
    return (
        document.status == OutgoingStatus.APPROVED
        and getattr(user, "is_authenticated", False)
        and document.signer_id == user.pk
        and is_leader(user, document.agency)
    )


def can_issue(user, document: OutgoingDocument) -> bool:
    return document.status == OutgoingStatus.SIGNED and is_clerk(user, document.agency)


def can_dispatch(user, document: OutgoingDocument) -> bool:
    return document.status == OutgoingStatus.ISSUED and is_clerk(user, document.agency)


# --- Recall (thu hồi) -----------------------------------------------------------------------------


def can_recall(user, document: OutgoingDocument) -> bool:
    """The clerk or a leader of the sending agency recalls a dispatched document, once."""
    from .models import Recall

    return (
        document.status == OutgoingStatus.DISPATCHED
        and (is_clerk(user, document.agency) or is_leader(user, document.agency))
        and not Recall.objects.filter(outgoing=document).exists()
    )


def can_answer_recall(user, document: IncomingDocument) -> bool:
    """The clerk or a leader of the receiving agency agrees to or refuses a recall asked of it."""
    from .models import Recall, RecallState

    return Recall.objects.filter(incoming=document, state=RecallState.REQUESTED).exists() and (
        is_clerk(user, document.agency) or is_leader(user, document.agency)
    )


def can_view_document(user, document) -> bool:
    if isinstance(document, IncomingDocument):
        return can_view_incoming(user, document)
    return can_view_outgoing(user, document)


# --- Work files and archive (Decree 30, Chapter IV) -----------------------------------------------
# The clerk and the leaders keep the agency's list of files; the person named on a file builds it
# (files documents into it, closes it); the clerk, as the agency's archive, takes closed files in.


def can_manage_workfiles(user, agency) -> bool:
    """Put files on the agency's list; see the retention review."""
    return reads_registers(user, agency)


def can_view_workfile(user, work_file: WorkFile) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return reads_registers(user, work_file.agency) or (
        work_file.responsible_id == user.pk and works_with_documents(user, work_file.agency)
    )


def can_edit_workfile(user, work_file: WorkFile) -> bool:
    return work_file.status == WorkFileStatus.OPEN and can_manage_workfiles(user, work_file.agency)


def _builds(user, work_file: WorkFile) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and work_file.responsible_id == user.pk
        and works_with_documents(user, work_file.agency)
    )


def can_file_into(user, work_file: WorkFile) -> bool:
    return work_file.status == WorkFileStatus.OPEN and (
        _builds(user, work_file) or is_clerk(user, work_file.agency)
    )


def can_close_workfile(user, work_file: WorkFile) -> bool:
    return work_file.status == WorkFileStatus.OPEN and (
        _builds(user, work_file) or is_leader(user, work_file.agency)
    )


def can_archive(user, work_file: WorkFile) -> bool:
    return work_file.status == WorkFileStatus.CLOSED and is_clerk(user, work_file.agency)


def can_link_reply(user, document: IncomingDocument) -> bool:
    """Record which of the agency's outgoing documents an incoming one answers."""
    return reads_registers(user, document.agency)


def can_take_draft(user, document: OutgoingDocument) -> bool:
    """Take a draft a dossier's process asked for and nobody writes yet."""
    return (
        document.drafter_id is None
        and document.status == OutgoingStatus.DRAFT
        and (is_specialist(user, document.agency) or is_leader(user, document.agency))
    )


# --- A procedure's result issued as an official document -------------------------------------------


def can_draft_result(user, dossier) -> bool:
    """Draft the document that will be a dossier's result: an officer who processes the dossier and
    drafts documents in the agency handling it."""
    from congso.dossiers import permissions as dossier_permissions
    from congso.dossiers import services as dossier_services

    return (
        getattr(user, "is_authenticated", False)
        and dossier_services.can(user, dossier_permissions.PROCESS, dossier)
        and can_draft(user, dossier.current_agency)
    )


def can_deliver_result(user, document: OutgoingDocument) -> bool:
    """Make an issued document its dossier's electronic result (the dossier service checks the rest)."""
    from congso.dossiers import permissions as dossier_permissions
    from congso.dossiers import services as dossier_services

    return (
        document.dossier_id is not None
        and document.status in (OutgoingStatus.ISSUED, OutgoingStatus.DISPATCHED)
        and getattr(user, "is_authenticated", False)
        and dossier_services.can(user, dossier_permissions.PROCESS, document.dossier)
    )
