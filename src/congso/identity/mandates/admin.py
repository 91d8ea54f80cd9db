"""Businesses, mandates and parents' records in the admin: for the platform administrator to look up
and, when a court or the registry says so, revoke a mandate or end a parent's record. Read-only
otherwise: they are created by the people concerned on the portal, checked against the registers.
Platform-only, like every page that does not declare itself agency-scoped (``agencies.admin_site``)."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from congso.core import audit

from .models import Business, Guardianship, LegalRepresentative, Mandate


class LegalRepresentativeInline(admin.TabularInline):
    model = LegalRepresentative
    extra = 0
    can_delete = False
    readonly_fields = ("national_id", "full_name", "title")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ("name", "tax_code", "registry_status", "checked_at")
    search_fields = ("name", "tax_code")
    readonly_fields = ("tax_code", "name", "registry_status", "checked_at", "registered_by")
    inlines = [LegalRepresentativeInline]

    def has_add_permission(self, request):
        return False


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ("business", "agent", "valid_from", "valid_until", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("business__tax_code", "business__name", "agent__username", "agent__full_name")
    readonly_fields = (
        "business",
        "agent",
        "procedure_codes",
        "valid_from",
        "valid_until",
        "granted_by",
        "granted_at",
        "revoked_at",
        "revoked_by",
    )
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Thu hồi các ủy quyền đã chọn"))
    def revoke(self, request, queryset):
        now = timezone.now()
        count = 0
        for mandate in queryset.filter(revoked_at__isnull=True):
            mandate.revoked_at, mandate.revoked_by = now, request.user
            mandate.save(update_fields=["revoked_at", "revoked_by"])
            audit.record("identity.mandate.revoke", mandate, changes={"by_admin": True}, actor=request.user)
            count += 1
        messages.success(
            request, ngettext("Đã thu hồi %d ủy quyền.", "Đã thu hồi %d ủy quyền.", count) % count
        )


@admin.register(Guardianship)
class GuardianshipAdmin(admin.ModelAdmin):
    list_display = ("guardian", "ward_name", "ward_date_of_birth", "ended_at")
    search_fields = ("guardian__username", "ward_national_id", "ward_name")
    readonly_fields = (
        "guardian",
        "ward_national_id",
        "ward_name",
        "ward_date_of_birth",
        "checked_at",
        "ended_at",
    )
    actions = ["end"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Chấm dứt quan hệ đã chọn"))
    def end(self, request, queryset):
        now = timezone.now()
        count = 0
        for guardianship in queryset.filter(ended_at__isnull=True):
            guardianship.ended_at = now
            guardianship.save(update_fields=["ended_at"])
            audit.record("identity.guardianship.end", guardianship, actor=request.user)
            count += 1
        messages.success(
            request, ngettext("Đã chấm dứt %d quan hệ.", "Đã chấm dứt %d quan hệ.", count) % count
        )
