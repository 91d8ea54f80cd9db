"""Process definitions and their versions, running instances, and the work items of officers' inboxes.

``ProcessInstance`` and ``WorkItem`` concern a dossier and, through it, personal data of the applicant:
the instance's ``serialized`` workflow and ``data`` carry a copy of the dossier's form data, and a work
item's ``data`` holds what an officer entered at a step.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congso.agencies.models import Role
from congso.core.timeliness import Timeliness

from .conventions import ROLE_LABELS, TASK_ROLES, normalise


class ProcessDefinition(models.Model):
    """A business process (quy trình nội bộ) known by a stable key, e.g. ``chung-thuc-ban-sao``.

    ``catalog.ProcedureVersion.process_key`` names it; its BPMN drawings are the ``versions``.
    """

    key = models.SlugField(_("mã quy trình"), max_length=100, unique=True)
    name = models.CharField(_("tên quy trình"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("quy trình")
        verbose_name_plural = _("quy trình")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} — {self.name}"

    @property
    def active_version(self):
        return self.versions.filter(is_active=True).first()


class ProcessVersion(models.Model):
    """One uploaded BPMN file of a process. Versions are numbered 1, 2, … per definition; exactly one is
    active (used by new instances); a running instance keeps the version it started with until migrated.

    ``step_config`` is what congso read from the file at upload (see ``bpmn.validate``): for each step
    its kind, label, lane, role or user, agency rule, allotted hours and action.
    """

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    bpmn_xml = models.TextField(_("tệp BPMN"))
    process_id = models.CharField(_("mã tiến trình trong tệp"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    step_config = models.JSONField(_("cấu hình các bước"), default=dict)
    is_active = models.BooleanField(_("đang dùng"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("phiên bản quy trình")
        verbose_name_plural = _("phiên bản quy trình")
        ordering = ["definition", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="workflow_version_number_unique"),
            models.UniqueConstraint(
                fields=["definition"], condition=Q(is_active=True), name="workflow_one_active_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition.key} v{self.number}"

    def step(self, task_name: str) -> dict:
        return (self.step_config.get("steps") or {}).get(task_name) or {}


class RoleAlias(models.Model):
    """A lane or group name that process designers write, mapped to a role (``Backoffice`` → specialist).

    One table for the whole platform, edited in the admin. ``bpmn.validate`` reads it when a file is
    uploaded, beside the built-in role codes and labels (``conventions.ROLE_LABELS``), for lane names and
    ``candidateGroups``; an uploaded version keeps the roles it resolved then. Names are compared as
    ``conventions.normalise`` makes them (case, spaces, Unicode composition), hence ``normalised_name``.
    """

    name = models.CharField(_("tên làn hoặc nhóm"), max_length=200)
    normalised_name = models.CharField(_("tên đã chuẩn hóa"), max_length=200, unique=True, editable=False)
    role = models.CharField(
        _("vai trò"), max_length=32, choices=[(r.value, r.label) for r in Role if r.value in TASK_ROLES]
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("tên thay thế của vai trò")
        verbose_name_plural = _("tên thay thế của vai trò")
        ordering = ["normalised_name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.role}"

    def save(self, *args, **kwargs):
        self.normalised_name = normalise(self.name)[:200]
        super().save(*args, **kwargs)

    def clean(self):
        self.normalised_name = normalise(self.name)[:200]
        if not self.normalised_name:
            raise ValidationError({"name": _("Vui lòng nhập tên làn hoặc nhóm.")})
        if self.role not in TASK_ROLES:
            raise ValidationError({"role": _("Vai trò không thực hiện được bước của quy trình.")})
        if "@" in self.name or self.normalised_name.startswith("user:"):
            raise ValidationError(
                {"name": _("Tên thay thế không được chứa “@” hay bắt đầu bằng “user:” (cú pháp của làn).")}
            )
        if self.normalised_name in ROLE_LABELS:
            raise ValidationError(
                {"name": _("“%(name)s” đã là tên có sẵn của một vai trò.") % {"name": self.name}}
            )
        clash = RoleAlias.objects.filter(normalised_name=self.normalised_name).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError(
                {"name": _("Đã có tên thay thế “%(name)s”.") % {"name": clash.first().name}}
            )

    @classmethod
    def as_mapping(cls) -> dict[str, str]:
        """Normalised name → role code, as ``conventions.resolve_performer`` takes it."""
        return dict(cls.objects.values_list("normalised_name", "role"))


class InstanceState(models.TextChoices):
    RUNNING = "running", _("Đang chạy")
    COMPLETED = "completed", _("Đã hoàn thành")
    CANCELLED = "cancelled", _("Đã hủy")
    ERROR = "error", _("Lỗi")


class ProcessInstance(models.Model):
    """The process running for one dossier: the SpiffWorkflow workflow, serialized as JSON.

    ``lock_version`` grows by one at every save; a save that finds another number was overtaken by a
    concurrent one and is refused (optimistic locking, on top of the row lock taken by the services).
    ``next_timer_at`` is the earliest moment a waiting BPMN timer of this instance may fire, so the
    periodic job finds due instances with one indexed query.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="process_instance"
    )
    process_version = models.ForeignKey(
        ProcessVersion,
        verbose_name=_("phiên bản quy trình"),
        on_delete=models.PROTECT,
        related_name="instances",
    )
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=InstanceState.choices, default=InstanceState.RUNNING
    )
    # JSON text, not a JSONField: PostgreSQL's jsonb reorders keys, and SpiffWorkflow restores each task's
    # data as a delta on its parent's, so the tasks must come back in the order they were written.
    serialized = models.TextField(_("trạng thái bộ máy quy trình"), blank=True)
    data = models.JSONField(_("dữ liệu quy trình"), default=dict, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    completed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    next_timer_at = models.DateTimeField(_("hẹn giờ tiếp theo"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(_("phiên bản ghi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("quy trình đang chạy")
        verbose_name_plural = _("quy trình đang chạy")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_timer_at"], name="workflow_instance_timer_idx"),
            models.Index(fields=["process_version", "state"], name="workflow_instance_version_idx"),
            # Monitoring (``monitoring``): which instances run a version, read from the index alone.
            models.Index(fields=["process_version", "id"], name="workflow_instance_mon_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.process_version} — {self.dossier_id}"


class WorkItemKind(models.TextChoices):
    TASK = "task", _("Bước xử lý")
    ESCALATION = "escalation", _("Đôn đốc bước quá hạn")


class WorkItemState(models.TextChoices):
    OPEN = "open", _("Đang chờ xử lý")
    DONE = "done", _("Đã xử lý")
    CANCELLED = "cancelled", _("Đã hủy")


class WorkItem(models.Model):
    """One step waiting for (or done by) an officer: a row of an inbox and of the electronic ISO record.

    A ``task`` item mirrors a READY user task of the instance's workflow (``task_id`` is SpiffWorkflow's
    task UUID, ``task_name`` the BPMN id). It is for whoever holds ``role`` at ``agency`` today, or only
    for ``assigned_user`` when the lane names one person. An ``escalation`` item is opened for the leaders
    of the agency when a task item runs past ``due_at`` (see ``timers``); it points at that item.
    """

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="work_items")
    kind = models.CharField(_("loại"), max_length=16, choices=WorkItemKind.choices, default=WorkItemKind.TASK)
    task_id = models.UUIDField(_("mã bước trong bộ máy"), null=True, blank=True)
    task_name = models.CharField(_("mã bước (BPMN)"), max_length=200)
    label = models.CharField(_("tên bước"), max_length=300)
    lane = models.CharField(_("làn"), max_length=200, blank=True)
    role = models.CharField(_("vai trò"), max_length=32, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="work_items"
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_work_items",
    )
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=WorkItemState.choices, default=WorkItemState.OPEN
    )
    # Decimal: designers allot half an hour (``0.5``) to quick steps.
    allotted_hours = models.DecimalField(
        _("thời gian được giao (giờ làm việc)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    opened_at = models.DateTimeField(_("nhận lúc"))
    due_at = models.DateTimeField(_("hạn xử lý"))
    completed_at = models.DateTimeField(_("xử lý xong lúc"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="completed_work_items",
    )
    escalated_at = models.DateTimeField(_("báo quá hạn lúc"), null=True, blank=True)
    escalation_of = models.ForeignKey(
        "self",
        verbose_name=_("đôn đốc cho bước"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="escalations",
    )
    result = models.CharField(_("kết quả"), max_length=10, choices=Timeliness.choices, blank=True)
    data = models.JSONField(_("dữ liệu đã nhập"), default=dict, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("công việc")
        verbose_name_plural = _("công việc")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "agency", "role", "due_at", "id"], name="workflow_item_inbox_idx"),
            models.Index(fields=["state", "assigned_user", "due_at", "id"], name="workflow_item_user_idx"),
            models.Index(fields=["state", "kind", "due_at"], name="workflow_item_due_idx"),
            models.Index(fields=["instance", "state"], name="workflow_item_instance_idx"),
            # Monitoring (``monitoring``) aggregates steps without reading the table: the open steps (in
            # order of waiting, for the longest waits), and the completed ones by completion time (the
            # period and the weekly trend are ranges of it). Every column the queries read is a key.
            models.Index(
                fields=["opened_at", "instance", "task_name", "due_at", "agency"],
                condition=Q(kind="task", state="open"),
                name="workflow_item_open_mon_idx",
            ),
            models.Index(
                fields=["completed_at", "instance", "task_name", "opened_at", "result", "agency"],
                condition=Q(kind="task", state="done"),
                name="workflow_item_done_mon_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["instance", "task_id"],
                condition=Q(state="open", kind="task"),
                name="workflow_one_open_item_per_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state == WorkItemState.OPEN

    @property
    def allotted_hours_text(self) -> str:
        """``8`` or ``0.5``, not ``8.00``/``0.50``."""
        if self.allotted_hours is None:
            return ""
        text = f"{self.allotted_hours:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text


class StepStatsSnapshot(models.Model):
    """The completed-step figures of monitoring, precomputed by the periodic job ``workflow.snapshots``
    so that the pages do not aggregate every completed step at each request.

    One row per reporting ``period`` (the pages' keys: ``30``, ``90``, ``365``, ``all``), process
    ``definition``, step ``task_name`` and ``agency``; a row without agency holds the same figures for
    every agency together (the province), since a percentile cannot be added up from its parts. Every row
    of one refresh carries the same ``computed_at``; the period is the items completed at or after
    ``computed_at − period``.
    """

    period = models.CharField(_("kỳ thống kê"), max_length=8)
    definition = models.ForeignKey(
        ProcessDefinition, verbose_name=_("quy trình"), on_delete=models.CASCADE, related_name="+"
    )
    task_name = models.CharField(_("mã bước (BPMN)"), max_length=200)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    done_count = models.PositiveIntegerField(_("đã hoàn thành"))
    late_count = models.PositiveIntegerField(_("trễ hạn"))
    time_spent_total = models.DurationField(_("tổng thời gian xử lý"))
    p90 = models.DurationField(_("P90 thời gian xử lý"), null=True, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("số liệu giám sát đã tính sẵn")
        verbose_name_plural = _("số liệu giám sát đã tính sẵn")
        indexes = [
            models.Index(fields=["period", "definition", "agency"], name="workflow_snapshot_read_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.definition_id} {self.task_name} {self.agency_id}"


class WeeklyStepSnapshot(models.Model):
    """The weekly trend of monitoring (steps completed per ISO week), precomputed by the periodic job
    ``workflow.snapshots`` with the step figures, so that a process page does not group the last weeks'
    completed steps at each request.

    One row per process ``definition``, ``agency`` and ``week`` (Monday, local time) of the last
    ``monitoring.MAX_WEEKS`` weeks that has completed steps: counts and totals, which add up over any
    set of agencies. Every row of one refresh carries the same ``computed_at`` as the step figures.
    """

    definition = models.ForeignKey(
        ProcessDefinition, verbose_name=_("quy trình"), on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    week = models.DateField(_("tuần (thứ Hai)"))
    done_count = models.PositiveIntegerField(_("đã hoàn thành"))
    late_count = models.PositiveIntegerField(_("trễ hạn"))
    time_spent_total = models.DurationField(_("tổng thời gian xử lý"))
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("xu hướng theo tuần đã tính sẵn")
        verbose_name_plural = _("xu hướng theo tuần đã tính sẵn")
        indexes = [models.Index(fields=["week", "definition"], name="workflow_week_snapshot_idx")]

    def __str__(self) -> str:
        return f"{self.week} {self.definition_id} {self.agency_id}"


class OpenStepSnapshot(models.Model):
    """The steps in progress of monitoring, counted by the periodic job ``workflow.snapshots`` with the
    step figures, so that a monitoring page does not group every open work item at each request.

    One row per process ``definition``, step (``task_name``) and ``agency`` with open steps: how many,
    how many were past their deadline and their total age, all as of ``computed_at`` (the same moment
    as the step figures of the refresh); counts and totals add up over any set of agencies.
    """

    definition = models.ForeignKey(
        ProcessDefinition, verbose_name=_("quy trình"), on_delete=models.CASCADE, related_name="+"
    )
    task_name = models.CharField(_("mã bước (BPMN)"), max_length=200)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    open_count = models.PositiveIntegerField(_("đang xử lý"))
    overdue_count = models.PositiveIntegerField(_("quá hạn"))
    open_age_total = models.DurationField(_("tổng thời gian đã chờ"))
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("bước đang xử lý đã tính sẵn")
        verbose_name_plural = _("bước đang xử lý đã tính sẵn")
        indexes = [models.Index(fields=["definition", "task_name"], name="workflow_open_snapshot_idx")]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.task_name} {self.agency_id}"
