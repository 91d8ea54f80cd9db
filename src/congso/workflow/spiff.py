"""The SpiffWorkflow adapter: congso's parser, task specs, script engine and serializer.

- ``CongsoBpmnParser`` is SpiffWorkflow's plain BPMN parser with four changes: a service task becomes a
  ``CongsoServiceTask`` that calls a named platform action; duration/date timers become
  ``ClockDurationTimer``/``ClockDateTimer``, which read the platform clock (``django.utils.timezone.now``,
  so one clock drives timers, deadlines and tests) and take a plain ISO 8601 text (``PT4H``) as modellers
  write it; a plain ``bpmn:task`` (the modellers' default shape, BPMN's abstract task) becomes a
  ``PassThroughTask`` that the engine runs at once, as Camunda 7/8 and Flowable do (SpiffWorkflow's own
  ``NoneTask`` waits for a person, and no one is assigned to it); and an inclusive gateway's outgoing flow
  without a condition is always taken (BPMN 2.0 §13.3.2), where SpiffWorkflow refuses such a flow.
- ``SafeScriptEngine`` evaluates every expression SpiffWorkflow asks for (gateway conditions, timer
  values, data-object conditions) with ``expressions`` — never Python — and refuses to run scripts.
- ``SERIALIZER`` turns a running workflow into JSON and back, knowing the classes above. A restored
  workflow has SpiffWorkflow's default Python engine attached: callers must set ``SafeScriptEngine``
  (``engine.load_workflow`` does).
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.parser.event_parsers import (
    BoundaryEventParser,
    IntermediateCatchEventParser,
)
from SpiffWorkflow.bpmn.parser.task_parsers import ConditionalGatewayParser
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.util import first, full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import DEFAULT_CONFIG, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    InclusiveGateway,
    IntermediateCatchEvent,
    NoneTask,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask as ServiceTaskMixin

from congso.core import expressions

from . import conventions


class StepFailure(Exception):
    """A step could not run (an expression failed, a script was met, an action refused).

    ``message`` is Vietnamese and safe to show to an officer; ``task_name`` is the BPMN id.
    """

    def __init__(self, message: str, task_name: str = ""):
        super().__init__(message)
        self.message = message
        self.task_name = task_name


# --- Timers read the platform clock ------------------------------------------------------------------


def now_utc() -> datetime:
    return timezone.now().astimezone(UTC)


def timer_text(expression: str, data: dict) -> str:
    """The text of a timer definition: a bare ISO 8601 value, or a quoted expression in the safe language."""
    text = (expression or "").strip()
    if text[:1] in ("'", '"'):
        value = expressions.evaluate(text, data)
        if not isinstance(value, str):
            raise expressions.ExpressionError(_("Biểu thức hẹn giờ phải cho ra một chuỗi ISO 8601."))
        return value.strip()
    return text


# A timer longer than this is a mistake or an attack: SpiffWorkflow turns years and months into days
# with one loop turn per month, so ``P99999999Y`` would keep a worker (and its transaction, with the
# database locked) busy for hours. Checked on the parsed numbers before that arithmetic runs.
DEFAULT_TIMER_MAX_DAYS = 5 * 366
# ISO 8601 durations and date-times are short; a longer text is refused before it is parsed.
TIMER_TEXT_MAX = 64
# Upper bounds of one unit in days, so that the sum bounds the real length whatever the start date.
_UNIT_DAYS = {"years": 366, "months": 31, "weeks": 7, "days": 1, "hours": 1 / 24, "minutes": 1 / 1440}


class TimerOutOfRange(ValueError):
    """A timer's duration or date is outside what the platform allows; ``message`` is Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def timer_max_days() -> int:
    """The longest timer allowed, in days (``CONGSO_WORKFLOW_TIMER_MAX_DAYS``, default about 5 years)."""
    return int(getattr(settings, "CONGSO_WORKFLOW_TIMER_MAX_DAYS", DEFAULT_TIMER_MAX_DAYS))


def _out_of_range(text: str) -> TimerOutOfRange:
    return TimerOutOfRange(
        _("Hẹn giờ “%(text)s” vượt quá giới hạn cho phép (tối đa %(days)s ngày kể từ hiện tại).")
        % {"text": text[:TIMER_TEXT_MAX], "days": timer_max_days()}
    )


def _short(text: str) -> str:
    if len(text) > TIMER_TEXT_MAX:
        raise ValueError("timer text too long")
    return text


def parse_duration(text: str) -> dict:
    """An ISO 8601 duration (``PT4H``, ``P2D``) parsed by SpiffWorkflow, refused with ``TimerOutOfRange``
    when it is longer than ``timer_max_days`` (and with ``ValueError``/``Exception`` when malformed)."""
    parsed = TimerEventDefinition.parse_iso_duration(_short(text))
    seconds = parsed.get("seconds", 0)
    days = sum(value * _UNIT_DAYS[unit] for unit, value in parsed.items() if unit in _UNIT_DAYS)
    if days + seconds / 86400 > timer_max_days():
        raise _out_of_range(text)
    return parsed


def parse_timer_date(text: str, now: datetime | None = None) -> datetime:
    """An ISO 8601 date-time; a value without offset is read in the platform's time zone. Refused with
    ``TimerOutOfRange`` when it is more than ``timer_max_days`` before or after ``now``."""
    try:
        value = datetime.fromisoformat(_short(text))
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        value = value.astimezone(UTC)
        distance = abs(value - (now or now_utc()))
    except OverflowError:  # year 1 or 9999 with an offset: beyond what datetime can hold
        raise _out_of_range(text) from None
    if distance > timedelta(days=timer_max_days()):
        raise _out_of_range(text)
    return value


def duration_end(text: str, start: datetime) -> datetime:
    parsed = parse_duration(text)
    return start + TimerEventDefinition.get_timedelta_from_start(parsed, start)


def _timer_moment(task, expression: str, compute) -> str:
    """The due moment of a timer task, computed once; a value out of range stops the step with a
    message (the instance goes to the error state that process monitoring shows)."""
    try:
        return compute(timer_text(expression, task.data)).isoformat()
    except TimerOutOfRange as exc:
        raise StepFailure(exc.message, task.task_spec.name) from exc


class ClockDateTimer(TimeDateEventDefinition):
    """A ``timeDate`` timer that fires once the platform clock passes the date."""

    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = _timer_moment(my_task, self.expression, parse_timer_date)
            my_task._set_internal_data(event_value=event_value)
        if datetime.fromisoformat(event_value) <= now_utc():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockDurationTimer(DurationTimerEventDefinition):
    """A ``timeDuration`` timer (calendar time, not working hours) measured on the platform clock."""

    def has_fired(self, my_task):
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = _timer_moment(my_task, self.expression, lambda text: duration_end(text, now_utc()))
            my_task._set_internal_data(event_value=event_value)
        if datetime.fromisoformat(event_value) <= now_utc():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


CLOCK_TIMERS = (ClockDateTimer, ClockDurationTimer)


class _ClockTimerParsing:
    def parse_timer_event(self, event):
        description = self.get_event_description(event)
        name = self.node.get("name", self.node.get("id"))
        time_date = first(self.xpath(".//bpmn:timeDate"))
        if time_date is not None:
            return ClockDateTimer(name, (time_date.text or "").strip(), description=description)
        time_duration = first(self.xpath(".//bpmn:timeDuration"))
        if time_duration is not None:
            return ClockDurationTimer(name, (time_duration.text or "").strip(), description=description)
        raise ValidationException(
            "Only timeDate and timeDuration timers are supported", node=self.node, file_name=self.filename
        )


class ClockBoundaryEventParser(_ClockTimerParsing, BoundaryEventParser):
    pass


class ClockIntermediateCatchEventParser(_ClockTimerParsing, IntermediateCatchEventParser):
    pass


# --- Service tasks call named platform actions ------------------------------------------------------


class CongsoServiceTask(ServiceTaskMixin, BpmnSpecMixin):
    """A service task that calls ``actions.platform_actions[action](context, params)``."""

    def __init__(self, wf_spec, bpmn_id, action="", params=None, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.action = action
        self.params = dict(params or {})

    def _execute(self, task):
        engine = task.workflow.script_engine
        if not isinstance(engine, SafeScriptEngine):
            raise StepFailure(
                _("Bước tự động chỉ chạy được trong bộ máy quy trình của hệ thống."),
                self.bpmn_id or self.name,
            )
        result = engine.run_action(task, self.action, dict(self.params))
        if result:
            task.data.update(result)
        return True


class CongsoServiceTaskParser(TaskParser):
    def create_task(self):
        properties = conventions.read_properties(self.node)
        return self.spec_class(
            self.spec,
            self.bpmn_id,
            action=conventions.service_action_name(self.node, properties),
            params=conventions.action_params(properties),
            **self.bpmn_attributes,
        )


class CongsoServiceTaskConverter(BpmnTaskSpecConverter):
    def to_dict(self, spec):
        dct = self.get_default_attributes(spec)
        dct["action"] = spec.action
        dct["params"] = spec.params
        return dct


# --- Plain tasks and inclusive gateways as BPMN says --------------------------------------------------


class PassThroughTask(NoneTask):
    """A plain ``bpmn:task``: an abstract task with no performer, completed as soon as it is reached.

    SpiffWorkflow makes it a manual task, which congso would show to nobody (no lane role, no
    ``allottedHours`` are required for it), so the dossier would wait for ever."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


# The condition of an inclusive gateway's outgoing flow drawn without one: the safe language's "true".
ALWAYS = "true"


class InclusiveGatewayParser(ConditionalGatewayParser):
    """Connects an outgoing flow without a condition (and not the default) as one that always holds, so it
    is taken with every other flow whose condition holds; the default flow stays for when none is taken."""

    def connect_outgoing(self, outgoing_task, sequence_flow_node, is_default):
        condition = self.parse_condition(sequence_flow_node)
        if is_default or (condition is not None and condition.strip()):
            super().connect_outgoing(outgoing_task, sequence_flow_node, is_default)
        else:
            self.task.connect_outgoing_if(ALWAYS, outgoing_task)


class CongsoBpmnParser(BpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        full_tag("task"): (TaskParser, PassThroughTask),
        full_tag("inclusiveGateway"): (InclusiveGatewayParser, InclusiveGateway),
        full_tag("serviceTask"): (CongsoServiceTaskParser, CongsoServiceTask),
        full_tag("boundaryEvent"): (ClockBoundaryEventParser, BoundaryEvent),
        full_tag("intermediateCatchEvent"): (ClockIntermediateCatchEventParser, IntermediateCatchEvent),
    }


@lru_cache(maxsize=1)
def bpmn_schema_validator() -> BpmnValidator:
    """SpiffWorkflow's validator of the BPMN 2.0 XML schema (loading the XSD is slow: once per process)."""
    return BpmnValidator()


# --- The safe script engine -----------------------------------------------------------------------------


class SafeEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates expressions with ``expressions``; scripts and service calls are refused."""

    def evaluate(self, expression, context, external_context=None):
        data = dict(context or {})
        if external_context:
            for key, value in external_context.items():
                data.setdefault(key, value)
        return expressions.evaluate(expression, data)

    def execute(self, script, context, external_context=None):
        raise StepFailure(
            _("Quy trình không được chứa kịch bản (script); hãy dùng bước tự động gọi thao tác.")
        )

    def call_service(self, context, **kwargs):
        raise StepFailure(
            _("Quy trình không được gọi dịch vụ ngoài trực tiếp; hãy dùng thao tác đã đăng ký.")
        )


class SafeScriptEngine(PythonScriptEngine):
    """The only script engine congso gives SpiffWorkflow.

    ``runtime`` (optional) is the object that runs platform actions for service tasks:
    ``runtime.run_action(task, name, params) -> dict | None``.
    """

    def __init__(self, runtime=None):
        super().__init__(environment=SafeEnvironment())
        self.runtime = runtime

    def validate(self, expression):
        expressions.compile_expression(expression)

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except expressions.ExpressionError as exc:
            raise StepFailure(
                _("Không tính được biểu thức “%(expr)s” ở bước %(step)s: %(reason)s")
                % {"expr": str(expression)[:120], "step": task.task_spec.name, "reason": exc.message},
                task.task_spec.name,
            ) from exc

    def execute(self, task, script, external_context=None):
        raise StepFailure(
            _("Quy trình không được chứa kịch bản (script); hãy dùng bước tự động gọi thao tác."),
            task.task_spec.name,
        )

    def call_service(self, task, **kwargs):
        raise StepFailure(
            _("Quy trình không được gọi dịch vụ ngoài trực tiếp; hãy dùng thao tác đã đăng ký."),
            task.task_spec.name,
        )

    def run_action(self, task, name: str, params: dict):
        if self.runtime is None:
            raise StepFailure(
                _("Không có ngữ cảnh hồ sơ để chạy thao tác “%(name)s”.") % {"name": name},
                task.task_spec.name,
            )
        return self.runtime.run_action(task, name, params)


# --- Serializer ---------------------------------------------------------------------------------------------

_CONFIG = dict(DEFAULT_CONFIG)
_CONFIG[CongsoServiceTask] = CongsoServiceTaskConverter
_CONFIG[PassThroughTask] = BpmnTaskSpecConverter
_CONFIG[ClockDateTimer] = TimerConditionalEventDefinitionConverter
_CONFIG[ClockDurationTimer] = TimerConditionalEventDefinitionConverter

SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))
