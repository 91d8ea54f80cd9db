"""Fixtures of the registries tests: a small simulated world served by the live test server, registered
in the LGSP as the national platform's services, the platform's consumer credential, and the real
gateway process (``congso gateway``) in front of them on a free port."""

import pytest

from congso import demo as project_demo
from congso.lgsp import demo as lgsp_demo
from congso.registries import client, conf
from congso.registries.demo import seed_demo_registries
from congso.sandbox.demo import seed_demo_sandbox
from tests.sandbox.known import KNOWN_BUSINESS, KNOWN_CITIZEN, TOKEN
from tests.support.subprocesses import running_gateway


@pytest.fixture
def national(transactional_db, live_server, settings, monkeypatch):
    """The sandbox's small world behind the live server, registered in the LGSP with the consumer's
    right and credential."""
    settings.CONGSO_SANDBOX_ENABLED = True
    settings.CONGSO_SANDBOX_TOKEN = TOKEN
    settings.CONGSO_REGISTRIES_CLIENT_ID = conf.DEMO_CLIENT_ID
    settings.CONGSO_REGISTRIES_CLIENT_SECRET = conf.DEMO_CLIENT_SECRET
    settings.CONGSO_REGISTRIES_CACHE_SECONDS = 0
    settings.CONGSO_REGISTRIES_TIMEOUT_SECONDS = 5
    monkeypatch.setenv("CONGSO_DEMO_WEB_URL", live_server.url)
    seed_demo_sandbox([KNOWN_CITIZEN], [KNOWN_BUSINESS], citizens=60, business_count=5)
    lgsp_demo.seed_demo_lgsp(verbose=False)
    project_demo._wire_sandbox_into_lgsp()
    seed_demo_registries()
    client.tokens.forget()
    yield live_server
    client.tokens.forget()


@pytest.fixture
def gateway(national, settings, tmp_path):
    env = {"CONGSO_LGSP_GATEWAY_RELOAD_SECONDS": "0.5", project_demo.SANDBOX_TOKEN_VARIABLE: TOKEN}
    with running_gateway(tmp_path, env) as base:
        settings.CONGSO_REGISTRIES_GATEWAY_URL = base
        yield base
