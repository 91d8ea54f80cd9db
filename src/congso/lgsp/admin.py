"""The LGSP in the admin (/quan-tri/): every model, for platform administrators; members, systems,
services, access rights and credentials also for agency administrators, narrowed to the systems their
agencies own (``lgsp.permissions``).

Registration, versions, grants and new credentials are made in the workspace catalogue
(/can-bo/lgsp/), where the forms explain refusals; here an administrator corrects details (names,
connection status, rate limits, endpoint switches), revokes rights, deactivates credentials and rotates
the signing key. Every change made here is audited and publishes ``lgsp.registry_changed`` like a
service call; nothing is deleted (revoked rights and retired keys are the record).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.agencies.permissions import admin_scope_for_request
from congso.core.admin_mixins import ReadOnlyAdminMixin

from . import permissions, services
from .models import (
    AccessRight,
    ConsumerCredential,
    Endpoint,
    ExchangeDay,
    Member,
    Service,
    ServiceVersion,
    SigningKey,
    System,
    SystemGroup,
)
from .services.common import changed


class AuditedAdmin(admin.ModelAdmin):
    """Changes audited and announced; no additions or deletions from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed(
            f"lgsp.{obj._meta.model_name}.admin_change",
            obj,
            changes={name: str(form.cleaned_data.get(name)) for name in form.changed_data},
            by=request.user,
        )


class ScopedAdmin(AuditedAdmin):
    """Open to agency administrators, each seeing the rows of the systems their agencies own."""

    agency_scoped = True
    narrow = None  # one of lgsp.permissions' *_in_scope functions

    def get_queryset(self, request):
        return type(self).narrow(request.user, super().get_queryset(request))

    # Rows out of scope are not in get_queryset, so their pages answer 404; Django's model permissions
    # still apply on top, as on the agencies' scoped pages.
    def has_module_permission(self, request):
        return admin_scope_for_request(request).is_admin and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return admin_scope_for_request(request).is_admin and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return admin_scope_for_request(request).is_admin and super().has_change_permission(request, obj)


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    narrow = permissions.members_in_scope
    list_display = ["code", "name", "member_class", "agency", "registered_at"]
    list_filter = ["member_class"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "member_class", "agency", "registered_at"]


class EndpointInline(admin.TabularInline):
    model = Endpoint
    fields = ["method", "path", "summary", "enabled"]
    readonly_fields = ["method", "path", "summary"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(System)
class SystemAdmin(ScopedAdmin):
    narrow = permissions.systems_in_scope
    list_display = ["code", "name", "member", "owner_agency", "status", "serves_public"]
    list_filter = ["status", "serves_public", "member__member_class"]
    search_fields = ["code", "name", "member__code", "member__name"]
    list_select_related = ["member", "owner_agency"]
    readonly_fields = ["member", "code", "owner_agency", "registered_at"]
    fields = [
        "member",
        "code",
        "name",
        "description",
        "owner_agency",
        "serves_public",
        "status",
        "rate_limit_per_minute",
        "registered_at",
    ]


@admin.register(Service)
class ServiceAdmin(ScopedAdmin):
    narrow = permissions.services_in_scope
    list_display = ["code", "name", "system", "current_version"]
    search_fields = ["code", "name", "system__code", "system__name"]
    list_select_related = ["system__member", "current_version"]
    readonly_fields = ["system", "code", "current_version", "registered_at"]
    fields = [
        "system",
        "code",
        "name",
        "description",
        "upstream_url",
        "timeout_seconds",
        "health_path",
        "current_version",
        "registered_at",
    ]


@admin.register(ServiceVersion)
class ServiceVersionAdmin(AuditedAdmin):
    """Platform only: endpoints are opened and closed here or on the catalogue page."""

    list_display = ["service", "version", "state", "published_at"]
    list_filter = ["state"]
    readonly_fields = ["service", "version", "openapi", "state", "created_at", "published_at", "created_by"]
    inlines = [EndpointInline]

    def save_formset(self, request, form, formset, change):
        for endpoint_form in formset.forms:
            if endpoint_form.has_changed() and endpoint_form.instance.pk:
                services.set_endpoint_enabled(
                    endpoint_form.instance, endpoint_form.cleaned_data["enabled"], by=request.user
                )


@admin.action(description=gettext_lazy("Thu hồi các quyền đã chọn"))
def revoke_rights(modeladmin, request, queryset):
    for right in queryset.filter(revoked_at__isnull=True):
        services.revoke_access(right, by=request.user)
    messages.success(request, _("Đã thu hồi các quyền đã chọn."))


@admin.register(AccessRight)
class AccessRightAdmin(ScopedAdmin):
    narrow = permissions.rights_in_scope
    list_display = ["service", "system", "group", "method", "path", "valid_from", "valid_to", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["service__code", "system__code", "group__code"]
    list_select_related = ["service__system__member", "system__member", "group"]
    actions = [revoke_rights]

    def has_change_permission(self, request, obj=None):
        return False  # a right is revoked (action), never edited


@admin.action(description=gettext_lazy("Khóa các thông tin xác thực đã chọn"))
def deactivate_credentials(modeladmin, request, queryset):
    for credential in queryset:
        services.set_credential_active(credential, False, by=request.user)
    messages.success(request, _("Đã khóa các thông tin xác thực đã chọn."))


@admin.register(ConsumerCredential)
class ConsumerCredentialAdmin(ScopedAdmin):
    narrow = permissions.credentials_in_scope
    list_display = ["client_id", "system", "active", "created_at", "rotated_at"]
    list_filter = ["active"]
    search_fields = ["client_id", "system__code"]
    fields = [
        "system",
        "client_id",
        "active",
        "certificate_fingerprint",
        "created_at",
        "rotated_at",
        "created_by",
    ]
    readonly_fields = ["system", "client_id", "created_at", "rotated_at", "created_by"]
    actions = [deactivate_credentials]


@admin.register(SystemGroup)
class SystemGroupAdmin(AuditedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    filter_horizontal = ["systems"]

    def has_add_permission(self, request, obj=None):
        return True

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed(
            "lgsp.group.systems",
            form.instance,
            changes={"systems": [str(s) for s in form.instance.systems.all()]},
            by=request.user,
        )


@admin.action(description=gettext_lazy("Xoay vòng khóa ký token (khóa kế tiếp thành khóa đang dùng)"))
def rotate_key(modeladmin, request, queryset):
    key = services.rotate_signing_key(by=request.user)
    messages.success(request, _("Khóa %(kid)s đang được dùng để ký token.") % {"kid": key.kid})


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["kid", "state", "algorithm", "created_at", "activated_at", "retired_at"]
    list_filter = ["state"]
    fields = ["kid", "algorithm", "state", "public_key", "created_at", "activated_at", "retired_at"]
    readonly_fields = fields
    actions = [rotate_key]


@admin.register(ExchangeDay)
class ExchangeDayAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "system", "count"]
    list_filter = ["day"]
    readonly_fields = ["system", "day", "count"]


# Publish / subscribe registers its pages from its own module (it needs the classes above).
from . import admin_pubsub  # noqa: E402, F401
