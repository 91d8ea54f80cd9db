"""What the API reads and writes, as DRF serializers (they also make the OpenAPI schema).

Personal data is minimised: the dossier list carries no applicant data; a dossier's page carries the
applicant's name, identifier and contact details (the agency needs them to process it) and each such read
is audited (``views``)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from congso.dossiers import states
from congso.dossiers.models import ReturnMethod, Status

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


class DossierFilter(serializers.Serializer):
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


class AcceptIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SupplementIn(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.CharField(max_length=500),
        min_length=1,
        max_length=50,
        help_text=_("Các giấy tờ, nội dung cần bổ sung (yêu cầu một lần, mẫu 02)."),
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class HandOverIn(serializers.Serializer):
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


class ResultIn(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=10,
        default=list,
        help_text=_("Bản điện tử của kết quả đã ký (PDF, JPEG, PNG), kiểm tra theo nội dung tệp."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ReturnIn(serializers.Serializer):
    method = serializers.ChoiceField(choices=ReturnMethod.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


def status_label(status: int) -> str:
    return states.status_label(status) if status in Status.values else ""
