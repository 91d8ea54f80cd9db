"""The checks a dossier service makes on its input before it writes anything: texts and their limits,
the applicant's details, the version and agency in force, the form data (by the form engine, as the
page does), reasons, step names and allotted hours. Each raises a ``dossiers.errors`` error with a
Vietnamese message."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from congso import formengine
from congso.agencies import services as agency_services
from congso.catalog import services as catalog_services
from congso.identity.validators import validate_national_id, validate_tax_code

from ..errors import InvalidDossierInput, VersionNotInForce


def _text(value, limit: int | None = None, label: str = "") -> str:
    """``value`` as stripped text; longer than ``limit`` → ``InvalidDossierInput`` naming ``label``
    (nothing is cut silently)."""
    text = str(value or "").strip()
    if limit is not None and len(text) > limit:
        raise InvalidDossierInput(
            _("“{label}” quá dài (tối đa {limit} ký tự).").format(label=label, limit=limit), code="too_long"
        )
    return text


def _check_acting_for(acting_for) -> dict:
    if acting_for is None:
        return {}
    if not isinstance(acting_for, dict):
        raise InvalidDossierInput(
            _("Thông tin người được đại diện (nộp thay) không hợp lệ."), code="acting_for"
        )
    return acting_for


def _clean_applicant(details: dict) -> dict:
    """Validate and normalise the applicant's details; raise ``InvalidDossierInput`` (Vietnamese)."""
    details = details or {}
    name = _text(details.get("name"), 200, _("Họ tên chủ hồ sơ"))
    if not name:
        raise InvalidDossierInput(_("Vui lòng nhập họ tên chủ hồ sơ."), code="applicant_name")
    national_id = _text(details.get("national_id"), 14, _("Số định danh / mã số thuế"))
    if national_id:
        try:
            (validate_tax_code if len(national_id) != 12 else validate_national_id)(national_id)
        except ValidationError:
            raise InvalidDossierInput(
                _("Số định danh cá nhân phải gồm đúng 12 chữ số; mã số thuế gồm 10 chữ số (hoặc kèm -NNN)."),
                code="applicant_national_id",
            ) from None
    email = _text(details.get("email"), 254, _("Thư điện tử"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidDossierInput(
                _("Địa chỉ thư điện tử không hợp lệ."), code="applicant_email"
            ) from None
    return {
        "applicant_name": name,
        "applicant_national_id": national_id,
        "applicant_phone": _text(details.get("phone"), 20, _("Số điện thoại")),
        "applicant_email": email,
        "applicant_address": _text(details.get("address"), 300, _("Địa chỉ")),
    }


def _check_in_force(version, day) -> None:
    if not catalog_services.is_in_force(version, day):
        raise VersionNotInForce(
            _(
                "Thủ tục “{name}” (phiên bản {number}) không có hiệu lực vào ngày {day}; không thể nộp hồ sơ "
                "theo phiên bản này."
            ).format(name=version.procedure.name, number=version.number, day=day.strftime("%d/%m/%Y")),
            code="version_not_in_force",
        )


def _check_online(version) -> None:
    if not catalog_services.is_offered_online(version):
        raise InvalidDossierInput(
            _(
                "Thủ tục này chưa được cung cấp dịch vụ công trực tuyến; "
                "vui lòng nộp hồ sơ tại bộ phận một cửa."
            ),
            code="not_online",
        )


def _check_agency_in_force(agency, day) -> None:
    if not agency_services.is_in_force(agency, day):
        raise InvalidDossierInput(
            _("Cơ quan {agency} không còn hiệu lực vào ngày {day}.").format(
                agency=agency, day=day.strftime("%d/%m/%Y")
            ),
            code="agency_not_in_force",
        )


def _check_form(version, form_data) -> None:
    """Validate the form data as the application page does: the form engine's validator, with the
    format checker (dates, e-mail addresses…), conditional sections and date bounds. The error names the
    fields in error (``form_data``); an unusable form definition refuses the dossier."""
    if not isinstance(form_data, dict):
        raise InvalidDossierInput(_("Dữ liệu tờ khai không hợp lệ."), code="form_data")
    if not version.form_schema:
        return
    try:
        definition = formengine.build(version.form_schema, version.form_ui)
    except formengine.FormDefinitionError:
        raise InvalidDossierInput(_("Biểu mẫu của thủ tục đang có lỗi."), code="form_definition") from None
    result = definition.validate(form_data)
    fields = sorted(result.fields)
    if result.form:
        fields.append(_("(toàn bộ tờ khai)"))
    if fields:
        raise InvalidDossierInput(
            _("Tờ khai chưa hợp lệ ở các mục: {fields}.").format(fields=", ".join(fields)), code="form_data"
        )


def _require_reason(reason, message) -> str:
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidDossierInput(message, code="reason_required")
    return reason


def _check_step_input(step_name, allotted_working_hours) -> tuple[str, Decimal | None]:
    """The cleaned step name and allotted hours (``Decimal``), or ``InvalidDossierInput``."""
    step_name = _text(step_name, 200, _("Bước xử lý"))
    if not step_name:
        raise InvalidDossierInput(_("Vui lòng ghi tên bước xử lý."), code="step_name")
    return step_name, _allotted_hours(allotted_working_hours)


# HandOver.allotted_hours: DecimalField(max_digits=8, decimal_places=2).
_MAX_ALLOTTED_HOURS = Decimal("999999.99")


def _allotted_hours(value) -> Decimal | None:
    """``value`` (int, Decimal or float; None = no allotted time) as a Decimal of working hours: more than
    0, at most two decimals (``0.5`` is half an hour, as a process step may allot)."""
    if value is None:
        return None
    hours = None
    if not isinstance(value, bool) and isinstance(value, int | float | Decimal):
        # A float through str() so that 0.5 stays exactly 0.5 (and 0.1 is not 0.1000000000000000055…).
        hours = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if (
        hours is None
        or not hours.is_finite()
        or hours <= 0
        or hours > _MAX_ALLOTTED_HOURS
        or hours != hours.quantize(Decimal("0.01"))
    ):
        raise InvalidDossierInput(
            _(
                "Thời gian được giao phải là số giờ làm việc lớn hơn 0, tối đa hai chữ số thập phân "
                "(ví dụ 0,5 là nửa giờ)."
            ),
            code="allotted_hours",
        )
    return hours.quantize(Decimal("0.01"))
