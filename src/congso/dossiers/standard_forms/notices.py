"""Forms 02–05: the supplement request, the refusal, the apology and extension letter, and the stop
notice — each available only once the dossier has what it states."""

from __future__ import annotations

from django.utils.translation import gettext as _

from congso.catalog.models import SupplementClockRule

from ..errors import InvalidDossierInput
from ..models import Dossier, Extension, FormCode, Status, SupplementRequest
from .layout import (
    _NOTICE_SYMBOL,
    FormNotAvailable,
    _agency_at,
    _agency_signature,
    _applicant,
    _common,
    _header,
    _last_change,
    _local,
    _officer_signature,
    clock_and_date,
    document_settings,
    long_date,
)


def _supplement_request(dossier: Dossier) -> dict:
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


def _agency_letter(dossier: Dossier, form_code, issued_at, overrides, *, summary="", type_symbol="") -> dict:
    """What the agency's letters to the applicant (forms 04 and 05) share: issued by the agency that
    held the dossier at ``issued_at``, numbered, addressed to the applicant, signed by the agency."""
    context = _common(dossier, form_code, _agency_at(dossier, issued_at))
    doc = context["doc"]
    context["header"] = _header(
        doc,
        one_stop=False,
        number=_number_line(_document_number(overrides), _symbol(doc, type_symbol)),
        summary=summary,
        day=_local(issued_at).date(),
    )
    context.update(
        applicant=_applicant(dossier, contact=False),
        received_on=long_date((_local(dossier.received_at) or _local(dossier.submitted_at)).date()),
        signatures=[_agency_signature(doc)],
        recipients=_recipients(dossier),
    )
    return context


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
    context = _agency_letter(
        dossier,
        FormCode.APOLOGY_EXTENSION,
        extension.extended_at,
        overrides,
        summary=_("V/v xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ"),
    )
    context.update(
        old_due=clock_and_date(extension.old_due_at),
        new_due=clock_and_date(extension.new_due_at),
        reason=extension.reason,
        before_deadline=extension.before_deadline,
    )
    return context


def _stop_notice(dossier: Dossier, overrides: dict | None) -> dict:
    change = _last_change(dossier, FormCode.STOP_NOTICE)
    if change is None:
        raise FormNotAvailable(
            _("Hồ sơ {code} không bị dừng giải quyết nên không có thông báo dừng (mẫu 05).").format(
                code=dossier.code
            ),
            code="form_not_available",
        )
    context = _agency_letter(dossier, FormCode.STOP_NOTICE, change.at, overrides, type_symbol=_NOTICE_SYMBOL)
    context.update(
        subtitle=_("Về việc dừng giải quyết hồ sơ"),
        stopped_at=clock_and_date(change.at),
        reason=change.reason,
    )
    return context
