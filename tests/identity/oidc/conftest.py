"""Fixtures of the OpenID Connect provider tests: registered clients, a signed-in browser over real
HTTP (httpx against Django's live server) and Authlib as the independent client library."""

import pytest
from authlib.integrations.httpx_client import OAuth2Client
from oauth2_provider.models import Application

from congso.identity.oidc import services
from tests.factories.agencies import AgencyFactory
from tests.support.oidc import POST_LOGOUT, REDIRECT, SECRET, Browser


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
