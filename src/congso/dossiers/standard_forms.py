"""The standard forms of the one-stop mechanism as PDF documents (Circular 03/2025/TT-VPCP, Appendix I;
STANDARDS §1), laid out as Vietnamese administrative documents (Decree 30/2020, STANDARDS §5).

Public API (the officers' workspace and the portal call these; they check permissions first):

- ``render_form(dossier, form_code, *, context_overrides=None, base_url=None, extension=None) -> bytes``
  — forms 01–06 of one dossier as PDF (06 = its control sheet).
- ``form_context(dossier, form_code, *, base_url=None, extension=None) -> dict`` — what the template
  receives, for a view that wants to show the same content as HTML or check it.
- ``render_submission_confirmation(dossier, *, base_url=None) -> bytes`` — the confirmation of an
  online submission ("Giấy xác nhận đã nộp hồ sơ trực tuyến"), available at once; form 01 is issued only
  when the dossier is received (accepted online or received at the counter).
- ``render_logbook(agency, start, end) -> bytes`` — form 07, the logbook of the dossiers an agency
  received between two dates (inclusive), landscape.
- ``control_sheet_rows(dossier)`` and ``logbook_rows(agency, start, end)`` — the rows of forms 06 and
  07, shared with ``exports`` (XLSX).
- ``FormNotAvailable`` — raised (a ``ValidationError`` with a Vietnamese message) when the dossier has
  nothing the form could state: form 02 without a supplement request, 03 without a refusal, 04 without
  an extension, 05 without a stop, 01 for a dossier not received (awaiting reception or refused at
  reception).

Choices documented here:

- **Who issues each form.** 01, 02 (when asked at reception), 03 and 06 are headed by the receiving
  agency's one-stop unit ("UBND PHƯỜNG … / BỘ PHẬN MỘT CỬA"). 02 asked during processing, 04 and 05 are
  headed by the agency that held the dossier when the form was issued (the receiving unit of the
  hand-over open at that moment), under its managing agency, and signed by that agency's configured
  signer (``agencies.services.document_settings_for``).
- **The receipt number** ("Số: 07/TN") is the dossier's entry number in the receiving agency's logbook
  for the year of reception: numbering runs from 01 on 1 January (Decree 30/2020), and form 07 prints
  the same number in its first column, so the two always agree. Online dossiers not yet accepted have
  no number and no form 01 yet: their applicant has the confirmation of submission.
- **Where the result is returned** (form 01, point 6): online ("trả kết quả trực tuyến") for a dossier
  submitted online under a fully online procedure or whose return method is electronic; by post when
  chosen; otherwise the one-stop desk.
- **Documents numbered by the clerk** (04, 05) leave the number blank ("Số:      /TB-UBND"), as a
  document awaiting registration does; a caller holding the registered number passes it in
  ``context_overrides={"document_number": "12"}``.
- **Always Vietnamese.** These are official papers: they are rendered in Vietnamese whatever the
  reader's interface language. Their wording still goes through gettext (Vietnamese msgids) so that an
  installation can adjust it in its locale files; the forms' legal titles are plain constants.
- **Personal data.** Each form prints only what it needs: the applicant's name and address everywhere,
  phone and e-mail on the receipt and the supplement request (to be contacted), never the national ID;
  the lookup PIN only on the receipt (01).
- **Agency overrides.** The administrator adjusts header and signer in ``AgencyDocumentSettings``. A
  template ``dossiers/standard_forms/<agency code>/formNN.html`` (or ``base.html``), anywhere on the
  template path, replaces the default for that agency.
- **Status page address.** The receipt prints ``<base>/tra-cuu/<code>/`` and its QR code. ``<base>``
  is ``base_url`` (a view passes ``request.build_absolute_uri("/")``), else the setting
  ``CONGSO_PUBLIC_BASE_URL``, else — in the demo profile (or DEBUG) — ``http://127.0.0.1:8000``; without any,
  only the path is printed and encoded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.template.loader import select_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from congso.core import pdf

from .errors import DossierError, InvalidDossierInput
from .models import (
    Channel,
    Dossier,
    Extension,
    FormCode,
    HandOver,
    PaperStage,
    ReturnMethod,
    Status,
    Timeliness,
)

log = logging.getLogger(__name__)

__all__ = [
    "FORM_TITLES",
    "SUBMISSION_CONFIRMATION_TITLE",
    "ControlSheetRow",
    "FormNotAvailable",
    "LogbookRow",
    "control_sheet_rows",
    "document_settings",
    "form_context",
    "logbook_rows",
    "render_form",
    "register_number",
    "render_logbook",
    "render_submission_confirmation",
    "status_url",
    "submission_confirmation_context",
    "template_names",
]

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
_DOSSIER_FORMS = (
    FormCode.RECEIPT,
    FormCode.SUPPLEMENT_REQUEST,
    FormCode.REFUSAL,
    FormCode.APOLOGY_EXTENSION,
    FormCode.STOP_NOTICE,
    FormCode.CONTROL_SHEET,
)
_DEMO_BASE_URL = "http://127.0.0.1:8000"


class FormNotAvailable(DossierError):
    """The dossier has nothing this form could state (see the module docstring)."""


# --- Formatting -------------------------------------------------------------------------------


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
    """``27/11/2026 10:30`` in local time, for tables; empty for no moment."""
    moment = _local(moment)
    return moment.strftime("%d/%m/%Y %H:%M") if moment else ""


def _person(user) -> str:
    if user is None:
        return ""
    return getattr(user, "full_name", "") or user.get_full_name() or user.get_username()


def _vnd(amount: int) -> str:
    from congso.catalog.fees import format_vnd

    return format_vnd(amount)


# --- Sources: who issued what, when -------------------------------------------------------------


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
        base = _DEMO_BASE_URL
    if not base and not _warned_no_base_url:
        _warn_no_base_url()
    return base.rstrip("/") + status_path(dossier)


_warned_no_base_url = False


def _warn_no_base_url() -> None:
    global _warned_no_base_url
    _warned_no_base_url = True
    log.warning("CONGSO_PUBLIC_BASE_URL is not set: form 01 prints the status page without a host.")


# --- Header and signatures ----------------------------------------------------------------------


def document_settings(agency):
    """The resolved header and signer of the documents ``agency`` issues
    (``agencies.services.document_settings_for``)."""
    from congso.agencies.services import document_settings_for

    return document_settings_for(agency)


def _split_committee(line: str) -> list[str]:
    """``ỦY BAN NHÂN DÂN PHƯỜNG THỦ DẦU MỘT`` is set on two lines, the second naming the unit."""
    for spelling in ("ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN "):
        if line.startswith(spelling):
            return [spelling.strip(), line[len(spelling) :]]
    return [line]


def _header(doc_settings, *, one_stop: bool, number: str = "", summary: str = "", day: date) -> dict:
    """The left and right columns of the document's first lines (Decree 30/2020 parts 1–4)."""
    from congso.agencies.models import AgencyKind

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


# --- Form 01: receipt and appointment -----------------------------------------------------------


def _time_limit(version) -> str:
    from congso.catalog.models import TimeLimitUnit

    if version.time_limit_unit == TimeLimitUnit.WORKING_HOURS:
        return _("{n} giờ làm việc").format(n=version.time_limit_value)
    if version.time_limit_value == 0:
        return _("trong ngày làm việc")
    return _("{n} ngày làm việc").format(n=version.time_limit_value)


def _paper_form(required, *, online: bool, scanned: bool) -> str:
    """How a paper was handed in: electronic (online), or its originals and copies as the procedure
    lists them; a scan or a paper whose counts the procedure does not give says so."""
    if online:
        return _("Bản điện tử")
    parts = []
    if required is not None and required.originals:
        parts.append(_("{n} bản chính").format(n=f"{required.originals:02d}"))
    if required is not None and required.copies:
        parts.append(_("{n} bản sao").format(n=f"{required.copies:02d}"))
    if parts:
        return ", ".join(parts)
    return _("Bản chụp (điện tử hóa)") if scanned else _("Bản giấy")


def _received_papers(dossier: Dossier) -> list[dict]:
    """The papers received: the files of the submission (their kind from the procedure's list of
    papers); for a counter dossier without scans, the procedure's required papers, since the desk
    accepted it as complete."""
    version = dossier.procedure_version
    required = {paper.code: paper for paper in version.papers.all()}
    online = dossier.channel == "online"
    papers = []
    for paper in dossier.papers.filter(stage=PaperStage.SUBMISSION).order_by("uploaded_at", "id"):
        model = required.get(paper.required_paper_code)
        papers.append(
            {"name": paper.name, "form": _paper_form(model, online=online, scanned=True), "count": 1}
        )
    if not papers and not online:
        for model in required.values():
            if model.is_required and not model.from_data_store:
                papers.append(
                    {
                        "name": model.name,
                        "form": _paper_form(model, online=False, scanned=False),
                        "count": max(model.originals + model.copies, 1),
                    }
                )
    return papers


def _fees(dossier: Dossier) -> dict:
    from congso.catalog.services import fees_for

    fees = [
        {"name": info.name, "description": info.description} for info in fees_for(dossier.procedure_version)
    ]
    requested = dossier.status_changes.filter(transition="request_payment").order_by("at", "id").last()
    paid = dossier.status_changes.filter(transition="record_payment").order_by("at", "id").last()
    amount = (requested.extra or {}).get("amount") if requested else None
    return {
        "items": fees,
        "amount": _vnd(amount) if amount else "",
        "paid": bool(paid and requested and paid.at >= requested.at),
    }


def _online_result(dossier: Dossier) -> bool:
    """Whether the result goes back online: a dossier submitted online for a fully online procedure
    (Decree 42/2022 "toàn trình"), unless another way of returning it was recorded."""
    from congso.catalog.models import OnlineMode

    if dossier.return_method:
        return dossier.return_method == ReturnMethod.ELECTRONIC
    return (
        dossier.channel == Channel.ONLINE and dossier.procedure_version.online_mode == OnlineMode.FULLY_ONLINE
    )


def _result_place(dossier: Dossier, doc_settings, agency) -> str:
    """Where form 01 says the result is returned: online for a fully online dossier, by post when that
    was chosen, otherwise at the one-stop desk (and electronically too when the procedure offers it)."""
    if _online_result(dossier):
        return _("Trả kết quả trực tuyến: bản điện tử trên Cổng Dịch vụ công, mục “Hồ sơ của tôi”")
    if dossier.return_method == ReturnMethod.POSTAL:
        return _("Qua dịch vụ bưu chính công ích, đến địa chỉ người nộp hồ sơ đã đăng ký")
    place = f"{doc_settings.one_stop_unit_name} – {agency.name}"
    if agency.address:
        place = f"{place}, {agency.address}"
    if dossier.procedure_version.result_is_electronic:
        place = _("{place}; hoặc nhận bản điện tử trên Cổng Dịch vụ công").format(place=place)
    return place


def _receipt(dossier: Dossier, *, base_url: str | None) -> dict:
    if dossier.received_at is None:
        # Form 01 is the agency's act of accepting the dossier: an online dossier gets it on acceptance
        # (until then its applicant has the confirmation of submission, ``render_submission_confirmation``).
        if dossier.status == Status.REFUSED:
            message = _("Hồ sơ {code} đã bị từ chối tiếp nhận nên không có Giấy tiếp nhận hồ sơ (mẫu 01).")
        else:
            message = _(
                "Hồ sơ {code} chưa được tiếp nhận: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01) "
                "được cấp khi Bộ phận Một cửa tiếp nhận hồ sơ."
            )
        raise FormNotAvailable(message.format(code=dossier.code), code="form_not_available")
    agency = dossier.receiving_agency
    context = _common(dossier, FormCode.RECEIPT, agency)
    number = register_number(dossier)
    received = _local(dossier.received_at)
    context["header"] = _header(
        context["doc"],
        one_stop=True,
        number=_("Số: {number}/{symbol}").format(number=f"{number:02d}", symbol=_RECEIPT_SYMBOL)
        if number
        else "",
        day=received.date(),
    )
    acceptance = dossier.status_changes.filter(
        transition__in=("accept", "receive_at_counter")
    ).select_related("by")
    acceptance = acceptance.order_by("at", "id").last()
    url = status_url(dossier, base_url)
    version = dossier.procedure_version
    context.update(
        applicant=_applicant(dossier, contact=True),
        channel=dossier.get_channel_display(),
        online=dossier.channel == "online",
        papers=_received_papers(dossier),
        sets=1,
        time_limit=_time_limit(version),
        submitted_at=clock_and_date(dossier.submitted_at),
        received_at=clock_and_date(dossier.received_at),
        due_at=clock_and_date(dossier.due_at),
        result_place=_result_place(dossier, context["doc"], agency),
        online_result=_online_result(dossier),
        status_url=url,
        qr_data_uri=pdf.qr_png_data_uri(url, scale=6, border=2),
        lookup_pin=dossier.lookup_pin,
        fees=_fees(dossier),
        register_year=received.year,
        register_number=number,
    )
    applicant_block = _officer_signature(_("NGƯỜI NỘP HỒ SƠ"), None)
    applicant_block["name"] = "" if context["online"] else dossier.applicant_name
    if context["online"]:
        applicant_block["hint"] = _("(Nộp trực tuyến)")
    receiver = _officer_signature(_("NGƯỜI TIẾP NHẬN HỒ SƠ"), acceptance.by if acceptance else None)
    context["signatures"] = [applicant_block, receiver]
    return context


# --- Confirmation of an online submission (not a numbered form) -----------------------------------


def submission_confirmation_context(dossier: Dossier, *, base_url: str | None = None) -> dict:
    """What the confirmation of an online submission states (read only). Errors: ``FormNotAvailable``
    for a dossier received at the counter (its applicant gets form 01 there and then)."""
    if dossier.channel != Channel.ONLINE:
        raise FormNotAvailable(
            _(
                "Hồ sơ {code} được nộp trực tiếp nên không có Giấy xác nhận đã nộp hồ sơ trực tuyến; "
                "giấy của hồ sơ là Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)."
            ).format(code=dossier.code),
            code="form_not_available",
        )
    with translation.override("vi"):
        agency = dossier.receiving_agency
        context = _common(dossier, FormCode.RECEIPT, agency)
        url = status_url(dossier, base_url)
        context.update(
            form_code="",
            form_label=_("Xác nhận nộp hồ sơ trực tuyến"),
            title=SUBMISSION_CONFIRMATION_TITLE,
            header=_header(context["doc"], one_stop=True, day=_local(dossier.submitted_at).date()),
            applicant=_applicant(dossier, contact=True),
            papers=_received_papers(dossier),
            time_limit=_time_limit(dossier.procedure_version),
            submitted_at=clock_and_date(dossier.submitted_at),
            received_at=clock_and_date(dossier.received_at) if dossier.received_at else "",
            due_at=clock_and_date(dossier.due_at),
            status_label=dossier.get_status_display(),
            status_url=url,
            qr_data_uri=pdf.qr_png_data_uri(url, scale=6, border=2),
            lookup_pin=dossier.lookup_pin,
        )
    return context


def render_submission_confirmation(dossier: Dossier, *, base_url: str | None = None) -> bytes:
    """The confirmation of an online submission as PDF bytes: "Giấy xác nhận đã nộp hồ sơ trực tuyến",
    which the applicant can download as soon as the dossier is submitted. It is not form 01: that is
    issued when the one-stop desk accepts the dossier. Checks no permission (the portal serves it to
    the applicant only). Errors: ``FormNotAvailable``, ``core.pdf.PdfRenderError``."""
    context = submission_confirmation_context(dossier, base_url=base_url)
    return _render(
        context,
        "_submission",
        title=f"{SUBMISSION_CONFIRMATION_TITLE} – {dossier.code}",
        agency=context["agency"],
    )


# --- Form 02: supplement request ----------------------------------------------------------------


def _supplement_request(dossier: Dossier) -> dict:
    from congso.catalog.models import SupplementClockRule

    from .models import SupplementRequest

    try:
        request = SupplementRequest.objects.select_related("requested_by").get(dossier=dossier)
    except SupplementRequest.DoesNotExist:
        raise FormNotAvailable(
            _("Hồ sơ {code} chưa có yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02).").format(code=dossier.code),
            code="form_not_available",
        ) from None
    at_reception = request.from_status == Status.SUBMITTED
    agency = dossier.receiving_agency if at_reception else _agency_at(dossier, request.requested_at)
    context = _common(dossier, FormCode.SUPPLEMENT_REQUEST, agency)
    context["header"] = _header(
        context["doc"], one_stop=at_reception, day=_local(request.requested_at).date()
    )
    rules = {
        SupplementClockRule.PAUSE: _(
            "Thời hạn giải quyết hồ sơ tạm dừng kể từ ngày yêu cầu bổ sung và tiếp tục được tính khi nhận đủ "
            "hồ sơ bổ sung."
        ),
        SupplementClockRule.RESTART: _(
            "Thời hạn giải quyết hồ sơ được tính lại từ đầu kể từ khi nhận đủ hồ sơ bổ sung."
        ),
        SupplementClockRule.CONTINUE: _("Thời hạn giải quyết hồ sơ vẫn tiếp tục được tính."),
    }
    context.update(
        applicant=_applicant(dossier, contact=True),
        items=list(request.items),
        reason=request.reason,
        requested_at=clock_and_date(request.requested_at),
        at_reception=at_reception,
        clock_rule=rules.get(request.clock_rule, ""),
        provided_at=clock_and_date(request.provided_at),
        signatures=[_officer_signature(_("NGƯỜI HƯỚNG DẪN"), request.requested_by)],
    )
    return context


# --- Form 03: refusal ---------------------------------------------------------------------------


def _refusal(dossier: Dossier) -> dict:
    change = _last_change(dossier, FormCode.REFUSAL)
    if change is None:
        raise FormNotAvailable(
            _("Hồ sơ {code} không bị từ chối tiếp nhận nên không có phiếu từ chối (mẫu 03).").format(
                code=dossier.code
            ),
            code="form_not_available",
        )
    agency = dossier.receiving_agency
    context = _common(dossier, FormCode.REFUSAL, agency)
    context["header"] = _header(context["doc"], one_stop=True, day=_local(change.at).date())
    reasons = (change.extra or {}).get("reasons") or [
        line for line in change.reason.splitlines() if line.strip()
    ]
    context.update(
        applicant=_applicant(dossier, contact=False),
        submitted_at=clock_and_date(dossier.submitted_at),
        refused_at=clock_and_date(change.at),
        reasons=[str(reason) for reason in reasons],
        signatures=[_officer_signature(_("NGƯỜI TIẾP NHẬN HỒ SƠ"), change.by)],
    )
    return context


# --- Form 04: apology and extension -------------------------------------------------------------


def _document_number(context_overrides: dict | None) -> str:
    return str((context_overrides or {}).get("document_number") or "").strip()


def _number_line(number: str, symbol: str) -> str:
    # A document awaiting registration shows a blank where the clerk writes the number.
    return _("Số: {number}/{symbol}").format(number=number or "\u00a0" * 8, symbol=symbol)


def _symbol(doc_settings, type_symbol: str = "") -> str:
    parts = [part for part in (type_symbol, doc_settings.short_name) if part]
    return "-".join(parts)


def _recipients(dossier: Dossier) -> list[str]:
    return [
        _("Như trên;"),
        _("{unit} ({agency});").format(
            unit=document_settings(dossier.receiving_agency).one_stop_unit_name,
            agency=dossier.receiving_agency.name,
        ),
        _("Lưu: VT."),
    ]


def _apology(dossier: Dossier, extension: Extension | None, overrides: dict | None) -> dict:
    if extension is None:
        extension = dossier.extensions.select_related("extended_by").order_by("extended_at", "id").last()
    elif extension.dossier_id != dossier.pk:
        raise InvalidDossierInput(_("Văn bản gia hạn không thuộc hồ sơ này."), code="extension_mismatch")
    if extension is None:
        raise FormNotAvailable(
            _("Hồ sơ {code} chưa được gia hạn nên không có văn bản xin lỗi (mẫu 04).").format(
                code=dossier.code
            ),
            code="form_not_available",
        )
    agency = _agency_at(dossier, extension.extended_at)
    context = _common(dossier, FormCode.APOLOGY_EXTENSION, agency)
    doc = context["doc"]
    context["header"] = _header(
        doc,
        one_stop=False,
        number=_number_line(_document_number(overrides), _symbol(doc)),
        summary=_("V/v xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ"),
        day=_local(extension.extended_at).date(),
    )
    context.update(
        applicant=_applicant(dossier, contact=False),
        received_on=long_date((_local(dossier.received_at) or _local(dossier.submitted_at)).date()),
        old_due=clock_and_date(extension.old_due_at),
        new_due=clock_and_date(extension.new_due_at),
        reason=extension.reason,
        before_deadline=extension.before_deadline,
        signatures=[_agency_signature(doc)],
        recipients=_recipients(dossier),
    )
    return context


# --- Form 05: stop notice -----------------------------------------------------------------------


def _stop_notice(dossier: Dossier, overrides: dict | None) -> dict:
    change = _last_change(dossier, FormCode.STOP_NOTICE)
    if change is None:
        raise FormNotAvailable(
            _("Hồ sơ {code} không bị dừng giải quyết nên không có thông báo dừng (mẫu 05).").format(
                code=dossier.code
            ),
            code="form_not_available",
        )
    agency = _agency_at(dossier, change.at)
    context = _common(dossier, FormCode.STOP_NOTICE, agency)
    doc = context["doc"]
    context["header"] = _header(
        doc,
        one_stop=False,
        number=_number_line(_document_number(overrides), _symbol(doc, _NOTICE_SYMBOL)),
        day=_local(change.at).date(),
    )
    context.update(
        subtitle=_("Về việc dừng giải quyết hồ sơ"),
        applicant=_applicant(dossier, contact=False),
        received_on=long_date((_local(dossier.received_at) or _local(dossier.submitted_at)).date()),
        stopped_at=clock_and_date(change.at),
        reason=change.reason,
        signatures=[_agency_signature(doc)],
        recipients=_recipients(dossier),
    )
    return context


# --- Form 06: control sheet ---------------------------------------------------------------------


@dataclass(frozen=True)
class ControlSheetRow:
    """One hand-over of the control sheet (form 06): from which unit to which, when, by whom to whom,
    and how the step that ended with it went (early / on time / late) measured against its deadline."""

    number: int
    step_name: str
    from_unit: str
    to_unit: str
    handed_at: datetime
    given_by: str
    received_by: str
    due_at: datetime | None
    completed_at: datetime | None
    result: str
    result_label: str
    note: str
    allotted_label: str = ""  # "0,5 giờ", "8 giờ"; empty when the step has no allotted time


def _unit(label: str, agency) -> str:
    agency_name = agency.name if agency is not None else ""
    if label and agency_name and agency_name.lower() not in label.lower():
        return f"{label} – {agency_name}"
    return label or agency_name


def control_sheet_rows(dossier: Dossier) -> list[ControlSheetRow]:
    """The hand-overs of ``dossier`` in order, as control sheet rows. The result of a step is known once
    the next hand-over (or the result, or an end of processing) closes it; an open step reads
    "Đang giải quyết". Reads only."""
    labels = dict(Timeliness.choices)
    rows = []
    queryset = dossier.hand_overs.select_related("from_agency", "to_agency", "given_by", "received_by")
    for number, row in enumerate(queryset.order_by("handed_at", "id"), start=1):
        if row.result:
            result_label = str(labels[row.result])
        else:
            result_label = _("Đang giải quyết") if row.completed_at is None else ""
        rows.append(
            ControlSheetRow(
                number=number,
                step_name=row.step_name,
                from_unit=_unit(row.from_unit_label, row.from_agency),
                to_unit=_unit(row.to_unit_label, row.to_agency),
                handed_at=_local(row.handed_at),
                given_by=_person(row.given_by),
                received_by=_person(row.received_by),
                due_at=_local(row.due_at),
                completed_at=_local(row.completed_at),
                result=row.result,
                result_label=result_label,
                note=row.note,
                allotted_label=allotted_label(row),
            )
        )
    return rows


def allotted_label(row: HandOver) -> str:
    """A hand-over's allotted working time as the control sheet prints it: "0,5 giờ", "8 giờ"."""
    if row.allotted_hours is None:
        return ""
    return _("{hours} giờ").format(hours=row.allotted_hours_text)


def _involved_agencies(dossier: Dossier) -> list[str]:
    """The receiving agency, then each agency the dossier was handed to, in the order it got there."""
    names = [dossier.receiving_agency.name]
    for row in dossier.hand_overs.select_related("to_agency").order_by("handed_at", "id"):
        if row.to_agency.name not in names:
            names.append(row.to_agency.name)
    return names


def _control_sheet(dossier: Dossier) -> dict:
    agency = dossier.receiving_agency
    context = _common(dossier, FormCode.CONTROL_SHEET, agency)
    context["header"] = _header(
        context["doc"],
        one_stop=True,
        day=(_local(dossier.received_at) or _local(dossier.submitted_at)).date(),
    )
    number = register_number(dossier)
    rows = control_sheet_rows(dossier)
    context.update(
        applicant=_applicant(dossier, contact=False),
        receipt_number=f"{number:02d}/{_RECEIPT_SYMBOL}" if number else "",
        agencies=_involved_agencies(dossier),
        rows=[
            {
                "row": row,
                "handed_at": clock_and_date(row.handed_at),
                "due_at": short_moment(row.due_at),
            }
            for row in rows
        ],
        due_at=clock_and_date(dossier.due_at),
    )
    return context


# --- Public API: one dossier's forms --------------------------------------------------------------


def form_context(
    dossier: Dossier,
    form_code: str,
    *,
    base_url: str | None = None,
    extension: Extension | None = None,
    context_overrides: dict | None = None,
) -> dict:
    """The template context of form ``form_code`` ("01"–"06") for ``dossier`` (read from the database;
    nothing is written).

    ``base_url`` is the site's address for the status page link of form 01; ``extension`` picks the
    extension letter of form 04 (default: the latest); ``context_overrides`` is merged last and may
    carry ``document_number`` for forms 04–05.
    Errors: ``InvalidDossierInput`` for an unknown form code (07 is ``render_logbook``) or an extension
    of another dossier; ``FormNotAvailable`` (see the module docstring).
    """
    code = str(form_code).zfill(2)
    if code not in _DOSSIER_FORMS:
        raise InvalidDossierInput(
            _(
                "Mẫu phiếu “{code}” không có cho một hồ sơ; hồ sơ có các mẫu 01–06 (mẫu 07 là sổ theo dõi)."
            ).format(code=form_code),
            code="unknown_form",
        )
    with translation.override("vi"):
        if code == FormCode.RECEIPT:
            context = _receipt(dossier, base_url=base_url)
        elif code == FormCode.SUPPLEMENT_REQUEST:
            context = _supplement_request(dossier)
        elif code == FormCode.REFUSAL:
            context = _refusal(dossier)
        elif code == FormCode.APOLOGY_EXTENSION:
            context = _apology(dossier, extension, context_overrides)
        elif code == FormCode.STOP_NOTICE:
            context = _stop_notice(dossier, context_overrides)
        else:
            context = _control_sheet(dossier)
    context.update(context_overrides or {})
    return context


def template_names(agency, name: str) -> list[str]:
    """The templates tried for ``name`` ("form01.html", "base.html"): the agency's own first."""
    from congso.agencies.validators import AGENCY_CODE_RE

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


def render_form(
    dossier: Dossier,
    form_code: str,
    *,
    context_overrides: dict | None = None,
    base_url: str | None = None,
    extension: Extension | None = None,
) -> bytes:
    """Form ``form_code`` ("01"–"06") of ``dossier`` as PDF bytes (A4 portrait).

    Inputs as ``form_context``. The issuing agency's template overrides apply (module docstring).
    Checks no permission: the caller has (the portal only for the applicant's own dossier, the
    workspace with ``permissions.can(user, VIEW, dossier)``). Writes nothing.
    Errors: ``InvalidDossierInput``, ``FormNotAvailable``, ``core.pdf.PdfRenderError``.
    """
    context = form_context(
        dossier, form_code, base_url=base_url, extension=extension, context_overrides=context_overrides
    )
    code = context["form_code"]
    return _render(context, code, title=f"{FORM_TITLES[code]} – {dossier.code}", agency=context["agency"])


# --- Form 07: logbook ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LogbookRow:
    """One dossier in the logbook (form 07). ``number`` is its entry in the year's register (the same
    number as its receipt); dates are local."""

    number: int
    code: str
    procedure_name: str
    sets: int
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    lead_agency: str
    received_at: datetime
    due_at: datetime | None
    handed_over_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    note: str

    @property
    def applicant_contact(self) -> str:
        return "; ".join(part for part in (self.applicant_address, self.applicant_phone) if part)


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
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


def _logbook_note(dossier: Dossier, channels: dict, statuses: dict) -> str:
    parts = [str(channels.get(dossier.channel, dossier.channel))]
    if dossier.status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
        parts.append(str(statuses[dossier.status]))
    if dossier.timeliness == Timeliness.LATE:
        parts.append(_("Quá hạn"))
    return "; ".join(parts)


def logbook_rows(agency, start: date, end: date, *, chunk_size: int = 1000) -> Iterator[LogbookRow]:
    """The dossiers ``agency`` received (``received_at``) from ``start`` to ``end`` inclusive (local
    dates), oldest first, as logbook rows. A generator reading in chunks, so a year of dossiers does
    not sit in memory at once: one query per chunk plus one count per calendar year crossed.
    "Cơ quan chủ trì giải quyết" is the agency of the latest hand-over to another agency than the
    receiving one (the receiving agency when there is none); "chuyển hồ sơ" is the first hand-over.
    Online dossiers not accepted yet are not in the logbook.
    Errors: ``InvalidDossierInput`` for missing or reversed dates.
    """
    low, high = _day_bounds(start, end)
    first_hand_over = HandOver.objects.filter(dossier=OuterRef("pk")).order_by("handed_at", "id")
    # The lead agency is the last one the dossier was handed to other than the receiving agency (a
    # dossier brought back to the one-stop desk for return was still settled elsewhere).
    last_hand_over = (
        HandOver.objects.filter(dossier=OuterRef("pk"))
        .exclude(to_agency=OuterRef("receiving_agency"))
        .order_by("-handed_at", "-id")
    )
    queryset = (
        Dossier.objects.filter(receiving_agency=agency, received_at__gte=low, received_at__lt=high)
        .select_related("procedure_version__procedure")
        .annotate(
            first_hand_over_at=Subquery(first_hand_over.values("handed_at")[:1]),
            lead_agency_name=Subquery(last_hand_over.values("to_agency__name")[:1]),
        )
        .order_by("received_at", "id")
    )
    channels = {
        Channel.ONLINE: _("Trực tuyến"),
        Channel.COUNTER: _("Trực tiếp"),
        Channel.POSTAL: _("Bưu chính"),
    }
    statuses = dict(Status.choices)
    year = None
    number = 0
    for dossier in queryset.iterator(chunk_size=chunk_size):
        received = _local(dossier.received_at)
        if received.year != year:
            year = received.year
            year_start, _year_end = _year_bounds(year)
            number = Dossier.objects.filter(
                receiving_agency=agency, received_at__gte=year_start, received_at__lt=dossier.received_at
            ).count()
            number += Dossier.objects.filter(
                receiving_agency=agency, received_at=dossier.received_at, id__lt=dossier.pk
            ).count()
        number += 1
        yield LogbookRow(
            number=number,
            code=dossier.code,
            procedure_name=dossier.procedure_version.procedure.name,
            sets=1,
            applicant_name=dossier.applicant_name,
            applicant_address=dossier.applicant_address,
            applicant_phone=dossier.applicant_phone,
            lead_agency=dossier.lead_agency_name or agency.name,
            received_at=received,
            due_at=_local(dossier.due_at),
            handed_over_at=_local(dossier.first_hand_over_at),
            finished_at=_local(dossier.finished_at),
            returned_at=_local(dossier.returned_at),
            note=_logbook_note(dossier, channels, statuses),
        )


def logbook_pdf_max_rows() -> int:
    """``CONGSO_LOGBOOK_PDF_MAX_ROWS`` (default 300): the longest logbook printed as PDF. xhtml2pdf
    lays out every table cell as a paragraph, some 50 ms a row of 14 cells on the reference machine
    (300 rows ≈ 15 s, 500 rows ≈ 40 s), so longer ranges go to the XLSX export
    (``exports.logbook_xlsx``, 500 rows ≈ 1 s), which streams."""
    return int(getattr(settings, "CONGSO_LOGBOOK_PDF_MAX_ROWS", 300))


def render_logbook(agency, start: date, end: date) -> bytes:
    """Form 07, the logbook of the dossiers ``agency`` received from ``start`` to ``end`` (inclusive),
    as PDF bytes (A4 landscape, header repeated on every page).

    Checks no permission: the caller has (staff of ``agency``). Writes nothing.
    Errors: ``InvalidDossierInput`` for missing or reversed dates, or a range with more rows than
    ``logbook_pdf_max_rows()`` (with a message pointing to the XLSX export);
    ``core.pdf.PdfRenderError``.
    """
    limit = logbook_pdf_max_rows()
    with translation.override("vi"):
        rows = []
        for row in logbook_rows(agency, start, end):
            rows.append(row)
            if len(rows) > limit:
                raise InvalidDossierInput(
                    _(
                        "Khoảng thời gian có hơn {limit} hồ sơ, quá dài để in; vui lòng chọn khoảng ngắn hơn "
                        "hoặc xuất tệp Excel."
                    ).format(limit=limit),
                    code="too_many_rows",
                )
        doc = document_settings(agency)
        today = timezone.localdate()
        context = {
            "form_code": str(FormCode.LOGBOOK),
            "form_label": _("Mẫu số {code}").format(code=FormCode.LOGBOOK),
            "title": FORM_TITLES[FormCode.LOGBOOK],
            "subtitle": _("Từ ngày {start} đến ngày {end}").format(
                start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y")
            ),
            "agency": agency,
            "doc": doc,
            "header": _header(doc, one_stop=True, day=today),
            "rows": [
                {
                    "row": row,
                    "code_head": row.code.rsplit("-", 2)[0] + "-" if row.code.count("-") >= 2 else row.code,
                    "code_tail": "-".join(row.code.rsplit("-", 2)[1:]) if row.code.count("-") >= 2 else "",
                    "received_at": short_moment(row.received_at),
                    "due_at": short_moment(row.due_at),
                    "handed_over_at": short_moment(row.handed_over_at),
                    "finished_at": short_moment(row.finished_at),
                    "returned_at": short_moment(row.returned_at),
                }
                for row in rows
            ],
            "footer_note": "",
            "signatures": [],
            "recipients": [],
            "landscape": True,
        }
    title = f"{FORM_TITLES[FormCode.LOGBOOK]} – {agency.code} – {start:%d/%m/%Y}–{end:%d/%m/%Y}"
    return _render(context, FormCode.LOGBOOK, title=title, agency=agency)
