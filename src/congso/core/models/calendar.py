"""The working-day calendar table: the dates that are not ordinary (holidays, days off, make-up days).

Every date without a row is ordinary: Monday–Friday are worked, Saturday and Sunday are not. The rules
and the API that reads this table are in ``core.holidays`` and ``core.working_days``.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import request_cache
from ..holidays import FIRST_YEAR, LAST_YEAR, SATURDAY, DayKind, Occasion

# The request memo's owner of the calendar read in this request (``working_days.calendar()``): a
# request that changes the table drops it, so the rest of that request counts with the new rows.
CALENDAR_CACHE_OWNER = "core.working_days"


class DaySource(models.TextChoices):
    COMPUTED = "computed", _("Tính theo Bộ luật Lao động")
    ANNOUNCED = "announced", _("Theo văn bản công bố")


class CalendarDay(models.Model):
    """One date of the calendar that is not an ordinary day.

    Rows come from ``working_days.ensure_year`` (the law applied to a year, ``source=computed``), from
    the seed of announced calendars, or from an administrator entering the government's announcement
    (``source=announced``). Deadlines of dossiers are computed from these rows.
    """

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại ngày"), max_length=16, choices=DayKind.choices)
    occasion = models.CharField(
        _("dịp"),
        max_length=16,
        choices=Occasion.choices,
        default=Occasion.OTHER,
        help_text=_(
            "Các ngày nghỉ theo luật của một dịp chỉ được tạo tự động khi trong năm chưa có ngày nghỉ lễ "
            "nào của dịp đó; nhập ngày theo thông báo của Chính phủ trước thì thông báo được giữ nguyên."
        ),
    )
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.CharField(
        _("căn cứ"),
        max_length=300,
        blank=True,
        help_text=_("Văn bản quy định hoặc công bố, ví dụ “Công văn 9859/VPCP-KGVX ngày 13/10/2025”."),
    )
    source = models.CharField(
        _("nguồn"), max_length=16, choices=DaySource.choices, default=DaySource.ANNOUNCED
    )
    verified = models.BooleanField(
        _("đã xác nhận"),
        default=False,
        help_text=_(
            "Đánh dấu khi ngày này đã được xác nhận theo quyết định chính thức của cơ quan có thẩm quyền."
        ),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("lịch ngày nghỉ, ngày làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.name}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        request_cache.forget(CALENDAR_CACHE_OWNER)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        request_cache.forget(CALENDAR_CACHE_OWNER)
        return result

    def clean(self) -> None:
        super().clean()
        if self.date is None:
            return
        if not FIRST_YEAR <= self.date.year <= LAST_YEAR:
            raise ValidationError(
                {
                    "date": _("Lịch chỉ nhận các ngày từ năm %(first)d đến năm %(last)d.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR}
                }
            )
        if self.kind == DayKind.WORKING_DAY and self.date.weekday() < SATURDAY:
            raise ValidationError(
                {
                    "kind": _(
                        "Ngày làm việc bù phải là thứ Bảy hoặc Chủ nhật; ngày thường vốn là ngày làm việc."
                    )
                }
            )


class CalendarYear(models.Model):
    """A year whose statutory holidays have been written into the calendar table.

    Adding a year in the admin runs ``working_days.ensure_year``; the row records when it last ran.
    Deadlines never depend on this row: a year without one is still computed from the law.
    """

    year = models.PositiveSmallIntegerField(
        _("năm"),
        primary_key=True,
        validators=[
            MinValueValidator(FIRST_YEAR, _("Lịch chỉ được tính từ năm %(limit_value)s.")),
            MaxValueValidator(LAST_YEAR, _("Lịch chỉ được tính đến năm %(limit_value)s.")),
        ],
    )
    generated_at = models.DateTimeField(_("tạo ngày nghỉ theo luật lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("năm lịch làm việc")
        verbose_name_plural = _("năm lịch làm việc")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
