"""Admin for dossiers: read-only, and only the dossiers the signed-in person may see.

Dossiers change only through ``dossiers.services`` (status machine, audit, events), never by editing
rows here. The list is ``Dossier.objects.visible_to(request.user)``: an administrator without an
officer role sees no dossier (``permissions.py``). Files are listed by their metadata; downloading goes
through the workspace's own view, not through this admin.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from congso.core.admin_mixins import ReadOnlyAdminMixin

from .models import Dossier, DossierPaper, Extension, HandOver, StatusChange, SupplementRequest


class _ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class StatusChangeInline(_ReadOnlyInline):
    model = StatusChange
    fields = ["at", "transition", "from_status", "to_status", "by", "form_code", "reason"]
    ordering = ["at", "id"]


class HandOverInline(_ReadOnlyInline):
    model = HandOver
    fields = [
        "handed_at",
        "step_name",
        "from_agency",
        "from_unit_label",
        "to_agency",
        "to_unit_label",
        "given_by",
        "received_by",
        "allotted_hours",
        "due_at",
        "completed_at",
        "result",
        "note",
    ]
    ordering = ["handed_at", "id"]


class ExtensionInline(_ReadOnlyInline):
    model = Extension
    fields = ["extended_at", "old_due_at", "new_due_at", "before_deadline", "extended_by", "reason"]


class SupplementRequestInline(_ReadOnlyInline):
    model = SupplementRequest
    fields = ["requested_at", "requested_by", "items", "reason", "clock_rule", "provided_at", "provided_by"]


class DossierPaperInline(_ReadOnlyInline):
    model = DossierPaper
    # ``file`` is left out on purpose: no public URL for uploaded files (MEDIA_URL is None).
    fields = [
        "stage",
        "required_paper_code",
        "name",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "scan_status",
        "uploaded_by",
        "uploaded_at",
    ]


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "status",
        "channel",
        "receiving_agency",
        "current_agency",
        "submitted_at",
        "due_at",
        "timeliness",
    ]
    list_filter = ["status", "channel", "timeliness"]
    search_fields = ["=code", "=applicant_national_id"]
    list_select_related = ["receiving_agency", "current_agency"]
    date_hierarchy = "submitted_at"
    ordering = ["-submitted_at", "-id"]
    show_full_result_count = False
    inlines = [
        StatusChangeInline,
        HandOverInline,
        SupplementRequestInline,
        ExtensionInline,
        DossierPaperInline,
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "status",
                    "channel",
                    "procedure_version",
                    "receiving_agency",
                    "current_agency",
                    "processing_agencies",
                ]
            },
        ),
        (
            _("Người nộp"),
            {
                "fields": [
                    "applicant",
                    "submitted_by",
                    "applicant_name",
                    "applicant_national_id",
                    "applicant_phone",
                    "applicant_email",
                    "applicant_address",
                    "acting_for",
                ]
            },
        ),
        (
            _("Thời hạn"),
            {
                "fields": [
                    "submitted_at",
                    "received_at",
                    "due_at",
                    "statutory_due_at",
                    "paused_at",
                    "finished_at",
                    "returned_at",
                    "timeliness",
                    "at_risk_flagged_due_at",
                    "overdue_flagged_at",
                ]
            },
        ),
        (_("Kết quả"), {"fields": ["result_note", "return_method"]}),
        (_("Tờ khai"), {"fields": ["form_data"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
