"""The payment-provider plugin registry: ``providers`` (a ``core.registry.Registry``) maps a name to a
``Provider``. congso ships two (``vnpay``, ``dvcqg``); a province adds another from its own app's
``ready()`` with ``providers.add("name", MyProvider())``.

A provider turns an intent into the address the citizen is sent to, checks and reads what the provider
sends back (``Verdict``), asks for a transaction's state (``query``), fetches a day's statement and asks
for refunds. It never changes congso's records: ``payments.services`` does, from verified verdicts only.
"""

import hmac
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings

from congso.core.registry import Registry

logger = logging.getLogger(__name__)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP = "%Y%m%d%H%M%S"
HTTP_TIMEOUT = 15

providers = Registry("payment providers")


def same_text(given: str, expected: str) -> bool:
    """Constant-time comparison of a signature someone sent with the one computed here. Compared as UTF-8
    bytes: ``hmac.compare_digest`` refuses a ``str`` with non-ASCII characters (a ``TypeError``, which a
    forged message would otherwise turn into a server error instead of its protocol's refusal)."""
    return bool(given) and hmac.compare_digest(str(given).encode("utf-8"), str(expected).encode("utf-8"))


class ProviderError(Exception):
    """The provider could not be reached or answered something unreadable."""


@dataclass
class Verdict:
    """What a provider says about one transaction, after its signature was checked.

    ``success``: True paid, False definitively not paid, None not final yet (pending).
    ``amount`` in đồng; ``currency``; ``transaction`` the provider's transaction number; ``code`` its
    result code; ``verified`` whether the signature held (an unverified verdict is never acted upon)."""

    reference: str
    verified: bool
    success: bool | None = None
    amount: int | None = None
    currency: str = "VND"
    transaction: str = ""
    code: str = ""
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StatementRow:
    reference: str
    amount: int
    paid: bool
    transaction: str
    refunded: int = 0


class Provider:
    """The interface of a payment provider; see the module docstring."""

    name = ""
    label = ""
    has_statement = True  # False: reconciliation queries each transaction instead

    def gateway_url(self) -> str:
        """The provider's base address from the settings, or "" (then the sandbox on this site is used)."""
        return ""

    def configured(self) -> bool:
        """Whether the merchant's keys are set. A provider without them is never offered, and what it
        sends is never verified: a signature made with an empty secret is one anyone can make."""
        return True

    def missing_settings(self) -> list[str]:
        """The names of the settings still empty (for the system check)."""
        return []

    def start(self, intent, *, client_ip: str, return_url: str, notify_url: str) -> str:
        raise NotImplementedError

    def read_notification(self, data: dict) -> Verdict:
        raise NotImplementedError

    def read_return(self, data: dict) -> Verdict:
        return self.read_notification(data)

    def failure_reason(self, code: str) -> str:
        """Why a payment failed, for the citizen, from the provider's result ``code`` (in the active
        language); "" when the provider's codes are not known here."""
        return ""

    def query(self, intent, *, client_ip: str = "127.0.0.1") -> Verdict:
        raise NotImplementedError

    def statement(self, base_url: str, day: date) -> list[StatementRow]:
        raise NotImplementedError

    def refund(self, intent, amount: int, *, by: str, client_ip: str = "127.0.0.1") -> tuple[bool, dict]:
        raise NotImplementedError


def post_json(url: str, body: dict, headers: dict | None = None) -> dict:
    """POST ``body`` as JSON, return the JSON answer; ``ProviderError`` on any failure."""
    request = urllib.request.Request(  # noqa: S310 — the configured provider's address
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    return _read(request)


def get_json(url: str) -> dict:
    return _read(urllib.request.Request(url))  # noqa: S310 — the configured provider's address


def _read(request) -> dict:
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
            answer = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as error:
        logger.warning("payment provider call to %s failed: %s", request.full_url, error)
        raise ProviderError(str(error)) from error
    if not isinstance(answer, dict):
        raise ProviderError("answer is not a JSON object")
    return answer


def register_builtin() -> None:
    from .dvcqg import DvcqgPlatform
    from .vnpay import VnpayGateway

    for provider in (VnpayGateway(), DvcqgPlatform()):
        if provider.name not in providers:
            providers.add(provider.name, provider)


def enabled() -> list[Provider]:
    """The providers the citizen may choose, in the order of ``CONGSO_PAYMENTS_PROVIDERS``."""
    return [
        providers[name]
        for name in settings.CONGSO_PAYMENTS_PROVIDERS
        if name in providers and providers[name].configured()
    ]
