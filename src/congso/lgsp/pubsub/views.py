"""Publish / subscribe pages in the officers' workspace (/can-bo/lgsp/…): the event types and their
schemas (with the rights to receive them), a system's subscriptions (subscribe, the secret shown once,
pause and resume), a subscription's deliveries, and the dead-letter list with replay. Who may do what is
``lgsp.permissions``; every change goes through ``lgsp.services``."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.core.inbound import row_id
from congso.workspace.permissions import workspace_required

from .. import permissions, services
from ..models import (
    Delivery,
    DeliveryStatus,
    EventRight,
    EventType,
    Subscription,
    SubscriptionState,
    System,
)
from ..services.pubsub import may_subscribe
from ..views import _errors, _refuse
from .forms import EventGrantForm, SubscriptionForm


@workspace_required
def event_types(request):
    types = EventType.objects.select_related("publisher__member").order_by("code")
    return render(request, "lgsp/event_types.html", {"event_types": types})


@workspace_required
def event_type_detail(request, pk):
    event_type = get_object_or_404(EventType.objects.select_related("publisher__member"), pk=pk)
    can_grant = permissions.can_grant_events(request.user, event_type)
    rights = (
        EventRight.objects.in_force(timezone.now())
        .filter(event_type=event_type)
        .select_related("system__member", "group")
    )
    return render(
        request,
        "lgsp/event_type_detail.html",
        {
            "event_type": event_type,
            "schema": json.dumps(event_type.schema, ensure_ascii=False, indent=2),
            "rights": rights,
            "can_grant": can_grant,
            "grant_form": EventGrantForm() if can_grant else None,
        },
    )


@require_POST
@workspace_required
def event_grant(request, pk):
    event_type = get_object_or_404(EventType.objects.select_related("publisher"), pk=pk)
    if not permissions.can_grant_events(request.user, event_type):
        return _refuse(request)
    form = EventGrantForm(request.POST)
    if form.is_valid():
        services.grant_events(
            event_type,
            system=form.cleaned_data["system"],
            all_agencies=form.cleaned_data["all_agencies"],
            by=request.user,
        )
        messages.success(request, _("Đã cấp quyền nhận sự kiện."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("lgsp_ws:event_type", pk=event_type.pk)


@require_POST
@workspace_required
def event_revoke(request, pk):
    right = get_object_or_404(EventRight.objects.select_related("event_type__publisher"), pk=pk)
    if not permissions.can_grant_events(request.user, right.event_type):
        return _refuse(request)
    services.revoke_events(right, by=request.user)
    messages.success(request, _("Đã thu hồi quyền nhận sự kiện."))
    return redirect("lgsp_ws:event_type", pk=right.event_type_id)


def _system(pk) -> System:
    return get_object_or_404(System.objects.select_related("member", "owner_agency"), pk=pk)


def _subscribable(system: System):
    allowed = [t.pk for t in EventType.objects.filter(active=True) if may_subscribe(system, t)]
    return EventType.objects.filter(pk__in=allowed).order_by("code")


@workspace_required
def subscriptions(request, pk):
    system = _system(pk)
    if not permissions.can_manage_subscriptions(request.user, system):
        return _refuse(request)
    form = SubscriptionForm(request.POST or None, event_types=_subscribable(system))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.subscribe(
                system, data["event_type"], data["mode"], data["url"], by=request.user
            )
        except services.RegistryError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # Rendered directly (never redirected to, never stored): the only time the secret is shown.
            return render(request, "lgsp/subscription_created.html", {"system": system, "created": created})
    return render(
        request,
        "lgsp/subscriptions.html",
        {
            "system": system,
            "subscriptions": system.subscriptions.select_related("event_type").order_by("event_type__code"),
            "form": form,
            "errors": _errors(form) if form.is_bound else [],
        },
    )


def _subscription(pk) -> Subscription:
    return get_object_or_404(
        Subscription.objects.select_related("system__member", "system__owner_agency", "event_type"), pk=pk
    )


@require_POST
@workspace_required
def subscription_state(request, pk):
    subscription = _subscription(pk)
    if not permissions.can_manage_subscriptions(request.user, subscription.system):
        return _refuse(request)
    paused = subscription.state == SubscriptionState.PAUSED
    services.set_subscription_state(
        subscription, SubscriptionState.ACTIVE if paused else SubscriptionState.PAUSED, by=request.user
    )
    messages.success(request, _("Đã tiếp tục nhận sự kiện.") if paused else _("Đã tạm dừng nhận sự kiện."))
    return redirect("lgsp_ws:subscriptions", pk=subscription.system_id)


@workspace_required
def deliveries(request, pk):
    subscription = _subscription(pk)
    if not permissions.can_manage_subscriptions(request.user, subscription.system):
        return _refuse(request)
    status = request.GET.get("trang_thai", "")
    rows = subscription.deliveries.select_related("event__event_type").order_by("-id")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "lgsp/deliveries.html",
        {
            "subscription": subscription,
            "page_obj": Paginator(rows, 50).get_page(request.GET.get("page")),
            "status": status,
            "statuses": DeliveryStatus.choices,
        },
    )


@workspace_required
def dead_letters(request):
    if not permissions.can_register_systems(request.user):  # administrators only
        return _refuse(request)
    rows = permissions.deliveries_in_scope(
        request.user, Delivery.objects.filter(status=DeliveryStatus.DEAD)
    ).select_related("event__event_type", "subscription__system__member")
    return render(
        request,
        "lgsp/dead_letters.html",
        {"page_obj": Paginator(rows.order_by("-dead_at", "-id"), 50).get_page(request.GET.get("page"))},
    )


@require_POST
@workspace_required
def replay(request):
    chosen = [pk for pk in map(row_id, request.POST.getlist("delivery")) if pk is not None]
    in_scope = permissions.deliveries_in_scope(request.user, Delivery.objects.filter(pk__in=chosen))
    count = services.replay(in_scope, by=request.user) if chosen else 0
    if count:
        messages.success(request, _("Đã xếp lại %(count)d lượt chuyển để gửi.") % {"count": count})
    else:
        messages.error(request, _("Hãy chọn ít nhất một lượt chuyển thất bại để gửi lại."))
    return redirect("lgsp_ws:dead_letters")
