"""Where the LGSP may send a webhook: not to itself, not to the cloud's metadata service.

A system administrator chooses the address a push subscription delivers to, and the worker then POSTs
there from inside the province's network. Without a check that is a door into everything the worker can
reach. Agency systems do live on the provincial network, so private addresses (10/8, 172.16/12,
192.168/16) stay allowed; what is refused is the machine itself (loopback, unless
``CONGSO_LGSP_WEBHOOK_ALLOW_LOOPBACK`` — on outside production, for the demo and tests), link-local
addresses (169.254.0.0/16, where cloud metadata answers), unspecified, multicast and reserved ones. The
name is resolved and checked when the subscription is made and again before every delivery, so a name
that later points elsewhere is caught (between that check and the connection a name could still change:
DNS pinning would close that window).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class RefusedDestination(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _addresses(host: str) -> list:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedDestination(
            _("Không tìm thấy máy chủ “%(host)s” của địa chỉ nhận.") % {"host": host}
        ) from exc
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _refused(address) -> bool:
    if address.is_loopback:
        return not getattr(settings, "CONGSO_LGSP_WEBHOOK_ALLOW_LOOPBACK", False)
    return address.is_link_local or address.is_unspecified or address.is_multicast or address.is_reserved


def check(url: str, *, must_resolve: bool = True) -> None:
    """Raise ``RefusedDestination`` (a Vietnamese message) unless ``url`` is an http(s) address whose
    host resolves only to addresses a webhook may be sent to. With ``must_resolve=False`` (when the
    subscription is made: the receiver's name may not be in DNS yet) a name that does not resolve
    passes; the check before each delivery then refuses it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedDestination(_("Cách nhận đẩy (webhook) cần địa chỉ nhận http(s)."))
    try:
        addresses = _addresses(parts.hostname)
    except RefusedDestination:
        if must_resolve:
            raise
        return
    for address in addresses:
        if _refused(address):
            raise RefusedDestination(
                _(
                    "Không gửi sự kiện tới địa chỉ %(address)s: đó là chính máy chủ "
                    "hoặc một địa chỉ nội bộ đặc biệt."
                )
                % {"address": address}
            )
