"""Who may monitor which business flows (electronic ISO) — decided here and nowhere else.

Monitoring shows how every step of every process performs: counts, times, lateness, and for one dossier
the path it took and who did each step. It is for leadership, so it is granted by role:

**Province-wide** (``MonitoringScope.everything``) — sees every process, step and dossier flow:

- a platform administrator (``agencies.services.is_platform_admin``: an active superuser, or a
  ``platform_admin`` membership in force today);
- a **leader of the provincial People's Committee**: a ``leader`` membership in force today in an agency
  of kind ``ubnd`` (``AgencyKind.PEOPLES_COMMITTEE``) whose administrative unit is of level ``province``.
  (A leader of a commune People's Committee is an agency leader, below.)

**Agency leader** — a ``leader`` membership in force today in one or more agencies sees the work done
at each of those agencies and, when that agency is **province-level** (its administrative unit is of
level ``province``, e.g. a department, the provincial police), also at every agency below it in the
agency tree (``agencies.services.agency_descendants``, in force today). Roles are not inherited the
other way: a leader of a division does not see the department.

**Everybody else** who may enter the workspace (one-stop officers, specialists, clerks, agency
administrators) — ``None``: the monitoring pages answer 403.

What lies in a scope:

- a *step* (work item) when its ``agency`` is in the scope; statistics count only those;
- a *process* when at least one of its steps lies in the scope (province-wide: every process);
- a *dossier's flow* when its receiving agency, its current agency or the agency of one of its steps
  lies in the scope. A dossier outside the scope is answered like one that does not exist (404), so
  its existence does not leak.

The flow page shows the process (steps, agencies, officers, times), not the applicant's personal data;
that stays behind ``dossiers.permissions``.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from congso.agencies import services as agency_services

from .models import ProcessDefinition, WorkItem

NOT_A_LEADER = _(
    "Trang giám sát quy trình dành cho lãnh đạo cơ quan, lãnh đạo UBND tỉnh và quản trị nền tảng. "
    "Tài khoản của bạn không giữ vai trò lãnh đạo ở cơ quan nào."
)


@dataclass(frozen=True)
class MonitoringScope:
    """What one person may monitor: everything (province-wide), or the steps at ``agency_ids``."""

    everything: bool
    agency_ids: frozenset[int] = field(default_factory=frozenset)

    def step_q(self, prefix: str = "") -> Q:
        """A filter on work items (``prefix`` reaches them through a relation, e.g. ``"work_items__"``)."""
        if self.everything:
            return Q()
        return Q(**{f"{prefix}agency_id__in": sorted(self.agency_ids)})

    def covers_agency(self, agency_id) -> bool:
        return self.everything or agency_id in self.agency_ids


def monitoring_scope(user) -> MonitoringScope | None:
    """The monitoring scope of ``user`` today (see the module docstring), or ``None`` when they may not
    monitor at all: the leader's oversight (``agencies.services.oversight_for``). Reads only."""
    oversight = agency_services.oversight_for(user)
    if oversight is None:
        return None
    return MonitoringScope(everything=oversight.everything, agency_ids=oversight.agency_ids)


def visible_definitions(scope: MonitoringScope):
    """The process definitions ``scope`` may monitor (a lazy queryset ordered by key)."""
    qs = ProcessDefinition.objects.order_by("key")
    if scope.everything:
        return qs
    steps = WorkItem.objects.filter(scope.step_q(), instance__process_version__definition=OuterRef("pk"))
    return qs.filter(Exists(steps))


def may_see_definition(scope: MonitoringScope, definition) -> bool:
    """Whether ``scope`` covers process ``definition``."""
    return visible_definitions(scope).filter(pk=definition.pk).exists()


def may_see_dossier_flow(scope: MonitoringScope, instance) -> bool:
    """Whether ``scope`` covers the flow of ``instance`` (a ``ProcessInstance`` with its dossier)."""
    if scope.everything:
        return True
    dossier = instance.dossier
    if scope.covers_agency(dossier.receiving_agency_id) or scope.covers_agency(dossier.current_agency_id):
        return True
    return instance.work_items.filter(scope.step_q()).exists()
