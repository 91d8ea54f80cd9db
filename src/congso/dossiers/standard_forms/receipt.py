"""Form 01, the receipt and appointment the one-stop desk issues on receiving a dossier, and the
confirmation of an online submission the applicant gets at once (not a numbered form)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from congso.catalog import services as catalog_services
from congso.catalog.models import OnlineMode, TimeLimitUnit
from congso.core import pdf

from ..models import Channel, Dossier, FormCode, PaperStage, ReturnMethod, Status
from .layout import (
    _RECEIPT_SYMBOL,
    SUBMISSION_CONFIRMATION_TITLE,
    FormNotAvailable,
    _applicant,
    _common,
    _header,
    _local,
    _officer_signature,
    _render,
    _vnd,
    clock_and_date,
    register_number,
    status_url,
)


def _time_limit(version) -> str:
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
    required = {paper.code: paper for paper in catalog_services.required_papers(version)}
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
    fees = [
        {"name": info.name, "description": info.description}
        for info in catalog_services.fees_for(dossier.procedure_version)
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
