"""The LGSP's error envelope: RFC 9457 ``application/problem+json``, never a stack trace.

The control plane's endpoints use it for every error except the token endpoint's, which RFC 6749 §5.2
fixes; the gateway will use it with ``source`` (``"gateway"`` or ``"provider"``) to say who failed.
``title`` and ``detail`` are in the request's language: under ``/lgsp/`` the caller's ``Accept-Language``
is heard (``core.middleware``), as at the gateway, Vietnamese by default.
"""

from django.http import JsonResponse

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://congso.vn/problems/lgsp/"


def problem(status: int, title: str, detail: str = "", *, kind: str = "", **extra) -> JsonResponse:
    body = {"type": f"{TYPE_BASE}{kind}" if kind else "about:blank", "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    return JsonResponse(
        body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )
