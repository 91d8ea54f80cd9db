"""A leader signs in, opens process monitoring, reads a process's step table, and opens one dossier's
flow: the drawing is visible with the step done and the current step highlighted. The data is made by
the real services (a dossier's process started, its first step completed)."""

from datetime import date
from pathlib import Path

import pytest

from congso.agencies import services as agency_services
from congso.agencies.models import AdministrativeUnit, AgencyKind, UnitLevel
from congso.catalog.models import ProcedureLevel, VersionStatus
from congso.dossiers.models import Channel, Status
from congso.workflow import services
from tests.factories.agencies import AgencyFactory
from tests.factories.catalog import FieldFactory, ProcedureVersionFactory
from tests.factories.dossiers import DossierFactory
from tests.factories.identity import PASSWORD
from tests.support.browser import database_work

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # Adds /can-bo/quy-trinh/ until the project's urls.py includes it (then it is the project's map).
    pytest.mark.urls("tests.workflow.urls_monitoring"),
]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(autouse=True)
def fresh_figures(settings):
    """The live server computes the figures at each request (no cache left over from other tests)."""
    settings.CONGSO_MONITORING_CACHE_SECONDS = 0


@pytest.fixture
def department_flow(make_user):
    """A department with its one-stop officer and leader; a dossier whose process has completed
    reception and waits at "Phân công xử lý" (the leader's step)."""
    province = AdministrativeUnit.objects.create(code="74", name="Tỉnh Bình Dương", level=UnitLevel.PROVINCE)
    department = AgencyFactory(
        code="000.00.11.H57", name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, administrative_unit=province
    )
    one_stop = make_user("motcua_so", kind="official", full_name="Lê Thị Cúc", password=PASSWORD)
    leader = make_user("lanhdao_so", kind="official", full_name="Phạm Văn Dũng", password=PASSWORD)
    agency_services.add_membership(one_stop, department, "one_stop_officer", valid_from=date(2021, 1, 1))
    agency_services.add_membership(leader, department, "leader", valid_from=date(2021, 1, 1))
    services.load_default_processes()
    version = ProcedureVersionFactory(
        procedure__code="1.001234",
        procedure__name="Cấp phiếu lý lịch tư pháp",
        procedure__field=FieldFactory(code="tu-phap", name="Tư pháp"),
        procedure__level=ProcedureLevel.PROVINCE,
        number=1,
        status=VersionStatus.PUBLISHED,
        effective_from=date(2021, 1, 1),
        legal_basis="Luật Lý lịch tư pháp 2009",
        process_key="giai-quyet-tai-so",
    )
    dossier = DossierFactory(
        code="000.00.11.H57-260309-0001",
        procedure_version=version,
        receiving_agency=department,
        channel=Channel.ONLINE,
        status=Status.ACCEPTED,
        applicant_name="Nguyễn Văn An",
    )
    instance = services.start(dossier)
    services.complete(instance.work_items.get(task_name="receive"), one_stop)
    return dossier


def sign_in(page, username):
    page.goto("/tai-khoan/dang-nhap/?next=/can-bo/quy-trinh/")
    page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_leader_follows_a_process_down_to_one_dossier_flow(department_flow, page):
    sign_in(page, "lanhdao_so")
    page.wait_for_url("**/can-bo/quy-trinh/")
    assert page.get_by_role("heading", name="Giám sát quy trình (ISO điện tử)").is_visible()

    page.get_by_role("link", name="Giải quyết hồ sơ tại sở, ngành").click()
    page.wait_for_url("**/can-bo/quy-trinh/giai-quyet-tai-so/**")
    steps = page.locator("#steps-table")
    assert steps.is_visible()
    receive = steps.locator('tr[data-step="receive"]')
    assert receive.locator("th").inner_text() == "Tiếp nhận, chuyển hồ sơ"
    assert receive.locator("td").nth(4).inner_text() == "1"  # completed
    assert steps.locator('tr[data-step="assign"] td').nth(2).inner_text() == "1"  # in progress
    assert page.get_by_role("link", name="Xuất Excel").is_visible()
    assert page.get_by_role("img", name="Sơ đồ quy trình Giải quyết hồ sơ tại sở, ngành").is_visible()

    page.get_by_role("link", name=department_flow.code).click()
    page.wait_for_url(f"**/can-bo/quy-trinh/ho-so/{department_flow.pk}/")
    drawing = page.get_by_role("img", name=f"Sơ đồ xử lý hồ sơ {department_flow.code}")
    assert drawing.is_visible()
    current = drawing.locator('[data-bpmn-id="assign"]')
    assert current.is_visible()
    assert "bpmn-node--current" in current.get_attribute("class")
    assert current.locator("rect").evaluate("r => getComputedStyle(r).strokeWidth") == "4px"
    assert "bpmn-node--done" in drawing.locator('[data-bpmn-id="receive"]').get_attribute("class")
    timeline = page.locator("#timeline-table")
    assert timeline.locator('tr[data-step="receive"] td').nth(2).inner_text() == "Lê Thị Cúc"
    assert timeline.locator('tr[data-step="assign"]').get_attribute("data-state") == "open"


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm ci)")
def test_monitoring_pages_pass_axe(department_flow, client, browser, live_server):
    """axe-core on the process page and the flow page: no serious or critical violation."""
    from django.conf import settings

    from congso.identity.models import User

    with database_work():
        client.force_login(User.objects.get(username="lanhdao_so"))
    # axe is injected as a script, which the page's CSP rightly forbids; this context bypasses it.
    context = browser.new_context(locale="vi-VN", base_url=live_server.url, bypass_csp=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    try:
        for url in ("/can-bo/quy-trinh/giai-quyet-tai-so/", f"/can-bo/quy-trinh/ho-so/{department_flow.pk}/"):
            page.goto(url)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            serious = [
                (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]
                if v["impact"] in {"serious", "critical"}
            ]
            assert serious == [], url
    finally:
        context.close()
