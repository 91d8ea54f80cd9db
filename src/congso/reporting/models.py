"""The reporting block's own tables: one fact per dossier, the figures per day kept from them, and the
days whose figures must be recomputed. Nothing here is typed in: every row comes from ``facts`` and
``aggregates``, and ``aggregates.rebuild`` makes them all again from the dossiers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.timeliness import Timeliness


class DossierFact(models.Model):
    """What the indicators count of one dossier (no personal data), as it stands now.

    Rewritten from the dossier itself whenever one of its events arrives, so a late or repeated event
    leaves the same row. ``received_day`` is the local date of submission, ``finished_day`` of the
    result (or of the refusal, withdrawal or stop). ``timeliness`` is the dossier's early / on time /
    late once finished."""

    dossier_id = models.BigIntegerField(_("hồ sơ"), unique=True)
    code = models.CharField(_("mã hồ sơ"), max_length=40)
    agency_id = models.BigIntegerField(_("cơ quan tiếp nhận"), db_index=True)
    procedure_code = models.CharField(_("mã thủ tục"), max_length=50)
    field_code = models.CharField(_("mã lĩnh vực"), max_length=50, blank=True)
    channel = models.CharField(_("kênh"), max_length=20)
    status = models.PositiveSmallIntegerField(_("trạng thái"))
    received_day = models.DateField(_("ngày nộp"))
    finished_day = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    timeliness = models.CharField(_("đúng hạn"), max_length=16, blank=True, choices=Timeliness.choices)
    rated_unsatisfied = models.BooleanField(_("không hài lòng"), default=False)
    # Decision 766's digitisation and re-use: the submitted papers are stored as files, the result was
    # issued as a file, data came from a national register or the applicant's data store.
    papers_digitised = models.BooleanField(_("thành phần hồ sơ được số hóa"), default=False)
    result_electronic = models.BooleanField(_("có kết quả điện tử"), default=False)
    reused_data = models.BooleanField(_("tái sử dụng dữ liệu"), default=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("số liệu hồ sơ")
        verbose_name_plural = _("số liệu hồ sơ")
        # The drill-downs: by agency, province-wide, and by procedure, each over a period of days.
        indexes = [
            models.Index(fields=["agency_id", "received_day"], name="reporting_fact_received_idx"),
            models.Index(fields=["agency_id", "finished_day"], name="reporting_fact_finished_idx"),
            models.Index(fields=["received_day", "dossier_id"], name="reporting_fact_rday_idx"),
            models.Index(fields=["finished_day", "dossier_id"], name="reporting_fact_fday_idx"),
            models.Index(fields=["procedure_code", "received_day"], name="reporting_fact_proc_rday_idx"),
            models.Index(fields=["procedure_code", "finished_day"], name="reporting_fact_proc_fday_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class DailyFigures(models.Model):
    """The figures of one day at one receiving agency, for one procedure and channel: dossiers received
    that day, and dossiers finished that day (early, on time, late; rated unsatisfied). Sums over any
    period, set of agencies, procedures or channels give the indicators."""

    day = models.DateField(_("ngày"))
    agency_id = models.BigIntegerField(_("cơ quan tiếp nhận"))
    procedure_code = models.CharField(_("mã thủ tục"), max_length=50)
    field_code = models.CharField(_("mã lĩnh vực"), max_length=50, blank=True)
    channel = models.CharField(_("kênh"), max_length=20)
    received = models.PositiveIntegerField(_("tiếp nhận"), default=0)
    finished = models.PositiveIntegerField(_("giải quyết xong"), default=0)
    finished_early = models.PositiveIntegerField(_("xong trước hạn"), default=0)
    finished_on_time = models.PositiveIntegerField(_("xong đúng hạn"), default=0)
    finished_late = models.PositiveIntegerField(_("xong quá hạn"), default=0)
    unsatisfied = models.PositiveIntegerField(_("không hài lòng"), default=0)
    # Both late and rated unsatisfied: the satisfaction rate subtracts such a dossier once.
    unsatisfied_late = models.PositiveIntegerField(_("quá hạn và không hài lòng"), default=0)
    received_digitised = models.PositiveIntegerField(_("tiếp nhận, thành phần được số hóa"), default=0)
    received_reused = models.PositiveIntegerField(_("tiếp nhận, có tái sử dụng dữ liệu"), default=0)
    finished_electronic = models.PositiveIntegerField(_("có kết quả điện tử"), default=0)

    class Meta:
        verbose_name = _("số liệu theo ngày")
        verbose_name_plural = _("số liệu theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency_id", "procedure_code", "channel"], name="reporting_daily_unique"
            )
        ]
        indexes = [models.Index(fields=["day", "agency_id"], name="reporting_daily_day_idx")]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.agency_id} {self.procedure_code} {self.channel}"


class MonthlyFigures(models.Model):
    """The daily figures summed per month, receiving agency and channel: what the dashboards read for the
    indicators, the trend and the agencies (their periods are months, quarters and years), a few thousand
    rows a year whatever the number of dossiers. Recomputed from ``DailyFigures`` with every stale day of
    the month."""

    month = models.DateField(_("tháng"))  # its first day
    agency_id = models.BigIntegerField(_("cơ quan tiếp nhận"))
    channel = models.CharField(_("kênh"), max_length=20)
    received = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    finished_early = models.PositiveIntegerField(default=0)
    finished_on_time = models.PositiveIntegerField(default=0)
    finished_late = models.PositiveIntegerField(default=0)
    unsatisfied = models.PositiveIntegerField(default=0)
    unsatisfied_late = models.PositiveIntegerField(default=0)
    received_digitised = models.PositiveIntegerField(default=0)
    received_reused = models.PositiveIntegerField(default=0)
    finished_electronic = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu theo tháng")
        verbose_name_plural = _("số liệu theo tháng")
        constraints = [
            models.UniqueConstraint(fields=["month", "agency_id", "channel"], name="reporting_monthly_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.agency_id} {self.channel}"


class MonthlyProcedureFigures(models.Model):
    """The daily figures summed per month, receiving agency and procedure (with its field), every channel
    together: what the breakdowns by procedure and field and the late dossiers by agency and procedure
    read. Kept apart from ``MonthlyFigures`` so that the headline figures read a table forty times
    smaller. Recomputed with it."""

    month = models.DateField(_("tháng"))  # its first day
    agency_id = models.BigIntegerField(_("cơ quan tiếp nhận"))
    procedure_code = models.CharField(_("mã thủ tục"), max_length=50)
    field_code = models.CharField(_("mã lĩnh vực"), max_length=50, blank=True)
    received = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    finished_early = models.PositiveIntegerField(default=0)
    finished_on_time = models.PositiveIntegerField(default=0)
    finished_late = models.PositiveIntegerField(default=0)
    unsatisfied = models.PositiveIntegerField(default=0)
    unsatisfied_late = models.PositiveIntegerField(default=0)
    received_digitised = models.PositiveIntegerField(default=0)
    received_reused = models.PositiveIntegerField(default=0)
    finished_electronic = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu theo tháng và thủ tục")
        verbose_name_plural = _("số liệu theo tháng và thủ tục")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency_id", "procedure_code"], name="reporting_monthly_procedure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.agency_id} {self.procedure_code}"


class StaleDay(models.Model):
    """A day of one agency whose ``DailyFigures`` must be recomputed from the facts (a fact of it
    changed). Written in the transaction that changes the fact; taken by the refresh job."""

    day = models.DateField()
    agency_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "agency_id"], name="reporting_stale_unique")]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.agency_id}"


# --- Periodic IT-application reports (báo cáo định kỳ về ứng dụng CNTT) --------------------------------


class SectionKind(models.TextChoices):
    INDICATOR = "indicator", _("Chỉ số tự động")
    TEXT = "text", _("Nội dung do cơ quan nhập")
    FIGURES = "figures", _("Số liệu kế hoạch / ước thực hiện / thực hiện")


class ReportTemplate(models.Model):
    """The sections of a report the agencies fill: indicators filled by congso for the agency and the
    period, texts and plan / estimate / actual figures entered by the agency. ``sections`` is a list of
    ``{"key", "title", "kind", "indicator"?, "unit"?}`` checked by ``it_reports.check_sections``."""

    name = models.CharField(_("tên mẫu báo cáo"), max_length=200, unique=True)
    description = models.TextField(_("mô tả"), blank=True)
    sections = models.JSONField(_("các mục"), default=list)

    class Meta:
        verbose_name = _("mẫu báo cáo định kỳ")
        verbose_name_plural = _("mẫu báo cáo định kỳ")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .it_reports import check_sections

        check_sections(self.sections)


class RequestKind(models.TextChoices):
    YEARLY = "yearly", _("Định kỳ hằng năm (tháng 12)")
    AD_HOC = "ad_hoc", _("Đột xuất")


class ReportRequest(models.Model):
    """A call for reports: the yearly December report or an ad-hoc request of the coordinating
    department, with its period, due date and the agencies asked."""

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, verbose_name=_("mẫu báo cáo"))
    kind = models.CharField(_("loại"), max_length=10, choices=RequestKind.choices, default=RequestKind.AD_HOC)
    title = models.CharField(_("tên đợt báo cáo"), max_length=300)
    period_start = models.DateField(_("kỳ báo cáo từ"))
    period_end = models.DateField(_("kỳ báo cáo đến"))
    due_date = models.DateField(_("hạn nộp"))
    coordinator = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan tổng hợp")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đợt báo cáo")
        verbose_name_plural = _("đợt báo cáo")
        ordering = ["-due_date", "-id"]
        constraints = [
            # One yearly call per year and coordinating agency, even if the job runs twice.
            models.UniqueConstraint(
                fields=["coordinator", "period_end"],
                condition=models.Q(kind="yearly"),
                name="reporting_one_yearly_request",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại để chỉnh sửa")
    ACCEPTED = "accepted", _("Đã tiếp nhận")


class AgencyReport(models.Model):
    """One agency's report for one request. Its answers are edited while it is a draft or returned;
    each submission freezes them as a new ``AgencyReportVersion``."""

    request = models.ForeignKey(ReportRequest, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    answers = models.JSONField(_("nội dung đang soạn"), default=dict)
    reminded_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("báo cáo của cơ quan")
        verbose_name_plural = _("báo cáo của cơ quan")
        constraints = [models.UniqueConstraint(fields=["request", "agency"], name="reporting_one_report")]

    def __str__(self) -> str:
        return f"{self.request} — {self.agency}"


class AgencyReportVersion(models.Model):
    """A submitted version of an agency's report, with the coordinating department's answer to it."""

    report = models.ForeignKey(AgencyReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    answers = models.JSONField(default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, blank=True)  # "", returned, accepted
    review_comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="reporting_version_number")]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


# --- IT programmes and the supervision of investment -------------------------------------------------


class Programme(models.Model):
    """A programme of the plan (chương trình, đề án) with its lead agency and years."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên chương trình"), max_length=300)
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    start_year = models.PositiveIntegerField(_("từ năm"))
    end_year = models.PositiveIntegerField(_("đến năm"))

    class Meta:
        verbose_name = _("chương trình, đề án")
        verbose_name_plural = _("chương trình, đề án")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProgrammeTask(models.Model):
    """A task of a programme, led by an agency, with its budget (VND) and its target for the end year."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(_("nhiệm vụ"), max_length=300)
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    budget_planned = models.DecimalField(_("kinh phí kế hoạch"), max_digits=16, decimal_places=0, default=0)
    budget_allocated = models.DecimalField(
        _("kinh phí được giao"), max_digits=16, decimal_places=0, default=0
    )
    budget_disbursed = models.DecimalField(
        _("kinh phí đã giải ngân"), max_digits=16, decimal_places=0, default=0
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    target = models.TextField(_("mục tiêu"), blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["programme", "id"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    task = models.ForeignKey(ProgrammeTask, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("mốc"), max_length=300)
    due_date = models.DateField(_("hạn"))
    done_on = models.DateField(_("hoàn thành ngày"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """What the lead agency reported on a task: progress, money disbursed so far, a note."""

    task = models.ForeignKey(ProgrammeTask, on_delete=models.CASCADE, related_name="progress_reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    budget_disbursed = models.DecimalField(_("lũy kế giải ngân"), max_digits=16, decimal_places=0)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task} {self.progress}%"


class YearEvaluation(models.Model):
    """The end-of-year evaluation of a task against its target."""

    task = models.ForeignKey(ProgrammeTask, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveIntegerField(_("năm"))
    met = models.BooleanField(_("đạt mục tiêu"))
    assessment = models.TextField(_("đánh giá"))
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "year"], name="reporting_one_evaluation")]

    def __str__(self) -> str:
        return f"{self.task} {self.year}"
