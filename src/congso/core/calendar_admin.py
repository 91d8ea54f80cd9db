"""Admin for the working-day calendar: the table of holidays, days off and make-up days, and the years
whose statutory days have been generated. Imported by ``core/admin.py``.

Every change is written to the audit log: deadlines of dossiers depend on this table.
"""

from datetime import MAXYEAR, MINYEAR

from django.contrib import admin, messages
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import audit, working_days
from .holidays import DayKind, weekday_name
from .inbound import row_id
from .models import CalendarDay, CalendarYear

_AUDITED_FIELDS = ["date", "kind", "occasion", "name", "legal_basis", "source", "verified"]


def _snapshot(obj: CalendarDay) -> dict:
    values = model_to_dict(obj, fields=_AUDITED_FIELDS)
    values["date"] = obj.date.isoformat() if obj.date else None
    return values


def _generate(modeladmin, request, years) -> None:
    for year in sorted(set(years)):
        try:
            created = working_days.ensure_year(year)
        except ValueError as exc:
            modeladmin.message_user(request, str(exc), messages.ERROR)
            continue
        modeladmin.message_user(
            request,
            ngettext(
                "Năm %(year)d: đã thêm %(count)d ngày theo Bộ luật Lao động.",
                "Năm %(year)d: đã thêm %(count)d ngày theo Bộ luật Lao động.",
                len(created),
            )
            % {"year": year, "count": len(created)},
            messages.SUCCESS,
        )


class YearFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "nam"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        year = row_id(self.value() or "")
        # Only a year a date can have: "²" or 99999 typed into the address failed the query (a 500).
        if year is not None and MINYEAR <= year <= MAXYEAR:
            return queryset.filter(date__year=year)
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "occasion", "name", "source", "verified", "legal_basis"]
    list_display_links = ["date", "name"]
    list_filter = [YearFilter, "kind", "occasion", "source", "verified"]
    search_fields = ["name", "legal_basis"]
    date_hierarchy = "date"
    ordering = ["date"]
    list_per_page = 100
    fields = ["date", "kind", "occasion", "name", "legal_basis", "source", "verified", "updated_at"]
    readonly_fields = ["updated_at"]
    actions = ["generate_statutory_days"]

    @admin.display(description=_("thứ"), ordering="date")
    def weekday(self, obj):
        return weekday_name(obj.date)

    @admin.action(description=_("Tạo các ngày nghỉ theo luật còn thiếu cho năm của các dòng đã chọn"))
    def generate_statutory_days(self, request, queryset):
        _generate(self, request, [day.year for day in queryset.dates("date", "year")])

    def save_model(self, request, obj, form, change):
        before = _snapshot(CalendarDay.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(
            "core.calendar.change" if change else "core.calendar.add",
            obj,
            changes={"before": before, "after": _snapshot(obj)} if change else {"after": _snapshot(obj)},
        )

    def delete_model(self, request, obj):
        audit.record("core.calendar.delete", obj, changes={"before": _snapshot(obj)})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record("core.calendar.delete", obj, changes={"before": _snapshot(obj)})
        super().delete_queryset(request, queryset)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "holidays", "days_off", "working_days", "generated_at"]
    fields = ["year", "generated_at"]
    readonly_fields = ["generated_at"]
    actions = ["generate_statutory_days"]

    def _count(self, obj, kind):
        return CalendarDay.objects.filter(date__year=obj.year, kind=kind).count()

    @admin.display(description=_("ngày nghỉ lễ, tết"))
    def holidays(self, obj):
        return self._count(obj, DayKind.HOLIDAY)

    @admin.display(description=_("ngày nghỉ bù, hoán đổi"))
    def days_off(self, obj):
        return self._count(obj, DayKind.DAY_OFF)

    @admin.display(description=_("ngày làm bù"))
    def working_days(self, obj):
        return self._count(obj, DayKind.WORKING_DAY)

    def get_readonly_fields(self, request, obj=None):
        # The year is the key: changing it would leave the generated rows behind.
        return ["year", "generated_at"] if obj is not None else ["generated_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            _generate(self, request, [obj.year])

    @admin.action(description=_("Tạo các ngày nghỉ theo luật còn thiếu cho các năm đã chọn"))
    def generate_statutory_days(self, request, queryset):
        _generate(self, request, queryset.values_list("year", flat=True))
