"""The demo registers congso's API in the LGSP (idempotently): a service of congso's one-stop system with
the generated document, the gateway's provider credential variable, and a right and a credential for the
Department of Justice's civil status system, which may act for the department's demo officers."""

import pytest

from congso import demo
from congso.api.demo import CONSUMER_CLIENT_ID, SERVICE_CODE, UPSTREAM_TOKEN_VARIABLE
from congso.api.permissions import may_act_for
from congso.identity import services as identity_services
from congso.lgsp import services as lgsp
from congso.lgsp.models import Service

pytestmark = pytest.mark.django_db


def test_the_demo_registers_the_api_in_the_lgsp_once(capsys):
    demo.seed()
    service = Service.objects.select_related("system__member").get(code=SERVICE_CODE)
    assert service.system.code == "MOTCUA" and service.upstream_url.endswith("/api/v1")
    assert service.upstream_token_variable == UPSTREAM_TOKEN_VARIABLE
    endpoints = {(e.method, e.path) for e in service.current_version.endpoints.all()}
    assert ("GET", "/dossiers") in endpoints and ("POST", "/dossiers/{code}/accept") in endpoints
    consumer = lgsp.rights_of(service).get().system
    assert consumer.code == "HOTICH" and consumer.credentials.filter(client_id=CONSUMER_CLIENT_ID).exists()
    assert CONSUMER_CLIENT_ID in capsys.readouterr().out
    assert may_act_for(consumer, identity_services.find_by_username("chuyenvien.stp"))
    assert not may_act_for(consumer, identity_services.find_by_username("motcua"))
    assert lgsp.is_allowed(consumer, service, "POST", "/dossiers/X/accept")

    demo.seed()
    assert Service.objects.filter(code=SERVICE_CODE).count() == 1
    assert service.versions.count() == 1 and lgsp.rights_of(service).count() == 1
