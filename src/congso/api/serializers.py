"""What the API reads and writes, as DRF serializers (they also make the OpenAPI schema).

Personal data is minimised: the dossier list carries no applicant data; a dossier's page carries the
applicant's name, identifier and contact details (the agency needs them to process it) and each such read
is audited (``views``)."""

from django.core import validators
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.utils.formatting import lazy_format

from congso.dossiers import states
from congso.dossiers.models import ReturnMethod, Status

# DRF's own field messages are English (its Vietnamese catalogue lacks them), so a bad parameter got a
# Vietnamese ``detail`` over English ``errors``. Every input serializer of the API speaks congso's
# Vietnamese, translated to English in congso's catalogue, formatted by DRF with the same placeholders.
_COMMON_MESSAGES = {
    "required": _("Trường này là bắt buộc."),
    "null": _("Trường này không được để trống."),
    "blank": _("Trường này không được để trống."),
    "invalid_choice": _("“{input}” không phải là một lựa chọn hợp lệ."),
    "max_value": _("Giá trị phải nhỏ hơn hoặc bằng {max_value}."),
    "min_value": _("Giá trị phải lớn hơn hoặc bằng {min_value}."),
    "max_string_length": _("Giá trị quá dài."),
    "max_digits": _("Không được quá {max_digits} chữ số."),
    "max_decimal_places": _("Không được quá {max_decimal_places} chữ số sau dấu thập phân."),
    "max_whole_digits": _("Không được quá {max_whole_digits} chữ số trước dấu thập phân."),
}
_MESSAGES_BY_TYPE = [
    (
        serializers.ListField,
        {
            "not_a_list": _("Phải là một danh sách."),
            "empty": _("Danh sách không được rỗng."),
            "min_length": _("Danh sách phải có ít nhất {min_length} phần tử."),
            "max_length": _("Danh sách không được quá {max_length} phần tử."),
        },
    ),
    (
        serializers.CharField,
        {
            "invalid": _("Phải là một chuỗi ký tự."),
            "min_length": _("Phải có ít nhất {min_length} ký tự."),
            "max_length": _("Không được dài quá {max_length} ký tự."),
        },
    ),
    (serializers.IntegerField, {"invalid": _("Phải là một số nguyên.")}),
    (serializers.DecimalField, {"invalid": _("Phải là một số.")}),
    (
        serializers.DateField,
        {"invalid": _("Ngày không đúng dạng YYYY-MM-DD."), "date": _("Phải là một ngày, không kèm giờ.")},
    ),
    (
        serializers.FileField,
        {
            "invalid": _("Phải là một tệp gửi kèm (multipart/form-data)."),
            "no_name": _("Tệp gửi kèm không có tên."),
            "empty": _("Tệp gửi kèm rỗng."),
            "max_length": _("Tên tệp không được dài quá {max_length} ký tự."),
        },
    ),
]


_BOUND_MESSAGES = {
    validators.MaxValueValidator: "max_value",
    validators.MinValueValidator: "min_value",
    validators.MaxLengthValidator: "max_length",
    validators.MinLengthValidator: "min_length",
}


def _speak_vietnamese(field) -> None:
    messages = dict(_COMMON_MESSAGES)
    for kind, specific in _MESSAGES_BY_TYPE:
        if isinstance(field, kind):
            messages.update(specific)
    field.error_messages.update({key: text for key, text in messages.items() if key in field.error_messages})
    # Bounds are checked by validators made when the field was built, with the message of that moment.
    for validator in field.validators:
        key = _BOUND_MESSAGES.get(type(validator))
        if key and key in field.error_messages:
            validator.message = lazy_format(field.error_messages[key], **{key: validator.limit_value})
    if child := getattr(field, "child", None):
        _speak_vietnamese(child)


class Input(serializers.Serializer):
    """An input the API validates: every field's error messages are congso's Vietnamese (English in the
    catalogue), like the rest of the problem answer."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            _speak_vietnamese(field)
        return fields


STATUS_HELP = _("Trạng thái theo danh mục 10 trạng thái đồng bộ với Cổng DVC quốc gia (1–10).")


class AgencyRef(serializers.Serializer):
    code = serializers.CharField(help_text=_("Mã định danh điện tử (QCVN 102:2016)."))
    name = serializers.CharField()


def agency_ref(agency) -> dict | None:
    return {"code": agency.code, "name": agency.name} if agency is not None else None


# --- catalogue -------------------------------------------------------------------------------------


class ProcedureItem(serializers.Serializer):
    code = serializers.CharField()
    national_code = serializers.CharField(allow_blank=True)
    name = serializers.CharField()
    level = serializers.CharField()
    field = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(help_text=_("Số phiên bản đang có hiệu lực."))
    online_mode = serializers.CharField()


class ProcedureList(serializers.Serializer):
    count = serializers.IntegerField()
    results = ProcedureItem(many=True)


class RequiredPaperOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    is_required = serializers.BooleanField()


class FeeOut(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    amount = serializers.IntegerField()


class ProcedureDetail(ProcedureItem):
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)
    legal_basis = serializers.CharField(allow_blank=True)
    time_limit_value = serializers.IntegerField()
    time_limit_unit = serializers.CharField()
    result_type = serializers.CharField(allow_blank=True)
    implementing_agencies = AgencyRef(many=True)
    papers = RequiredPaperOut(many=True)
    fees = FeeOut(many=True)
    form_schema = serializers.JSONField(allow_null=True)


# --- agencies and units ------------------------------------------------------------------------------


class AgencyOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    parent_code = serializers.CharField(allow_null=True)
    administrative_unit_code = serializers.CharField(allow_null=True)
    depth = serializers.IntegerField(help_text=_("Độ sâu trong cây tổ chức (0: gốc)."))


class UnitOut(serializers.Serializer):
    code = serializers.CharField(help_text=_("Mã đơn vị hành chính (Tổng cục Thống kê)."))
    name = serializers.CharField()
    division_type = serializers.CharField(allow_blank=True)
    level = serializers.CharField()
    parent_code = serializers.CharField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)


class UnitList(serializers.Serializer):
    count = serializers.IntegerField()
    results = UnitOut(many=True)


# --- dossiers ------------------------------------------------------------------------------------------


SCOPE_RECEIVED, SCOPE_HELD, SCOPE_ALL = "received", "held", "all"


class DossierFilter(Input):
    scope = serializers.ChoiceField(
        choices=[SCOPE_RECEIVED, SCOPE_HELD, SCOPE_ALL],
        required=False,
        help_text=_(
            "received (mặc định): hồ sơ cơ quan của cán bộ tiếp nhận; held: hồ sơ đang được giải quyết tại "
            "cơ quan của cán bộ; all: mọi hồ sơ cán bộ được xem."
        ),
    )
    status = serializers.IntegerField(required=False, min_value=1, max_value=10, help_text=STATUS_HELP)
    procedure = serializers.CharField(required=False, max_length=60, help_text=_("Mã thủ tục."))
    received_from = serializers.DateField(required=False, help_text=_("Tiếp nhận từ ngày (kể cả ngày này)."))
    received_to = serializers.DateField(required=False, help_text=_("Tiếp nhận đến ngày (kể cả ngày này)."))
    code = serializers.CharField(required=False, max_length=40, help_text=_("Mã hồ sơ (đúng mã)."))

    def validate(self, attrs):
        start, end = attrs.get("received_from"), attrs.get("received_to")
        if start and end and start > end:
            raise serializers.ValidationError({"received_to": _("Ngày kết thúc phải sau ngày bắt đầu.")})
        return attrs


class DossierItem(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.IntegerField(help_text=STATUS_HELP)
    status_label = serializers.CharField()
    channel = serializers.CharField()
    procedure_code = serializers.CharField()
    procedure_version = serializers.IntegerField()
    receiving_agency = AgencyRef()
    current_agency = AgencyRef()
    submitted_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    timeliness = serializers.CharField(allow_blank=True)
    routed_by_process = serializers.CharField(
        allow_blank=True, help_text=_("Quy trình đang chuyển bước hồ sơ; rỗng nếu cán bộ tự bàn giao.")
    )


class ApplicantOut(serializers.Serializer):
    name = serializers.CharField()
    national_id = serializers.CharField(allow_blank=True, allow_null=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)


class PaperOut(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.CharField()
    required_paper_code = serializers.CharField(allow_blank=True)
    name = serializers.CharField()
    original_name = serializers.CharField(allow_blank=True)
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class TimelineOut(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["status", "hand_over", "extension"])
    title = serializers.CharField()
    actor = serializers.CharField(allow_blank=True, help_text=_("Cán bộ thực hiện, hoặc quy trình."))
    form_code = serializers.CharField(allow_blank=True)
    detail = serializers.DictField()


class DossierDetail(DossierItem):
    statutory_due_at = serializers.DateTimeField(allow_null=True)
    paused_at = serializers.DateTimeField(allow_null=True)
    result_note = serializers.CharField(allow_blank=True)
    return_method = serializers.CharField(allow_blank=True)
    applicant = ApplicantOut()
    form_data = serializers.DictField()
    papers = PaperOut(many=True)
    timeline = TimelineOut(many=True)
    etag = serializers.CharField(help_text=_("Giá trị ETag hiện tại, gửi lại trong If-Match khi ghi."))


# --- transitions -------------------------------------------------------------------------------------


class AcceptIn(Input):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SupplementIn(Input):
    items = serializers.ListField(
        child=serializers.CharField(max_length=500),
        min_length=1,
        max_length=50,
        help_text=_("Các giấy tờ, nội dung cần bổ sung (yêu cầu một lần, mẫu 02)."),
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class HandOverIn(Input):
    to_agency = serializers.CharField(max_length=40, help_text=_("Mã định danh điện tử của đơn vị nhận."))
    step_name = serializers.CharField(max_length=200)
    receiver = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        default="",
        help_text=_("Tên đăng nhập của cán bộ nhận; bỏ trống: hàng chờ của đơn vị."),
    )
    allotted_hours = serializers.DecimalField(
        required=False,
        allow_null=True,
        max_digits=6,
        decimal_places=2,
        min_value=0,
        default=None,
        help_text=_("Số giờ làm việc cho bước này."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ResultIn(Input):
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=10,
        default=list,
        help_text=_("Bản điện tử của kết quả đã ký (PDF, JPEG, PNG), kiểm tra theo nội dung tệp."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ReturnIn(Input):
    method = serializers.ChoiceField(choices=ReturnMethod.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


def status_label(status: int) -> str:
    return states.status_label(status) if status in Status.values else ""
