"""The reporting block's own tables: one fact per dossier, the figures per day kept from them, and the
days whose figures must be recomputed. Nothing here is typed in: every row comes from ``facts`` and
``aggregates``, and ``aggregates.rebuild`` makes them all again from the dossiers."""

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
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("số liệu hồ sơ")
        verbose_name_plural = _("số liệu hồ sơ")
        indexes = [
            models.Index(fields=["agency_id", "received_day"], name="reporting_fact_received_idx"),
            models.Index(fields=["agency_id", "finished_day"], name="reporting_fact_finished_idx"),
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


class StaleDay(models.Model):
    """A day of one agency whose ``DailyFigures`` must be recomputed from the facts (a fact of it
    changed). Written in the transaction that changes the fact; taken by the refresh job."""

    day = models.DateField()
    agency_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "agency_id"], name="reporting_stale_unique")]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.agency_id}"
