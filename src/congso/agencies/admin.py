"""Admin pages for administrative units, agencies and staff membership.

Membership changes made here leave the same audit entries as ``services`` does, because the admin is
where most of them happen.
"""

from django.contrib import admin
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.core import audit

from .models import AdministrativeUnit, Agency, AgencyDocumentSettings, StaffMembership, UnitSuccession
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
    list_filter = ["effective_on", "legal_basis"]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name"]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]

    @admin.display(description=_("mã đơn vị trước"), ordering="predecessor__code")
    def predecessor_code(self, obj):
        return obj.predecessor.code

    @admin.display(description=_("mã đơn vị kế thừa"), ordering="successor__code")
    def successor_code(self, obj):
        return obj.successor.code


class MembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "title", "valid_from", "valid_to"]


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


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
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

    def save_formset(self, request, form, formset, change):
        if formset.model is StaffMembership:
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
    list_display = ["user", "agency", "agency_code", "role", "title", "valid_from", "valid_to"]
    list_filter = ["role", ValidityFilter, ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__full_name", "agency__name", "agency__code", "title"]
    list_select_related = ["user", "agency"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["agency"]

    @admin.display(description=_("mã cơ quan"), ordering="agency__code")
    def agency_code(self, obj):
        return obj.agency.code

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = "agencies.membership.change" if change else "agencies.membership.add"
        audit.record(action, obj, changes=_membership_snapshot(obj))

    def delete_model(self, request, obj):
        audit.record("agencies.membership.delete", obj, changes=_membership_snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record("agencies.membership.delete", obj, changes=_membership_snapshot(obj))
        super().delete_queryset(request, queryset)
