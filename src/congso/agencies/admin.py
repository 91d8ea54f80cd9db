"""Admin pages for administrative units, agencies and staff membership.

Membership changes made here leave the same audit entries as ``services`` does, because the admin is
where most of them happen.

Agencies, memberships (with the agency page's inline) are agency-scoped (``admin_site``): an agency
administrator sees only the agencies they administer and the memberships there, may change only the
contact details and document settings of those agencies, and may grant, change or end only the roles
``permissions.admin_scope`` lets them grant there. Units and successions are platform-only.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.core import audit
from congso.core.admin_mixins import ValuesListFilter

from .models import AdministrativeUnit, Agency, AgencyDocumentSettings, Role, StaffMembership, UnitSuccession
from .permissions import (
    NO_SCOPE,
    admin_scope_for_request,
    agencies_in_scope,
    may_manage_membership,
    memberships_in_scope,
)
from .validators import parse_agency_code


class ValidityFilter(admin.SimpleListFilter):
    """Filter rows by whether they are in force today, ended, or not yet in force."""

    title = _("hiệu lực")
    parameter_name = "hieu_luc"

    def lookups(self, request, model_admin):
        return [
            ("current", _("Đang hiệu lực")),
            ("ended", _("Đã hết hiệu lực")),
            ("future", _("Chưa có hiệu lực")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.valid_on(today)
        if self.value() == "ended":
            return queryset.filter(valid_to__lt=today)
        if self.value() == "future":
            return queryset.filter(valid_from__gt=today)
        return queryset


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    fields = ["successor", "effective_on", "legal_basis", "source"]
    verbose_name = _("đơn vị kế thừa")
    verbose_name_plural = _("các đơn vị kế thừa")


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", ValidityFilter, "division_type"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    list_per_page = 100
    inlines = [SuccessionInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "division_type", "level", "parent"]}),
        (_("Hiệu lực"), {"fields": ["valid_from", "valid_to", "source"]}),
    ]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = [
        "predecessor",
        "predecessor_code",
        "successor",
        "successor_code",
        "effective_on",
        "legal_basis",
    ]
    list_filter = ["effective_on", ("legal_basis", ValuesListFilter)]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name"]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]

    @admin.display(description=_("mã đơn vị trước"), ordering="predecessor__code")
    def predecessor_code(self, obj):
        return obj.predecessor.code

    @admin.display(description=_("mã đơn vị kế thừa"), ordering="successor__code")
    def successor_code(self, obj):
        return obj.successor.code


ROLE_NOT_GRANTABLE = _("Bạn không có quyền giao vai trò “%(role)s” tại cơ quan này.")


class MembershipAdminForm(forms.ModelForm):
    """A membership form that refuses a role the administrator may not grant at that agency.

    ``scope`` is set per request by ``_form_for_scope``; the role list is narrowed too, this check is what
    holds when the list is bypassed (a forged POST, or an agency chosen together with the role)."""

    scope = NO_SCOPE

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        agency = cleaned.get("agency") or self.instance.agency_id
        if role and agency is not None and not self.scope.may_grant(role, agency):
            label = dict(Role.choices).get(role, role)
            self.add_error("role", ROLE_NOT_GRANTABLE % {"role": label})
        return cleaned


def _form_for_scope(form_class, scope):
    return type(form_class.__name__, (form_class,), {"scope": scope})


def _grantable_role_choices(db_field, scope, kwargs):
    """Narrow the role field of a membership form to the roles ``scope`` may grant."""
    kwargs["choices"] = [
        (value, label) for value, label in db_field.choices if value in scope.grantable_roles
    ]


def _refuse_unmanageable(scope, memberships) -> None:
    for membership in memberships:
        if membership.pk is not None and not may_manage_membership(scope, membership):
            raise PermissionDenied


class MembershipInline(admin.TabularInline):
    """The agency's memberships. Rows in a role the administrator may not grant (a platform administrator
    working at this agency, for an agency administrator) are left out here; the membership list shows them
    read-only."""

    model = StaffMembership
    form = MembershipAdminForm
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "title", "valid_from", "valid_to"]

    def get_queryset(self, request):
        scope = admin_scope_for_request(request)
        queryset = memberships_in_scope(scope, super().get_queryset(request))
        return queryset.filter(role__in=scope.grantable_roles)

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = _form_for_scope(self.form, admin_scope_for_request(request))
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            _grantable_role_choices(db_field, admin_scope_for_request(request), kwargs)
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class DocumentSettingsInline(admin.StackedInline):
    """The header and signer of the agency's one-stop forms; blank fields are derived from the agency
    (``services.document_settings_for``)."""

    model = AgencyDocumentSettings
    extra = 0
    max_num = 1
    verbose_name = _("thông tin trình bày văn bản (mẫu phiếu một cửa)")
    verbose_name_plural = _("thông tin trình bày văn bản (mẫu phiếu một cửa)")
    fieldsets = [
        (
            _("Tiêu đề văn bản"),
            {
                "fields": ["superior_name", "display_name", "one_stop_unit_name", "place_name", "phone"],
                "description": _("Để trống một ô để dùng giá trị suy ra từ thông tin cơ quan."),
            },
        ),
        (_("Người ký"), {"fields": ["signer_authority", "authority_holder", "signer_title", "signer_name"]}),
        (_("Khác"), {"fields": ["footer_note"]}),
    ]


# The fields that place an agency in the tree and in time: only the platform changes them, so that an
# agency administrator cannot move an agency into (or out of) their reach.
AGENCY_STRUCTURE_FIELDS = [
    "code",
    "kind",
    "parent",
    "administrative_unit",
    "valid_from",
    "valid_to",
    "successor",
    "is_demo",
]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    agency_scoped = True
    list_display = [
        "code",
        "indented_name",
        "kind",
        "parent",
        "administrative_unit",
        "valid_from",
        "valid_to",
        "is_demo",
    ]
    list_display_links = ["code", "indented_name"]
    list_filter = ["kind", ValidityFilter, "is_demo"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["parent", "administrative_unit"]
    autocomplete_fields = ["parent", "administrative_unit", "successor"]
    # A code writes its levels right to left (000.00.03.H08); sorting level 1, 2, 3, 4 lists each
    # agency right under its parent, which is the tree as the code describes it.
    ordering = [Substr("code", 11, 3), Substr("code", 8, 2), Substr("code", 5, 2), Substr("code", 1, 3)]
    inlines = [MembershipInline, DocumentSettingsInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "short_name", "kind", "parent", "administrative_unit"]}),
        (_("Liên hệ"), {"fields": ["address", "phone", "email"]}),
        (_("Hiệu lực"), {"fields": ["valid_from", "valid_to", "successor", "is_demo"]}),
    ]

    @admin.display(description=_("tên cơ quan"), ordering="name")
    def indented_name(self, obj):
        # The depth is read from the code itself (QCVN 102:2016 levels), so the list needs no extra query.
        try:
            depth = parse_agency_code(obj.code).depth
        except Exception:  # noqa: BLE001 — a malformed legacy code is shown flat rather than breaking the list
            depth = 1
        return f"{'— ' * (depth - 1)}{obj.name}"

    def get_queryset(self, request):
        return agencies_in_scope(admin_scope_for_request(request), super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        if admin_scope_for_request(request).is_platform:
            return super().get_readonly_fields(request, obj)
        return AGENCY_STRUCTURE_FIELDS

    def has_module_permission(self, request):
        return admin_scope_for_request(request).is_admin and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        scope = admin_scope_for_request(request)
        return (
            (obj is None or scope.covers(obj))
            and scope.is_admin
            and super().has_view_permission(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        scope = admin_scope_for_request(request)
        allowed = (obj is None or scope.covers(obj)) and scope.is_admin
        return allowed and super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return admin_scope_for_request(request).is_platform and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return admin_scope_for_request(request).is_platform and super().has_delete_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is StaffMembership:
            scope = admin_scope_for_request(request)
            _refuse_unmanageable(scope, [f.instance for f in formset.initial_forms])
            _save_memberships_with_audit(formset)
        elif formset.model is AgencyDocumentSettings:
            _save_document_settings_with_audit(formset)
        else:
            super().save_formset(request, form, formset, change)


def _membership_snapshot(m: StaffMembership) -> dict:
    return {
        "user": m.user_id,
        "agency": m.agency_id,
        "role": m.role,
        "title": m.title,
        "valid_from": m.valid_from.isoformat() if m.valid_from else None,
        "valid_to": m.valid_to.isoformat() if m.valid_to else None,
    }


def _save_memberships_with_audit(formset) -> None:
    instances = formset.save(commit=False)
    for obj in formset.deleted_objects:
        audit.record("agencies.membership.delete", obj, changes=_membership_snapshot(obj))
        obj.delete()
    for obj in instances:
        action = "agencies.membership.change" if obj.pk else "agencies.membership.add"
        obj.save()
        audit.record(action, obj, changes=_membership_snapshot(obj))
    formset.save_m2m()


_DOCUMENT_SETTINGS_FIELDS = [
    "superior_name",
    "display_name",
    "place_name",
    "signer_authority",
    "authority_holder",
    "signer_title",
    "signer_name",
    "one_stop_unit_name",
    "phone",
    "footer_note",
]


def _save_document_settings_with_audit(formset) -> None:
    """Save the settings and audit each change: they decide who appears to sign official forms."""
    instances = formset.save(commit=False)
    for obj in formset.deleted_objects:
        audit.record("agencies.document_settings.delete", obj.agency, changes={"agency": obj.agency.code})
        obj.delete()
    for obj in instances:
        action = "agencies.document_settings.change" if obj.pk else "agencies.document_settings.add"
        obj.save()
        changes = {name: getattr(obj, name) for name in _DOCUMENT_SETTINGS_FIELDS}
        audit.record(action, obj.agency, changes=changes)
    formset.save_m2m()


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    agency_scoped = True
    form = MembershipAdminForm
    list_display = ["user", "agency", "agency_code", "role", "title", "valid_from", "valid_to"]
    list_filter = ["role", ValidityFilter, ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__full_name", "agency__name", "agency__code", "title"]
    list_select_related = ["user", "agency"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["agency"]

    @admin.display(description=_("mã cơ quan"), ordering="agency__code")
    def agency_code(self, obj):
        return obj.agency.code

    def get_queryset(self, request):
        return memberships_in_scope(admin_scope_for_request(request), super().get_queryset(request))

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = _form_for_scope(self.form, admin_scope_for_request(request))
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = agencies_in_scope(admin_scope_for_request(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            _grantable_role_choices(db_field, admin_scope_for_request(request), kwargs)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return admin_scope_for_request(request).is_admin and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        scope = admin_scope_for_request(request)
        in_scope = obj is None or scope.covers(obj.agency_id)
        return in_scope and scope.is_admin and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return bool(admin_scope_for_request(request).grantable_roles) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may_manage(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_manage(request, obj) and super().has_delete_permission(request, obj)

    @staticmethod
    def _may_manage(request, obj) -> bool:
        scope = admin_scope_for_request(request)
        if obj is None:
            return bool(scope.grantable_roles)
        return may_manage_membership(scope, obj)

    def save_model(self, request, obj, form, change):
        if change:
            # The row as stored, not as edited: editing cannot turn someone else's role into one's own.
            _refuse_unmanageable(admin_scope_for_request(request), [StaffMembership.objects.get(pk=obj.pk)])
        super().save_model(request, obj, form, change)
        action = "agencies.membership.change" if change else "agencies.membership.add"
        audit.record(action, obj, changes=_membership_snapshot(obj))

    def delete_model(self, request, obj):
        audit.record("agencies.membership.delete", obj, changes=_membership_snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # "Delete selected" checks the permission for the list only, not for each row chosen.
        _refuse_unmanageable(admin_scope_for_request(request), queryset)
        for obj in queryset:
            audit.record("agencies.membership.delete", obj, changes=_membership_snapshot(obj))
        super().delete_queryset(request, queryset)
