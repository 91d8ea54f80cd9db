"""The pull side of publish / subscribe, under /lgsp/events/:

- ``GET /lgsp/events/{subscription}?after=<cursor>&limit=<n>`` → ``{"events": [{"cursor", "id", "type",
  "occurred_at", "published_at", "data"}], "next_cursor"}``, oldest first; without ``after`` the batch
  starts at the oldest unacknowledged event, so what was fetched and not acknowledged comes again;
- ``POST /lgsp/events/{subscription}/ack`` with ``{"up_to": <cursor>}`` → ``{"acknowledged": n}``.

Both take ``Authorization: Bearer <access token>`` from ``/lgsp/oauth/token``: the token's system must
own the subscription, its credential still be active, and the system still hold a right on the event
type. Errors are problem+json.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from congso.core import inbound

from . import keys, services
from .models import ConsumerCredential, Subscription, SubscriptionMode
from .problems import problem
from .services.pubsub import may_subscribe

# An acknowledgement is one cursor: {"up_to": N}.
MAX_ACK_BYTES = 64 * 1024


class _Refused(Exception):
    def __init__(self, response):
        super().__init__()
        self.response = response


def _unauthorized(detail: str):
    response = problem(401, _("Chưa xác thực"), detail, kind="unauthorized")
    response["WWW-Authenticate"] = 'Bearer realm="lgsp"'
    return response


def _subscription_for(request, public_id) -> Subscription:
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization[:7].lower() != "bearer ":
        raise _Refused(_unauthorized(_("Cần token truy cập (Authorization: Bearer).")))
    try:
        claims = services.verify_token(authorization[7:].strip())
    except keys.InvalidToken:
        raise _Refused(_unauthorized(_("Token không hợp lệ hoặc đã hết hạn."))) from None
    if not ConsumerCredential.objects.filter(client_id=claims.get("client_id", ""), active=True).exists():
        raise _Refused(_unauthorized(_("Thông tin xác thực của ứng dụng đã bị vô hiệu hóa.")))
    subscription = (
        Subscription.objects.select_related("system__member", "event_type")
        .filter(public_id=public_id, mode=SubscriptionMode.PULL)
        .first()
    )
    # Someone else's subscription reads as absent: its existence is not the caller's business.
    if subscription is None or subscription.system.identifier != claims.get("sub"):
        raise _Refused(problem(404, _("Không tìm thấy"), _("Không có đăng ký nhận sự kiện này.")))
    if not may_subscribe(subscription.system, subscription.event_type):
        raise _Refused(
            problem(
                403,
                _("Không có quyền"),
                _("Hệ thống không còn quyền nhận loại sự kiện này."),
                kind="forbidden",
            )
        )
    return subscription


def _integer(value, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _Refused(
            problem(400, _("Yêu cầu không hợp lệ"), _("Tham số %(name)s phải là số nguyên.") % {"name": name})
        ) from None


def events(request, public_id):
    if request.method != "GET":
        response = problem(405, _("Phương thức không được hỗ trợ"), _("Lấy sự kiện bằng GET."))
        response["Allow"] = "GET"
        return response
    try:
        subscription = _subscription_for(request, public_id)
        after = _integer(request.GET.get("after"), "after")
        limit = _integer(request.GET.get("limit"), "limit")
    except _Refused as refused:
        return refused.response
    batch = services.fetch(subscription, after=after, limit=limit)
    next_cursor = batch[-1]["cursor"] if batch else after
    response = JsonResponse(
        {"events": batch, "next_cursor": next_cursor}, json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
def acknowledge(request, public_id):
    if request.method != "POST":
        response = problem(405, _("Phương thức không được hỗ trợ"), _("Xác nhận đã nhận bằng POST."))
        response["Allow"] = "POST"
        return response
    try:
        subscription = _subscription_for(request, public_id)
        try:
            body = inbound.json_body(request, MAX_ACK_BYTES, empty={})
        except inbound.BodyRefused as refused:
            raise _Refused(problem(refused.status, _("Yêu cầu không hợp lệ"), refused.message)) from None
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("up_to") in (None, ""):
            raise _Refused(
                problem(
                    400,
                    _("Yêu cầu không hợp lệ"),
                    _("Cần một đối tượng JSON có trường “up_to” là con trỏ của sự kiện cuối cùng đã nhận."),
                )
            )
        up_to = _integer(body["up_to"], "up_to")
    except _Refused as refused:
        return refused.response
    return JsonResponse({"acknowledged": services.acknowledge(subscription, up_to)})
