"""Validation of procedure codes, online-form schemas, fee rules and the ``unverified`` list.

Procedure codes follow STANDARDS.md §4: the national code ``N.NNNNNN`` (``1.001193``); a province's
local variant appends an agency electronic code (``2.000815.000.00.00.H55``). A procedure whose
national code is not confirmed yet carries a clearly provisional local code ``DP.<group>.<number>``
(``DP.HT.01``) and an empty national code, so nobody mistakes a guess for the national code.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from jsonschema import SchemaError
from jsonschema.validators import validator_for

from congso import formengine
from congso.agencies.validators import AGENCY_CODE_RE

NATIONAL_CODE_RE = re.compile(r"^\d\.\d{6}$")
PROVISIONAL_CODE_RE = re.compile(r"^DP(\.[A-Z0-9]{1,10}){1,3}$")

# Facts of a version that may be marked as not yet confirmed; the pages show "(đang xác minh)" beside them.
UNVERIFIED_KEYS = {
    "national_code": _("mã thủ tục quốc gia"),
    "name": _("tên thủ tục"),
    "legal_basis": _("căn cứ pháp lý"),
    "time_limit": _("thời hạn giải quyết"),
    "fee": _("phí, lệ phí"),
    "online_mode": _("mức độ trực tuyến"),
    "implementing_agency": _("cơ quan thực hiện"),
    "papers": _("thành phần hồ sơ"),
    "result_type": _("kết quả thực hiện"),
    "applicant_types": _("đối tượng thực hiện"),
    "submission_place": _("nơi nộp hồ sơ"),
}


def validate_national_code(value: str) -> None:
    if value and not NATIONAL_CODE_RE.match(value):
        raise ValidationError(
            _("Mã thủ tục quốc gia phải có dạng N.NNNNNN, ví dụ 1.001193."), code="invalid_national_code"
        )


def check_procedure_code(code: str, national_code: str) -> None:
    """Raise ValidationError unless ``code`` is the national code, its local variant or, when there is
    no national code yet, a provisional local code."""
    if national_code:
        if code == national_code:
            return
        prefix = national_code + "."
        if code.startswith(prefix) and AGENCY_CODE_RE.match(code[len(prefix) :]):
            return
        raise ValidationError(
            _(
                "Mã thủ tục phải là mã quốc gia %(national)s hoặc mã quốc gia kèm mã định danh cơ quan "
                "(ví dụ %(national)s.000.00.00.H08)."
            )
            % {"national": national_code},
            code="invalid_procedure_code",
        )
    if not PROVISIONAL_CODE_RE.match(code or ""):
        raise ValidationError(
            _(
                "Thủ tục chưa có mã quốc gia phải mang mã tạm của địa phương dạng DP.HT.01; "
                "nếu đã có mã quốc gia, hãy ghi mã dạng N.NNNNNN (ví dụ 1.001193)."
            ),
            code="invalid_procedure_code",
        )


def validate_form_schema(value) -> None:
    """The online form is a JSON Schema: check it against its meta-schema (draft 2020-12 by default)."""
    if value in (None, {}):
        return
    if not isinstance(value, dict):
        raise ValidationError(
            _("Biểu mẫu trực tuyến phải là một đối tượng JSON Schema."), code="invalid_schema"
        )
    try:
        validator_for(value).check_schema(value)
    except SchemaError as exc:
        path = "/".join(str(p) for p in exc.path) or "gốc"
        raise ValidationError(
            _("Biểu mẫu trực tuyến không phải JSON Schema hợp lệ (tại %(path)s): %(reason)s")
            % {"path": path, "reason": exc.message},
            code="invalid_schema",
        ) from exc


def validate_form_ui(value) -> None:
    if value is not None and not isinstance(value, dict):
        raise ValidationError(
            _("Gợi ý hiển thị biểu mẫu phải là một đối tượng JSON."), code="invalid_form_ui"
        )
    unknown = formengine.unknown_ui_keys(value)
    if unknown:
        raise ValidationError(unknown, code="invalid_form_ui")


def validate_form(schema, ui) -> None:
    """The whole online form, as the portal will read it: the form engine must be able to build it
    (every step, field hint, condition and prefill source checked), not only parse as JSON."""
    try:
        formengine.build(schema, ui)
    except formengine.FormDefinitionError as exc:
        raise ValidationError(exc.problems, code="invalid_form") from exc


def validate_unverified(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(
            _("Danh sách thông tin chưa xác minh phải là danh sách tên trường."), code="invalid_unverified"
        )
    unknown = sorted(set(value) - set(UNVERIFIED_KEYS))
    if unknown:
        raise ValidationError(
            _(
                "Không có trường %(names)s trong danh sách thông tin có thể đánh dấu chưa xác minh "
                "(%(allowed)s)."
            )
            % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(UNVERIFIED_KEYS))},
            code="invalid_unverified",
        )
