"""The API's world: the dossier world of tests/fixtures/dossiers.py (agencies A and B, officers, a citizen,
dossiers driven through the services) plus the LGSP: agency A's one-stop software (``MOTCUA``, owned by A)
with a credential and a token, and agency B's (``SOTUPHAP``); congso's API registered in the LGSP as a
service of the province's one-stop system (``CONGSO_API_SERVICE``), both systems holding a right on it."""

import pytest
from rest_framework.test import APIClient

from congso.agencies.models import AgencyKind
from congso.api import permissions
from congso.api.schema import gateway_document
from congso.lgsp import services as lgsp
from tests.factories.agencies import AgencyFactory


@pytest.fixture(autouse=True)
def _forget_mandates():
    """Ids repeat between tests (rolled back): no mandate cached by one test may serve the next."""
    permissions._mandates.clear()
    yield
    permissions._mandates.clear()


@pytest.fixture
def api_service(db, settings):
    """congso's API as the LGSP registers it (the provider: the province's one-stop system)."""
    centre = AgencyFactory(code="000.00.02.H08", name="Trung tâm PVHCC", kind=AgencyKind.SERVICE_CENTRE)
    provider = lgsp.register_system(
        lgsp.member_for_agency(centre), "MOTCUA", "Một cửa tỉnh", status="connected"
    )
    service = lgsp.register_service(
        provider, "api-ho-so", "API mở", "http://127.0.0.1:9/api/v1", openapi_document=gateway_document()
    )
    settings.CONGSO_API_SERVICE = service.path_identifier
    settings.CONGSO_LGSP_GATEWAY_RELOAD_SECONDS = 0  # registry changes seen by the next direct call
    return service


@pytest.fixture
def lgsp_systems(db, agency_a, agency_b, api_service):
    member_a = lgsp.member_for_agency(agency_a)
    member_b = lgsp.member_for_agency(agency_b)
    system_a = lgsp.register_system(member_a, "MOTCUA", "Một cửa phường", status="connected")
    system_b = lgsp.register_system(member_b, "SOTUPHAP", "Phần mềm Sở Tư pháp", status="connected")
    lgsp.grant_access(api_service, system=system_a)
    lgsp.grant_access(api_service, system=system_b)
    issued_a = lgsp.create_credential(system_a)
    issued_b = lgsp.create_credential(system_b)
    return {
        "service": api_service,
        "a": system_a,
        "b": system_b,
        "credential_a": issued_a,
        "token_a": lgsp.issue_token(issued_a.credential.client_id, issued_a.secret).access_token,
        "token_b": lgsp.issue_token(issued_b.credential.client_id, issued_b.secret).access_token,
    }


@pytest.fixture
def api():
    """``api(token=None, officer=None, user=None)`` → an ``APIClient`` with the LGSP token and the acting
    officer's header, or signed in as ``user`` (session)."""

    def make(token=None, officer=None, user=None):
        client = APIClient()
        headers = {}
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if officer is not None:
            headers["HTTP_X_CONGSO_ACTING_OFFICER"] = getattr(officer, "username", officer)
        client.credentials(**headers)
        if user is not None:
            client.force_login(user)
        return client

    return make
