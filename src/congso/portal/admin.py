"""Drafts in the admin, read-only and metadata only: support staff can see where an applicant got stuck
(procedure, step, dates), never what they wrote. The platform administrator reads no dossier
(``dossiers.permissions``), and a draft is a dossier being written: its answers (``data``), the person
applied for (``acting_for``) and the names of attached files stay out of the admin for everyone. Files
are listed by paper, size and type, never linked: they are personal papers, streamed to their owner only.

Citizens' feedback and the lookup rate-limit counters are read-only too: a rating is the citizen's and
is never edited; the agency's reply is written from the officers' side, not from the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from congso.core.admin_mixins import ReadOnlyAdminMixin

from .models import ApplicationDraft, DraftFile, Feedback


class DraftFileInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DraftFile
    fields = ("required_paper_code", "content_type", "size", "sha256", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ApplicationDraft)
class ApplicationDraftAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "public_id",
        "user",
        "procedure_version",
        "current_step",
        "updated_at",
        "expires_at",
        "submitted_dossier",
    )
    list_filter = (("submitted_dossier", admin.EmptyFieldListFilter),)
    search_fields = ("public_id", "user__username", "procedure_version__procedure__code")
    list_select_related = ("user", "procedure_version__procedure", "submitted_dossier")
    fields = (
        "public_id",
        "user",
        "procedure_version",
        "receiving_agency",
        "current_step",
        "created_at",
        "updated_at",
        "expires_at",
        "submitted_dossier",
        "idempotency_key",
    )
    readonly_fields = fields
    inlines = [DraftFileInline]
    date_hierarchy = "updated_at"


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("dossier", "rating", "created_at", "agency", "replied_at")
    list_filter = ("rating", "created_at", ("replied_at", admin.EmptyFieldListFilter))
    search_fields = ("dossier__code",)
    list_select_related = ("dossier__receiving_agency",)
    fields = (
        "dossier",
        "author",
        "rating",
        "reasons",
        "comment",
        "created_at",
        "reply",
        "replied_at",
        "replied_by",
    )
    readonly_fields = fields
    date_hierarchy = "created_at"

    @admin.display(description=_("cơ quan tiếp nhận"), ordering="dossier__receiving_agency__name")
    def agency(self, obj):
        return obj.dossier.receiving_agency
