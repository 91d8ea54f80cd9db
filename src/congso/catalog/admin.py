"""Admin of the catalog: procedures with their versions, versions with papers and fees, export actions
and the import page (upload → validation report → import)."""

import re
import uuid
from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import ImportForm
from .importexport import export_json, export_xlsx, import_catalog
from .models import Fee, Field, LifeEvent, Procedure, ProcedureVersion, RequiredPaper, VersionStatus

IMPORT_DIR = "catalog/imports"
_TOKEN_RE = re.compile(r"^[0-9a-f]{32}\.(json|xlsx)$")
_SESSION_KEY = "catalog_import_pending"


def _import_stored(stored: str, *, dry_run: bool = False):
    with default_storage.open(stored, "rb") as handle:
        return import_catalog(handle, format=stored.rsplit(".", 1)[-1], dry_run=dry_run)


def _forget_pending(request) -> None:
    """Drop the file of an earlier check that was never confirmed."""
    pending = request.session.pop(_SESSION_KEY, None)
    if pending and default_storage.exists(pending.get("stored", "")):
        default_storage.delete(pending["stored"])


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "for_business"]
    list_filter = ["for_business"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class VersionInline(admin.TabularInline):
    """The versions of a procedure, read-only here; each opens its own page with papers and fees."""

    model = ProcedureVersion
    fields = [
        "number",
        "status",
        "effective_from",
        "effective_to",
        "online_mode",
        "time_limit_value",
        "time_limit_unit",
    ]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ["-number"]


def _download(content, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "level", "is_active"]
    list_filter = ["field", "level", "is_active", "versions__online_mode", "versions__status"]
    search_fields = ["code", "national_code", "name"]
    list_select_related = ["field"]
    filter_horizontal = ["life_events"]
    fields = ["code", "national_code", "name", "field", "level", "life_events", "is_active"]
    inlines = [VersionInline]
    actions = ["export_selected_json", "export_selected_xlsx"]
    change_list_template = "catalog/admin/procedure_change_list.html"

    @admin.action(description=gettext_lazy("Xuất các thủ tục đã chọn (JSON)"), permissions=["view"])
    def export_selected_json(self, request, queryset):
        return _download(
            export_json(queryset),
            f"danh-muc-thu-tuc-{date.today():%Y%m%d}.json",
            "application/json; charset=utf-8",
        )

    @admin.action(description=gettext_lazy("Xuất các thủ tục đã chọn (XLSX)"), permissions=["view"])
    def export_selected_xlsx(self, request, queryset):
        return _download(
            export_xlsx(queryset),
            f"danh-muc-thu-tuc-{date.today():%Y%m%d}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def get_urls(self):
        return [
            path("nhap/", self.admin_site.admin_view(self.import_view), name="catalog_procedure_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Step 1: upload and check (nothing written). Step 2: confirm, and the checked file is imported
        (validated again, in one transaction)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Nhập danh mục thủ tục hành chính"),
            "form": ImportForm(),
        }
        if request.method == "POST" and request.POST.get("step") == "confirm":
            return self._import_confirmed(request, context)
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            context["form"] = form
            if form.is_valid():
                self._check_upload(request, form.cleaned_data["file"], context)
        return TemplateResponse(request, "catalog/admin/import.html", context)

    def _check_upload(self, request, upload, context) -> None:
        _forget_pending(request)
        extension = "xlsx" if upload.name.lower().endswith(".xlsx") else "json"
        token = f"{uuid.uuid4().hex}.{extension}"
        stored = default_storage.save(f"{IMPORT_DIR}/{token}", upload)
        report = _import_stored(stored, dry_run=True)
        context.update(report=report, file_name=upload.name)
        if report.ok:
            request.session[_SESSION_KEY] = {"token": token, "stored": stored, "name": upload.name}
            context["token"] = token
        else:
            default_storage.delete(stored)

    def _import_confirmed(self, request, context):
        pending = request.session.get(_SESSION_KEY) or {}
        token = request.POST.get("token", "")
        if (
            not _TOKEN_RE.match(token)
            or pending.get("token") != token
            or not default_storage.exists(pending["stored"])
        ):
            messages.error(request, _("Phiên nhập đã hết hạn hoặc không hợp lệ. Vui lòng tải tệp lên lại."))
            return redirect("admin:catalog_procedure_import")
        report = _import_stored(pending["stored"])
        _forget_pending(request)
        if report.ok:
            messages.success(request, report.summary())
            return redirect("admin:catalog_procedure_changelist")
        context.update(report=report, file_name=pending.get("name", ""))
        return TemplateResponse(request, "catalog/admin/import.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "import_url": reverse("admin:catalog_procedure_import")}
        return super().changelist_view(request, extra_context)


class PaperInline(admin.TabularInline):
    model = RequiredPaper
    fields = [
        "position",
        "code",
        "name",
        "originals",
        "copies",
        "is_required",
        "from_data_store",
        "template",
        "note",
    ]
    extra = 0
    ordering = ["position", "id"]


class FeeInline(admin.StackedInline):
    model = Fee
    fields = ["position", "name", "kind", "amount", "rule", "exemptions", "legal_basis"]
    extra = 0
    ordering = ["position", "id"]


class VersionAdminForm(forms.ModelForm):
    class Meta:
        model = ProcedureVersion
        # The admin builds the real field list from ProcedureVersionAdmin.fieldsets.
        fields = ["procedure", "status"]

    def clean(self):
        cleaned = super().clean()
        procedure = cleaned.get("procedure")
        if procedure is not None and cleaned.get("status") == VersionStatus.PUBLISHED:
            # The admin saves inside a transaction: locking the procedure row makes two editors publishing
            # overlapping versions at once wait for each other, so the model's overlap check sees both.
            Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
        return cleaned


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    @admin.display(description=gettext_lazy("Xem trước biểu mẫu"))
    def form_preview_link(self, obj):
        """The live preview of this version's online form (edit the JSON there, then copy back)."""
        base = reverse("catalog-preview:form-preview")
        if obj is None or obj.pk is None:
            return _("Lưu phiên bản trước khi xem trước biểu mẫu.")
        return format_html(
            '<a href="{}?phien-ban={}">{}</a>', base, obj.pk, _("Mở trang xem trước biểu mẫu trực tuyến")
        )

    form = VersionAdminForm
    list_display = ["procedure", "number", "status", "effective_from", "effective_to", "online_mode"]
    list_filter = ["status", "online_mode", "procedure__field", "procedure__level"]
    search_fields = ["procedure__code", "procedure__name"]
    list_select_related = ["procedure"]
    autocomplete_fields = ["procedure", "implementing_agencies"]
    inlines = [PaperInline, FeeInline]
    readonly_fields = ["form_preview_link"]
    fieldsets = [
        (None, {"fields": ["procedure", "number", "status", "effective_from", "effective_to"]}),
        (
            gettext_lazy("Thực hiện"),
            {
                "fields": [
                    "implementing_agencies",
                    "implementing_agency_note",
                    "applicant_types",
                    "conditions",
                    "submission_place",
                    "description",
                    "legal_basis",
                ]
            },
        ),
        (
            gettext_lazy("Thời hạn"),
            {
                "fields": [
                    "time_limit_value",
                    "time_limit_unit",
                    "time_limit_note",
                    "receipt_cutoff",
                    "supplement_clock_rule",
                ]
            },
        ),
        (
            gettext_lazy("Trực tuyến và kết quả"),
            {
                "fields": [
                    "online_mode",
                    "required_assurance_level",
                    "result_type",
                    "result_is_electronic",
                    "fee_note",
                    "form_schema",
                    "form_ui",
                    "form_preview_link",
                    "process_key",
                ]
            },
        ),
        (gettext_lazy("Xác minh"), {"fields": ["unverified"]}),
    ]
