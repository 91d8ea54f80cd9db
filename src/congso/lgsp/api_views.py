"""The control plane's machine endpoints: the OAuth 2.0 token endpoint (RFC 6749 §4.4, client
credentials) and the JSON Web Key Set the gateway and providers verify tokens with."""

import base64
import binascii
from urllib.parse import unquote_plus

from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from congso.core import ratelimit
from congso.core.net import client_address

from . import conf, services
from .problems import problem

FORM_TYPE = "application/x-www-form-urlencoded"


def _oauth_error(error: str, description: str, status: int = 400, *, basic: bool = False) -> JsonResponse:
    response = JsonResponse(
        {"error": error, "error_description": str(description)},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    if status == 401 and basic:
        response["WWW-Authenticate"] = 'Basic realm="lgsp"'
    return _no_store(response)


def _no_store(response):
    # RFC 6749 §5.1: token responses must not be cached.
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True)
    response["Pragma"] = "no-cache"
    return response


class _BadRequest(Exception):
    pass


def _basic_credentials(header: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        client_id, secret = decoded.split(":", 1)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _BadRequest(_("Tiêu đề Authorization không đúng dạng Basic.")) from exc
    # RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
    return unquote_plus(client_id), unquote_plus(secret)


def _single(params, name: str) -> str:
    values = params.getlist(name)
    if len(values) > 1:
        raise _BadRequest(_("Tham số %(name)s xuất hiện nhiều lần.") % {"name": name})
    return values[0] if values else ""


def _limited(request, client_id: str) -> bool:
    limit, window = conf.token_rate_limit()
    address = client_address(request) or "-"
    by_address = ratelimit.take("lgsp.token.address", address, limit=limit, window=window)
    by_client = ratelimit.take("lgsp.token.client", client_id or "-", limit=limit, window=window)
    return not (by_address and by_client)


@csrf_exempt
def token(request):
    if request.method != "POST":
        response = problem(405, _("Phương thức không được hỗ trợ"), _("Điểm cấp token chỉ nhận POST."))
        response["Allow"] = "POST"
        return response
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    basic = authorization[:6].lower() == "basic "
    try:
        if request.content_type != FORM_TYPE:
            raise _BadRequest(_("Yêu cầu phải gửi dạng application/x-www-form-urlencoded."))
        params = request.POST
        grant_type = _single(params, "grant_type")
        scope = _single(params, "scope")
        body_id, body_secret = _single(params, "client_id"), _single(params, "client_secret")
        if basic:
            if body_secret:
                raise _BadRequest(_("Chỉ dùng một cách xác thực ứng dụng: Basic hoặc tham số trong thân."))
            client_id, secret = _basic_credentials(authorization)
        else:
            client_id, secret = body_id, body_secret
    except _BadRequest as exc:
        return _oauth_error("invalid_request", str(exc))
    if _limited(request, client_id):
        response = _oauth_error(
            "temporarily_unavailable", _("Quá nhiều yêu cầu cấp token; hãy thử lại sau."), 429
        )
        response["Retry-After"] = str(conf.token_rate_limit()[1])
        return response
    if not grant_type:
        return _oauth_error("invalid_request", _("Thiếu tham số grant_type."))
    if grant_type != "client_credentials":
        return _oauth_error("unsupported_grant_type", _("Chỉ hỗ trợ grant_type=client_credentials."))
    if not client_id or not secret:
        return _oauth_error("invalid_client", _("Thiếu thông tin xác thực ứng dụng."), 401, basic=True)
    header = conf.client_cert_header()
    fingerprint = request.META.get(header, "") if header else None
    try:
        issued = services.issue_token(client_id, secret, scope, certificate_fingerprint=fingerprint)
    except services.TokenError as exc:
        return _oauth_error(exc.error, exc.description, exc.status, basic=basic)
    return _no_store(JsonResponse(issued.as_response()))


@csrf_exempt  # read-only, and a system has no CSRF cookie: a POST is the 405 problem below, not an HTML 403
def jwks(request):
    if request.method not in ("GET", "HEAD"):
        response = problem(405, _("Phương thức không được hỗ trợ"), _("Tập khóa công khai chỉ đọc bằng GET."))
        response["Allow"] = "GET, HEAD"
        return response
    response = JsonResponse(services.jwks())
    # Short cache: a verifier that sees an unknown kid refetches anyway; the next key is published early.
    patch_cache_control(response, public=True, max_age=300)
    return response


@csrf_exempt  # a system's POST to a mistyped address is this problem+json 404, not the HTML CSRF page
def not_found(request, rest=""):
    return problem(404, _("Không tìm thấy"), _("Không có tài nguyên này trên LGSP."))
