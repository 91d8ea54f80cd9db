"""The monitoring pages through HTTP: who sees what (a matrix over the roles and the agency tree), the
figures, the drawings inline, the dossier lookup and the Excel export."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from congso.agencies import services as agency_services
from congso.agencies.models import AgencyKind, StaffMembership
from congso.workflow import services
from congso.workflow.models import WorkItemState
from congso.workflow.permissions import MonitoringScope, monitoring_scope
from tests.factories.agencies import AgencyFactory
from tests.support.bpmn import flow, process, user_task
from tests.support.clock import local
from tests.support.html import select

# Until the project's urls.py mounts the pages, this map adds them (it is the project's map otherwise).
pytestmark = pytest.mark.urls("tests.workflow.urls_monitoring")

DIVISION_CODE = "000.01.11.H57"


@pytest.fixture(autouse=True)
def fresh_figures(settings):
    """Every request computes its figures (the cache is tested on its own below)."""
    settings.CONGSO_MONITORING_CACHE_SECONDS = 0


def open_item(instance, task_name):
    return instance.work_items.get(state=WorkItemState.OPEN, task_name=task_name)


class Setting:
    """The agencies, people and dossiers of these tests."""


@pytest.fixture
def setting(world, make_user, make_dossier, deploy, clock):
    setting = Setting()
    setting.world = world
    clock.set(local(2026, 3, 9, 8))
    services.load_default_processes()
    setting.province_committee = AgencyFactory(
        code="000.00.01.H57",
        name="UBND tỉnh Bình Dương",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        administrative_unit=world.province,
    )
    setting.division = AgencyFactory(
        code=DIVISION_CODE,
        name="Phòng Hộ tịch",
        kind=AgencyKind.DIVISION,
        parent=world.department,
        administrative_unit=world.province,
    )
    setting.province_leader = world.officer("chutich", setting.province_committee, "leader")
    setting.division_leader = world.officer("truongphong", setting.division, "leader")
    setting.division_specialist = world.officer("chuyenvien_phong", setting.division, "specialist")
    setting.platform_admin = world.officer("quantri", setting.province_committee, "platform_admin")
    setting.superuser = make_user("sieuquantri", kind="official", is_superuser=True, is_staff=True)
    setting.citizen = make_user("congdan")
    setting.former_leader = world.officer("lanhdao_cu", world.commune, "leader")
    membership = StaffMembership.objects.get(user=setting.former_leader)
    membership.valid_from = date(2020, 1, 1)
    membership.valid_to = date(2021, 1, 1)
    membership.save()

    # A department dossier: received, assigned, waiting for the specialist.
    setting.dept_dossier = make_dossier("giai-quyet-tai-so", agency=world.department)
    setting.dept_instance = services.start(setting.dept_dossier)
    clock.set(local(2026, 3, 9, 10))
    services.complete(open_item(setting.dept_instance, "receive"), world.dept_one_stop)
    clock.set(local(2026, 3, 9, 14))
    # A commune dossier, waiting at reception.
    setting.commune_dossier = make_dossier("chung-thuc-trong-ngay")
    setting.commune_instance = services.start(setting.commune_dossier)
    # A dossier received at the commune whose only step is at the department's division.
    deploy(
        process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("ghi_so", '=HYPERLINK("http://x")'),
                '<bpmn:endEvent id="e"/>',
                flow("f1", "s", "ghi_so"),
                flow("f2", "ghi_so", "e"),
            ],
            {f"Chuyên viên @ {DIVISION_CODE}": ["s", "ghi_so", "e"]},
        ),
        key="ghi-so-ho-tich",
        name="Ghi sổ hộ tịch",
    )
    setting.division_dossier = make_dossier("ghi-so-ho-tich")
    setting.division_instance = services.start(setting.division_dossier)
    clock.set(local(2026, 3, 10, 9))
    return setting


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- Who may monitor --------------------------------------------------------------------------------


def test_scope_of_each_kind_of_person(setting):
    world = setting.world
    province = MonitoringScope(everything=True)
    assert monitoring_scope(setting.province_leader) == province
    assert monitoring_scope(setting.platform_admin) == province
    assert monitoring_scope(setting.superuser) == province
    # A department is province-level: its leader sees it and the agencies below it.
    assert monitoring_scope(world.dept_leader) == MonitoringScope(
        False, frozenset({world.department.pk, setting.division.pk})
    )
    # A commune People's Committee is not the provincial one, and is not province-level.
    assert monitoring_scope(world.leader) == MonitoringScope(False, frozenset({world.commune.pk}))
    assert monitoring_scope(setting.division_leader) == MonitoringScope(
        False, frozenset({setting.division.pk})
    )
    for nobody in (
        world.specialist,
        world.one_stop,
        world.clerk,
        setting.former_leader,
        setting.citizen,
        None,
    ):
        assert monitoring_scope(nobody) is None


def test_a_descendant_that_ended_is_left_out(setting):
    world = setting.world
    setting.division.valid_to = date(2025, 6, 30)
    setting.division.save()
    assert monitoring_scope(world.dept_leader).agency_ids == frozenset({world.department.pk})


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("specialist", 403),
        ("one_stop", 403),
        ("former_leader", 403),
        ("leader", 200),
        ("dept_leader", 200),
        ("division_leader", 200),
        ("province_leader", 200),
        ("platform_admin", 200),
        ("superuser", 200),
    ],
)
def test_who_may_open_the_monitoring_page(client, setting, who, status):
    user = None if who == "anonymous" else getattr(setting, who, None) or getattr(setting.world, who)
    response = as_user(client, user).get(reverse("workflow:monitoring"))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("identity:login"))
    if who == "specialist":
        assert "dành cho lãnh đạo" in response.content.decode()


FLOW_MATRIX = {
    # who: (department dossier, commune dossier, dossier received at the commune, step at the division)
    "leader": (404, 200, 200),
    "dept_leader": (200, 404, 200),
    "division_leader": (404, 404, 200),
    "province_leader": (200, 200, 200),
    "platform_admin": (200, 200, 200),
    "specialist": (403, 403, 403),
    "dept_specialist": (403, 403, 403),
}


@pytest.mark.parametrize("who", sorted(FLOW_MATRIX))
def test_who_sees_which_dossier_flow(client, setting, who):
    user = getattr(setting, who, None) or getattr(setting.world, who)
    as_user(client, user)
    dossiers = (setting.dept_dossier, setting.commune_dossier, setting.division_dossier)
    statuses = tuple(client.get(reverse("workflow:dossier_flow", args=[d.pk])).status_code for d in dossiers)
    assert statuses == FLOW_MATRIX[who]


@pytest.mark.parametrize("who", sorted(FLOW_MATRIX))
def test_the_dossier_page_offers_the_flow_only_to_who_may_open_it(client, setting, who):
    """The dossier page's "Xem quy trình xử lý của hồ sơ" was offered to every officer, and answered 403
    to specialists and one-stop officers."""
    user = getattr(setting, who, None) or getattr(setting.world, who)
    as_user(client, user)
    dossiers = (setting.dept_dossier, setting.commune_dossier, setting.division_dossier)
    for dossier, status in zip(dossiers, FLOW_MATRIX[who], strict=True):
        page = client.get(reverse("dossiers:detail", args=[dossier.code]))
        if page.status_code != 200:
            continue
        flow = reverse("workflow:dossier_flow", args=[dossier.pk])
        assert (flow in page.content.decode()) == (status == 200), (who, dossier.code)


PROCESS_MATRIX = {
    # who: (giai-quyet-tai-so, chung-thuc-trong-ngay, ghi-so-ho-tich, lien-thong-… which has no steps yet)
    "leader": (404, 200, 404, 404),
    "dept_leader": (200, 404, 200, 404),
    "division_leader": (404, 404, 200, 404),
    "province_leader": (200, 200, 200, 200),
}


@pytest.mark.parametrize("who", sorted(PROCESS_MATRIX))
def test_who_sees_which_process_and_the_list_agrees(client, setting, who):
    user = getattr(setting, who, None) or getattr(setting.world, who)
    as_user(client, user)
    keys = (
        "giai-quyet-tai-so",
        "chung-thuc-trong-ngay",
        "ghi-so-ho-tich",
        "lien-thong-khai-sinh-thuong-tru-bhyt",
    )
    statuses = tuple(client.get(reverse("workflow:process_detail", args=[k])).status_code for k in keys)
    assert statuses == PROCESS_MATRIX[who]
    listed = client.get(reverse("workflow:monitoring")).content.decode()
    for key, status in zip(keys, statuses, strict=True):
        assert (reverse("workflow:process_detail", args=[key]) in listed) == (status == 200), key
    export = client.get(reverse("workflow:process_export", args=[keys[0]]))
    assert export.status_code == statuses[0]


def test_unknown_dossier_or_process_is_not_found_even_for_the_province(client, setting):
    as_user(client, setting.province_leader)
    assert client.get(reverse("workflow:dossier_flow", args=[999_999])).status_code == 404
    assert client.get(reverse("workflow:process_detail", args=["khong-co"])).status_code == 404


# --- What the pages show ----------------------------------------------------------------------------


def test_list_shows_figures_for_each_process(client, setting):
    as_user(client, setting.world.dept_leader)
    response = client.get(reverse("workflow:monitoring"))
    rows = {r["definition"].key: r for r in response.context["rows"]}
    assert set(rows) == {"giai-quyet-tai-so", "ghi-so-ho-tich"}
    # The department process: receive done in 2 h on time; assign waiting and overdue (due Monday 15:30,
    # now Tuesday 09:00).
    main = rows["giai-quyet-tai-so"]
    assert (main["open"], main["overdue"], main["done"], main["late"]) == (1, 1, 1, 0)
    assert (main["mean"], main["share_late"], main["share_overdue"]) == ("2 giờ", "0,0%", "100,0%")
    division = rows["ghi-so-ho-tich"]
    assert (division["open"], division["done"], division["mean"], division["share_late"]) == (1, 0, "—", "—")
    page = response.content.decode()
    assert "Giải quyết hồ sơ tại sở, ngành" in page and "Chứng thực bản sao trong ngày" not in page
    assert 'style="' not in page
    assert response.has_header("Content-Security-Policy")


def test_process_page_has_steps_bottlenecks_trend_and_drawing(client, setting):
    as_user(client, setting.province_leader)
    response = client.get(reverse("workflow:process_detail", args=["giai-quyet-tai-so"]))
    assert response.status_code == 200
    steps = {row["task_name"]: row for row in response.context["steps"]}
    assert (steps["receive"]["done"], steps["receive"]["mean"], steps["receive"]["p90"]) == (
        1,
        "2 giờ",
        "2 giờ",
    )
    assert (steps["assign"]["open"], steps["assign"]["overdue"], steps["assign"]["share_overdue"]) == (
        1,
        1,
        "100,0%",
    )
    assert [b["task_name"] for b in response.context["bottlenecks"]] == ["assign"]
    # Waiting since Monday 10:00, nothing done yet at that step: 1 × 23 h of waiting so far.
    assert "1 hồ sơ đang chờ, đã chờ trung bình 23 giờ" in response.content.decode()
    assert "khoảng 23 giờ công việc dồn lại" in response.content.decode()
    assert len(response.context["weeks"]) == 12 and response.context["weeks"][-1]["done"] == 1
    page = response.content.decode()
    assert len(select(page, '[role="img"]')) == 2  # the drawing and the trend chart
    assert select(page, '[data-bpmn-id="assign"]') and "TB 2 giờ" in page
    assert "Xuất Excel" in page and 'style="' not in page
    assert setting.dept_dossier.code in page  # among the longest waits, linked to its flow
    assert reverse("workflow:dossier_flow", args=[setting.dept_dossier.pk]) in page


def test_period_and_weeks_are_read_safely(client, setting):
    as_user(client, setting.province_leader)
    url = reverse("workflow:process_detail", args=["giai-quyet-tai-so"])
    response = client.get(url, {"ky": "all", "tuan": "4"})
    assert response.context["period"] == "all" and len(response.context["weeks"]) == 4
    response = client.get(url, {"ky": "<script>", "tuan": "abc"})
    assert response.status_code == 200
    assert response.context["period"] == "90" and len(response.context["weeks"]) == 12
    assert client.get(url, {"tuan": "1000"}).context["week_count"] == 12


def test_dossier_flow_page_draws_done_and_current_steps_and_lists_them(client, setting):
    world = setting.world
    as_user(client, world.dept_leader)
    response = client.get(reverse("workflow:dossier_flow", args=[setting.dept_dossier.pk]))
    page = response.content.decode()
    svg = page.split('<div class="wf-figure"')[1].split("</svg>")[0]
    receive = svg.split('data-bpmn-id="receive"')[1].split("</g>")[0]
    assign = svg.split('data-bpmn-id="assign"')[1].split("</g>")[0]
    assert "bpmn-node--done" in page.split('data-bpmn-id="receive"')[0].rsplit("<g", 1)[1]
    assert "bpmn-node--current" in page.split('data-bpmn-id="assign"')[0].rsplit("<g", 1)[1]
    assert "2 giờ" in receive and "23 giờ" in assign  # time spent; waiting since Monday 10:00
    rows = response.context["rows"]
    assert [(r["item"].task_name, r["item"].state) for r in rows] == [("receive", "done"), ("assign", "open")]
    assert rows[0]["who"] == world.dept_one_stop.get_full_name() and rows[0]["spent"] == "2 giờ"
    assert rows[1]["overdue"] is True and rows[1]["who"] == ""
    assert "Đang xử lý, quá hạn" in page and "Trước hạn" not in page
    # The flow page is about the process: the applicant's name is not on it.
    assert setting.dept_dossier.applicant_name not in page
    assert 'style="' not in page and "<script>" not in svg


def test_flow_of_a_file_without_drawing_shows_the_table(client, setting):
    as_user(client, setting.province_leader)
    response = client.get(reverse("workflow:dossier_flow", args=[setting.division_dossier.pk]))
    assert response.context["diagram_svg"] is None
    page = response.content.decode()
    assert "không có thông tin bản vẽ" in page and "Phòng Hộ tịch" in page


def test_lookup_by_code_opens_a_flow_in_scope_and_says_nothing_more_otherwise(client, setting):
    as_user(client, setting.world.leader)
    url = reverse("workflow:monitoring")
    response = client.get(url, {"ma": setting.commune_dossier.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("workflow:dossier_flow", args=[setting.commune_dossier.pk])
    outside = client.get(url, {"ma": setting.dept_dossier.code}).content.decode()
    unknown = client.get(url, {"ma": "000.00.99.H57-260309-9999"}).content.decode()

    def message(page):
        return page.split('class="messages"')[1].split("</div>")[0]

    assert "Không tìm thấy hồ sơ" in message(outside)
    assert message(outside).replace(setting.dept_dossier.code, "X") == message(unknown).replace(
        "000.00.99.H57-260309-9999", "X"
    )


def test_excel_export_of_the_step_table(client, setting):
    as_user(client, setting.province_leader)
    response = client.get(reverse("workflow:process_export", args=["giai-quyet-tai-so"]), {"ky": "all"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'filename="giam-sat-giai-quyet-tai-so-' in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    steps, weeks = book.worksheets
    rows = list(steps.iter_rows(values_only=True))
    assert rows[2][:5] == (
        "Mã bước",
        "Bước",
        "Làn (vai trò)",
        "Thời gian được giao (giờ làm việc)",
        "Đang xử lý",
    )
    by_task = {r[0]: r for r in rows[3:]}
    assert by_task["receive"][1:9] == ("Tiếp nhận, chuyển hồ sơ", "Bộ phận một cửa", 4, 0, 0, 1, 0, 2)
    assert by_task["assign"][4:6] == (1, 1) and by_task["assign"][11] == 1
    assert len(list(weeks.iter_rows())) == 13


def test_excel_never_turns_a_step_name_into_a_formula(client, setting):
    as_user(client, setting.province_leader)
    response = client.get(reverse("workflow:process_export", args=["ghi-so-ho-tich"]))
    book = load_workbook(BytesIO(response.content))
    cell = next(row[1] for row in book.worksheets[0].iter_rows() if row[0].value == "ghi_so")
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_figures_follow_the_scope_and_the_membership_in_force(client, setting, make_dossier):
    world = setting.world
    # A second department dossier waits at reception, and a commune dossier at reception too.
    services.start(make_dossier("giai-quyet-tai-so", agency=world.department))
    services.start(make_dossier("giai-quyet-tai-so"))
    url = reverse("workflow:process_detail", args=["giai-quyet-tai-so"])
    as_user(client, world.dept_leader)
    steps = {r["task_name"]: r for r in client.get(url).context["steps"]}
    assert (steps["receive"]["open"], steps["receive"]["done"], steps["assign"]["open"]) == (1, 1, 1)
    as_user(client, world.leader)
    steps = {r["task_name"]: r for r in client.get(url).context["steps"]}
    assert (steps["receive"]["open"], steps["receive"]["done"], steps["assign"]["open"]) == (1, 0, 0)
    as_user(client, setting.province_leader)
    steps = {r["task_name"]: r for r in client.get(url).context["steps"]}
    assert (steps["receive"]["open"], steps["receive"]["done"], steps["assign"]["open"]) == (2, 1, 1)
    # A leader whose membership ends loses the pages at once.
    agency_services.end_membership(StaffMembership.objects.get(user=world.dept_leader, role="leader"))
    as_user(client, world.dept_leader)
    assert client.get(reverse("workflow:monitoring")).status_code == 403


def test_figures_are_served_from_the_cache_for_a_minute_with_their_time(client, setting, settings, clock):
    from django.core.cache import cache

    settings.CONGSO_MONITORING_CACHE_SECONDS = 60
    cache.clear()
    world = setting.world
    as_user(client, world.dept_leader)
    url = reverse("workflow:process_detail", args=["giai-quyet-tai-so"])
    first = client.get(url)
    assert "Số liệu tính lúc 10/03/2026 09:00, được tính lại sau tối đa 60 giây." in first.content.decode()
    clock.set(local(2026, 3, 10, 9, 30))
    services.complete(open_item(setting.dept_instance, "assign"), world.dept_leader)
    # Within the minute the page (and its export) shows the figures as computed at 09:00 …
    cached = {r["task_name"]: r for r in client.get(url).context["steps"]}
    assert (cached["assign"]["open"], cached["assign"]["done"]) == (1, 0)
    # … the province's scope has its own entry, computed now.
    as_user(client, setting.province_leader)
    fresh = {r["task_name"]: r for r in client.get(url).context["steps"]}
    assert (fresh["assign"]["open"], fresh["assign"]["done"]) == (0, 1)
    cache.clear()
    as_user(client, world.dept_leader)
    again = {r["task_name"]: r for r in client.get(url).context["steps"]}
    assert (again["assign"]["open"], again["assign"]["done"]) == (0, 1)
    cache.clear()
