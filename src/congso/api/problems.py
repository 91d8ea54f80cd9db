"""Errors of the API as RFC 9457 ``application/problem+json``: ``title`` and ``detail`` in the request's
language (Vietnamese, or English when ``Accept-Language`` prefers it: ``core.middleware``), ``title_en``
always English; ``code`` is a stable machine code; ``errors`` lists the invalid fields. Never a stack
trace.

``exception_handler`` is the DRF exception handler of every API view (``views.ApiView``); the exceptions
below are the API's own (preconditions, idempotency conflicts); the dossier block's errors are mapped
here too: a transition the status machine does not allow now → 409, bad input → 422.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from congso.dossiers import services as dossier_services

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://congso.vn/problems/api/"

# status → (code, Vietnamese title, English title)
TITLES: dict[int, tuple[str, str, str]] = {
    400: ("bad-request", gettext_lazy("Yêu cầu không hợp lệ"), "Bad request"),
    401: ("unauthorized", gettext_lazy("Chưa xác thực"), "Unauthorized"),
    403: ("forbidden", gettext_lazy("Không có quyền"), "Forbidden"),
    404: ("not-found", gettext_lazy("Không tìm thấy"), "Not found"),
    405: ("method-not-allowed", gettext_lazy("Phương thức không được hỗ trợ"), "Method not allowed"),
    406: ("not-acceptable", gettext_lazy("Không trả được định dạng yêu cầu"), "Not acceptable"),
    409: ("conflict", gettext_lazy("Xung đột với trạng thái hiện tại"), "Conflict"),
    412: ("precondition-failed", gettext_lazy("Dữ liệu đã thay đổi"), "Precondition failed"),
    413: ("too-large", gettext_lazy("Dữ liệu gửi lên quá lớn"), "Payload too large"),
    415: (
        "unsupported-media-type",
        gettext_lazy("Định dạng dữ liệu không được hỗ trợ"),
        "Unsupported media type",
    ),
    422: ("unprocessable", gettext_lazy("Không thể thực hiện với dữ liệu đã gửi"), "Unprocessable content"),
    428: ("precondition-required", gettext_lazy("Thiếu điều kiện If-Match"), "Precondition required"),
    429: ("too-many-requests", gettext_lazy("Quá nhiều yêu cầu"), "Too many requests"),
    500: ("server-error", gettext_lazy("Lỗi hệ thống"), "Internal server error"),
}


class ApiProblem(exceptions.APIException):
    """An error the API itself raises, with its status, a machine code and a message."""

    def __init__(self, status_code: int, detail, code: str = ""):
        self.status_code = status_code
        super().__init__(detail, code or TITLES.get(status_code, ("error",))[0])


def body(status_code: int, detail="", *, code: str = "", errors=None) -> dict:
    kind, title, title_en = TITLES.get(status_code, ("error", _("Lỗi"), "Error"))
    data = {
        "type": TYPE_BASE + kind,
        "title": str(title),
        "title_en": title_en,
        "status": status_code,
        "code": code or kind,
    }
    if detail:
        data["detail"] = str(detail)
    if errors:
        data["errors"] = errors
    return data


def problem_response(status_code: int, detail="", *, code: str = "", errors=None, headers=None) -> Response:
    return Response(
        body(status_code, detail, code=code, errors=errors),
        status=status_code,
        content_type=CONTENT_TYPE,
        headers=headers,
    )


def plain_problem(status_code: int, detail="", *, code: str = "") -> JsonResponse:
    """A problem outside DRF (an unknown address under /api/)."""
    return JsonResponse(
        body(status_code, detail, code=code),
        status=status_code,
        content_type=CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def _flatten(detail) -> list[dict]:
    """DRF's nested error detail → ``[{"field", "message", "code"}]``."""
    found: list[dict] = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, path if not isinstance(item, dict | list) else f"{path}[{index}]")
        else:
            found.append({"field": path or None, "message": str(value), "code": getattr(value, "code", "")})

    walk(detail, "")
    return found


def _service_error(exc: DjangoValidationError) -> Response:
    code = getattr(exc, "code", None) or ""
    message = " ".join(str(m) for m in exc.messages)
    if isinstance(exc, dossier_services.IllegalTransition | dossier_services.SupplementAlreadyRequested):
        return problem_response(409, message, code=code or "illegal-transition")
    if code in ("routed_by_process", "process_starting"):
        return problem_response(409, message, code=code)
    return problem_response(422, message, code=code or "invalid")


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return _service_error(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if exc.args else _("Không tìm thấy."))
    elif isinstance(exc, RequestDataTooBig):
        # Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE), met when DRF reads the body for the
        # JSON parser: a problem like any other, not the site's HTML error page.
        return problem_response(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, _("Nội dung gửi lên quá lớn."), code="body-too-large"
        )
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(" ".join(map(str, exc.args)) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    status_code = response.status_code
    headers = {k: v for k, v in response.headers.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        return problem_response(
            status.HTTP_400_BAD_REQUEST,
            _("Dữ liệu gửi lên không hợp lệ."),
            code="invalid",
            errors=errors,
            headers=headers,
        )
    detail = exc.detail if isinstance(getattr(exc, "detail", None), str) else ""
    code = ""
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else ""
    return problem_response(status_code, detail, code=code, headers=headers)
