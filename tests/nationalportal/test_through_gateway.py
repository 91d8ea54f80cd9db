"""The link through the real LGSP gateway process: the simulated national portal registered as a
national service (as the demo registers it), the link's calls carrying the LGSP's access token to the
gateway, which forwards them to the simulator and logs each exchange."""

import pytest

from congso import demo as project_demo
from congso.dossiers.models import Dossier
from congso.lgsp import demo as lgsp_demo
from congso.lgsp.models import MessageRecord
from congso.sandbox import services as sandbox
from tests.nationalportal.helpers import package_of, run_jobs, submit_on_portal, timeline
from tests.support.subprocesses import running_gateway

SECRET = "secret-de-thu-nghiem-cua-cong-dvc-0123456789"


@pytest.fixture
def gateway(portal, tmp_path, monkeypatch):
    monkeypatch.setenv("CONGSO_DEMO_WEB_URL", portal.url)
    monkeypatch.setenv(lgsp_demo.SECRET_VARIABLE, SECRET)
    lgsp_demo.seed_demo_lgsp(verbose=False)
    project_demo._wire_sandbox_into_lgsp()
    with running_gateway(tmp_path) as base:
        yield base


@pytest.mark.django_db(transaction=True)
def _through(gateway) -> str:
    return f"{gateway}/r1/{lgsp_demo.NATIONAL_MEMBER_CODE}/{lgsp_demo.NATIONAL_SYSTEM_CODE}/dvcqg"


def test_the_link_goes_through_the_gateway(gateway, portal, settings, agency_a, version):
    settings.CONGSO_DVCQG_ADAPTER_URL = _through(gateway)
    settings.CONGSO_DVCQG_LGSP_TOKEN_URL = portal.url + "/lgsp/oauth/token"
    settings.CONGSO_DVCQG_LGSP_CLIENT_ID = lgsp_demo.DEMO_CLIENT_ID
    settings.CONGSO_DVCQG_LGSP_CLIENT_SECRET = SECRET
    sandbox.seed_dvcqg_catalogue([package_of(version)])
    national = submit_on_portal(version, agency_a)
    run_jobs()
    dossier = Dossier.objects.get(idempotency_key=f"dvcqg:{national}")
    assert sandbox.dvcqg_dossier_state(national)["local_code"] == dossier.code
    assert timeline(national) == [1]
    service = f"{lgsp_demo.NATIONAL_MEMBER_CODE}/{lgsp_demo.NATIONAL_SYSTEM_CODE}/dvcqg"
    logged = MessageRecord.objects.filter(service=service)
    assert list(logged.order_by("seq").values_list("path", "status")) == [
        (f"/r1/{service}/api/auth", 200),
        (f"/r1/{service}/api/share", 200),  # LayDanhSachHoSo
        (f"/r1/{service}/api/share", 200),  # LayChiTietHoSo
        (f"/r1/{service}/api/integration", 200),  # CapNhatDaNhanHoSo
        (f"/r1/{service}/api/integration", 200),  # CapNhatTienDoHoSoMC
    ]


@pytest.mark.django_db(transaction=True)
def test_without_the_gateways_token_nothing_passes(gateway, portal, settings, agency_a, version):
    settings.CONGSO_DVCQG_ADAPTER_URL = _through(gateway)
    sandbox.seed_dvcqg_catalogue([package_of(version)])
    national = submit_on_portal(version, agency_a)
    run_jobs()
    assert not Dossier.objects.filter(idempotency_key=f"dvcqg:{national}").exists()
    assert not sandbox.dvcqg_dossier_state(national)["taken"]
