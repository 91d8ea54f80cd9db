"""Publish / subscribe in the admin (/quan-tri/lgsp/…): event types (platform), rights to receive them,
subscriptions (pause, resume), published events (read only) and deliveries with the dead-letter replay.
Narrowed for agency administrators by ``lgsp.permissions``; changes go through ``lgsp.services``."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.core.admin_mixins import ReadOnlyAdminMixin

from . import permissions, services
from .admin import AuditedAdmin, ScopedAdmin
from .models import Delivery, EventRight, EventType, PublishedEvent, Subscription, SubscriptionState


@admin.register(EventType)
class EventTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "publisher", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "description", "publisher", "active", "schema", "created_at"]
    readonly_fields = ["code", "publisher", "schema", "created_at"]


@admin.action(description=gettext_lazy("Thu hồi các quyền nhận sự kiện đã chọn"))
def revoke_event_rights(modeladmin, request, queryset):
    for right in queryset.filter(revoked_at__isnull=True).select_related("event_type__publisher"):
        if permissions.can_grant_events(request.user, right.event_type):
            services.revoke_events(right, by=request.user)
    messages.success(request, _("Đã thu hồi các quyền đã chọn."))


@admin.register(EventRight)
class EventRightAdmin(ScopedAdmin):
    narrow = permissions.event_rights_in_scope
    list_display = ["event_type", "system", "group", "all_agencies", "valid_from", "valid_to", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "all_agencies"]
    search_fields = ["event_type__code", "system__code", "group__code"]
    list_select_related = ["event_type", "system__member", "group"]
    actions = [revoke_event_rights]

    def has_change_permission(self, request, obj=None):
        return False  # revoked (action), never edited


def _set_state(request, queryset, state):
    for subscription in queryset:
        services.set_subscription_state(subscription, state, by=request.user)


@admin.action(description=gettext_lazy("Tạm dừng các đăng ký đã chọn"))
def pause_subscriptions(modeladmin, request, queryset):
    _set_state(request, queryset, SubscriptionState.PAUSED)
    messages.success(request, _("Đã tạm dừng các đăng ký đã chọn."))


@admin.action(description=gettext_lazy("Tiếp tục các đăng ký đã chọn"))
def resume_subscriptions(modeladmin, request, queryset):
    _set_state(request, queryset, SubscriptionState.ACTIVE)
    messages.success(request, _("Đã tiếp tục các đăng ký đã chọn."))


@admin.register(Subscription)
class SubscriptionAdmin(ScopedAdmin):
    narrow = permissions.subscriptions_in_scope
    list_display = ["public_id", "system", "event_type", "mode", "url", "state", "created_at"]
    list_filter = ["mode", "state"]
    search_fields = ["system__code", "event_type__code", "url"]
    list_select_related = ["system__member", "event_type"]
    fields = ["public_id", "system", "event_type", "mode", "url", "state", "created_at", "created_by"]
    readonly_fields = fields  # the secret is never shown again; state changes by the actions
    actions = [pause_subscriptions, resume_subscriptions]


@admin.register(PublishedEvent)
class PublishedEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_id", "event_type", "subject", "occurred_at", "published_at"]
    list_filter = ["event_type"]
    search_fields = ["subject", "=event_id"]
    list_select_related = ["event_type"]


@admin.action(description=gettext_lazy("Gửi lại các lượt thất bại đã chọn"))
def replay_deliveries(modeladmin, request, queryset):
    count = services.replay(queryset, by=request.user)
    messages.success(request, _("Đã xếp lại %(count)d lượt chuyển để gửi.") % {"count": count})


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdmin):
    narrow = permissions.deliveries_in_scope
    list_display = [
        "id",
        "event",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    ]
    list_filter = ["status", "subscription__mode"]
    search_fields = ["event__subject", "subscription__system__code"]
    list_select_related = ["event__event_type", "subscription__system__member", "subscription__event_type"]
    fields = [
        "subscription",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "dead_at",
        "last_status_code",
        "last_error",
    ]
    readonly_fields = fields
    actions = [replay_deliveries]
