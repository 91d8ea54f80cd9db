"""What every standard form shares: the forms' legal titles, date and person formatting, who issued
what and when (register numbers, the agency holding the dossier), the status page address, the
document header and signatures of Decree 30/2020, and the templates (an agency's own first) rendered
to PDF."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.db.models import Q
from django.template.loader import select_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from congso.agencies import services as agency_services
from congso.agencies.models import AgencyKind
from congso.agencies.validators import AGENCY_CODE_RE
from congso.catalog.fees import format_vnd
from congso.core import pdf

from ..errors import DossierError
from ..models import Dossier, FormCode

log = logging.getLogger(__name__)

TEMPLATE_DIR = "dossiers/standard_forms"


# The legal titles of the forms (Circular 03/2025/TT-VPCP): never translated.
FORM_TITLES = {
    FormCode.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    FormCode.SUPPLEMENT_REQUEST: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    FormCode.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    FormCode.APOLOGY_EXTENSION: "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    FormCode.STOP_NOTICE: "THÔNG BÁO",
    FormCode.CONTROL_SHEET: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    FormCode.LOGBOOK: "SỔ THEO DÕI HỒ SƠ",
}


# Given to the applicant the moment an online dossier is submitted, before any form of the one-stop
# mechanism: named for what it is, not "form 01" (which the desk issues on acceptance).
SUBMISSION_CONFIRMATION_TITLE = "GIẤY XÁC NHẬN ĐÃ NỘP HỒ SƠ TRỰC TUYẾN"


# Symbols after the number: the receipt's register (TN), and the document types of Decree 30/2020.
_RECEIPT_SYMBOL = "TN"


_NOTICE_SYMBOL = "TB"


_DEMO_BASE_URL = "http://127.0.0.1:8000"


class FormNotAvailable(DossierError):
    """The dossier has nothing this form could state (see the module docstring)."""


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


def long_date(day: date) -> str:
    """``ngày 05 tháng 02 năm 2026``: days below 10 and the months January and February take a leading
    zero (Decree 30/2020, Appendix I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("ngày {day} tháng {month} năm {year}").format(day=f"{day.day:02d}", month=month, year=day.year)


def place_and_date(place: str, day: date) -> str:
    """``Thủ Dầu Một, ngày 27 tháng 11 năm 2026`` (the place is left out when unknown)."""
    text = long_date(day)
    return f"{place}, {text}" if place else text[:1].upper() + text[1:]


def clock_and_date(moment: datetime | None) -> str:
    """``10 giờ 30 phút, ngày 27 tháng 11 năm 2026`` in local time; empty for no moment."""
    moment = _local(moment)
    if moment is None:
        return ""
    return _("{hour} giờ {minute} phút, {date}").format(
        hour=f"{moment.hour:02d}", minute=f"{moment.minute:02d}", date=long_date(moment.date())
    )


def short_moment(moment: datetime | None) -> str:
    """``10:30 27/11/2026`` in local time, for tables — the hour first, as the pages write a moment;
    empty for no moment."""
    moment = _local(moment)
    return moment.strftime("%H:%M %d/%m/%Y") if moment else ""


def _person(user) -> str:
    if user is None:
        return ""
    return getattr(user, "full_name", "") or user.get_full_name() or user.get_username()


def _vnd(amount: int) -> str:
    return format_vnd(amount)


def _agency_at(dossier: Dossier, moment: datetime):
    """The agency holding the dossier at ``moment``: the receiving agency of the last hand-over made
    by then, or the receiving agency before any hand-over."""
    row = (
        dossier.hand_overs.filter(handed_at__lte=moment)
        .select_related("to_agency__parent", "to_agency__administrative_unit")
        .order_by("-handed_at", "-id")
        .first()
    )
    return row.to_agency if row else dossier.receiving_agency


def _last_change(dossier: Dossier, form_code: str):
    return dossier.status_changes.filter(form_code=form_code).select_related("by").order_by("at", "id").last()


def register_number(dossier: Dossier) -> int | None:
    """The dossier's entry number in its receiving agency's logbook for the year it was received (the
    number of form 01 and the first column of form 07); None when not received yet."""
    received = dossier.received_at
    if received is None:
        return None
    start, end = _year_bounds(_local(received).year)
    return (
        Dossier.objects.filter(
            receiving_agency_id=dossier.receiving_agency_id, received_at__gte=start, received_at__lt=end
        )
        .filter(Q(received_at__lt=received) | Q(received_at=received, id__lte=dossier.pk))
        .count()
    )


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def status_path(dossier: Dossier) -> str:
    return f"/tra-cuu/{dossier.code}/"


def status_url(dossier: Dossier, base_url: str | None = None) -> str:
    """The public status page of the dossier, absolute when a base is known (module docstring)."""
    base = base_url or getattr(settings, "CONGSO_PUBLIC_BASE_URL", "") or ""
    if not base and (settings.DEBUG or getattr(settings, "PROFILE", "") == "demo"):
        base = getattr(settings, "CONGSO_LOCAL_WEB_URL", "") or _DEMO_BASE_URL
    if not base and not _warned_no_base_url:
        _warn_no_base_url()
    return base.rstrip("/") + status_path(dossier)


_warned_no_base_url = False


def _warn_no_base_url() -> None:
    global _warned_no_base_url
    _warned_no_base_url = True
    log.warning("CONGSO_PUBLIC_BASE_URL is not set: form 01 prints the status page without a host.")


def document_settings(agency):
    """The resolved header and signer of the documents ``agency`` issues
    (``agencies.services.document_settings_for``)."""
    return agency_services.document_settings_for(agency)


def _split_committee(line: str) -> list[str]:
    """``ỦY BAN NHÂN DÂN PHƯỜNG THỦ DẦU MỘT`` is set on two lines, the second naming the unit."""
    for spelling in ("ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN "):
        if line.startswith(spelling):
            return [spelling.strip(), line[len(spelling) :]]
    return [line]


def _header(doc_settings, *, one_stop: bool, number: str = "", summary: str = "", day: date) -> dict:
    """The left and right columns of the document's first lines (Decree 30/2020 parts 1–4)."""
    if one_stop and doc_settings.agency.kind != AgencyKind.SERVICE_CENTRE:
        upper, lower = doc_settings.short_display_name, doc_settings.one_stop_unit_name.upper()
    else:
        upper, lower = doc_settings.superior_name, doc_settings.display_name
    return {
        "upper": upper,
        "lower_lines": _split_committee(lower) if not upper else [lower],
        "number": number,
        "summary": summary,
        "place_date": place_and_date(doc_settings.place_name, day),
    }


def _officer_signature(heading: str, user, *, hint: str | None = None) -> dict:
    return {
        "lines": [heading],
        "hint": _("(Ký và ghi rõ họ tên)") if hint is None else hint,
        "name": _person(user),
    }


def _agency_signature(doc_settings) -> dict:
    return {
        "lines": doc_settings.signature_lines,
        "hint": _("(Ký, ghi rõ họ tên và đóng dấu)"),
        "name": doc_settings.signer_name,
    }


def _applicant(dossier: Dossier, *, contact: bool) -> dict:
    """What a form prints about the applicant: never the national ID (module docstring)."""
    acting = dossier.acting_for or {}
    data = {
        "name": dossier.applicant_name,
        "address": dossier.applicant_address,
        "acting_for_name": str(acting.get("name") or "").strip(),
        "acting_for_relation": str(acting.get("relation") or "").strip(),
    }
    if contact:
        data.update(phone=dossier.applicant_phone, email=dossier.applicant_email)
    return data


def _common(dossier: Dossier, form_code: str, issuing_agency) -> dict:
    version = dossier.procedure_version
    doc_settings = document_settings(issuing_agency)
    return {
        "form_code": str(form_code),
        "form_label": _("Mẫu số {code}").format(code=form_code),
        "title": FORM_TITLES[form_code],
        "subtitle": "",
        "dossier": dossier,
        "code": dossier.code,
        "procedure_name": version.procedure.name,
        "procedure_code": version.procedure.code,
        "agency": issuing_agency,
        "doc": doc_settings,
        "footer_note": doc_settings.footer_note,
        "contact_phone": doc_settings.phone,
        "recipients": [],
        "signatures": [],
        "landscape": False,
    }


def template_names(agency, name: str) -> list[str]:
    """The templates tried for ``name`` ("form01.html", "base.html"): the agency's own first."""
    names = [f"{TEMPLATE_DIR}/{name}"]
    if agency is not None and AGENCY_CODE_RE.fullmatch(agency.code or ""):
        names.insert(0, f"{TEMPLATE_DIR}/{agency.code}/{name}")
    return names


def _render(context: dict, form_code: str, *, title: str, agency) -> bytes:
    with translation.override("vi"):
        context = {**context, "base_template": select_template(template_names(agency, "base.html"))}
        template = select_template(template_names(agency, f"form{form_code}.html"))
        html = template.render(context)
    return pdf.render_html(html, title=title, author=str(agency))
