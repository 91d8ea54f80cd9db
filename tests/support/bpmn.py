"""A small BPMN writer for tests: processes with lanes, user and service tasks, flows with conditions, and
the timer process the timer tests share. ``BPMN_DIR`` holds the BPMN files the workflow tests load."""

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

BPMN_DIR = Path(__file__).resolve().parents[1] / "workflow" / "bpmn"

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="https://congso.vn/test">\n'
)


def props(**values) -> str:
    inner = "".join(
        f"<camunda:property name={quoteattr(k.replace('__', '.'))} value={quoteattr(str(v))}/>"
        for k, v in values.items()
    )
    return (
        f"<bpmn:extensionElements><camunda:properties>{inner}</camunda:properties></bpmn:extensionElements>"
    )


def user_task(task_id, name, hours=8, **extra) -> str:
    extensions = props(allottedHours=hours, **extra)
    return f'<bpmn:userTask id="{task_id}" name={quoteattr(name)}>{extensions}</bpmn:userTask>'


def service_task(task_id, action, **params) -> str:
    values = {"action": action, **{f"param__{k}": v for k, v in params.items()}}
    return f'<bpmn:serviceTask id="{task_id}" name="{task_id}">{props(**values)}</bpmn:serviceTask>'


def flow(flow_id, source, target, condition=None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}'
        f"</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )


def process(body: list[str], lanes: dict[str, list[str]], process_id="p") -> str:
    """A BPMN document: one process with ``lanes`` (lane name → node ids) and the ``body`` elements."""
    lane_xml = "".join(
        f'<bpmn:lane id="lane{i}" name={quoteattr(name)}>'
        + "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in nodes)
        + "</bpmn:lane>"
        for i, (name, nodes) in enumerate(lanes.items())
    )
    return (
        HEADER + f'<bpmn:process id="{process_id}" isExecutable="true">\n'
        f'<bpmn:laneSet id="ls">{lane_xml}</bpmn:laneSet>\n'
        + "\n".join(body)
        + "\n</bpmn:process>\n</bpmn:definitions>\n"
    )


def timer(kind, value):
    return f"<bpmn:timerEventDefinition><bpmn:{kind}>{value}</bpmn:{kind}></bpmn:timerEventDefinition>"


def boundary_process(interrupting=True, value="PT2H", kind="timeDuration"):
    cancel = "true" if interrupting else "false"
    return process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Xử lý", hours=8),
            user_task("remind", "Nhắc xử lý", hours=2),
            f'<bpmn:boundaryEvent id="late" attachedToRef="a" cancelActivity="{cancel}">{timer(kind, value)}'
            "</bpmn:boundaryEvent>",
            '<bpmn:endEvent id="e"/>',
            '<bpmn:endEvent id="e2"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
            flow("f3", "late", "remind"),
            flow("f4", "remind", "e2"),
        ],
        {"Chuyên viên": ["s", "a", "e"], "Lãnh đạo": ["remind", "e2"]},
    )
