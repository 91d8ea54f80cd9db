"""The registry of named platform actions that service tasks call — never scripts.

A BPMN service task names an action with the extension property ``action`` (or Camunda's external
topic) and may give fixed text parameters as ``param.<name>`` properties. When the engine reaches the
task it calls ``platform_actions[name](context)``; what the action returns (a dict, or ``None``) is
merged into the workflow data.

An action acts **on the process's authority** (``context.authority``, a
``dossiers.process_authority.ProcessAuthority`` the engine issued for this dossier): the drawing decides that
the dossier moves here, and the engine has already checked that the officer who completed the step that
led to it was entitled to that step (``context.actor``), or the path was fired by a timer (``actor`` is
``None``). It changes the dossier only through ``dossiers.services``, which record the process as the
actor and that officer as the one whose step led there; the status machine still applies (a result
cannot be recorded for a dossier that is not in processing).

Each action may carry ``check_params(params) -> list[str]``, run at upload so a wrong parameter is
reported with its line. The actions:

``start_processing``       dossier 2→4 (``dossiers.services.start_processing``).
``request_supplement``     form 02 (``dossiers.services.request_supplement``); the items come from the
                           workflow data ``supplement_items`` (a list an officer filled in at the previous
                           step) or from ``param.items`` (separated by ``;``); the reason from
                           ``supplement_reason`` or ``param.reason``.
``issue_result``           dossier 4→9 (``dossiers.services.mark_result_ready``) with the note from the
                           data ``result_note`` or ``param.note`` (default: one that names no step —
                           the note is shown to the applicant).
``route_to_agency``        makes ``param.agency`` (an agency kind, ``receiving`` or an agency code, as in
                           lane names) the agency that lanes without ``@agency`` refer to from now on;
                           the hand-over itself is recorded by the engine when the next step opens there
                           (one mechanism for every hand-over — see ``engine``).
``send_official_document`` records the request for an official document (văn bản) — ``param.kind``,
                           ``param.subject``, optional ``param.agency`` — as the outbox event
                           ``workflow.document_requested``; the documents block will subscribe to it.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from congso.core import events
from congso.core.registry import Registry

from . import conventions

platform_actions = Registry("workflow actions")

# Key of the workflow data that belongs to the engine; officers may not submit it.
ENGINE_DATA_KEY = "congso"


@dataclass
class ActionContext:
    """What an action gets: the instance, its dossier, the officer whose step led here (or ``None``),
    the service task's BPMN id and label, its fixed parameters, a copy of the workflow data, and the
    process's authority over the dossier (``None`` only when an action is called outside the engine)."""

    instance: object
    dossier: object
    actor: object | None
    task_name: str
    label: str
    params: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    authority: object | None = None


class ActionRefused(Exception):
    """An action cannot run with what it was given; ``message`` is Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _dossier_services():
    from congso.dossiers import services

    return services


def _authority(ctx: ActionContext):
    if ctx.authority is None:
        raise ActionRefused(_("Thao tác này chỉ chạy được trong quy trình xử lý của hồ sơ."))
    return ctx.authority


def _split_items(text: str) -> list[str]:
    return [item.strip() for item in (text or "").split(";") if item.strip()]


@platform_actions("start_processing")
def start_processing(ctx: ActionContext):
    """Move the dossier from accepted to in processing."""
    _dossier_services().start_processing(ctx.dossier, authority=_authority(ctx))
    return None


@platform_actions("request_supplement")
def request_supplement(ctx: ActionContext):
    """Ask the applicant for a supplement (form 02)."""
    items = ctx.data.get("supplement_items")
    if isinstance(items, str):
        items = _split_items(items)
    if not items:
        items = _split_items(ctx.params.get("items", ""))
    if not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise ActionRefused(_("Chưa có danh sách giấy tờ cần bổ sung (trường supplement_items)."))
    reason = ctx.data.get("supplement_reason") or ctx.params.get("reason", "")
    _dossier_services().request_supplement(
        ctx.dossier, None, [i.strip() for i in items], str(reason), authority=_authority(ctx)
    )
    return None


@platform_actions("issue_result")
def issue_result(ctx: ActionContext):
    """Record that the dossier has its result."""
    # The note is the applicant's: the portal, the public status page and the result's notices show it.
    # The default names no step — a BPMN step is the office's inner working; officers see the steps in
    # the process's history and the control sheet.
    note = ctx.data.get("result_note") or ctx.params.get("note") or _("Đã có kết quả giải quyết.")
    _dossier_services().mark_result_ready(ctx.dossier, result_note=str(note), authority=_authority(ctx))
    return None


def _check_agency_param(params: dict, required: bool) -> list[str]:
    text = params.get("agency", "")
    if not text:
        return [_("Thiếu tham số param.agency (cơ quan nhận).")] if required else []
    try:
        conventions.parse_agency(text)
    except conventions.LaneError as exc:
        return [exc.message]
    return []


@platform_actions("route_to_agency")
def route_to_agency(ctx: ActionContext):
    """Make ``param.agency`` the agency the following lanes refer to."""
    from . import engine

    rule = conventions.parse_agency(ctx.params.get("agency", ""))
    agency = engine.resolve_agency(rule, ctx.dossier, ctx.data)
    state = dict(ctx.data.get(ENGINE_DATA_KEY) or {})
    state["routing_agency"] = agency.pk
    return {ENGINE_DATA_KEY: state}


route_to_agency.check_params = lambda params: _check_agency_param(params, required=True)


@platform_actions("send_official_document")
def send_official_document(ctx: ActionContext):
    """Publish ``workflow.document_requested`` (documents are handled by a later block)."""
    from . import engine

    to_agency = None
    if ctx.params.get("agency"):
        to_agency = engine.resolve_agency(
            conventions.parse_agency(ctx.params["agency"]), ctx.dossier, ctx.data
        )
    events.publish(
        "workflow.document_requested",
        {
            "dossier_id": ctx.dossier.pk,
            "dossier_code": ctx.dossier.code,
            "instance_id": ctx.instance.pk,
            "step": ctx.task_name,
            "step_label": ctx.label,
            "kind": ctx.params.get("kind", ""),
            "subject": ctx.params.get("subject", ""),
            "to_agency_code": to_agency.code if to_agency is not None else None,
            "requested_by": ctx.actor.pk if ctx.actor is not None else None,
        },
        aggregate=ctx.dossier,
    )
    return None


send_official_document.check_params = lambda params: _check_agency_param(params, required=False)
