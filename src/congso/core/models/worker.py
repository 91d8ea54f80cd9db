from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A background worker process announces itself here every few seconds; ``congso check`` reads it."""

    worker_id = models.CharField(_("mã tiến trình"), max_length=64, primary_key=True)
    hostname = models.CharField(_("máy chủ"), max_length=200)
    pid = models.PositiveIntegerField(_("PID"))
    started_at = models.DateTimeField(_("khởi động lúc"))
    last_seen_at = models.DateTimeField(_("hoạt động gần nhất"), db_index=True)

    class Meta:
        verbose_name = _("tiến trình nền")
        verbose_name_plural = _("tiến trình nền")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class PeriodicJob(models.Model):
    """Book-keeping of a periodic job (outbox sweep, deadline reminders…) so that, with several
    workers, each run is claimed by exactly one of them."""

    name = models.CharField(_("tên"), max_length=100, primary_key=True)
    last_started_at = models.DateTimeField(_("bắt đầu lần cuối"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("kết thúc lần cuối"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("tác vụ định kỳ")
        verbose_name_plural = _("tác vụ định kỳ")

    def __str__(self) -> str:
        return self.name
