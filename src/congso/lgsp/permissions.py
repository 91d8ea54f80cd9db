"""Who may do what in the LGSP's pages — decided here and nowhere else (the workspace catalogue and the
admin both ask these functions).

- Every officer who may enter the workspace (``workspace.permissions``) may **browse** the service
  catalogue: an integrator needs to see what exists and who may call it.
- The **owner's administrators** manage a system and its services — register them, upload versions,
  open or close endpoints, create credentials, grant and revoke access to them: a platform
  administrator (or superuser) everywhere, an agency administrator (the agency's IT officer) for the
  systems whose owner agency is one they administer (``agencies.permissions.admin_scope``). A system
  without an owner agency (an outside organisation's) is the platform's to manage.
- The **monitoring page** (traffic, errors, latency, upstream health) is for administrators: a platform
  administrator sees every service and consumer; an agency administrator the services whose provider
  system, and the consumers whose system, an agency they administer owns.
- Officers without an administrative role, citizens and anonymous visitors manage nothing.
- **Publish / subscribe**: every officer who may browse sees the event types. The right to receive an
  event type is granted by its publisher's administrators — for congso's own domain events (no
  publishing system), by platform administrators only, since they concern every agency's dossiers. A
  system's administrators subscribe it, pause and resume its subscriptions, see its deliveries and
  replay its dead letters.
"""

from django.db.models import QuerySet

from congso.agencies.permissions import admin_scope
from congso.workspace.permissions import can_enter_workspace

from .models import (
    AccessRight,
    ConsumerCredential,
    Delivery,
    EventRight,
    EventType,
    Member,
    Service,
    Subscription,
    System,
)


def can_browse_catalogue(user) -> bool:
    # Asked by the workspace navigation for whatever it is drawing for, so an object that is no
    # account at all is simply refused.
    return bool(getattr(user, "is_authenticated", False)) and can_enter_workspace(user)


def _scope(user):
    return admin_scope(user)


def can_register_systems(user) -> bool:
    """Whether ``user`` may register a system for at least one agency."""
    return _scope(user).is_admin


def registrable_agencies(user, agencies: QuerySet) -> QuerySet:
    """The agencies of ``agencies`` for which ``user`` may register systems."""
    scope = _scope(user)
    if not scope.is_admin:
        return agencies.none()
    if scope.agency_ids is None:
        return agencies
    return agencies.filter(pk__in=scope.agency_ids)


def can_manage_system(user, system: System) -> bool:
    scope = _scope(user)
    if scope.is_platform:
        return True
    return scope.is_admin and system.owner_agency_id is not None and scope.covers(system.owner_agency_id)


def can_manage_service(user, service: Service) -> bool:
    """Register versions, open/close endpoints, grant and revoke access to ``service``."""
    return can_manage_system(user, service.system)


def can_grant(user, service: Service) -> bool:
    """Access to a service is granted by its provider's administrators: the owner decides who consumes."""
    return can_manage_service(user, service)


def can_manage_credentials(user, system: System) -> bool:
    return can_manage_system(user, system)


def can_grant_events(user, event_type: EventType) -> bool:
    """Grant or revoke the right to receive ``event_type``."""
    if event_type.publisher_id is None:
        return _scope(user).is_platform
    return can_manage_system(user, event_type.publisher)


def can_manage_subscriptions(user, system: System) -> bool:
    """Subscribe ``system``, pause and resume its subscriptions, see its deliveries, replay its dead
    letters."""
    return can_manage_system(user, system)


# --- querysets for the admin (/quan-tri/), narrowed the same way --------------------------------


def systems_in_scope(user, queryset: QuerySet[System]) -> QuerySet[System]:
    scope = _scope(user)
    if scope.is_platform:
        return queryset
    if not scope.is_admin:
        return queryset.none()
    return queryset.filter(owner_agency_id__in=scope.agency_ids)


def members_in_scope(user, queryset: QuerySet[Member]) -> QuerySet[Member]:
    scope = _scope(user)
    if scope.is_platform:
        return queryset
    if not scope.is_admin:
        return queryset.none()
    return queryset.filter(agency_id__in=scope.agency_ids)


def services_in_scope(user, queryset: QuerySet[Service]) -> QuerySet[Service]:
    return queryset.filter(system__in=systems_in_scope(user, System.objects.all()))


def rights_in_scope(user, queryset: QuerySet[AccessRight]) -> QuerySet[AccessRight]:
    return queryset.filter(service__in=services_in_scope(user, Service.objects.all()))


def credentials_in_scope(user, queryset: QuerySet[ConsumerCredential]) -> QuerySet[ConsumerCredential]:
    return queryset.filter(system__in=systems_in_scope(user, System.objects.all()))


def event_rights_in_scope(user, queryset: QuerySet[EventRight]) -> QuerySet[EventRight]:
    scope = _scope(user)
    if scope.is_platform:
        return queryset
    if not scope.is_admin:
        return queryset.none()
    return queryset.filter(event_type__publisher__in=systems_in_scope(user, System.objects.all()))


def subscriptions_in_scope(user, queryset: QuerySet[Subscription]) -> QuerySet[Subscription]:
    return queryset.filter(system__in=systems_in_scope(user, System.objects.all()))


def deliveries_in_scope(user, queryset: QuerySet[Delivery]) -> QuerySet[Delivery]:
    return queryset.filter(subscription__system__in=systems_in_scope(user, System.objects.all()))


# --- monitoring ----------------------------------------------------------------------------------------


def can_see_monitoring(user) -> bool:
    if not can_browse_catalogue(user):
        return False
    return _scope(user).is_admin


def monitored_systems(user) -> QuerySet[System]:
    """The systems whose traffic ``user`` may see (as provider or as consumer)."""
    if not can_see_monitoring(user):
        return System.objects.none()
    return systems_in_scope(user, System.objects.all())


def sees_all_traffic(user) -> bool:
    return can_see_monitoring(user) and _scope(user).is_platform


def can_monitor_system(user, system: System) -> bool:
    return can_see_monitoring(user) and monitored_systems(user).filter(pk=system.pk).exists()


def can_monitor_service(user, service: Service) -> bool:
    return can_monitor_system(user, service.system)
