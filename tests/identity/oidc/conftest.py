"""Fixtures of the OpenID Connect provider tests: registered clients, a signed-in browser over real
HTTP (httpx against Django's live server) and Authlib as the independent client library."""

import re
import secrets

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client
from oauth2_provider.models import Application

from congso.core import events
from congso.core.models import EventDelivery
from congso.identity.oidc import services
from tests.factories.agencies import AgencyFactory
from tests.factories.identity import PASSWORD

REDIRECT = "https://rp.example.vn/callback"
POST_LOGOUT = "https://rp.example.vn/signed-out"
SECRET = "s3cret-of-the-relying-party-0123456789"  # noqa: S105 — a test client's secret


@pytest.fixture
def agency(db):
    return AgencyFactory()


@pytest.fixture
def make_client(agency):
    """Register a client through the service (as the admin does) and return its ``Application``."""

    def make(name="Hệ thống thử", *, client_type=Application.CLIENT_CONFIDENTIAL, redirect=REDIRECT, **extra):
        extra.setdefault("post_logout_redirect_uris", [POST_LOGOUT])
        return services.register_client(
            name=name,
            redirect_uris=[redirect],
            client_type=client_type,
            owner_agency=agency,
            client_secret=SECRET if client_type == Application.CLIENT_CONFIDENTIAL else None,
            **extra,
        )

    return make


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


@pytest.fixture
def browser(live_server):
    opened = Browser(live_server.url)
    yield opened
    opened.close()


@pytest.fixture
def oidc_base(live_server):
    return live_server.url + "/oidc"


@pytest.fixture
def rp(oidc_base):
    """Make an Authlib client for ``application`` (confidential with the test secret, or public)."""
    made = []

    def make(application, scope="openid profile", **extra):
        secret = SECRET if application.client_type == Application.CLIENT_CONFIDENTIAL else None
        client = OAuth2Client(
            client_id=application.client_id,
            client_secret=secret,
            scope=scope,
            redirect_uri=application.redirect_uris.split()[0],
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if secret else "none",
            timeout=20,
            **extra,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def new_verifier() -> str:
    return secrets.token_urlsafe(48)
