"""The simulators over a real HTTP connection (Django's live server), as the LGSP gateway will call them."""

import json
import urllib.error
import urllib.request

import pytest

from congso.sandbox.demo import seed_demo_sandbox
from tests.sandbox.known import KNOWN_BUSINESS, KNOWN_CITIZEN, TOKEN


def fetch(url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 — the test's own server
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — the test's own server
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


@pytest.mark.django_db(transaction=True)
def test_a_lookup_over_http(live_server, settings):
    settings.CONGSO_SANDBOX_TOKEN = TOKEN
    seed_demo_sandbox([KNOWN_CITIZEN], [KNOWN_BUSINESS], citizens=50, business_count=5)
    base = live_server.url + "/sandbox/"
    status, headers, body = fetch(base + "csdlqg-dan-cu/api/v1/cong-dan/" + KNOWN_CITIZEN.national_id, TOKEN)
    assert status == 200 and headers["X-Congso-Sandbox"] == "simulator"
    assert body["data"]["HoVaTen"] == KNOWN_CITIZEN.full_name
    status, headers, body = fetch(base + "dang-ky-kinh-doanh/api/v1/doanh-nghiep/" + KNOWN_BUSINESS.tax_code)
    assert (status, body["errorCode"], headers["X-Congso-Sandbox"]) == (401, 100, "simulator")
    status, _headers, document = fetch(base + "dang-ky-kinh-doanh/openapi.json")
    assert status == 200 and document["servers"] == [{"url": "/sandbox/dang-ky-kinh-doanh"}]
