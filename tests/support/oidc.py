"""Helpers of the OpenID Connect provider tests (tests/identity/oidc): the test clients' addresses and
secret, a person's browser over real HTTP, running the outbox now, PKCE verifiers."""

import re
import secrets

import httpx

from congso.core import events
from congso.core.models import EventDelivery
from tests.factories.identity import PASSWORD

REDIRECT = "https://rp.example.vn/callback"
POST_LOGOUT = "https://rp.example.vn/signed-out"
SECRET = "s3cret-of-the-relying-party-0123456789"  # noqa: S105 — a test client's secret


def deliver(subscriber: str) -> list[str]:
    """Run the pending outbox deliveries of one subscriber now (as the worker would)."""
    return [
        events.attempt_delivery(pk)
        for pk in EventDelivery.objects.filter(subscriber=subscriber, status="pending").values_list(
            "pk", flat=True
        )
    ]


class Browser:
    """A person's browser: keeps cookies, never follows redirects by itself."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.http = httpx.Client(base_url=base_url, follow_redirects=False, timeout=20)

    def csrf(self, path: str) -> str:
        page = self.http.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, page.text[:500]
        return match.group(1)

    def sign_in(self, username: str, password: str = PASSWORD, next_url: str | None = None):
        token = self.csrf("/tai-khoan/dang-nhap/")
        data = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        if next_url is not None:
            data["next"] = next_url
        return self.http.post("/tai-khoan/dang-nhap/", data=data)

    def sign_out(self, next_url: str | None = None):
        token = self.csrf("/tai-khoan/dang-xuat/")
        data = {"csrfmiddlewaretoken": token}
        if next_url is not None:
            data["next"] = next_url
        return self.http.post("/tai-khoan/dang-xuat/", data=data)

    def close(self):
        self.http.close()


def new_verifier() -> str:
    return secrets.token_urlsafe(48)
