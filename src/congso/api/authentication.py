"""How a caller proves who it is.

1. **An LGSP access token, directly**: ``Authorization: Bearer <JWT>`` issued by ``/lgsp/oauth/token``
   (Ed25519: keys, issuer, audience, expiry); its ``client_id`` must still be an active credential of
   the system named by ``sub``; and the LGSP must allow the call exactly as its gateway would
   (``rights``: the API's registered service ``CONGSO_API_SERVICE``, the token's scope, the access
   rights, ``lgsp.rules.allows``) — 403 otherwise, and 403 for every direct call while the API is not
   registered.
2. **Through the LGSP gateway**: the gateway keeps the consumer's token and presents its own provider
   credential (``Authorization: Bearer <CONGSO_API_GATEWAY_TOKEN>``) with ``X-Road-Client``, the system
   whose token it verified. Only that credential makes ``X-Road-Client`` believed.
3. **The workspace's session** (DRF's ``SessionAuthentication``: a signed-in user, CSRF enforced on
   unsafe methods).

A system acts for an officer named by ``X-Congso-Acting-Officer: <username>`` when ``permissions.
may_act_for`` allows it; the officer becomes ``request.user`` and the system ``request.auth`` (a
``Caller``). A suspended or retired system is refused (403).
"""

import hmac
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from congso.identity import services as identity_services
from congso.lgsp import services as lgsp_services
from congso.lgsp.keys import InvalidToken

from . import conf, permissions, rights

REALM = 'Bearer realm="congso-api"'


@dataclass(frozen=True)
class Caller:
    """Who called: ``identifier`` is the LGSP system (``CLASS/MEMBER/SYSTEM``) or ``session:<user id>``."""

    identifier: str
    system: object | None = None
    via_gateway: bool = False


def _bearer(request) -> str:
    scheme, _sep, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _check_direct_call(request, compiled: dict, claims: dict) -> None:
    """A direct call is allowed only as the gateway would allow it (see ``rights``)."""
    service = conf.service_identifier()
    if not service or service not in compiled["services"]:
        raise exceptions.PermissionDenied(
            _("API chưa được đăng ký trên LGSP để gọi trực tiếp: hãy gọi qua cổng LGSP.")
        )
    path = request.path[len(conf.API_PREFIX) :] if request.path.startswith(conf.API_PREFIX) else request.path
    if not rights.allows(compiled, claims, service, request.method, path):
        raise exceptions.PermissionDenied(
            _("Hệ thống không được cấp quyền gọi thao tác này của API trên LGSP.")
        )


class LgspTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        token = _bearer(request)
        if not token:
            return None
        gateway = conf.gateway_token()
        if gateway and hmac.compare_digest(token.encode("utf-8", "replace"), gateway.encode()):
            system = lgsp_services.find_system(request.META.get("HTTP_X_ROAD_CLIENT", ""))
            via_gateway = True
            if system is None:
                raise exceptions.AuthenticationFailed(
                    _("Cổng LGSP không cho biết hệ thống gọi (X-Road-Client).")
                )
        else:
            via_gateway = False
            compiled = rights.snapshot()
            try:
                claims = rights.verify(token, compiled)
            except InvalidToken:
                raise exceptions.AuthenticationFailed(
                    _("Token truy cập không hợp lệ hoặc đã hết hạn.")
                ) from None
            system = lgsp_services.find_system(claims.get("sub", ""))
            if system is None:
                raise exceptions.AuthenticationFailed(
                    _("Thông tin xác thực của hệ thống không còn hiệu lực.")
                )
        if not lgsp_services.may_call(system):
            raise exceptions.PermissionDenied(_("Hệ thống đang tạm ngừng hoặc đã ngừng kết nối."))
        if not via_gateway:
            _check_direct_call(request, compiled, claims)
        caller = Caller(system.identifier, system, via_gateway)
        username = request.META.get("HTTP_X_CONGSO_ACTING_OFFICER", "").strip()
        if not username:
            return AnonymousUser(), caller
        officer = identity_services.find_by_username(username)
        if officer is None or not permissions.may_act_for(system, officer):
            raise exceptions.PermissionDenied(
                _("Hệ thống {system} không được thực hiện thay cán bộ {username}.").format(
                    system=system.identifier, username=username[:150]
                )
            )
        return officer, caller

    def authenticate_header(self, request):
        return REALM


class WorkspaceSessionAuthentication(SessionAuthentication):
    """The workspace's own session; CSRF is enforced on unsafe methods (DRF's rule)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, _auth = result
        return user, Caller(f"session:{user.pk}")
