"""The demo's wiring of the sandbox into the LGSP (``congso.demo._wire_sandbox_into_lgsp``): the national
simulators registered as services of the national platform's member, their upstream on the demo web
server's /sandbox/ paths, the demo portal allowed to call them, and their health checked over HTTP."""

import pytest

from congso import demo as project_demo
from congso.lgsp import demo, services
from congso.lgsp.models import Service, System


@pytest.mark.django_db(transaction=True)
def test_national_services_are_registered_callable_and_healthy(live_server, monkeypatch):
    monkeypatch.setenv("CONGSO_DEMO_WEB_URL", live_server.url)
    demo.seed_demo_lgsp(verbose=False)
    project_demo._wire_sandbox_into_lgsp()
    national = System.objects.get(member__code=demo.NATIONAL_MEMBER_CODE, code=demo.NATIONAL_SYSTEM_CODE)
    assert national.identifier == "GOV/NDXP/QUOCGIA"
    registered = {s.code: s for s in Service.objects.filter(system=national)}
    assert set(registered) == {"csdlqg-dan-cu", "dang-ky-kinh-doanh", "dvcqg", "dat-dai"}
    population = registered["csdlqg-dan-cu"]
    assert population.upstream_url == live_server.url + "/sandbox/csdlqg-dan-cu"
    assert population.personal_data and population.data_subject_parameter == "SoDinhDanh"
    assert population.current_version is not None
    portal = System.objects.get(code="CONGDVC")
    assert services.is_allowed(portal, population, "GET", "/api/v1/cong-dan/074090001234")
    snapshot = services.registry_snapshot()
    assert snapshot["services"]["NDXP/QUOCGIA/dang-ky-kinh-doanh"]["upstream_url"].startswith(live_server.url)
    assert all(health.healthy for health in services.check_services(Service.objects.filter(system=national)))
    # Seeding again changes nothing but the upstream address, which follows the demo's port.
    monkeypatch.setenv("CONGSO_DEMO_WEB_URL", "http://127.0.0.1:9999/")
    project_demo._wire_sandbox_into_lgsp()
    assert Service.objects.filter(system=national).count() == 4
    assert services.rights_of(population).filter(system=portal).count() == 1
    population.refresh_from_db()
    assert population.upstream_url == "http://127.0.0.1:9999/sandbox/csdlqg-dan-cu"
