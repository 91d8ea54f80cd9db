"""What every simulator endpoint shares: the LGSP-style envelope ``{errorCode, message, data}``, the
label that says the answer comes from a simulator, the bearer token, and the rate limit.

Error codes are the LGSP's where one fits (STANDARDS.md §3): 100 AUTHEN_ERROR, 201 RECORD_NOT_FOUND,
302 DATA_TYPE_INVALID; 0 is success. For answers the LGSP has no code for, the HTTP status is used as
the code (404 for an address no simulator serves, 405, 429) — congso's choice, documented in
docs/sandbox.md.
"""

import hmac
from functools import wraps

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from congso.core import ratelimit
from congso.core.net import client_address

HEADER = "X-Congso-Sandbox"
HEADER_VALUE = "simulator"
NOTICE = (
    "Hệ thống mô phỏng, dữ liệu giả — không phải hệ thống quốc gia thật. "
    "/ Simulator, fake data — not the real national system."
)

OK = 0
AUTHEN_ERROR = 100
RECORD_NOT_FOUND = 201
DATA_TYPE_INVALID = 302
METHOD_NOT_ALLOWED = 405
TOO_MANY_REQUESTS = 429


def labelled(response):
    """Mark ``response`` as coming from a simulator."""
    response[HEADER] = HEADER_VALUE
    return response


def answer(data, *, status: int = 200, code: int = OK, message: str = "Thành công") -> JsonResponse:
    """The envelope, labelled: ``simulator`` is true and ``notice`` says so in both languages."""
    body = {"errorCode": code, "message": message, "data": data, "simulator": True, "notice": NOTICE}
    return labelled(JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False}))


def failure(status: int, code: int, message: str) -> JsonResponse:
    return answer(None, status=status, code=code, message=message)


def bearer_token(request) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def token_is_accepted(token: str) -> bool:
    """Whether a caller presenting ``token`` may call the simulators. The one place that decides it.

    Today: the shared secret ``CONGSO_SANDBOX_TOKEN``, compared in constant time. When the LGSP gateway
    forwards calls with its signed access tokens, the check of those tokens (signature against the
    gateway's published keys, audience, expiry) is added here, and every endpoint follows.
    """
    secret = settings.CONGSO_SANDBOX_TOKEN
    return bool(token) and bool(secret) and hmac.compare_digest(token.encode(), secret.encode())


def _within_rate_limit(request) -> bool:
    return ratelimit.take(
        "sandbox.call",
        client_address(request) or "unknown",
        limit=settings.CONGSO_SANDBOX_RATE_LIMIT,
        window=settings.CONGSO_SANDBOX_RATE_WINDOW_SECONDS,
    )


def endpoint(*methods: str):
    """Decorate a simulator endpoint: only while the sandbox is on, only the given HTTP methods, within
    the rate limit (counted before the token is checked, so guessing tokens is limited too), only with
    an accepted bearer token. The view returns the response (normally from ``answer``)."""

    def decorate(view):
        @csrf_exempt  # called by systems with a bearer token, never by a browser with cookies
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not settings.CONGSO_SANDBOX_ENABLED:
                raise Http404
            if request.method not in methods:
                response = failure(405, METHOD_NOT_ALLOWED, "Phương thức không được hỗ trợ.")
                response["Allow"] = ", ".join(methods)
                return response
            if not _within_rate_limit(request):
                response = failure(429, TOO_MANY_REQUESTS, "Vượt quá số lần gọi cho phép, hãy thử lại sau.")
                response["Retry-After"] = str(settings.CONGSO_SANDBOX_RATE_WINDOW_SECONDS)
                return response
            if not token_is_accepted(bearer_token(request)):
                response = failure(
                    401, AUTHEN_ERROR, "AUTHEN_ERROR: thiếu hoặc sai mã truy cập (Bearer token)."
                )
                response["WWW-Authenticate"] = 'Bearer realm="congso-sandbox"'
                return response
            return labelled(view(request, *args, **kwargs))

        return wrapper

    return decorate


def document(view):
    """Decorate a public, labelled GET page or document (the index, the OpenAPI documents)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.CONGSO_SANDBOX_ENABLED:
            raise Http404
        return labelled(view(request, *args, **kwargs))

    return wrapper


def compact_date(day) -> str:
    """A date as the national systems write it: ``yyyyMMdd``."""
    return day.strftime("%Y%m%d")
