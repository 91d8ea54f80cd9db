"""The client's address, the one way: ``client_address(request)``.

Behind a reverse proxy every request comes from the proxy's address, so everything keyed by address
(sign-in lockout, the status page's limits, the audit log) would treat all visitors as one. The proxy
adds the address it received the request from to ``X-Forwarded-For``, but a visitor can send that
header too, with any value. So the header is believed only as far as it was written by proxies the
operator named in ``CONGSO_TRUSTED_PROXIES`` (addresses or CIDR networks):

- when the direct peer (``REMOTE_ADDR``) is not a trusted proxy, the header is ignored;
- otherwise the header is read from the right (the hop nearest to us) and the first address that is
  not a trusted proxy is the client; whatever stands to its left was written by the client itself.

With the setting empty (the default) ``REMOTE_ADDR`` is the answer, as for a site served directly.

Public API: ``client_address(request) -> str | None``, ``axes_client_ip`` (the same, for
``AXES_CLIENT_IP_CALLABLE``), ``trusted_proxies() -> tuple`` (the parsed setting; raises
``ImproperlyConfigured`` for an entry that is no address or network, which ``CoreConfig.ready`` checks at
start-up).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

from .configuration import refusal

__all__ = ["axes_client_ip", "client_address", "trusted_proxies"]

# X-Forwarded-For longer than this is cut (from the left, the part the client wrote) before parsing.
MAX_FORWARDED_LENGTH = 2048


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise refusal(
                f"CONGSO_TRUSTED_PROXIES: {entry!r} không phải là địa chỉ IP hay dải mạng (CIDR)",
                f"CONGSO_TRUSTED_PROXIES: {entry!r} is not an IP address or network (CIDR)",
            ) from None
    return tuple(networks)


def trusted_proxies() -> tuple:
    """The networks of ``CONGSO_TRUSTED_PROXIES``, parsed once per distinct setting value."""
    entries = getattr(settings, "CONGSO_TRUSTED_PROXIES", ()) or ()
    if isinstance(entries, str):
        entries = [part for part in entries.split(",") if part.strip()]
    return _networks(tuple(entries))


def _parse(text: str):
    """An address from a header or ``REMOTE_ADDR``; ``None`` when it is not one."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client reaching an IPv6 socket shows as ::ffff:192.0.2.1: count it as the IPv4 address.
    return (address.ipv4_mapped or address) if address.version == 6 else address


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks if network.version == address.version)


def client_address(request) -> str | None:
    """The address of the client that sent ``request`` (see the module docstring), or ``None``."""
    remote = _parse(request.META.get("REMOTE_ADDR") or "")
    networks = trusted_proxies()
    if remote is None:  # no network peer (a test, a Unix socket without a proxy): no address to give
        return None
    if not networks or not _trusted(remote, networks):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")[-MAX_FORWARDED_LENGTH:]
    nearest = remote
    for hop in reversed(forwarded.split(",")):
        address = _parse(hop)
        if address is None:
            # Our proxies write valid addresses: garbage comes from the client side, so the last proxy
            # that handed it on is as close to the client as can be told.
            return str(nearest)
        if not _trusted(address, networks):
            return str(address)
        nearest = address
    return str(nearest)


def axes_client_ip(request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: django-axes counts sign-in failures under this address."""
    return client_address(request)
