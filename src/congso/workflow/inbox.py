"""Named queries over work items: officers' inboxes and what monitoring needs.

An inbox is ordered by deadline (``due_at``, then ``id``) and read page by page with a keyset cursor
(``"<due_at ISO>|<id>"``), so a page costs the same however deep it is; the index
``workflow_item_inbox_idx`` (state, agency, role, due_at, id) serves it.

``WorkItemsOnOfficerPages`` puts these items on the dossiers block's officer pages (the to-do of the
inbox, the link from a dossier to its process) through ``dossiers.extensions``; it is registered when
``WorkflowConfig.ready`` imports this module.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from congso.core.rows import moment
from congso.dossiers import extensions
from congso.dossiers.models import Status

from .models import ProcessInstance, WorkItem, WorkItemState

DEFAULT_PAGE = 50
MAX_PAGE = 200


@dataclass(frozen=True)
class InboxPage:
    items: list[WorkItem]
    next_cursor: str | None


def _who_q(user) -> Q | None:
    """Items ``user`` may act on: assigned to them, or unassigned for a role they hold at that agency."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    from congso.agencies import services as agency_services

    condition = Q(assigned_user=user)
    for membership in agency_services.memberships_for(user):
        condition |= Q(assigned_user__isnull=True, agency_id=membership.agency_id, role=membership.role)
    return condition


def encode_cursor(item: WorkItem) -> str:
    return f"{item.due_at.isoformat()}|{item.pk}"


def _decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        moment, _sep, pk = cursor.partition("|")
        due_at = datetime.fromisoformat(moment)
        if timezone.is_naive(due_at):
            return None
        return due_at, int(pk)
    except (TypeError, ValueError):
        return None


def open_items_for(user, *, after: str | None = None, limit: int = DEFAULT_PAGE) -> InboxPage:
    """The open work items ``user`` may do now (their roles at their agencies today, or named), most
    urgent first, one page after the cursor ``after``. An unreadable cursor starts from the top."""
    condition = _who_q(user)
    if condition is None:
        return InboxPage([], None)
    limit = max(1, min(int(limit), MAX_PAGE))
    qs = (
        WorkItem.objects.filter(condition, state=WorkItemState.OPEN)
        .select_related("agency", "instance__dossier", "assigned_user")
        .order_by("due_at", "id")
    )
    position = _decode_cursor(after)
    if position is not None:
        due_at, pk = position
        qs = qs.filter(Q(due_at__gt=due_at) | Q(due_at=due_at, id__gt=pk))
    items = list(qs[: limit + 1])
    next_cursor = encode_cursor(items[limit - 1]) if len(items) > limit else None
    return InboxPage(items[:limit], next_cursor)


def _to_do_rows(user, limit: int) -> list[tuple]:
    """The ``limit`` most urgent open items ``user`` may do (as ``open_items_for``), each with what a
    to-do line shows and the number of all of them: one written-out statement, as the dossiers' queues
    (``dossiers.inbox.todo_for``), because the to-do is on every officer's inbox page."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    from congso.agencies import services as agency_services

    held = sorted({(m.agency_id, m.role) for m in agency_services.memberships_for(user)})
    who = "w.assigned_user_id = %s"
    params: list = [user.pk]
    if held:
        pairs = " OR ".join(["(w.agency_id = %s AND w.role = %s)"] * len(held))
        who += f" OR (w.assigned_user_id IS NULL AND ({pairs}))"
        params += [value for pair in held for value in pair]
    agencies = WorkItem._meta.get_field("agency").related_model._meta.db_table
    dossiers = ProcessInstance._meta.get_field("dossier").related_model._meta.db_table
    sql = (
        "SELECT w.id, w.label, w.due_at, a.id, a.code, a.name, d.id, d.code, d.due_at, "  # noqa: S608
        f"COUNT(*) OVER () FROM {WorkItem._meta.db_table} w "
        f"JOIN {agencies} a ON a.id = w.agency_id "
        f"JOIN {ProcessInstance._meta.db_table} i ON i.id = w.instance_id "
        f"LEFT JOIN {dossiers} d ON d.id = i.dossier_id "
        f"WHERE ({who}) AND w.state = %s ORDER BY w.due_at, w.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, WorkItemState.OPEN, max(1, int(limit))])
        return cursor.fetchall()


def count_open_for(user) -> int:
    """How many open items ``user`` may do (for a badge)."""
    condition = _who_q(user)
    return 0 if condition is None else WorkItem.objects.filter(condition, state=WorkItemState.OPEN).count()


def items_of_dossier(dossier) -> QuerySet:
    """Every work item of ``dossier``'s process, in the order they were opened (the step history)."""
    return (
        WorkItem.objects.filter(instance__dossier=dossier)
        .select_related("agency", "completed_by", "assigned_user")
        .order_by("opened_at", "id")
    )


def open_items_at(agency, *, role: str | None = None) -> QuerySet:
    """Open items of ``agency`` (for one role when given), most urgent first — a unit's workload."""
    qs = WorkItem.objects.filter(state=WorkItemState.OPEN, agency=agency)
    if role:
        qs = qs.filter(role=role)
    return qs.select_related("instance__dossier").order_by("due_at", "id")


def overdue_items(*, now=None, agency=None) -> QuerySet:
    """Open items past their deadline (optionally of one agency), oldest deadline first."""
    qs = WorkItem.objects.filter(state=WorkItemState.OPEN, due_at__lt=now or timezone.now())
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.select_related("agency", "instance__dossier").order_by("due_at", "id")


class WorkItemsOnOfficerPages(extensions.OfficerPagesExtension):
    """The officer's open work items in the to-do of the dossiers' inbox, linked to their task page; the
    dossier page links to its process's flow."""

    def to_do(self, user, limit: int) -> extensions.ToDoPart:
        rows = _to_do_rows(user, limit)
        entries = [
            extensions.ToDoEntry(
                label=label,
                url=reverse("workflow_tasks:detail", args=[item_id]),
                dossier=extensions.ToDoDossier(d_id, d_code, moment(d_due)) if d_id is not None else None,
                agency=extensions.ToDoAgency(a_id, a_code, a_name),
                due_at=moment(due_at),
            )
            for item_id, label, due_at, a_id, a_code, a_name, d_id, d_code, d_due, _total in rows
        ]
        return extensions.ToDoPart(entries, rows[0][-1] if rows else 0)

    def to_do_url(self) -> str:
        return reverse("workflow_tasks:inbox")

    def process_url(self, dossier, user=None) -> str:
        """The dossier's flow in the monitoring pages, for who may open them (leaders and platform
        administrators, within their scope) and once the process has started: others were offered a
        link that answered 403, or 404 while the process was starting."""
        from . import monitoring, permissions

        scope = permissions.monitoring_scope(user) if user is not None else None
        if scope is None:
            return ""
        instance = monitoring.instance_of_dossier(dossier.pk)
        if instance is None or not permissions.may_see_dossier_flow(scope, instance):
            return ""
        return reverse("workflow:dossier_flow", args=[dossier.pk])

    def process_start_pending(self, dossier) -> bool:
        """An accepted dossier whose procedure's process will start when a worker delivers
        ``dossier.accepted`` (seconds, or longer if the workers are busy). A hand-over by hand in that
        window would start processing (2→4) beside the process, which then fails its own start or routes
        the dossier a second way. No active version: nothing will start, officers route it."""
        from .lifecycle import active_version_for  # lifecycle imports the engine: loaded when asked

        return (
            dossier.status == Status.ACCEPTED
            and not dossier.routed_by_process
            and bool((dossier.procedure_version.process_key or "").strip())
            and not ProcessInstance.objects.filter(dossier=dossier).exists()
            and active_version_for(dossier) is not None
        )


extensions.officer_pages.add("workflow", WorkItemsOnOfficerPages())
