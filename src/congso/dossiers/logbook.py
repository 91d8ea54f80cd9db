"""The logbook (sổ theo dõi hồ sơ, form 07): which dossiers an agency received in a period. The officer's
page lists them (``logbook_for``), the printed form and its spreadsheet (``standard_forms.logbook``)
read the same period through ``day_bounds``."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import InvalidDossierInput
from .models import Dossier


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after ``end`` 00:00) in local time. Errors: ``InvalidDossierInput`` for
    missing or reversed dates."""
    if not isinstance(start, date) or not isinstance(end, date):
        raise InvalidDossierInput(_("Vui lòng chọn ngày bắt đầu và ngày kết thúc."), code="dates")
    if isinstance(start, datetime):
        start = start.date()
    if isinstance(end, datetime):
        end = end.date()
    if end < start:
        raise InvalidDossierInput(_("Ngày kết thúc không được trước ngày bắt đầu."), code="dates")
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def logbook_for(user, agency_id: int, start: date, end: date):
    """The dossiers ``agency_id`` received between ``start`` and ``end`` (local dates, inclusive) that
    ``user`` may see, in the order they were received — the rows of the logbook (form 07). Like the
    printed form (``standard_forms.logbook_rows``) it counts the reception (``received_at``): online
    dossiers not accepted yet, and those refused at reception, are not in it. Reads only; returns a lazy
    queryset."""
    low, high = day_bounds(start, end)
    return (
        Dossier.objects.visible_to(user)
        .filter(receiving_agency_id=agency_id, received_at__gte=low, received_at__lt=high)
        .select_related("procedure_version__procedure", "current_agency", "receiving_agency")
        .defer("form_data")
        .order_by("received_at", "id")
    )
