"""Admin for the kernel: the audit log (read-only), the outbox (with "retry parked"), workers and jobs."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import calendar_admin, events  # noqa: F401 — calendar_admin registers the calendar's pages
from .admin_mixins import ReadOnlyAdminMixin, ValuesListFilter
from .models import AuditEntry, DeliveryStatus, EventDelivery, OutboxEvent, PeriodicJob, WorkerHeartbeat


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rows written by the platform itself: visible, never edited by hand."""


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "actor_label", "action", "object_type", "object_label", "ip_address"]
    list_filter = ["action", ("object_type", ValuesListFilter)]
    search_fields = ["actor_label", "action", "object_id", "object_label", "request_id"]
    date_hierarchy = "occurred_at"
    list_select_related = ["actor"]
    show_full_result_count = False  # the log grows without bound; counting it all is slow


class EventDeliveryInline(admin.TabularInline):
    model = EventDelivery
    fields = ["subscriber", "status", "attempts", "next_attempt_at", "delivered_at", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "name", "aggregate_type", "aggregate_id"]
    list_filter = ["name"]
    search_fields = ["name", "aggregate_id"]
    date_hierarchy = "occurred_at"
    inlines = [EventDeliveryInline]
    show_full_result_count = False


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event", "subscriber", "status", "attempts", "next_attempt_at", "short_error"]
    list_filter = ["status", "subscriber"]
    search_fields = ["subscriber", "event__name", "event__aggregate_id"]
    list_select_related = ["event"]
    actions = ["retry_parked"]
    show_full_result_count = False

    @admin.display(description=_("lỗi gần nhất"))
    def short_error(self, obj):
        return (obj.last_error.strip().splitlines() or [""])[-1][:120]

    @admin.action(description=_("Gửi lại các lượt đang tạm dừng do lỗi"))
    def retry_parked(self, request, queryset):
        count = events.retry_parked(queryset.filter(status=DeliveryStatus.PARKED))
        self.message_user(
            request,
            ngettext("Đã xếp lại %(count)d lượt gửi.", "Đã xếp lại %(count)d lượt gửi.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None):
        # Needed for the action to show; the change form itself stays read-only (all fields readonly).
        return request.user.has_perm("core.change_eventdelivery")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["worker_id", "hostname", "pid", "started_at", "last_seen_at"]


@admin.register(PeriodicJob)
class PeriodicJobAdmin(ReadOnlyAdmin):
    list_display = ["name", "last_started_at", "last_finished_at", "last_error"]
