"""Checking uploaded BPMN files: every error with its line and a Vietnamese reason; nothing stored."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.workflow import bpmn, services
from congso.workflow.errors import BpmnRejected
from congso.workflow.forms import ProcessUploadForm
from congso.workflow.models import ProcessDefinition, ProcessVersion
from tests.support.bpmn import BPMN_DIR, HEADER, flow, process, user_task

DEFAULTS = Path(services.__file__).resolve().parent / "bpmn"
CATALOGUE = Path(services.__file__).resolve().parents[1] / "catalog" / "data" / "procedures_binh_duong.json"
# The starter file of docs/process-design.md.
STARTER = Path(__file__).resolve().parents[2] / "docs" / "process-design" / "quy-trinh-mau.bpmn"


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    "name",
    [
        "chung-thuc-trong-ngay.bpmn",
        "giai-quyet-tai-so.bpmn",
        "lien-thong-khai-sinh.bpmn",
        "lien-thong-khai-tu.bpmn",
    ],
)
def test_default_processes_are_valid_and_drawn(db, name):
    text = (DEFAULTS / name).read_text(encoding="utf-8")
    outcome = bpmn.validate(text)
    assert outcome.ok, outcome.errors
    assert_fully_drawn(text)
    for step in outcome.step_config["steps"].values():
        if step["kind"] == "user":
            assert step["role"] in {"one_stop_officer", "specialist", "leader", "clerk"}
            assert step["allotted_hours"] >= 1


def test_birth_liên_thông_has_the_leaders_signature_in_the_leaders_lane(db):
    steps = bpmn.validate((DEFAULTS / "lien-thong-khai-sinh.bpmn").read_text(encoding="utf-8")).step_config[
        "steps"
    ]
    assert (steps["sign_birth"]["role"], steps["sign_birth"]["lane"]) == (
        "leader",
        "Lãnh đạo @ Cơ quan tiếp nhận",
    )


@pytest.mark.parametrize(
    ("file_name", "process_key", "serial", "branches"),
    [
        (
            "lien-thong-khai-sinh.bpmn",
            "lien-thong-khai-sinh-thuong-tru-bhyt",
            ("receive", "register_birth", "sign_birth", "compile", "return"),
            ("register_residence", "issue_insurance_card"),
        ),
        (
            "lien-thong-khai-tu.bpmn",
            "lien-thong-khai-tu-xoa-thuong-tru-mai-tang",
            ("register_death", "sign_death", "compile", "return"),
            ("remove_residence", "funeral_allowance"),
        ),
    ],
)
def test_liên_thông_processes_fit_the_procedure_time_limit(db, file_name, process_key, serial, branches):
    """The approved path (the serial steps plus the longer of the parallel branches) fits the working days
    of every catalogue procedure run along the process: the steps' deadlines must never promise more time
    than the law gives the dossier."""
    steps = bpmn.validate((DEFAULTS / file_name).read_text(encoding="utf-8")).step_config["steps"]
    hours = {name: steps[name]["allotted_hours"] for name in steps if steps[name]["kind"] == "user"}
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    limits = [
        version["time_limit_value"]
        for procedure in catalogue["procedures"]
        for version in procedure["versions"]
        if version.get("process_key") == process_key
    ]
    assert limits
    path = sum(hours[name] for name in serial) + max(hours[name] for name in branches)
    assert path <= min(limits) * 8


def test_starter_file_of_the_designers_page_is_valid_and_drawn(db):
    text = (STARTER).read_text(encoding="utf-8")
    outcome = bpmn.validate(text)
    assert outcome.ok, outcome.errors
    assert_fully_drawn(text)
    steps = outcome.step_config["steps"]
    assert steps["receive"]["allotted_hours"] == 0.5 and steps["sign"]["allotted_hours"] == 8
    page = (STARTER.parent.parent / "process-design.md").read_text(encoding="utf-8")
    assert "](process-design/quy-trinh-mau.bpmn)" in page
    readme = (STARTER.parent.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "(docs/process-design.md)" in readme


def assert_fully_drawn(text: str) -> None:
    """Full diagram interchange, so the file opens and renders in bpmn.io: a shape for every flow node
    and lane, an edge for every sequence flow."""
    root = bpmn.parse_xml(text)
    ns = {
        "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
        "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    }
    elements = {
        el.get("id")
        for el in root.xpath("//bpmn:process/*[@id] | //bpmn:lane | //bpmn:participant", namespaces=ns)
    }
    drawn = set(root.xpath("//bpmndi:BPMNShape/@bpmnElement | //bpmndi:BPMNEdge/@bpmnElement", namespaces=ns))
    elements.discard(None)
    elements -= {el.get("id") for el in root.xpath("//bpmn:laneSet", namespaces=ns)}
    assert elements <= drawn, elements - drawn


def test_invalid_file_lists_every_problem_with_its_line(db):
    text = (BPMN_DIR / "invalid.bpmn").read_text(encoding="utf-8")
    errors = bpmn.validate(text).errors
    expected = {
        line_of(text, 'id="guard_step"'): "không ứng với vai trò",
        line_of(text, 'id="no_hours"'): "allottedHours",
        line_of(text, 'id="delete_all"'): "không có thao tác “xoa_ho_so”",
        line_of(text, 'id="run_python"'): "kịch bản",
        line_of(text, "__import__"): "Điều kiện",
        line_of(text, "hai giờ"): "ISO 8601",
    }
    for line, fragment in expected.items():
        assert any(error_line == line and fragment in message for error_line, message in errors), (
            line,
            errors,
        )
    assert errors == sorted(errors, key=lambda e: e[0])


def test_rejected_upload_stores_nothing_and_carries_the_lines(db):
    text = (BPMN_DIR / "invalid.bpmn").read_text(encoding="utf-8")
    with pytest.raises(BpmnRejected) as info:
        services.upload_version(key="sai", name="Sai", xml=text)
    assert info.value.errors
    script_line = line_of(text, 'id="run_python"')
    assert any(message.startswith(f"Dòng {script_line}:") for message in info.value.messages)
    assert not ProcessDefinition.objects.exists() and not ProcessVersion.objects.exists()


def test_malformed_xml_names_the_line():
    text = HEADER + '<bpmn:process id="p">\n<bpmn:userTask id="a">\n</bpmn:process>\n</bpmn:definitions>\n'
    ((line, message),) = bpmn.validate(text).errors
    assert line == 5 and "XML" in message


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&e;</bpmn:definitions>',
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&b;</bpmn:definitions>',
    ],
)
def test_doctype_and_entities_are_refused(text):
    outcome = bpmn.validate(text)
    assert not outcome.ok
    assert "passwd" not in str(outcome.errors) and "root:" not in str(outcome.errors)


def test_schema_errors_name_the_line(db):
    text = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "A"),
            '<bpmn:endEvent id="e"/>',
            '<bpmn:sequenceFlow id="f1" sourceRef="s"/>',
            flow("f2", "a", "e"),
        ],
        {"Chuyên viên": ["s", "a", "e"]},
    )
    errors = bpmn.validate(text).errors
    assert any(line == line_of(text, 'id="f1"') and "lược đồ BPMN" in message for line, message in errors), (
        errors
    )


def test_spiffworkflow_structural_errors_are_mapped_to_the_line(db):
    text = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "A"),
            user_task("b", "B"),
            user_task("c", "C"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "b"),
            flow("f3", "a", "c"),
            flow("f4", "b", "e"),
            flow("f5", "c", "e"),
        ],
        {"Chuyên viên": ["s", "a", "b", "c", "e"]},
    )
    errors = bpmn.validate(text).errors
    assert [line for line, _ in errors] == [line_of(text, 'id="a"')], errors
    assert "Cấu trúc quy trình" in errors[0][1]


@pytest.mark.parametrize(
    ("element", "fragment"),
    [
        ('<bpmn:callActivity id="x" calledElement="other"/>', "call activity"),
        ('<bpmn:businessRuleTask id="x"/>', "business rule"),
        (
            '<bpmn:intermediateCatchEvent id="x"><bpmn:messageEventDefinition/>'
            "</bpmn:intermediateCatchEvent>",
            "thông điệp",
        ),
        (
            '<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition>'
            "<bpmn:timeCycle>R3/PT1H</bpmn:timeCycle>"
            "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>",
            "timeCycle",
        ),
        (
            '<bpmn:userTask id="x">'
            "<bpmn:extensionElements><camunda:properties>"
            '<camunda:property name="allottedHours" value="1.555"/>'
            "</camunda:properties></bpmn:extensionElements>"
            "</bpmn:userTask>",
            "tối đa hai chữ số thập phân",
        ),
        ('<bpmn:userTask id="x"><bpmn:standardLoopCharacteristics/></bpmn:userTask>', "lặp"),
    ],
)
def test_unsupported_elements_are_refused_at_their_line(db, element, fragment):
    text = process(
        [
            '<bpmn:startEvent id="s"/>',
            element,
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "x"),
            flow("f2", "x", "e"),
        ],
        {"Chuyên viên": ["s", "x", "e"]},
    )
    errors = bpmn.validate(text).errors
    assert any(line == line_of(text, 'id="x"') and fragment in message for line, message in errors), errors


def test_lane_conventions(db, world):
    text = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "A"),
            user_task("b", "B"),
            user_task("c", "C"),
            user_task("d", "D", role="clerk"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "b"),
            flow("f3", "b", "c"),
            flow("f4", "c", "d"),
            flow("f5", "d", "e"),
        ],
        {
            "Chuyên viên @ Công an": ["s", "a"],
            "leader @ receiving": ["b"],
            "user:lanhdao": ["c"],
            "Không rõ": ["d", "e"],
        },
    )
    outcome = bpmn.validate(text)
    assert outcome.ok, outcome.errors
    steps = outcome.step_config["steps"]
    assert steps["a"]["role"] == "specialist" and steps["a"]["agency"] == {"mode": "kind", "kind": "police"}
    assert steps["b"]["role"] == "leader" and steps["b"]["agency"] == {"mode": "receiving"}
    assert steps["c"]["user"] == "lanhdao" and steps["c"]["role"] is None
    assert steps["d"]["role"] == "clerk"  # the task's own property wins over an unknown lane name


def test_unknown_user_or_agency_code_is_reported(db):
    text = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "A"),
            user_task("b", "B"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "b"),
            flow("f3", "b", "e"),
        ],
        {"user:khong_co_ai": ["s", "a"], "Chuyên viên @ 000.99.99.H99": ["b", "e"]},
    )
    errors = bpmn.validate(text).errors
    assert any(line == line_of(text, 'id="a"') and "khong_co_ai" in message for line, message in errors)
    assert any(line == line_of(text, 'id="b"') and "000.99.99.H99" in message for line, message in errors)


def test_single_non_executable_process_from_bpmn_io_is_accepted(db):
    text = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "A"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
        ],
        {"Chuyên viên": ["s", "a", "e"]},
    )
    assert bpmn.validate(text.replace('isExecutable="true"', 'isExecutable="false"')).ok


def test_upload_form_shows_the_lines(db):
    text = (BPMN_DIR / "invalid.bpmn").read_bytes()
    form = ProcessUploadForm(
        data={"key": "sai", "name": "Sai", "activate": "on"},
        files={"file": SimpleUploadedFile("sai.bpmn", text)},
    )
    assert not form.is_valid()
    assert any(message.startswith("Dòng ") for message in form.errors["file"])


def test_a_step_form_that_breaks_the_convention_is_rejected_at_upload(db):
    """``fields`` is checked when the file is uploaded, not when an officer first opens the step."""
    from pathlib import Path

    from congso.workflow import services
    from congso.workflow.errors import BpmnRejected

    source = (Path(services.__file__).parent / "bpmn" / "giai-quyet-tai-so.bpmn").read_text()
    broken = source.replace(
        '<camunda:property name="decision" value="approve" />',
        '<camunda:property name="fields" value="ket_qua:khong_co_kieu_nay" />',
    )
    assert broken != source
    with pytest.raises(BpmnRejected) as rejected:
        services.upload_version(key="thu-form-sai", name="Thử", xml=broken)
    assert any("Xem xét kết quả xử lý" in message for _line, message in rejected.value.errors)


# --- Files drawn in other modellers (issue 18) ------------------------------------------------------------

MODELLERS = BPMN_DIR / "modellers"


def modeller_file(name: str) -> str:
    return (MODELLERS / name).read_text(encoding="utf-8")


def test_camunda7_file_is_refused_only_for_its_juel_conditions_then_runs_its_assignment(db, world):
    text = modeller_file("camunda7-approval.bpmn")
    errors = bpmn.validate(text).errors
    assert [line for line, _message in errors] == [
        line_of(text, "${approved}"),
        line_of(text, "${!approved}"),
    ]
    assert all("Camunda 7" in message and "Hãy bỏ “${”" in message for _line, message in errors)
    assert "Viết ở đây: “not approved”" in errors[1][1]

    outcome = bpmn.validate(text.replace("${approved}", "approved").replace("${!approved}", "not approved"))
    assert outcome.ok, outcome.errors
    steps = outcome.step_config["steps"]
    assert steps["Task_review"]["role"] == "specialist"  # camunda:candidateGroups
    assert (steps["Task_sign"]["user"], steps["Task_sign"]["role"]) == ("lanhdao", None)  # camunda:assignee
    assert steps["Task_refuse"]["role"] == "specialist"  # two names of one role


def test_zeebe_assignment_lane_aliases_and_process_default_hours(db, world):
    from congso.workflow.models import RoleAlias

    text = modeller_file("zeebe-lanes-feel.bpmn").replace(">=approved<", ">approved<")
    RoleAlias.objects.create(name="backoffice ", role="specialist")  # lane and candidateGroups name
    errors = bpmn.validate(text).errors
    # Without its alias, the office's own lane name is refused with what congso knows.
    assert errors and all(line == line_of(text, 'id="Task_intake"') for line, _m in errors), errors
    assert "“Frontoffice” không ứng với vai trò nào" in errors[0][1]
    assert "specialist (Chuyên viên)" in errors[0][1] and "tên thay thế" in errors[0][1]

    RoleAlias.objects.create(name="Frontoffice", role="one_stop_officer")
    outcome = bpmn.validate(text)
    assert outcome.ok, outcome.errors
    steps = outcome.step_config["steps"]
    assert steps["Task_intake"]["role"] == "one_stop_officer"
    assert steps["Task_intake"]["allotted_hours"] == 0.5  # the process's own allottedHours
    assert steps["Task_assess"]["allotted_hours"] == 8  # the task's wins
    assert steps["Task_decide"]["user"] == "lanhdao"  # assignee wins over candidateGroups and the lane


def test_unknown_candidate_group_lists_the_roles_and_aliases(db, world):
    from congso.workflow.models import RoleAlias

    RoleAlias.objects.create(name="Backoffice", role="specialist")
    text = modeller_file("camunda7-approval.bpmn").replace(
        'camunda:candidateGroups="specialist"', 'camunda:candidateGroups="accounting"'
    )
    messages = [m for line, m in bpmn.validate(text).errors if line == line_of(text, 'id="Task_review"')]
    assert len(messages) == 1 and "“accounting” không ứng với vai trò nào" in messages[0]
    assert "backoffice → specialist" in messages[0] and "clerk (Văn thư)" in messages[0]


@pytest.mark.parametrize(
    ("attributes", "fragment"),
    [
        ('camunda:candidateGroups="specialist,leader"', "mỗi bước chỉ giao cho một vai trò"),
        ('camunda:assignee="${initiator}"', "là biểu thức"),
        ('camunda:candidateUsers="a,b"', "candidateUsers"),
    ],
)
def test_assignment_congso_cannot_honour_is_refused(db, world, attributes, fragment):
    text = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "A").replace('<bpmn:userTask id="a"', f'<bpmn:userTask id="a" {attributes}'),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
        ],
        {},
    )
    errors = bpmn.validate(text).errors
    assert any(line == line_of(text, 'id="a"') and fragment in m for line, m in errors), errors


@pytest.mark.parametrize(("raw", "ok"), [("0.5", True), ("0,25", True), ("1.555", False), ("0", False)])
def test_decimal_allotted_hours(db, world, raw, ok):
    text = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "A", hours=raw),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
        ],
        {"Chuyên viên": ["s", "a", "e"]},
    )
    assert bpmn.validate(text).ok is ok


def test_bad_process_default_hours_is_reported_on_the_process(db):
    text = process(
        ['<bpmn:startEvent id="s"/>', '<bpmn:endEvent id="e"/>', flow("f1", "s", "e")], {}
    ).replace(
        '<bpmn:process id="p" isExecutable="true">',
        '<bpmn:process id="p" isExecutable="true"><bpmn:extensionElements><camunda:properties>'
        '<camunda:property name="allottedHours" value="nửa ngày"/></camunda:properties>'
        "</bpmn:extensionElements>",
    )
    errors = bpmn.validate(text).errors
    assert any("Quy trình: allottedHours" in m and "nửa ngày" in m for _line, m in errors), errors


def test_flowable_file_is_refused_only_for_its_condition(db, world):
    text = modeller_file("flowable-groups.bpmn")
    errors = bpmn.validate(text).errors
    assert len(errors) == 1 and "Flowable" in errors[0][1], errors
    assert "Viết ở đây: “form.thuong_tru == true”" in errors[0][1]
    outcome = bpmn.validate(text.replace("#{form.thuong_tru == true}", "form.thuong_tru == true"))
    assert outcome.ok, outcome.errors
    steps = outcome.step_config["steps"]
    assert steps["receive"]["role"] == "one_stop_officer"
    assert steps["police"]["agency"] == {"mode": "kind", "kind": "police"}
    assert "archive" not in steps  # a plain task passes through


def timer_process(kind: str, value: str) -> str:
    return process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Xử lý"),
            '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
            f"<bpmn:{kind}>{value}</bpmn:{kind}>"
            "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>",
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "wait"),
            flow("f3", "wait", "e"),
        ],
        {"Chuyên viên": ["s", "a", "wait", "e"]},
    )


@pytest.mark.parametrize(
    ("kind", "value", "fragment"),
    [
        # SpiffWorkflow counts years and months one month per loop turn: hours of work for this one.
        ("timeDuration", "P99999999Y", "vượt quá giới hạn"),
        ("timeDuration", "P6Y", "vượt quá giới hạn"),
        ("timeDuration", "P61M", "vượt quá giới hạn"),
        ("timeDuration", "PT99999999999H", "vượt quá giới hạn"),
        ("timeDuration", "R/2026-01-01T00:00:00Z/P1000000Y", "ISO 8601"),
        ("timeDate", "9999-12-31T23:59:59", "vượt quá giới hạn"),
        ("timeDate", "9999-12-31T23:59:59-07:00", "vượt quá giới hạn"),
        ("timeDate", "0001-01-01T00:00:00+07:00", "vượt quá giới hạn"),
        ("timeCycle", "R/2026-01-01T00:00:00Z/P1000000Y", "timeCycle"),
    ],
)
def test_timers_beyond_the_limit_are_refused_at_their_line(db, kind, value, fragment):
    text = timer_process(kind, value)
    errors = bpmn.validate(text).errors
    assert [line for line, _message in errors] == [line_of(text, value)], errors
    assert fragment in errors[0][1]


def test_timers_within_the_limit_are_accepted(db, settings):
    assert not bpmn.validate(timer_process("timeDuration", "P4Y11M")).errors
    assert not bpmn.validate(timer_process("timeDuration", "P2DT4H")).errors
    settings.CONGSO_WORKFLOW_TIMER_MAX_DAYS = 30
    errors = bpmn.validate(timer_process("timeDuration", "P2M")).errors
    assert errors and "tối đa 30 ngày" in errors[0][1]
