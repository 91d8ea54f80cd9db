"""Reading and checking an uploaded BPMN 2.0 file, with errors that name the line.

``validate(xml)`` runs four checks and returns every problem found as ``(line, Vietnamese message)``:

1. the XML is well formed (lxml; no DOCTYPE or entities, so no entity-expansion or external-entity
   tricks), at most ``MAX_BYTES``;
2. it follows the BPMN 2.0 XML schema (SpiffWorkflow's ``BpmnValidator``);
3. congso's rules (see ``conventions`` for the lane and property conventions):
   - exactly one executable process, with exactly one plain start event;
   - only the elements congso can run: user/manual tasks, service tasks, plain tasks (they pass through
     at once: see ``spiff.PassThroughTask``), exclusive, inclusive and parallel gateways, embedded
     sub-processes (their user tasks are steps like any other), plain and terminate end events, timer
     boundary and intermediate events (``timeDuration`` or ``timeDate``, at most
     ``CONGSO_WORKFLOW_TIMER_MAX_DAYS`` long or away from now). Script tasks, business-rule
     tasks, call activities, message/signal/error/escalation/conditional events, loops and
     multi-instance markers, and pre/post-scripts are refused;
   - every user task resolves to a role (or a named user) and an agency rule — from its lane, its
     congso properties, or the ``candidateGroups``/``assignee`` that Camunda, Flowable and Zeebe write,
     through the administrator's alias table (``models.RoleAlias``) — and has ``allottedHours`` (working
     hours, more than 0 and at most 10000, up to two decimals: ``0.5``), its own or the process's;
   - every service task names a registered platform action with acceptable parameters;
   - every condition on a gateway's outgoing flow is valid in the safe expression language
     (``expressions``), and no flow leaving anything else carries a condition; an exclusive gateway's
     flows other than the default need one, an inclusive gateway's flow without one is always taken;
4. SpiffWorkflow's own parser accepts it.

``build_specs(xml, process_id)`` turns a checked file into SpiffWorkflow specs for the engine.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from congso.core import expressions
from congso.identity import services as identity_services

from . import conventions
from .actions import platform_actions
from .models import RoleAlias
from .spiff import (
    CongsoBpmnParser,
    TimerOutOfRange,
    bpmn_schema_validator,
    parse_duration,
    parse_timer_date,
    timer_text,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ALLOTTED_HOURS = 10_000

B = f"{{{conventions.BPMN_NS}}}"

USER_TASKS = {"userTask", "manualTask"}
FLOW_NODES = USER_TASKS | {
    "serviceTask",
    "task",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "subProcess",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
}
REFUSED_ELEMENTS = {
    "scriptTask": gettext_noop(
        "Không được dùng bước kịch bản (script task): hãy dùng bước tự động (service task) gọi một "
        "thao tác đã đăng ký."
    ),
    "businessRuleTask": gettext_noop("Chưa hỗ trợ bước quy tắc nghiệp vụ (business rule task)."),
    "callActivity": gettext_noop(
        "Chưa hỗ trợ gọi quy trình khác (call activity); hãy vẽ trong một quy trình."
    ),
    "sendTask": gettext_noop("Chưa hỗ trợ bước gửi thông điệp (send task)."),
    "receiveTask": gettext_noop("Chưa hỗ trợ bước nhận thông điệp (receive task)."),
    "complexGateway": gettext_noop("Chưa hỗ trợ cổng phức hợp (complex gateway)."),
    "eventBasedGateway": gettext_noop("Chưa hỗ trợ cổng theo sự kiện (event-based gateway)."),
    "adHocSubProcess": gettext_noop("Chưa hỗ trợ quy trình con tự do (ad-hoc sub-process)."),
    "transaction": gettext_noop("Chưa hỗ trợ giao dịch (transaction)."),
    "messageEventDefinition": gettext_noop("Chưa hỗ trợ sự kiện thông điệp (message event)."),
    "signalEventDefinition": gettext_noop("Chưa hỗ trợ sự kiện tín hiệu (signal event)."),
    "errorEventDefinition": gettext_noop("Chưa hỗ trợ sự kiện lỗi (error event)."),
    "escalationEventDefinition": gettext_noop(
        "Chưa hỗ trợ sự kiện escalation; thời hạn từng bước đã được tự động đôn đốc."
    ),
    "conditionalEventDefinition": gettext_noop("Chưa hỗ trợ sự kiện điều kiện (conditional event)."),
    "compensateEventDefinition": gettext_noop("Chưa hỗ trợ sự kiện bù trừ (compensation)."),
    "linkEventDefinition": gettext_noop("Chưa hỗ trợ sự kiện liên kết (link event)."),
    "cancelEventDefinition": gettext_noop("Chưa hỗ trợ sự kiện hủy (cancel event)."),
    "standardLoopCharacteristics": gettext_noop("Chưa hỗ trợ bước lặp (loop)."),
    "multiInstanceLoopCharacteristics": gettext_noop("Chưa hỗ trợ bước nhiều phiên bản (multi-instance)."),
}
SCRIPT_EXTENSIONS = {
    (conventions.SPIFF_NS, "preScript"),
    (conventions.SPIFF_NS, "postScript"),
    (conventions.SPIFF_NS, "script"),
    (conventions.CAMUNDA_NS, "script"),
}


@dataclass
class Outcome:
    """What ``validate`` found: ``errors`` sorted by line; ``process_id`` and ``step_config`` when valid."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    process_id: str = ""
    step_config: dict = field(default_factory=dict)
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, line, message: str) -> None:
        self.errors.append((int(line or 0), message))


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _is_bpmn(element, name: str | None = None) -> bool:
    if not isinstance(element.tag, str):
        return False
    qname = etree.QName(element)
    return qname.namespace == conventions.BPMN_NS and (name is None or qname.localname == name)


def _label(element) -> str:
    return " ".join((element.get("name") or element.get("id") or "").split())


def parse_xml(data: bytes | str, outcome: Outcome | None = None):
    """Parse ``data`` safely; return the root element, or ``None`` after adding the error to ``outcome``."""
    outcome = outcome if outcome is not None else Outcome()
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_BYTES:
        outcome.add(0, _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_BYTES // (1024 * 1024)})
        return None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=False
    )
    try:
        root = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        outcome.add(
            line,
            _("Tệp không phải XML hợp lệ (cột %(col)s): %(detail)s") % {"col": column, "detail": exc.msg},
        )
        return None
    if root.getroottree().docinfo.doctype:
        text = raw.decode("utf-8", "replace")
        line = next((i for i, row in enumerate(text.splitlines(), start=1) if "<!DOCTYPE" in row), 1)
        outcome.add(line, _("Tệp BPMN không được chứa khai báo DOCTYPE."))
        return None
    if not _is_bpmn(root, "definitions"):
        outcome.add(root.sourceline, _("Phần tử gốc phải là bpmn:definitions (không gian tên BPMN 2.0)."))
        return None
    return root


def _executable_process(root, outcome: Outcome):
    processes = [el for el in root if _is_bpmn(el, "process")]
    if not processes:
        outcome.add(root.sourceline, _("Tệp không có tiến trình (bpmn:process) nào."))
        return None
    if len(processes) == 1:
        # Modellers such as the bpmn.io demo write isExecutable="false" by default; a lone process is meant
        # to run.
        processes[0].set("isExecutable", "true")
        return processes[0]
    executable = [p for p in processes if p.get("isExecutable", "true") == "true"]
    if len(executable) != 1:
        outcome.add(
            root.sourceline,
            _("Tệp có %(n)s tiến trình; đánh dấu đúng một tiến trình là “Executable”.")
            % {"n": len(processes)},
        )
        return None
    return executable[0]


def _lane_map(process) -> dict[str, object]:
    """Flow node id → the innermost lane element that lists it."""
    lanes: dict[str, tuple[int, object]] = {}
    for lane in process.iter(f"{B}lane"):
        depth = sum(1 for a in lane.iterancestors() if _is_bpmn(a, "lane"))
        for ref in lane.findall(f"{B}flowNodeRef"):
            node_id = (ref.text or "").strip()
            if node_id and (node_id not in lanes or lanes[node_id][0] <= depth):
                lanes[node_id] = (depth, lane)
    return {node_id: lane for node_id, (_depth, lane) in lanes.items()}


def _lane_of(element, lanes: dict):
    current = element
    while current is not None:
        lane = lanes.get(current.get("id") or "")
        if lane is not None:
            return lane
        current = current.getparent()
        if current is not None and not _is_bpmn(current, "subProcess"):
            return None
    return None


def _check_refused(process, outcome: Outcome) -> None:
    for element in process.iter():
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        if qname.namespace == conventions.BPMN_NS and qname.localname in REFUSED_ELEMENTS:
            if not _waits_for_message(element):
                outcome.add(element.sourceline, _(REFUSED_ELEMENTS[qname.localname]))
        elif (qname.namespace, qname.localname) in SCRIPT_EXTENSIONS:
            outcome.add(
                element.sourceline, _("Không được chứa kịch bản (script) trong phần mở rộng của bước.")
            )
        if _is_bpmn(element, "subProcess") and element.get("triggeredByEvent") == "true":
            outcome.add(element.sourceline, _("Chưa hỗ trợ quy trình con theo sự kiện (event sub-process)."))


def _check_events(process, outcome: Outcome) -> None:
    starts = [el for el in process if _is_bpmn(el, "startEvent")]
    if len(starts) != 1:
        outcome.add(
            process.sourceline,
            _("Quy trình phải có đúng một sự kiện bắt đầu (có %(n)s).") % {"n": len(starts)},
        )
    for element in process.iter(
        f"{B}startEvent",
        f"{B}endEvent",
        f"{B}intermediateThrowEvent",
        f"{B}intermediateCatchEvent",
        f"{B}boundaryEvent",
    ):
        definitions = [c for c in element if _is_bpmn(c) and _local(c).endswith("EventDefinition")]
        kind = _local(element)
        names = {_local(d) for d in definitions}
        if kind in ("startEvent", "intermediateThrowEvent") and "timerEventDefinition" in names:
            outcome.add(
                element.sourceline, _("Chỉ dùng hẹn giờ ở sự kiện trung gian chờ hoặc sự kiện biên của bước.")
            )
        if kind == "endEvent" and names - {"terminateEventDefinition"} - set(REFUSED_ELEMENTS):
            outcome.add(
                element.sourceline, _("Sự kiện kết thúc chỉ được là kết thúc thường hoặc kết thúc toàn bộ.")
            )
        if kind == "intermediateCatchEvent" and names == {"messageEventDefinition"}:
            _check_message(element, definitions[0], outcome)
            continue
        if kind in ("intermediateCatchEvent", "boundaryEvent") and names != {"timerEventDefinition"}:
            if not names & set(REFUSED_ELEMENTS):
                outcome.add(
                    element.sourceline, _("Sự kiện chờ và sự kiện biên phải là sự kiện hẹn giờ (timer).")
                )
        for definition in definitions:
            if _local(definition) == "timerEventDefinition":
                _check_timer(definition, outcome)


def _waits_for_message(element) -> bool:
    """A message definition inside an intermediate catch event: the one message use congso runs (a
    process waiting for the answer to an official document, ``conventions.MESSAGES``)."""
    parent = element.getparent()
    return (
        _local(element) == "messageEventDefinition"
        and parent is not None
        and _is_bpmn(parent, "intermediateCatchEvent")
    )


def message_name(event, definition) -> str:
    """The name of the message a catch event waits for: its ``messageRef``'s ``<bpmn:message name>``, or
    the event's own name without a reference (as SpiffWorkflow reads it)."""
    ref = definition.get("messageRef")
    if ref is None:
        return (event.get("name") or "").strip()
    for message in event.getroottree().getroot().iter(f"{B}message"):
        if message.get("id") == ref:
            return (message.get("name") or "").strip()
    return ""


def _check_message(event, definition, outcome: Outcome) -> None:
    if message_name(event, definition) not in conventions.MESSAGES:
        outcome.add(
            event.sourceline,
            _("Sự kiện chờ thông điệp chỉ được chờ “%(name)s” (văn bản trả lời).")
            % {"name": conventions.REPLY_MESSAGE},
        )


def _check_timer(definition, outcome: Outcome) -> None:
    specs = [c for c in definition if _is_bpmn(c) and _local(c) in ("timeDuration", "timeDate", "timeCycle")]
    if len(specs) != 1:
        outcome.add(definition.sourceline, _("Hẹn giờ phải có đúng một trong timeDuration hoặc timeDate."))
        return
    spec = specs[0]
    if _local(spec) == "timeCycle":
        outcome.add(
            spec.sourceline, _("Chưa hỗ trợ hẹn giờ lặp lại (timeCycle); dùng timeDuration hoặc timeDate.")
        )
        return
    text = (spec.text or "").strip()
    if not text:
        outcome.add(spec.sourceline, _("Hẹn giờ đang để trống."))
        return
    if text[:1] in ("'", '"'):
        reason = expressions.validate(text)
        if reason:
            outcome.add(spec.sourceline, _("Biểu thức hẹn giờ không hợp lệ: %(reason)s") % {"reason": reason})
        return
    try:
        # The same bounded parsers the engine uses when a dossier reaches the timer (see ``spiff``).
        if _local(spec) == "timeDuration":
            parse_duration(timer_text(text, {}))
        else:
            parse_timer_date(timer_text(text, {}))
    except TimerOutOfRange as exc:
        outcome.add(spec.sourceline, exc.message)
    except Exception:
        example = "PT4H, P2D" if _local(spec) == "timeDuration" else "2026-12-01T08:00:00+07:00"
        outcome.add(
            spec.sourceline,
            _("Giá trị hẹn giờ “%(text)s” không đúng ISO 8601 (ví dụ %(example)s).")
            % {"text": text[:60], "example": example},
        )


@dataclass
class _ProcessContext:
    """What every user task of the process is checked against."""

    lanes: dict
    aliases: dict[str, str]
    default_hours: Decimal | None


def _check_user_task(element, context: _ProcessContext, outcome: Outcome, steps: dict) -> None:
    task_props = conventions.read_properties(element)
    lane = _lane_of(element, context.lanes)
    lane_name = lane.get("name") if lane is not None else None
    lane_props = conventions.read_properties(lane) if lane is not None else {}
    label = _label(element)
    try:
        performer = conventions.resolve_performer(
            lane_name,
            lane_props,
            task_props,
            assignment=conventions.read_assignment(element),
            aliases=context.aliases,
        )
    except conventions.LaneError as exc:
        outcome.add(
            element.sourceline, _("Bước “%(step)s”: %(reason)s") % {"step": label, "reason": exc.message}
        )
        performer = None
    if performer is not None:
        _check_performer_exists(element, label, performer, outcome)
    hours = _allotted_hours(element, label, task_props, context.default_hours, outcome)
    _check_step_form(element, label, task_props, outcome)
    if performer is not None and hours is not None:
        steps[element.get("id")] = {
            "kind": "user",
            "label": label,
            "lane": performer["lane"],
            "role": performer["role"],
            "user": performer["user"],
            "agency": performer["agency"],
            "allotted_hours": _json_hours(hours),
            "line": element.sourceline,
        }


def _check_step_form(element, label, props, outcome: Outcome) -> None:
    """A step's declared form (``fields``, ``decision``) must follow the convention, or the officer
    would meet the error only when opening the step."""
    from .errors import WorkflowError
    from .services import parse_step_form  # services imports this module: import at call time

    try:
        parse_step_form(props)
    except WorkflowError as exc:
        outcome.add(element.sourceline, _("Bước “%(step)s”: %(reason)s") % {"step": label, "reason": exc})


def _check_performer_exists(element, label, performer, outcome: Outcome) -> None:
    if performer["user"] and not identity_services.user_exists(performer["user"]):
        outcome.add(
            element.sourceline,
            _("Bước “%(step)s”: không có tài khoản “%(user)s”.")
            % {"step": label, "user": performer["user"][:80]},
        )
    agency = performer["agency"]
    if agency.get("mode") == "code":
        from congso.agencies import services as agency_services

        try:
            agency_services.get_agency_by_code(agency["code"])
        except Exception as exc:  # the service raises Agency.DoesNotExist with a Vietnamese message
            outcome.add(element.sourceline, _("Bước “%(step)s”: %(reason)s") % {"step": label, "reason": exc})


def _allotted_hours(element, label, props, default: Decimal | None, outcome: Outcome) -> Decimal | None:
    raw = props.get(conventions.ALLOTTED_HOURS, "").strip()
    if not raw:
        if default is not None:
            return default
        outcome.add(
            element.sourceline,
            _(
                "Bước “%(step)s” chưa khai báo thời gian được giao (thuộc tính allottedHours, số giờ làm "
                "việc, trên bước hoặc trên cả quy trình)."
            )
            % {"step": label},
        )
        return None
    hours = _hours_or_none(raw)
    if hours is None:
        outcome.add(
            element.sourceline,
            _("Bước “%(step)s”: %(reason)s") % {"step": label, "reason": _hours_rule(raw)},
        )
    return hours


def _hours_or_none(raw: str) -> Decimal | None:
    hours = conventions.parse_hours(raw)
    if hours is None or not 0 < hours <= MAX_ALLOTTED_HOURS:
        return None
    return hours


def _hours_rule(raw: str) -> str:
    return _(
        "allottedHours là số giờ làm việc lớn hơn 0 và không quá %(max)s, tối đa hai chữ số thập phân "
        "(ví dụ 8 hoặc 0.5), không phải “%(raw)s”."
    ) % {"max": MAX_ALLOTTED_HOURS, "raw": raw[:20]}


def _process_default_hours(process, outcome: Outcome) -> Decimal | None:
    """The process's own ``allottedHours``: the default of its user tasks that declare none."""
    raw = conventions.read_properties(process).get(conventions.ALLOTTED_HOURS, "").strip()
    if not raw:
        return None
    hours = _hours_or_none(raw)
    if hours is None:
        outcome.add(process.sourceline, _("Quy trình: %(reason)s") % {"reason": _hours_rule(raw)})
    return hours


def _json_hours(hours: Decimal) -> int | float:
    """Hours as ``step_config`` stores them (JSON): ``8`` or ``0.5``."""
    return int(hours) if hours == hours.to_integral_value() else float(hours)


def _check_service_task(element, outcome: Outcome, steps: dict) -> None:
    props = conventions.read_properties(element)
    label = _label(element)
    name = conventions.service_action_name(element, props)
    if not name:
        outcome.add(
            element.sourceline,
            _("Bước tự động “%(step)s” chưa nêu thao tác (thuộc tính “action”).") % {"step": label},
        )
        return
    if name not in platform_actions:
        outcome.add(
            element.sourceline,
            _("Bước tự động “%(step)s”: không có thao tác “%(name)s” (các thao tác: %(known)s).")
            % {"step": label, "name": name[:80], "known": ", ".join(platform_actions)},
        )
        return
    params = conventions.action_params(props)
    check = getattr(platform_actions[name], "check_params", None)
    for reason in check(params) if check else []:
        outcome.add(
            element.sourceline, _("Bước tự động “%(step)s”: %(reason)s") % {"step": label, "reason": reason}
        )
    steps[element.get("id")] = {
        "kind": "service",
        "label": label,
        "action": name,
        "params": params,
        "line": element.sourceline,
    }


def _check_flows(process, outcome: Outcome) -> None:
    nodes = {el.get("id"): el for el in process.iter() if _is_bpmn(el) and el.get("id")}
    outgoing: dict[str, list] = {}
    for flow in process.iter(f"{B}sequenceFlow"):
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
    for source_id, flows in outgoing.items():
        source = nodes.get(source_id)
        if source is None:
            continue
        is_conditional = _local(source) in ("exclusiveGateway", "inclusiveGateway")
        default = source.get("default")
        if default and default not in {f.get("id") for f in flows}:
            outcome.add(
                source.sourceline,
                _("Luồng mặc định của cổng “%(gw)s” không xuất phát từ cổng này.") % {"gw": _label(source)},
            )
        for flow in flows:
            condition = flow.find(f"{B}conditionExpression")
            text = (condition.text or "").strip() if condition is not None else ""
            if not is_conditional:
                if text:
                    outcome.add(
                        flow.sourceline,
                        _("Chỉ luồng ra từ cổng rẽ nhánh (exclusive/inclusive) mới được có điều kiện."),
                    )
                continue
            if flow.get("id") == default:
                continue
            if not text:
                # An inclusive gateway's flow without a condition is always taken (BPMN 2.0 §13.3.2).
                if len(flows) > 1 and _local(source) == "exclusiveGateway":
                    outcome.add(
                        flow.sourceline,
                        _(
                            "Luồng “%(flow)s” ra khỏi cổng “%(gw)s” thiếu điều kiện (hoặc "
                            "đặt nó làm luồng mặc định)."
                        )
                        % {"flow": _label(flow), "gw": _label(source)},
                    )
                continue
            reason = expressions.validate(text)
            if reason:
                line = condition.sourceline or flow.sourceline
                outcome.add(
                    line,
                    _("Điều kiện “%(expr)s” không hợp lệ: %(reason)s")
                    % {"expr": text[:80], "reason": reason},
                )


def _check_congso_rules(process, outcome: Outcome) -> dict:
    _check_refused(process, outcome)
    _check_events(process, outcome)
    _check_flows(process, outcome)
    context = _ProcessContext(
        lanes=_lane_map(process),
        aliases=RoleAlias.as_mapping(),
        default_hours=_process_default_hours(process, outcome),
    )
    steps: dict[str, dict] = {}
    for element in process.iter():
        if not _is_bpmn(element):
            continue
        if _local(element) in USER_TASKS:
            _check_user_task(element, context, outcome, steps)
        elif _local(element) == "serviceTask":
            _check_service_task(element, outcome, steps)
    return steps


def _schema_errors(root, outcome: Outcome) -> None:
    schema = bpmn_schema_validator().validator
    if schema.validate(root.getroottree()):
        return
    for error in list(schema.error_log)[:20]:
        outcome.add(error.line, _("Không đúng lược đồ BPMN 2.0: %(detail)s") % {"detail": error.message})


def _line_of(root, element_id: str) -> int:
    if element_id:
        for element in root.iter():
            if isinstance(element.tag, str) and element.get("id") == element_id:
                return element.sourceline or 0
    return 0


def _spiff_parse(root, process_id: str):
    parser = CongsoBpmnParser()
    parser.add_bpmn_xml(root.getroottree(), filename=f"{process_id}.bpmn")
    spec = parser.get_spec(process_id)
    return spec, parser.get_subprocess_specs(process_id)


def validate(data: bytes | str) -> Outcome:
    """Check an uploaded BPMN file. Returns an ``Outcome``: ``errors`` as ``[(line, message_vi)]`` sorted
    by line (line 0 when the problem concerns the whole file); when there are none, ``process_id``,
    ``step_config`` and ``sha256`` are filled. Reads only (it looks up user names and agency codes)."""
    outcome = Outcome()
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    outcome.sha256 = hashlib.sha256(raw).hexdigest()
    root = parse_xml(raw, outcome)
    if root is None:
        return outcome
    _schema_errors(root, outcome)
    process = _executable_process(root, outcome)
    if process is None:
        outcome.errors.sort(key=lambda e: e[0])
        return outcome
    process_id = process.get("id") or ""
    steps = _check_congso_rules(process, outcome)
    if outcome.ok:
        try:
            _spiff_parse(root, process_id)
        except ValidationException as exc:
            line = exc.line_number or _line_of(root, getattr(exc, "id", ""))
            outcome.add(line, _("Cấu trúc quy trình không hợp lệ: %(detail)s") % {"detail": str(exc)[:300]})
        except Exception as exc:
            outcome.add(0, _("Cấu trúc quy trình không hợp lệ: %(detail)s") % {"detail": str(exc)[:300]})
    outcome.errors.sort(key=lambda e: e[0])
    if outcome.ok:
        outcome.process_id = process_id
        outcome.step_config = {"process_id": process_id, "steps": steps}
    return outcome


@lru_cache(maxsize=32)
def _cached_specs(sha256: str, process_id: str, xml: str):
    outcome = Outcome()
    root = parse_xml(xml, outcome)
    if root is None:
        raise ValueError(outcome.errors)
    _executable_process(root, outcome)
    return _spiff_parse(root, process_id)


def build_specs(xml: str, process_id: str, sha256: str = ""):
    """SpiffWorkflow ``(spec, subprocess_specs)`` for a file that passed ``validate``; cached per content."""
    return _cached_specs(sha256 or hashlib.sha256(xml.encode("utf-8")).hexdigest(), process_id, xml)
