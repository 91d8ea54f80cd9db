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


@pytest.mark.django_db(transaction=True)
def test_every_service_the_demo_registers_answers(live_server, monkeypatch):
    """No service of the demo's LGSP catalogue points nowhere: the province systems' services answer on
    the demo's own web server (the one-stop status lookup, the document exchange) or the sandbox."""
    monkeypatch.setenv("CONGSO_DEMO_WEB_URL", live_server.url)
    demo.seed_demo_lgsp(verbose=False)
    project_demo._wire_api_into_lgsp()
    project_demo._wire_sandbox_into_lgsp()
    project_demo._wire_documents_exchange()
    project_demo._wire_province_services()
    checked = {h.service.code: h for h in services.check_services()}
    assert {"tra-cuu-ho-so", "van-ban-den", "trich-luc-ho-tich", "giay-phep-xay-dung"} <= set(checked)
    assert not [f"{code}: {h.detail}" for code, h in checked.items() if not h.healthy]
    assert not Service.objects.filter(upstream_url__contains="demo.congso.local").exists()
    # What the gateway would call exists: the civil status extract is the population simulator's record.
    civil = Service.objects.get(code="trich-luc-ho-tich")
    assert civil.upstream_url == live_server.url + "/sandbox/csdlqg-dan-cu"
    assert civil.personal_data and civil.data_subject_parameter == "SoDinhDanh"
    portal = System.objects.get(code="CONGDVC")
    status_lookup = Service.objects.get(code="tra-cuu-ho-so")
    assert services.is_allowed(portal, status_lookup, "GET", "/000.00.02.H08-261203-0001/")
    # Seeding again changes nothing: no second version, the same addresses.
    project_demo._wire_province_services()
    assert status_lookup.versions.count() == 1
