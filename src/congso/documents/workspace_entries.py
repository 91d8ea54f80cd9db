"""What the documents block adds to the officers' workspace shell: the incoming and outgoing registers
in the navigation, and its half of the to-do (documents waiting for this officer's action)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congso.agencies import services as agencies
from congso.workspace import registry

from . import permissions
from .models import (
    ApprovalStep,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    Recall,
    RecallState,
)


def _my_agencies(user) -> list:
    """The agencies of ``user``'s memberships today, from the memberships read once per request (every
    workspace page asks, for its navigation)."""
    found = {m.agency_id: m.agency for m in agencies.memberships_for(user)}
    return list(found.values())


def _works_with_documents(user) -> bool:
    return any(permissions.works_with_documents(user, a) for a in _my_agencies(user))


registry.navigation.add(
    "documents.incoming",
    registry.NavigationEntry(
        label=_("Văn bản đến"),
        url_name="documents:incoming_register",
        order=55,
        current_views=("documents:incoming", "documents:incoming_new"),
        shown_to=_works_with_documents,
    ),
)
registry.navigation.add(
    "documents.outgoing",
    registry.NavigationEntry(
        label=_("Văn bản đi"),
        url_name="documents:outgoing_register",
        order=56,
        current_views=("documents:outgoing", "documents:outgoing_new"),
        shown_to=_works_with_documents,
    ),
)


def todo_count_for(user) -> int:
    """Incoming documents to assign (leader) or handle (main assignee), drafts awaiting this person's
    decision or signature, signed documents to issue and issued ones to send (clerk), and recalls
    another agency asked of a document received here, until they are agreed or refused (clerk and
    leaders of the receiving agency, who answer them)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    mine = _my_agencies(user)
    leading = [a.pk for a in mine if permissions.is_leader(user, a)]
    clerking = [a.pk for a in mine if permissions.is_clerk(user, a)]
    count = IncomingDocument.objects.filter(agency_id__in=leading, status=IncomingStatus.REGISTERED).count()
    count += (
        IncomingDocument.objects.filter(
            status__in=(IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS),
            assignments__assignee_id=user.pk,
            assignments__is_main=True,
        )
        .distinct()
        .count()
    )
    pending = ApprovalStep.objects.filter(
        decision=ApprovalStep.Decision.PENDING, document__status=OutgoingStatus.IN_REVIEW
    )
    count += sum(
        1 for doc_id, approver in _first_pending(pending) if approver == user.pk and doc_id is not None
    )
    count += OutgoingDocument.objects.filter(signer_id=user.pk, status=OutgoingStatus.APPROVED).count()
    count += OutgoingDocument.objects.filter(
        Q(status=OutgoingStatus.SIGNED) | Q(status=OutgoingStatus.ISSUED), agency_id__in=clerking
    ).count()
    count += Recall.objects.filter(
        state=RecallState.REQUESTED, incoming__agency_id__in=set(leading) | set(clerking)
    ).count()
    return count


def _first_pending(steps):
    """(document id, approver id) of each document's first pending step."""
    seen = {}
    for document_id, approver_id in steps.order_by("document_id", "round", "position").values_list(
        "document_id", "approver_id"
    ):
        seen.setdefault(document_id, approver_id)
    return seen.items()


registry.todo_counters.add("documents.todo", todo_count_for)


registry.navigation.add(
    "documents.workfiles",
    registry.NavigationEntry(
        label=_("Hồ sơ công việc"),
        url_name="documents:workfiles",
        order=57,
        current_views=("documents:workfile", "documents:workfile_new", "documents:workfile_review"),
        shown_to=_works_with_documents,
    ),
)


def _configures_chains(user) -> bool:
    return any(permissions.can_configure_chains(user, a) for a in _my_agencies(user))


registry.navigation.add(
    "documents.chains",
    registry.NavigationEntry(
        label=_("Luồng duyệt văn bản"),
        url_name="documents:chains",
        order=58,
        current_views=("documents:chain_edit",),
        shown_to=_configures_chains,
    ),
)
