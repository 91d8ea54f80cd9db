"""The API's operations under ``/api/v1/`` (see docs/api.md for the whole contract).

Reads: procedures in force (``catalog.services``), agencies and administrative units (``agencies``),
dossiers the acting officer may see (``dossiers.services.visible_to``: another agency's dossier is 404,
as in the workspace) with papers and timeline, an ``ETag`` per dossier and ``If-None-Match`` → 304.

Writes: the officer's transitions — accept, request a supplement, hand over, record the result (with the
signed result files), return the result — each one call of ``dossiers.services``, exactly as the
workspace's action pages make it: the same functions, the same permission checks inside them (403), the
same refusal while a BPMN process routes the dossier (hand-over → 409), the same upload checks (422).
Each needs ``Idempotency-Key`` and ``If-Match`` and runs in one transaction with the dossier row locked:
replayed key → stored answer; If-Match checked; service call; answer stored with the key.
"""

from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.agencies import services as agency_services
from congso.agencies.models import AdministrativeUnit, Agency, UnitLevel
from congso.catalog import services as catalog_services
from congso.core import audit
from congso.dossiers import permissions as dossier_permissions
from congso.dossiers import services as dossier_services
from congso.dossiers.files import PaperUpload
from congso.identity import services as identity_services

from . import conf, etags, idempotency, problems
from . import representations as rep
from . import serializers as s
from .authentication import LgspTokenAuthentication, WorkspaceSessionAuthentication
from .parsers import JSONParser
from .permissions import ActingOfficer, AuthenticatedCaller
from .problems import ApiProblem

ACTING_OFFICER = OpenApiParameter(
    conf.ACTING_OFFICER_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_(
        "Tên đăng nhập của cán bộ mà hệ thống thực hiện thay "
        "(bắt buộc với token LGSP khi thao tác với hồ sơ)."
    ),
)
IDEMPOTENCY_KEY = OpenApiParameter(
    conf.IDEMPOTENCY_HEADER,
    {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
    OpenApiParameter.HEADER,
    required=True,
    description=_(
        "Khóa duy nhất của thao tác: gửi lại cùng khóa và cùng nội dung không tạo thay đổi thứ hai."
    ),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "minLength": 1, "pattern": "^[!-~]+$"},
    OpenApiParameter.HEADER,
    required=True,
    description=_("ETag của hồ sơ lần đọc gần nhất (thiếu → 428, đã cũ → 412)."),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, description=_("ETag đã có (→ 304).")
)
CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("Mã hồ sơ."))
NOT_MODIFIED = OpenApiResponse(description=_("Không thay đổi kể từ ETag đã gửi."))


# Every API view: LGSP token or session, problem+json errors, JSON.
class ApiView(APIView):
    authentication_classes = [LgspTokenAuthentication, WorkspaceSessionAuthentication]
    permission_classes = [AuthenticatedCaller]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    def get_exception_handler(self):
        return problems.exception_handler


# --- procedures ------------------------------------------------------------------------------------


class ProcedureList(ApiView):
    @extend_schema(
        operation_id="procedures_list",
        summary=_("Thủ tục hành chính có phiên bản đang có hiệu lực"),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description=_("Từ khóa (tên, mã; không phân biệt dấu).")),
            OpenApiParameter("agency", OpenApiTypes.STR, description=_("Mã cơ quan thực hiện.")),
            OpenApiParameter("limit", OpenApiTypes.INT, description="1–100 (20)."),
            OpenApiParameter("offset", OpenApiTypes.INT, description="≥ 0."),
        ],
        responses={200: s.ProcedureList},
        tags=["procedures"],
    )
    def get(self, request):
        params = _ProcedureQuery(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        found = catalog_services.search(
            data.get("q", ""), agency=data.get("agency") or None, limit=data["limit"], offset=data["offset"]
        )
        return Response({"count": found.total, "results": [rep.procedure_item(p) for p in found.items]})


class _ProcedureQuery(s.Input):
    q = drf_serializers.CharField(required=False, allow_blank=True, max_length=200)
    agency = drf_serializers.CharField(required=False, allow_blank=True, max_length=40)
    limit = drf_serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    offset = drf_serializers.IntegerField(required=False, min_value=0, max_value=100_000, default=0)


class ProcedureDetail(ApiView):
    @extend_schema(
        operation_id="procedures_retrieve",
        summary=_("Một thủ tục và phiên bản đang có hiệu lực: giấy tờ, phí, thời hạn, biểu mẫu"),
        responses={200: s.ProcedureDetail},
        tags=["procedures"],
    )
    def get(self, request, code):
        try:
            procedure = catalog_services.get_procedure(code)
            version = catalog_services.version_in_force(code)
        except catalog_services.ProcedureNotAvailable as exc:
            raise ApiProblem(404, str(exc), code="procedure-not-found") from None
        papers = catalog_services.required_papers(version)
        fees = catalog_services.fees_for(version)
        return Response(rep.procedure_detail(procedure, version, papers, fees))


# --- agencies and administrative units ---------------------------------------------------------------


class AgencyList(ApiView):
    @extend_schema(
        operation_id="agencies_list",
        summary=_("Cơ quan, đơn vị đang hoạt động, theo cây tổ chức"),
        responses={200: s.AgencyOut(many=True)},
        tags=["agencies"],
    )
    def get(self, request):
        return Response([rep.agency(agency, depth) for agency, depth in agency_services.agency_tree()])


class AgencyDetail(ApiView):
    @extend_schema(
        operation_id="agencies_retrieve",
        summary=_("Một cơ quan theo mã định danh điện tử"),
        responses={200: s.AgencyOut},
        tags=["agencies"],
    )
    def get(self, request, code):
        try:
            agency = agency_services.get_agency_by_code(code)
        except Agency.DoesNotExist as exc:
            raise ApiProblem(404, str(exc), code="agency-not-found") from None
        return Response(rep.agency(agency))


class _UnitQuery(s.Input):
    parent = drf_serializers.CharField(required=False, allow_blank=True, max_length=10)
    # A level that does not exist is a mistake to say (400), not an empty list.
    level = drf_serializers.ChoiceField(required=False, allow_blank=True, choices=UnitLevel.choices)
    limit = drf_serializers.IntegerField(required=False, min_value=1, max_value=1000, default=100)
    offset = drf_serializers.IntegerField(required=False, min_value=0, max_value=1_000_000, default=0)


class UnitList(ApiView):
    @extend_schema(
        operation_id="units_list",
        summary=_("Đơn vị hành chính đang có hiệu lực"),
        parameters=[_UnitQuery],
        responses={200: s.UnitList},
        tags=["agencies"],
    )
    def get(self, request):
        params = _UnitQuery(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        units = AdministrativeUnit.objects.valid_on().select_related("parent").order_by("code", "pk")
        if data.get("parent"):
            units = units.filter(parent__code=data["parent"])
        if data.get("level"):
            units = units.filter(level=data["level"])
        window = units[data["offset"] : data["offset"] + data["limit"]]
        return Response({"count": units.count(), "results": [rep.unit(u) for u in window]})


class UnitDetail(ApiView):
    @extend_schema(
        operation_id="units_retrieve",
        summary=_("Một đơn vị hành chính đang có hiệu lực theo mã"),
        responses={200: s.UnitOut},
        tags=["agencies"],
    )
    def get(self, request, code):
        try:
            unit = agency_services.get_unit(code)
        except AdministrativeUnit.DoesNotExist as exc:
            raise ApiProblem(404, str(exc), code="unit-not-found") from None
        return Response(rep.unit(unit))


# --- dossiers: reading -------------------------------------------------------------------------------


def _visible(user):
    return dossier_services.visible_to(user)


def _get_dossier(request, code: str):
    dossier = (
        _visible(request.user)
        .select_related("procedure_version__procedure", "receiving_agency", "current_agency")
        .filter(code=str(code).strip().upper())
        .first()
    )
    if dossier is None:
        raise ApiProblem(
            404, _("Không có hồ sơ này, hoặc bạn không được xem hồ sơ này."), code="dossier-not-found"
        )
    return dossier


def _via(request) -> dict:
    caller = request.auth
    return {"caller": caller.identifier, "via_gateway": caller.via_gateway}


class _DossierCursor(CursorPagination):
    # Newest first, as the workspace lists them; served by the index (receiving_agency, -submitted_at, -id)
    # for the default scope.
    ordering = ("-submitted_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 200
    # DRF's "Invalid cursor" is English only; a cursor is taken from a previous page's ``next``.
    invalid_cursor_message = gettext_lazy(
        "Con trỏ trang (cursor) không hợp lệ: hãy dùng địa chỉ next của trang trước."
    )

    def __init__(self):
        self.page_size = conf.page_size()


class _PageSize(s.Input):
    """``page_size`` checked (the paginator would silently ignore a bad one); documented by the paginator."""

    page_size = drf_serializers.IntegerField(
        required=False, min_value=1, max_value=_DossierCursor.max_page_size
    )


class DossierList(ApiView):
    permission_classes = [ActingOfficer]
    pagination_class = _DossierCursor

    @extend_schema(
        operation_id="dossiers_list",
        summary=_(
            "Hồ sơ của cơ quan (tiếp nhận, đang giữ, hoặc mọi hồ sơ cán bộ được xem), mới nhất trước, "
            "phân trang bằng con trỏ"
        ),
        parameters=[ACTING_OFFICER, s.DossierFilter],
        responses={200: s.DossierItem(many=True)},
        tags=["dossiers"],
    )
    def get(self, request):
        filters = s.DossierFilter(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        _PageSize(data=request.query_params.dict()).is_valid(raise_exception=True)
        dossiers = _visible(request.user).select_related(
            "procedure_version__procedure", "receiving_agency", "current_agency"
        )
        scope = data.get("scope") or s.SCOPE_RECEIVED
        if scope != s.SCOPE_ALL:
            # Within what the officer may see: the agencies where a role of theirs reaches the dossier
            # through that relation (dossiers.permissions, the one rule).
            relation = (
                dossier_permissions.RECEIVING if scope == s.SCOPE_RECEIVED else dossier_permissions.CURRENT
            )
            agency_ids = dossier_permissions.agency_ids_granting(
                dossier_permissions.held_roles(request.user), dossier_permissions.VIEW, relation
            )
            field = "receiving_agency_id__in" if scope == s.SCOPE_RECEIVED else "current_agency_id__in"
            dossiers = dossiers.filter(**{field: sorted(agency_ids)})
        if "status" in data:
            dossiers = dossiers.filter(status=data["status"])
        if data.get("code"):
            dossiers = dossiers.filter(code=data["code"].strip().upper())
        if data.get("procedure"):
            try:
                procedure = catalog_services.get_procedure(data["procedure"])
            except catalog_services.ProcedureNotAvailable:
                dossiers = dossiers.none()
            else:
                dossiers = dossiers.filter(
                    procedure_version_id__in=catalog_services.version_ids_of(procedure.pk)
                )
        if data.get("received_from"):
            dossiers = dossiers.filter(received_at__date__gte=data["received_from"])
        if data.get("received_to"):
            dossiers = dossiers.filter(received_at__date__lte=data["received_to"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(dossiers, request, view=self)
        return paginator.get_paginated_response([rep.dossier_item(d) for d in page])


class DossierDetail(ApiView):
    permission_classes = [ActingOfficer]

    @extend_schema(
        operation_id="dossiers_retrieve",
        summary=_("Một hồ sơ: thông tin, giấy tờ, lịch sử xử lý; ETag để ghi có điều kiện"),
        parameters=[ACTING_OFFICER, IF_NONE_MATCH, CODE],
        responses={200: s.DossierDetail, 304: NOT_MODIFIED},
        tags=["dossiers"],
    )
    def get(self, request, code):
        dossier = _get_dossier(request, code)
        body, etag = rep.dossier_detail(dossier)
        if etags.not_modified(request, etag):
            return Response(status=304, headers={"ETag": etag})
        audit.record("api.dossier.read", dossier, changes=_via(request), actor=request.user)
        return Response(body, headers={"ETag": etag})


class DossierTimeline(ApiView):
    permission_classes = [ActingOfficer]

    @extend_schema(
        operation_id="dossiers_timeline",
        summary=_("Lịch sử xử lý của hồ sơ: trạng thái, bàn giao, gia hạn (cũ nhất trước)"),
        parameters=[ACTING_OFFICER, CODE],
        responses={200: s.TimelineOut(many=True)},
        tags=["dossiers"],
    )
    def get(self, request, code):
        dossier = _get_dossier(request, code)
        return Response(rep.timeline(dossier))


class DossierPaperFile(ApiView):
    permission_classes = [ActingOfficer]

    @extend_schema(
        operation_id="dossiers_paper_file",
        summary=_("Tệp của một giấy tờ hoặc kết quả của hồ sơ"),
        parameters=[ACTING_OFFICER, CODE],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description=_("Tệp.")),
        },
        tags=["dossiers"],
    )
    def get(self, request, code, paper_id):
        dossier = _get_dossier(request, code)
        paper = dossier.papers.filter(pk=paper_id).first()
        if paper is None:
            raise ApiProblem(404, _("Hồ sơ không có giấy tờ này."), code="paper-not-found")
        audit.record(
            "api.dossier.paper_download",
            dossier,
            changes={"paper": paper.pk, "name": paper.name, **_via(request)},
            actor=request.user,
        )
        response = FileResponse(
            paper.file.open("rb"),
            as_attachment=True,
            filename=paper.original_name or f"giay-to-{paper.pk}",
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["X-Paper-Content-Type"] = paper.content_type
        return response


# --- dossiers: transitions ---------------------------------------------------------------------------


class _KeyTaken(Exception):
    """Raised inside the transaction so that it rolls back, answered 409 outside it."""


# One officer transition: validate the body, then idempotency, lock, If-Match, the service call.
class Transition(ApiView):
    permission_classes = [ActingOfficer]
    input_class: type = s.AcceptIn
    action = ""

    def perform(self, dossier, officer, data) -> None:  # pragma: no cover — each subclass defines it
        raise NotImplementedError

    def post(self, request, code):
        key = idempotency.key_of(request)
        caller = request.auth.identifier
        digest = idempotency.request_hash(request)
        record = idempotency.find(caller, key)
        if record is not None:
            return idempotency.replay(record, digest)
        given = self.input_class(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                dossier = _get_dossier(request, code)
                _visible(request.user).select_for_update().filter(pk=dossier.pk).values_list("pk").first()
                dossier.refresh_from_db()  # the state as of the lock: what If-Match is checked against
                record = idempotency.find(caller, key)  # a twin request may have committed meanwhile
                if record is not None:
                    return idempotency.replay(record, digest)
                etags.check_if_match(request, etags.dossier_etag(dossier))
                self.perform(dossier, request.user, given.validated_data)
                dossier.refresh_from_db()
                body, etag = rep.dossier_detail(dossier)
                audit.record(
                    f"api.dossier.{self.action}",
                    dossier,
                    changes={"idempotency_key": key, **_via(request)},
                    actor=request.user,
                )
                try:
                    with transaction.atomic():
                        idempotency.store(request, caller, key, digest, 200, body, etag)
                except IntegrityError:
                    # The same key was stored meanwhile by a request for another dossier: undo this one.
                    raise _KeyTaken() from None
        except _KeyTaken:
            raise ApiProblem(
                409,
                _("Một yêu cầu khác với cùng Idempotency-Key đang được xử lý."),
                code="idempotency-conflict",
            ) from None
        return Response(body, headers={"ETag": etag})


def _transition_schema(action: str, summary, request):
    return extend_schema(
        operation_id=f"dossiers_{action}",
        summary=summary,
        parameters=[ACTING_OFFICER, IDEMPOTENCY_KEY, IF_MATCH, CODE],
        request=request,
        responses={200: s.DossierDetail},
        tags=["dossier transitions"],
    )


class Accept(Transition):
    input_class = s.AcceptIn
    action = "accept"

    @_transition_schema("accept", _("Tiếp nhận hồ sơ (1 → 2, mẫu 01)"), s.AcceptIn)
    def post(self, request, code):
        return super().post(request, code)

    def perform(self, dossier, officer, data):
        dossier_services.accept(dossier, officer, data["note"])


class RequestSupplement(Transition):
    input_class = s.SupplementIn
    action = "request_supplement"

    @_transition_schema(
        "request_supplement", _("Yêu cầu bổ sung, hoàn thiện hồ sơ một lần (→ 5, mẫu 02)"), s.SupplementIn
    )
    def post(self, request, code):
        return super().post(request, code)

    def perform(self, dossier, officer, data):
        dossier_services.request_supplement(dossier, officer, data["items"], data["reason"])


class HandOver(Transition):
    input_class = s.HandOverIn
    action = "hand_over"

    @_transition_schema(
        "hand_over",
        _("Bàn giao hồ sơ cho đơn vị hoặc cán bộ (mẫu 06); không dùng được khi quy trình đang chuyển bước"),
        s.HandOverIn,
    )
    def post(self, request, code):
        return super().post(request, code)

    def perform(self, dossier, officer, data):
        try:
            unit = agency_services.get_agency_by_code(data["to_agency"])
        except Agency.DoesNotExist as exc:
            raise ApiProblem(422, str(exc), code="unknown-agency") from None
        receiver = None
        if data["receiver"]:
            receiver = identity_services.find_by_username(data["receiver"])
            if receiver is None:
                raise ApiProblem(
                    422, _("Không có cán bộ nhận với tên đăng nhập này."), code="unknown-receiver"
                )
        dossier_services.hand_over(
            dossier,
            to_agency=unit,
            step_name=data["step_name"],
            given_by=officer,
            received_by=receiver,
            allotted_working_hours=data["allotted_hours"],
            note=data["note"],
        )


class RecordResult(Transition):
    input_class = s.ResultIn
    parser_classes = [MultiPartParser, JSONParser]
    action = "record_result"

    @_transition_schema(
        "record_result",
        _("Có kết quả giải quyết (4 → 9): tải lên tệp kết quả đã ký và/hoặc ghi nội dung kết quả"),
        {"multipart/form-data": s.ResultIn, "application/json": s.AcceptIn},
    )
    def post(self, request, code):
        return super().post(request, code)

    def perform(self, dossier, officer, data):
        files = [PaperUpload("", item.name, item) for item in data.get("files") or []]
        dossier_services.mark_result_ready(dossier, officer, result_files=files, result_note=data["note"])


class ReturnResult(Transition):
    input_class = s.ReturnIn
    action = "return_result"

    @_transition_schema("return_result", _("Trả kết quả cho người nộp (9 → 10)"), s.ReturnIn)
    def post(self, request, code):
        return super().post(request, code)

    def perform(self, dossier, officer, data):
        dossier_services.return_result(dossier, officer, data["method"], data["note"])
