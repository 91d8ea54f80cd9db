"""What this block records about the link: per dossier, its sync state and the status reports waiting
to be sent (in order); the dossiers taken from the national portal; what each catalogue pull found.
Dossiers and procedure versions are referred to by key only: their own blocks own them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SyncStatus(models.TextChoices):
    IN_STEP = "in_step", _("Đã đồng bộ")
    PENDING = "pending", _("Đang chờ gửi")
    FAILING = "failing", _("Gửi lỗi, sẽ thử lại")


class SyncState(models.Model):
    """A dossier's link with the national portal: whether the portal knows it (``registered``), what was
    last acknowledged, and, while reports wait, when the next attempt is due and why the last failed."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="national_sync", verbose_name=_("hồ sơ")
    )
    national_code = models.CharField(_("mã hồ sơ trên Cổng DVCQG"), max_length=70, blank=True)
    registered = models.BooleanField(_("Cổng DVCQG đã có hồ sơ"), default=False)
    status = models.CharField(
        _("tình trạng đồng bộ"), max_length=10, choices=SyncStatus.choices, default=SyncStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi lỗi liên tiếp"), default=0)
    next_attempt_at = models.DateTimeField(_("lần gửi tới"), default=timezone.now, db_index=True)
    # While a worker sends this dossier's reports: until when its turn is held (a crashed worker's
    # turn expires by itself).
    sending_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    last_failed_at = models.DateTimeField(_("lỗi lúc"), null=True, blank=True)
    last_synced_at = models.DateTimeField(_("đồng bộ lần cuối"), null=True, blank=True)
    reported_status = models.PositiveSmallIntegerField(_("trạng thái đã báo"), null=True, blank=True)

    class Meta:
        verbose_name = _("tình trạng đồng bộ với Cổng DVCQG")
        verbose_name_plural = _("tình trạng đồng bộ với Cổng DVCQG")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="np_sync_due")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.status}"


class StatusReport(models.Model):
    """One status change to report, from one outbox event (``event_id``: exactly once per event). Sent in
    ``sequence`` order per dossier — the id of the event's delivery to this block, which the outbox
    assigns in the order the events were published; ``acknowledged_at`` once the portal said success."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="national_reports")
    event_id = models.UUIDField(unique=True)
    sequence = models.BigIntegerField()
    status = models.PositiveSmallIntegerField(_("trạng thái"))
    occurred_at = models.DateTimeField(_("thời điểm"))
    content = models.CharField(_("nội dung xử lý"), max_length=300)
    unit = models.CharField(_("đơn vị xử lý"), max_length=300, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("Cổng DVCQG xác nhận lúc"), null=True, blank=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["dossier", "acknowledged_at", "sequence"], name="np_report_order")]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.status}"


class IncomingStatus(models.TextChoices):
    TAKEN = "taken", _("Đã nhận, chưa xác nhận với Cổng")
    ACKNOWLEDGED = "acknowledged", _("Đã nhận và xác nhận")
    FAILED = "failed", _("Không nhận được")


class IncomingDossier(models.Model):
    """A dossier submitted on the national portal: taken into the one-stop (``dossier``) and then
    acknowledged, exactly once per ``national_code``; or failed, with the reason, to be tried again."""

    national_code = models.CharField(_("mã hồ sơ trên Cổng DVCQG"), max_length=70, unique=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="national_origin"
    )
    status = models.CharField(_("tình trạng"), max_length=12, choices=IncomingStatus.choices)
    error = models.TextField(_("lỗi"), blank=True)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    first_seen_at = models.DateTimeField(_("thấy lần đầu"), default=timezone.now)
    taken_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-first_seen_at", "-id"]
        verbose_name = _("hồ sơ từ Cổng DVCQG")
        verbose_name_plural = _("hồ sơ từ Cổng DVCQG")

    def __str__(self) -> str:
        return self.national_code


class PullOutcome(models.TextChoices):
    SAME = "same", _("Không khác")
    DRAFTED = "drafted", _("Khác: đã tạo dự thảo phiên bản mới")
    DRAFT_EXISTS = "draft_exists", _("Khác: dự thảo đã có, chờ duyệt")
    NOT_LOCAL = "not_local", _("Chưa có trong danh mục của tỉnh")
    FAILED = "failed", _("Không lấy được")


class CataloguePull(models.Model):
    """What one pull of one procedure found: the national decision it saw, the differences with the
    province's version in force, and the draft version made from it (reviewed by an administrator)."""

    procedure_code = models.CharField(_("mã thủ tục"), max_length=60, db_index=True)
    national_name = models.CharField(_("tên trên danh mục quốc gia"), max_length=500, blank=True)
    decision = models.CharField(_("quyết định công bố"), max_length=100, blank=True)
    pulled_at = models.DateTimeField(_("lấy lúc"), default=timezone.now)
    outcome = models.CharField(_("kết quả"), max_length=12, choices=PullOutcome.choices)
    # [{"field": label, "local": text, "national": text}]
    differences = models.JSONField(_("khác biệt"), default=list)
    draft_version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        ordering = ["-pulled_at", "procedure_code"]
        # The transparency indicator reads a week of pulls (services.catalogue_agreement).
        indexes = [models.Index(fields=["pulled_at"], name="np_pull_at")]
        verbose_name = _("lần lấy thủ tục từ danh mục quốc gia")
        verbose_name_plural = _("lần lấy thủ tục từ danh mục quốc gia")

    def __str__(self) -> str:
        return f"{self.procedure_code} ({self.outcome})"
