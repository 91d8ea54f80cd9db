"""The coordinating department sets up what the reporting block follows: report templates (their
sections are checked on save), the plan's programmes, their tasks with budget and target, and the tasks'
milestones. Platform pages (``agencies.admin_site``: platform administrators only)."""

from django.contrib import admin

from .models import Milestone, Programme, ProgrammeTask, ReportTemplate


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


class ProgrammeTaskInline(admin.TabularInline):
    model = ProgrammeTask
    fields = ("name", "lead_agency", "budget_planned", "budget_allocated", "target")
    extra = 0
    autocomplete_fields = ("lead_agency",)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "lead_agency", "start_year", "end_year")
    search_fields = ("code", "name")
    autocomplete_fields = ("lead_agency",)
    inlines = [ProgrammeTaskInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ("title", "due_date", "done_on")
    extra = 0


@admin.register(ProgrammeTask)
class ProgrammeTaskAdmin(admin.ModelAdmin):
    list_display = ("name", "programme", "lead_agency", "budget_allocated", "budget_disbursed", "progress")
    list_filter = ("programme",)
    search_fields = ("name",)
    autocomplete_fields = ("lead_agency",)
    # Progress and disbursement come from the lead agency's reports (reporting.programmes).
    readonly_fields = ("progress", "budget_disbursed")
    inlines = [MilestoneInline]
