"""Helpers of the payments tests: the amount the dossiers are asked to pay, a payment attempt made
directly, and a small HTTP "browser"."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

AMOUNT = 50_000


def make_intent(dossier, *, provider="vnpay", reference="R1", amount=AMOUNT, status=None, **fields):
    """A payment attempt for ``dossier`` written directly (no gateway), pending unless ``status`` says."""
    from datetime import timedelta

    from django.utils import timezone

    from congso.payments.models import IntentStatus, PaymentIntent

    return PaymentIntent.objects.create(
        dossier=dossier,
        provider=provider,
        reference=reference,
        amount=amount,
        description="x",
        gateway_url="http://gateway.invalid/",
        created_stamp="20260101000000",
        expires_at=timezone.now() + timedelta(minutes=15),
        status=status or IntentStatus.PENDING,
        **fields,
    )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """GET and POST over real HTTP with a cookie jar; redirects are returned, not followed."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, url, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 — the test's server
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    def get(self, url):
        return self.request(url)

    def post_form(self, page_url, page_html, data):
        """Submit the page's first POST form (its action and CSRF token) with ``data``."""
        action = re.search(r'<form method="post" action="([^"]+)"', page_html).group(1).replace("&amp;", "&")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_html).group(1)
        return self.request(
            urllib.parse.urljoin(page_url, action),
            {"csrfmiddlewaretoken": token, **data},
            headers={"Referer": page_url},
        )
