"""Running dossiers through real BPMN files: start, complete, gateways, parallel branches, actions,
hand-overs, the role check, step results and versioning."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from congso.core.models import AuditEntry, OutboxEvent
from congso.dossiers.models import HandOver, Status
from congso.dossiers.standard_forms import control_sheet_rows
from congso.workflow import services
from congso.workflow.actions import platform_actions
from congso.workflow.engine import WorkflowError
from congso.workflow.models import InstanceState, ProcessInstance, WorkItem, WorkItemState
from tests.support.bpmn import flow, process, service_task, user_task
from tests.support.clock import local


def open_items(instance):
    return list(instance.work_items.filter(state=WorkItemState.OPEN).order_by("task_name"))


def only_open(instance):
    items = open_items(instance)
    assert len(items) == 1, [i.task_name for i in items]
    return items[0]


@pytest.fixture
def defaults(db):
    return {v.definition.key: v for v in services.load_default_processes()}


def test_load_default_processes_is_idempotent(defaults):
    assert set(defaults) == {
        "chung-thuc-trong-ngay",
        "giai-quyet-tai-so",
        "lien-thong-khai-sinh-thuong-tru-bhyt",
        "lien-thong-khai-tu-xoa-thuong-tru-mai-tang",
        "tham-dinh-ky-duyet",
    }
    assert services.load_default_processes() == []
    assert all(v.is_active and v.number == 1 for v in defaults.values())


def test_department_process_both_branches_of_the_gateway(world, defaults, make_dossier, clock):
    clock.set(local(2026, 3, 9, 8))
    dossier = make_dossier("giai-quyet-tai-so", agency=world.department)
    instance = services.start(dossier)
    receive = only_open(instance)
    assert (receive.task_name, receive.role, receive.agency) == (
        "receive",
        "one_stop_officer",
        world.department,
    )
    # 4 working hours from 08:00 on Monday 9 March 2026 (office 07:30–11:30, 13:00–17:00).
    assert receive.due_at == local(2026, 3, 9, 13, 30)

    services.complete(receive, world.dept_one_stop)
    assign = only_open(instance)
    assert assign.task_name == "assign" and assign.role == "leader"
    services.complete(assign, world.dept_leader)
    process_item = only_open(instance)
    services.complete(process_item, world.dept_specialist, {"de_xuat": "cấp"})

    # Not approved: the default flow sends the dossier back to the specialist.
    review = only_open(instance)
    assert review.task_name == "review"
    services.complete(review, world.dept_leader, {"approved": False})
    again = only_open(instance)
    assert again.task_name == "process" and again.pk != process_item.pk
    services.complete(again, world.dept_specialist)

    # Approved: on to approval, signature, the result, and the return desk.
    services.complete(only_open(instance), world.dept_leader, {"approved": True})
    assert only_open(instance).task_name == "approve"
    services.complete(only_open(instance), world.dept_leader)
    sign = only_open(instance)
    assert sign.task_name == "sign"
    services.complete(sign, world.dept_leader)

    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY  # the issue_result service task ran
    returning = only_open(instance)
    assert returning.task_name == "return"
    services.complete(returning, world.dept_one_stop)

    instance.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED and instance.completed_at is not None
    steps = list(instance.work_items.order_by("id").values_list("task_name", "state"))
    assert [s for s, _ in steps] == [
        "receive",
        "assign",
        "process",
        "review",
        "process",
        "review",
        "approve",
        "sign",
        "return",
    ]
    assert {state for _, state in steps} == {WorkItemState.DONE}
    # One control-sheet row per change of unit: consecutive leader steps share one.
    rows = list(HandOver.objects.filter(dossier=dossier).order_by("id").values_list("step_name", flat=True))
    assert rows == [
        "Phân công xử lý",
        "Thẩm định, xử lý hồ sơ",
        "Xem xét kết quả xử lý",
        "Thẩm định, xử lý hồ sơ",
        "Xem xét kết quả xử lý",
        "Trả kết quả",
    ]
    assert OutboxEvent.objects.filter(name="workflow.completed").count() == 1


def test_birth_liên_thông_has_the_leader_sign_the_birth_certificate_before_the_branches(
    world, defaults, make_dossier
):
    """Luật Hộ tịch, Điều 16: the civil-status officer records the birth and reports to the Chairman of the
    commune People's Committee, who issues the certificate; nothing goes to the police or social insurance
    before that, and a refusal sends the draft back to the specialist."""
    dossier = make_dossier("lien-thong-khai-sinh-thuong-tru-bhyt")
    instance = services.start(dossier)
    services.complete(only_open(instance), world.one_stop)
    draft = only_open(instance)
    assert (draft.task_name, draft.role, draft.agency) == ("register_birth", "specialist", world.commune)
    services.complete(draft, world.specialist)

    sign = only_open(instance)
    assert (sign.task_name, sign.role, sign.agency) == ("sign_birth", "leader", world.commune)
    with pytest.raises(PermissionDenied):
        services.complete(sign, world.specialist)
    services.complete(sign, world.leader, {"approved": False})
    again = only_open(instance)
    assert again.task_name == "register_birth" and again.pk != draft.pk
    services.complete(again, world.specialist)
    services.complete(only_open(instance), world.leader, {"approved": True})
    assert [i.task_name for i in open_items(instance)] == ["issue_insurance_card", "register_residence"]


def test_liên_thông_parallel_branches_join(world, defaults, make_dossier, clock):
    clock.set(local(2026, 3, 9, 8))
    dossier = make_dossier("lien-thong-khai-sinh-thuong-tru-bhyt", form={"ho_ten_tre": "Nguyễn Văn Bình"})
    instance = services.start(dossier)
    services.complete(only_open(instance), world.one_stop)
    services.complete(only_open(instance), world.specialist)
    services.complete(only_open(instance), world.leader, {"approved": True})

    police, insurance = sorted(open_items(instance), key=lambda i: i.agency.code)
    assert (police.task_name, police.agency, police.role) == (
        "register_residence",
        world.police,
        "specialist",
    )
    assert (insurance.task_name, insurance.agency) == ("issue_insurance_card", world.insurance)
    assert police.due_at == local(2026, 3, 10, 8)  # 8 working hours = one working day

    # Police finishes first: the join still waits for social insurance.
    assert services.complete(police, world.police_officer, {"so_dinh_danh": "074126000001"}) == []
    assert [i.task_name for i in open_items(instance)] == ["issue_insurance_card"]
    opened = services.complete(insurance, world.insurance_officer, {"ma_the_bhyt": "TE1747400000001"})
    assert [i.task_name for i in opened] == ["compile"]
    compile_item = opened[0]
    assert compile_item.agency == world.commune

    services.complete(compile_item, world.specialist)
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY
    services.complete(only_open(instance), world.one_stop)
    instance.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED
    # Both branches' data reached the join.
    assert (
        instance.data["so_dinh_danh"] == "074126000001" and instance.data["ma_the_bhyt"] == "TE1747400000001"
    )
    # Every hand-over is a control-sheet row, the parallel branches included, given by the process.
    rows = list(HandOver.objects.filter(dossier=dossier).order_by("handed_at", "id"))
    assert [(r.step_name, r.to_agency, r.is_branch) for r in rows] == [
        ("Đăng ký khai sinh, dự thảo giấy khai sinh", world.commune, False),
        ("Phê duyệt, ký giấy khai sinh", world.commune, False),
        ("Cấp thẻ bảo hiểm y tế", world.insurance, True),
        ("Đăng ký thường trú", world.police, True),
        ("Tổng hợp kết quả liên thông", world.commune, False),
        ("Trả kết quả", world.commune, False),
    ]
    assert all(r.given_by is None and r.completed_at is not None for r in rows)


def test_commune_same_day_certification_records_hand_overs(world, defaults, make_dossier, clock):
    clock.set(local(2026, 3, 9, 8))
    dossier = make_dossier("chung-thuc-trong-ngay")
    instance = services.start(dossier)
    services.complete(only_open(instance), world.one_stop)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING  # the first hand-over starts processing
    certify = only_open(instance)
    assert certify.role == "leader"
    clock.set(local(2026, 3, 9, 9))
    services.complete(certify, world.leader)
    certify.refresh_from_db()
    assert certify.result == "on_time" and certify.completed_by == world.leader
    rows = list(HandOver.objects.filter(dossier=dossier).order_by("id"))
    assert [(r.step_name, r.to_unit_label, r.allotted_hours) for r in rows] == [
        ("Chứng thực, ký bản sao", "Lãnh đạo", 4),
        ("Trả kết quả, thu lệ phí", "Cán bộ một cửa", 2),
    ]
    # Given by the process, on the authority of the officers whose steps led there.
    assert {(r.given_by, r.given_by_label) for r in rows} == {
        (None, "Quy trình: Chứng thực bản sao trong ngày (cấp xã) (phiên bản 1)")
    }
    assert rows[0].step_completed_by == world.one_stop and rows[1].step_completed_by == world.leader
    assert AuditEntry.objects.filter(action="workflow.step.complete").count() == 2


def test_wrong_role_or_agency_is_refused_and_changes_nothing(world, defaults, make_dossier):
    dossier = make_dossier("chung-thuc-trong-ngay")
    instance = services.start(dossier)
    receive = only_open(instance)
    for intruder in (world.specialist, world.leader, world.dept_one_stop, world.clerk):
        with pytest.raises(PermissionDenied):
            services.complete(receive, intruder)
    receive.refresh_from_db()
    assert receive.state == WorkItemState.OPEN
    assert instance.work_items.count() == 1
    services.complete(receive, world.one_stop)
    with pytest.raises(WorkflowError):
        services.complete(receive, world.one_stop)  # already done


def test_a_late_step_is_classified_late(world, defaults, make_dossier, clock):
    clock.set(local(2026, 3, 9, 8))
    instance = services.start(make_dossier("chung-thuc-trong-ngay"))
    receive = only_open(instance)
    assert receive.due_at == local(2026, 3, 9, 9)
    clock.set(local(2026, 3, 9, 10))
    services.complete(receive, world.one_stop)
    receive.refresh_from_db()
    assert receive.result == "late"


def test_early_when_finished_a_day_before_the_deadline(world, defaults, make_dossier, clock):
    clock.set(local(2026, 3, 9, 8))
    dossier = make_dossier("giai-quyet-tai-so", agency=world.department)
    instance = services.start(dossier)
    services.complete(only_open(instance), world.dept_one_stop)
    services.complete(only_open(instance), world.dept_leader)
    process_item = only_open(instance)  # 40 working hours: due Monday 16 March
    services.complete(process_item, world.dept_specialist)
    process_item.refresh_from_db()
    assert process_item.result == "early"


def test_service_task_calls_a_registered_action_in_the_same_transaction(world, make_dossier, deploy):
    calls = []

    def record(ctx):
        calls.append((ctx.task_name, ctx.params, ctx.actor, ctx.data["form"], ctx.dossier.pk))
        return {"ghi_nhan": ctx.params["muc"]}

    platform_actions.add("test.record", record)
    try:
        xml = process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("a", "Nhập"),
                service_task("act", "test.record", muc="một"),
                '<bpmn:exclusiveGateway id="gw" default="f4"/>',
                user_task("b", "Sau thao tác"),
                '<bpmn:endEvent id="e"/>',
                flow("f1", "s", "a"),
                flow("f2", "a", "act"),
                flow("f3", "act", "gw"),
                flow("f5", "gw", "b", 'ghi_nhan == "một"'),
                flow("f4", "gw", "e"),
                flow("f6", "b", "e"),
            ],
            {"Chuyên viên": ["s", "a", "act", "gw", "b", "e"]},
        )
        deploy(xml)
        dossier = make_dossier("thu-nghiem", form={"so_trang": 3})
        instance = services.start(dossier)
        services.complete(only_open(instance), world.specialist, {"y_kien": "đồng ý"})
        assert calls == [("act", {"muc": "một"}, world.specialist, {"so_trang": 3}, dossier.pk)]
        assert only_open(instance).task_name == "b"  # the gateway read what the action returned
    finally:
        platform_actions.remove("test.record")


def test_an_action_that_fails_rolls_back_the_whole_step(world, make_dossier, deploy):
    def explode(ctx):
        from congso.core import events

        events.publish("test.side_effect", {})
        raise RuntimeError("boom")

    platform_actions.add("test.explode", explode)
    try:
        xml = process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("a", "Nhập"),
                service_task("x", "test.explode"),
                '<bpmn:endEvent id="e"/>',
                flow("f1", "s", "a"),
                flow("f2", "a", "x"),
                flow("f3", "x", "e"),
            ],
            {"Chuyên viên": ["s", "a", "x", "e"]},
        )
        deploy(xml)
        instance = services.start(make_dossier("thu-nghiem"))
        item = only_open(instance)
        version_before = ProcessInstance.objects.get(pk=instance.pk).lock_version
        with pytest.raises(RuntimeError):
            services.complete(item, world.specialist, {"k": 1})
        item.refresh_from_db()
        assert item.state == WorkItemState.OPEN
        assert ProcessInstance.objects.get(pk=instance.pk).lock_version == version_before
        assert not OutboxEvent.objects.filter(name="test.side_effect").exists()
    finally:
        platform_actions.remove("test.explode")


def test_send_official_document_publishes_its_intent(world, make_dossier, deploy):
    xml = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Soạn văn bản"),
            service_task(
                "doc",
                "send_official_document",
                kind="cong-van",
                subject="Xác minh nhân thân",
                agency="Công an",
            ),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "doc"),
            flow("f3", "doc", "e"),
        ],
        {"Chuyên viên": ["s", "a", "doc", "e"]},
    )
    deploy(xml)
    dossier = make_dossier("thu-nghiem")
    instance = services.start(dossier)
    services.complete(only_open(instance), world.specialist)
    event = OutboxEvent.objects.get(name="workflow.document_requested")
    assert event.payload["kind"] == "cong-van" and event.payload["to_agency_code"] == world.police.code
    assert (
        event.payload["dossier_code"] == dossier.code and event.payload["requested_by"] == world.specialist.pk
    )


def test_route_to_agency_moves_later_lanes(world, make_dossier, deploy):
    xml = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Chuyển hồ sơ"),
            service_task("route", "route_to_agency", agency=world.department.code),
            user_task("b", "Xử lý tại sở"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "route"),
            flow("f3", "route", "b"),
            flow("f4", "b", "e"),
        ],
        {"Chuyên viên": ["s", "a", "route", "b", "e"]},
    )
    deploy(xml)
    dossier = make_dossier("thu-nghiem")
    instance = services.start(dossier)
    services.complete(only_open(instance), world.specialist)
    item = only_open(instance)
    assert item.agency == world.department
    dossier.refresh_from_db()
    assert dossier.current_agency == world.department  # the engine handed it over
    services.complete(item, world.dept_specialist)


def test_named_user_lane(world, make_dossier, deploy):
    xml = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Việc riêng"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
        ],
        {"user:lanhdao": ["s", "a", "e"]},
    )
    deploy(xml)
    instance = services.start(make_dossier("thu-nghiem"))
    item = only_open(instance)
    assert item.assigned_user == world.leader
    world.officer("lanhdao2", world.commune, "leader")
    from django.contrib.auth import get_user_model

    with pytest.raises(PermissionDenied):
        services.complete(item, get_user_model().objects.get(username="lanhdao2"))
    services.complete(item, world.leader)


def test_reserved_or_non_json_data_is_refused(world, defaults, make_dossier):
    instance = services.start(make_dossier("chung-thuc-trong-ngay"))
    item = only_open(instance)
    for bad in ({"dossier": {}}, {"form": 1}, {"congso": {"routing_agency": 1}}, ["x"], {"x": object()}):
        with pytest.raises(WorkflowError):
            services.complete(item, world.one_stop, bad)
    item.refresh_from_db()
    assert item.state == WorkItemState.OPEN


def test_start_requires_a_process_and_only_once(world, defaults, make_dossier):
    with pytest.raises(WorkflowError):
        services.start(make_dossier(""))
    with pytest.raises(WorkflowError):
        services.start(make_dossier("khong-ton-tai"))
    dossier = make_dossier("chung-thuc-trong-ngay")
    services.start(dossier)
    with pytest.raises(WorkflowError):
        services.start(dossier)
    assert ProcessInstance.objects.filter(dossier=dossier).count() == 1


def test_a_dossier_not_yet_accepted_cannot_be_handed_over(world, defaults, make_dossier):
    dossier = make_dossier("chung-thuc-trong-ngay", status=Status.SUBMITTED)
    instance = services.start(dossier)
    receive = only_open(instance)
    with pytest.raises(Exception) as info:
        services.complete(receive, world.one_stop)
    assert "Mới đăng ký" in str(info.value)
    receive.refresh_from_db()
    assert receive.state == WorkItemState.OPEN and instance.work_items.count() == 1


def test_new_version_for_running_instances_keeps_theirs(world, defaults, make_dossier):
    old = defaults["chung-thuc-trong-ngay"]
    instance = services.start(make_dossier("chung-thuc-trong-ngay"))
    xml = old.bpmn_xml.replace('value="4"', 'value="3"')
    new = services.upload_version(key="chung-thuc-trong-ngay", name="", xml=xml)
    assert new.number == 2 and new.is_active
    old.refresh_from_db()
    assert not old.is_active
    with pytest.raises(WorkflowError):
        services.upload_version(key="chung-thuc-trong-ngay", name="", xml=xml)  # identical file
    services.complete(only_open(instance), world.one_stop)
    instance.refresh_from_db()
    assert instance.process_version == old
    assert only_open(instance).allotted_hours == 4
    other = services.start(make_dossier("chung-thuc-trong-ngay"))
    assert other.process_version == new


def test_cancel_closes_the_items(world, defaults, make_dossier):
    dossier = make_dossier("chung-thuc-trong-ngay")
    instance = services.start(dossier)
    services.cancel(dossier, by=world.leader, reason="Người nộp rút hồ sơ")
    instance.refresh_from_db()
    assert instance.state == InstanceState.CANCELLED
    assert WorkItem.objects.filter(instance=instance, state=WorkItemState.OPEN).count() == 0
    assert services.cancel(dossier).state == InstanceState.CANCELLED


def test_gateway_without_a_matching_branch_is_refused_clearly(world, make_dossier, deploy):
    deploy(
        process(
            [
                '<bpmn:startEvent id="s"/>',
                user_task("a", "Nhập"),
                '<bpmn:exclusiveGateway id="gw" name="Đủ điều kiện?"/>',
                user_task("b", "B"),
                user_task("c", "C"),
                '<bpmn:endEvent id="e"/>',
                flow("f1", "s", "a"),
                flow("f2", "a", "gw"),
                flow("f3", "gw", "b", "form.so_trang > 10"),
                flow("f4", "gw", "c", "form.so_trang < 5"),
                flow("f5", "b", "e"),
                flow("f6", "c", "e"),
            ],
            {"Chuyên viên": ["s", "a", "gw", "b", "c", "e"]},
        )
    )
    instance = services.start(make_dossier("thu-nghiem", form={"so_trang": 7}))
    item = only_open(instance)
    with pytest.raises(WorkflowError) as info:
        services.complete(item, world.specialist)
    assert "Đủ điều kiện?" in str(info.value) and "luồng mặc định" in str(info.value)
    item.refresh_from_db()
    assert item.state == WorkItemState.OPEN


def test_management_command_loads_the_defaults_once(db, capsys):
    from django.core.management import call_command

    call_command("load_default_processes")
    call_command("load_default_processes")
    output = capsys.readouterr().out
    assert output.count("Đã nạp") == 5 and "đã là bản mới nhất" in output
    assert ProcessInstance.objects.count() == 0


# --- Files drawn in other modellers (issue 18) ------------------------------------------------------------


def test_user_task_inside_an_embedded_sub_process_can_be_completed(world, make_dossier, deploy, clock):
    """The completion looked the task up among the top-level tasks only: the inner step opened a work item
    that could never be completed."""
    clock.set(local(2026, 3, 9, 8))
    deploy("modellers/bpmnio-subprocess-plain-task.bpmn")
    dossier = make_dossier("thu-nghiem")
    instance = services.start(dossier)
    inner = only_open(instance)
    assert (inner.task_name, inner.role) == ("Activity_0inner", "specialist")

    services.complete(inner, world.specialist)
    after = only_open(instance)
    assert (after.task_name, after.role) == ("Activity_0after", "leader")
    services.complete(after, world.leader)
    instance.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED


def test_plain_tasks_pass_through_and_never_hold_a_dossier(world, make_dossier, deploy, clock):
    """A plain ``bpmn:task`` (top level and inside a sub-process) is BPMN's abstract task: congso runs
    it at once instead of waiting for a person nobody is assigned to."""
    clock.set(local(2026, 3, 9, 8))
    deploy("modellers/bpmnio-subprocess-plain-task.bpmn")
    instance = services.start(make_dossier("thu-nghiem"))
    items = list(instance.work_items.values_list("task_name", flat=True))
    assert items == ["Activity_0inner"]  # "Ghi nhận hồ sơ" passed without a work item
    services.complete(only_open(instance), world.specialist)
    assert "Activity_0note" not in set(instance.work_items.values_list("task_name", flat=True))

    only_tasks = process(
        [
            '<bpmn:startEvent id="s"/>',
            '<bpmn:task id="t1" name="Bước chưa định kiểu"/>',
            '<bpmn:task id="t2"/>',
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "t1"),
            flow("f2", "t1", "t2"),
            flow("f3", "t2", "e"),
        ],
        {"Chuyên viên": ["s", "t1", "t2", "e"]},
    )
    deploy(only_tasks, key="chi-co-task")
    instance = services.start(make_dossier("chi-co-task"))
    instance.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED
    assert not instance.work_items.exists()


def _inclusive_process(with_default: bool) -> str:
    """An inclusive split: ``always`` has no condition, ``police`` needs ``form.thuong_tru``; a join."""
    return process(
        [
            '<bpmn:startEvent id="s"/>',
            '<bpmn:inclusiveGateway id="split"' + (' default="f_default"' if with_default else "") + "/>",
            user_task("always", "Luôn làm"),
            user_task("police", "Thường trú"),
            user_task("fallback", "Mặc định"),
            '<bpmn:inclusiveGateway id="join"/>',
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "split"),
            flow("f_always", "split", "always"),
            flow("f_police", "split", "police", "form.thuong_tru == true"),
            *([flow("f_default", "split", "fallback")] if with_default else []),
            flow("f2", "always", "join"),
            flow("f3", "police", "join"),
            *([flow("f4", "fallback", "join")] if with_default else []),
            flow("f5", "join", "e"),
        ],
        {"Chuyên viên": ["s", "split", "always", "police", "fallback", "join", "e"]},
    )


@pytest.mark.parametrize("registered", [True, False])
def test_inclusive_flow_without_condition_is_always_taken(world, make_dossier, deploy, clock, registered):
    clock.set(local(2026, 3, 9, 8))
    deploy(_inclusive_process(with_default=False))
    instance = services.start(make_dossier("thu-nghiem", form={"thuong_tru": registered}))
    expected = ["always", "police"] if registered else ["always"]
    assert [i.task_name for i in open_items(instance)] == expected
    for item in open_items(instance):
        services.complete(item, world.specialist)
    instance.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED


def test_inclusive_default_flow_only_when_no_other_flow_is_taken(world, make_dossier, deploy, clock):
    """With an unconditional flow, some flow is always taken, so the default never is; the default is
    taken only when every other flow has a condition and none holds."""
    clock.set(local(2026, 3, 9, 8))
    deploy(_inclusive_process(with_default=True))
    instance = services.start(make_dossier("thu-nghiem", form={"thuong_tru": False}))
    assert [i.task_name for i in open_items(instance)] == ["always"]

    conditional_only = _inclusive_process(with_default=True).replace(
        '<bpmn:sequenceFlow id="f_always" sourceRef="split" targetRef="always"/>',
        '<bpmn:sequenceFlow id="f_always" sourceRef="split" targetRef="always">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">form.luon == true'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>",
    )
    deploy(conditional_only, key="chi-co-dieu-kien")
    instance = services.start(make_dossier("chi-co-dieu-kien", form={"thuong_tru": False}))
    assert [i.task_name for i in open_items(instance)] == ["fallback"]
    instance = services.start(make_dossier("chi-co-dieu-kien", form={"thuong_tru": True}))
    assert [i.task_name for i in open_items(instance)] == ["police"]


def test_zeebe_file_runs_with_aliases_half_hour_steps_and_its_assignee(world, make_dossier, deploy, clock):
    from decimal import Decimal

    from congso.workflow.models import RoleAlias
    from tests.support.bpmn import BPMN_DIR

    RoleAlias.objects.create(name="Frontoffice", role="one_stop_officer")
    RoleAlias.objects.create(name="Backoffice", role="specialist")
    text = (BPMN_DIR / "modellers" / "zeebe-lanes-feel.bpmn").read_text(encoding="utf-8")
    deploy(text.replace(">=approved<", ">approved<"))
    clock.set(local(2026, 3, 9, 8))
    dossier = make_dossier("thu-nghiem")
    instance = services.start(dossier)
    intake = only_open(instance)
    assert (intake.role, intake.allotted_hours) == ("one_stop_officer", Decimal("0.5"))
    assert intake.due_at == local(2026, 3, 9, 8, 30)  # half a working hour, exactly
    assert intake.allotted_hours_text == "0.5"

    services.complete(intake, world.one_stop)
    assess = only_open(instance)
    assert (assess.role, assess.allotted_hours) == ("specialist", 8)
    services.complete(assess, world.specialist, {"approved": True})
    decide = only_open(instance)
    assert decide.assigned_user == world.leader
    with pytest.raises(PermissionDenied):
        services.complete(decide, world.specialist)
    services.complete(decide, world.leader)
    instance.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED
    rows = list(HandOver.objects.filter(dossier=dossier).order_by("pk"))
    # The control sheet keeps the leader's half-hour step (the process's default) exactly: 0,5 giờ, due
    # 30 working minutes after it was handed over — the work item's own deadline.
    assert [r.allotted_hours for r in rows] == [Decimal("8"), Decimal("0.5")]
    assert decide.allotted_hours == Decimal("0.5")
    assert rows[1].handed_at == decide.opened_at
    assert rows[1].due_at == decide.due_at == decide.opened_at + timedelta(minutes=30)
    sheet = control_sheet_rows(dossier)
    assert [r.allotted_label for r in sheet] == ["8 giờ", "0,5 giờ"]
    assert sheet[1].due_at == timezone.localtime(decide.due_at)


def test_flowable_file_runs_its_groups_inclusive_split_and_plain_task(world, make_dossier, deploy, clock):
    from tests.support.bpmn import BPMN_DIR

    text = (BPMN_DIR / "modellers" / "flowable-groups.bpmn").read_text(encoding="utf-8")
    deploy(text.replace("#{form.thuong_tru == true}", "form.thuong_tru == true"))
    clock.set(local(2026, 3, 9, 8))
    instance = services.start(make_dossier("thu-nghiem", form={"thuong_tru": False}))
    services.complete(only_open(instance), world.one_stop)
    insurance = only_open(instance)  # the unconditional flow only: no residence registration asked
    assert (insurance.task_name, insurance.agency) == ("insurance", world.insurance)
    services.complete(insurance, world.insurance_officer)
    instance.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED  # through the join and the plain "archive" task


@pytest.mark.parametrize("approved", [True, False])
def test_starter_file_of_the_designers_page_runs_a_dossier(world, make_dossier, deploy, clock, approved):
    """docs/process-design/quy-trinh-mau.bpmn, as a designer downloads it, uploaded and run end to end."""
    from pathlib import Path

    starter = Path(__file__).resolve().parents[2] / "docs" / "process-design" / "quy-trinh-mau.bpmn"
    deploy(starter.read_text(encoding="utf-8"), key="quy-trinh-mau")
    clock.set(local(2026, 3, 9, 8))
    dossier = make_dossier("quy-trinh-mau")
    instance = services.start(dossier)
    receive = only_open(instance)
    assert receive.due_at == local(2026, 3, 9, 8, 30)
    services.complete(receive, world.one_stop)
    services.complete(only_open(instance), world.specialist, {"approved": approved, "ghi_chu": "Đủ"})
    if approved:
        sign = only_open(instance)
        assert (sign.task_name, sign.role, sign.allotted_hours) == ("sign", "leader", 8)
        services.complete(sign, world.leader)
        dossier.refresh_from_db()
        assert dossier.status == Status.RESULT_READY
    else:
        services.complete(only_open(instance), world.specialist)
    returning = only_open(instance)
    assert returning.task_name == "return"
    services.complete(returning, world.one_stop)
    instance.refresh_from_db()
    assert instance.state == InstanceState.COMPLETED
