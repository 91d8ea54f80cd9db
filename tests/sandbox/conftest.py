"""Fixtures of the sandbox tests: a small simulated world with known people and a known business."""

import pytest

from congso.sandbox.demo import seed_demo_sandbox
from tests.sandbox.known import KNOWN_BUSINESS, KNOWN_CITIZEN, TOKEN


@pytest.fixture
def world(db, settings):
    """About 200 citizens and 20 businesses around the known ones (the demo makes thousands)."""
    settings.CONGSO_SANDBOX_ENABLED = True
    settings.CONGSO_SANDBOX_TOKEN = TOKEN
    return seed_demo_sandbox([KNOWN_CITIZEN], [KNOWN_BUSINESS], citizens=200, business_count=20)


@pytest.fixture
def call(client):
    """GET (or POST JSON to) a simulator address with the demo token, or with ``token`` (None: none)."""

    def send(path, token=TOKEN, json_body=None, **headers):
        if token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if json_body is not None:
            return client.post(path, json_body, content_type="application/json", **headers)
        return client.get(path, **headers)

    return send
