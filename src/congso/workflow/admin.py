"""Admin pages: upload BPMN files (checked, with line-precise errors), see versions, instances and work
items, activate a version and move running instances to it after a dry run; edit the lane/group names
that stand for roles (``RoleAlias``).

Instances and work items are shown as metadata only (process, step, state, dates, who): their data, the
serialized engine state and officers' notes carry the dossier's form data, and the platform
administrator reads no dossier (``dossiers.permissions``)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.core.admin_mixins import ReadOnlyAdminMixin

from . import services
from .errors import BpmnRejected, WorkflowError
from .forms import MigrationConfirmForm, ProcessUploadForm
from .models import ProcessDefinition, ProcessInstance, ProcessVersion, RoleAlias, WorkItem


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rows that only the engine writes."""


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "active_version_label", "created_at"]
    search_fields = ["key", "name"]
    readonly_fields = ["key", "created_at"]
    fields = ["key", "name", "description", "created_at"]

    @admin.display(description=gettext_lazy("phiên bản đang dùng"))
    def active_version_label(self, obj):
        version = obj.active_version
        return f"v{version.number}" if version else "—"

    def has_add_permission(self, request):
        return False  # a definition is created by uploading its first file

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="workflow_processdefinition_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not self.has_change_permission(request) or not request.user.has_perm(
            "workflow.add_processversion"
        ):
            raise PermissionDenied
        initial = {"key": request.GET.get("key", "")}
        definition = ProcessDefinition.objects.filter(key=initial["key"]).first() if initial["key"] else None
        if definition is not None:
            initial.update(name=definition.name, description=definition.description)
        form = ProcessUploadForm(request.POST or None, request.FILES or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                version = services.upload_version(
                    key=form.cleaned_data["key"],
                    name=form.cleaned_data["name"],
                    xml=form.xml,
                    description=form.cleaned_data["description"],
                    activate=form.cleaned_data["activate"],
                    note=form.cleaned_data["note"],
                    uploaded_by=request.user,
                )
            except BpmnRejected as exc:
                form.add_error("file", exc)
            except WorkflowError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, _("Đã lưu %(version)s.") % {"version": version}, messages.SUCCESS)
                return redirect(reverse("admin:workflow_processversion_change", args=[version.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tải lên tệp BPMN"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workflow/processdefinition/upload.html", context)


@admin.register(ProcessVersion)
class ProcessVersionAdmin(admin.ModelAdmin):
    list_display = ["definition", "number", "is_active", "process_id", "uploaded_by", "uploaded_at"]
    list_filter = ["is_active"]
    search_fields = ["definition__key", "definition__name", "process_id"]
    list_select_related = ["definition", "uploaded_by"]
    readonly_fields = [
        "definition",
        "number",
        "process_id",
        "sha256",
        "is_active",
        "uploaded_by",
        "uploaded_at",
        "note",
        "step_config",
        "bpmn_xml",
    ]
    actions = ["activate", "plan_migration"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Dùng phiên bản này cho hồ sơ mới"), permissions=["change"])
    def activate(self, request, queryset):
        for version in queryset:
            services.activate_version(version, by=request.user)
            self.message_user(
                request, _("%(version)s đang được dùng.") % {"version": version}, messages.SUCCESS
            )

    @admin.action(
        description=gettext_lazy("Chuyển hồ sơ đang chạy sang phiên bản này (chạy thử trước)"),
        permissions=["change"],
    )
    def plan_migration(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Chọn đúng một phiên bản."), messages.ERROR)
            return None
        return redirect(reverse("admin:workflow_processversion_migrate", args=[queryset.get().pk]))

    def get_urls(self):
        return [
            path(
                "<int:pk>/migrate/",
                self.admin_site.admin_view(self.migrate_view),
                name="workflow_processversion_migrate",
            ),
            *super().get_urls(),
        ]

    def migrate_view(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        version = get_object_or_404(ProcessVersion.objects.select_related("definition"), pk=pk)
        form = MigrationConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            rows = services.migrate(version.definition.key, version, by=request.user)
            moved = sum(1 for row in rows if row.can_move)
            self.message_user(
                request,
                _("Đã chuyển %(n)s hồ sơ sang %(version)s.") % {"n": moved, "version": version},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:workflow_processversion_change", args=[version.pk]))
        rows = services.plan_migration(version.definition.key, version)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Chuyển hồ sơ đang chạy sang %(version)s") % {"version": version},
            "version": version,
            "rows": rows,
            "movable": sum(1 for row in rows if row.can_move),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workflow/processversion/migrate.html", context)


@admin.register(RoleAlias)
class RoleAliasAdmin(admin.ModelAdmin):
    """The names designers give their lanes and groups ("Backoffice", "Tổ thẩm định"), mapped to roles.
    Read when a BPMN file is uploaded: a version keeps the roles it resolved then."""

    list_display = ["name", "role", "note", "created_at"]
    list_filter = ["role"]
    search_fields = ["name", "normalised_name", "note"]
    fields = ["name", "role", "note"]


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "process_version", "state", "started_at", "completed_at", "next_timer_at"]
    list_filter = ["state", "process_version__definition"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "process_version__definition"]
    # Only these: ``serialized`` and ``data`` hold the dossier's form data.
    fields = [
        "dossier",
        "process_version",
        "state",
        "started_at",
        "completed_at",
        "updated_at",
        "next_timer_at",
        "lock_version",
        "last_error",
    ]
    readonly_fields = fields


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = [
        "label",
        "instance",
        "kind",
        "agency",
        "role",
        "assigned_user",
        "state",
        "due_at",
        "result",
        "completed_by",
    ]
    list_filter = ["state", "kind", "result", "role"]
    search_fields = ["instance__dossier__code", "label", "task_name"]
    list_select_related = ["instance__dossier", "agency", "assigned_user", "completed_by"]
    date_hierarchy = "due_at"
    # Only these: ``data`` (what the officer entered) and ``note`` are the dossier's contents.
    fields = [
        "instance",
        "kind",
        "task_id",
        "task_name",
        "label",
        "lane",
        "role",
        "agency",
        "assigned_user",
        "state",
        "allotted_hours",
        "opened_at",
        "due_at",
        "completed_at",
        "completed_by",
        "escalated_at",
        "escalation_of",
        "result",
    ]
