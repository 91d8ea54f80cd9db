"""Officers' work items: the list of steps waiting for the signed-in officer and the page of one step,
where they read the dossier's summary and complete the step. Mounted by the project at
``/can-bo/cong-viec/`` with the namespace ``workflow_tasks`` (``task_urls``).

Who sees what:

- the list shows what ``inbox.open_items_for`` gives the officer: items of a role they hold at that
  agency today, or named to them;
- a step page exists for the officer only if the item is theirs (named to them or completed by them) or
  belongs to an agency where they hold a role; any other item answers 404, so item numbers of other
  agencies reveal nothing;
- completing an open step needs ``engine.may_perform`` (the step's role at its agency, or the named
  person): others of the same agency get the 403 page with the reason; a done or cancelled step is shown
  read-only;
- the dossier's summary comes from ``dossiers.services.get_visible``: an officer who may not view the
  dossier (e.g. a clerk of a branch agency) sees the step without it.

The form of a step follows its BPMN user task's properties (``services.step_fields``: ``fields``,
``label.<name>``, ``decision=approve``); a POST goes to ``services.complete`` and its errors come back
on the form. Plain HTML forms: everything works without JavaScript.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congso.workspace.permissions import workspace_required

from . import engine, inbox, services, step_forms
from .models import WorkItem, WorkItemKind

DATE_INPUT_FORMATS = ["%d/%m/%Y"]
TEXT_MAX = 500
LONG_TEXT_MAX = 4000
INT_LIMIT = 10**12


# --- Forms ------------------------------------------------------------------------------------------


def _required_message(label) -> dict:
    return {"required": _("Vui lòng trả lời mục “%(label)s”.") % {"label": label}}


def _form_field(spec: services.StepField) -> forms.Field:
    messages_ = _required_message(spec.label)
    common = {"label": spec.label, "required": spec.required, "error_messages": messages_}
    if spec.kind in ("choice", "decision"):
        return forms.ChoiceField(choices=list(spec.choices), widget=forms.RadioSelect, **common)
    if spec.kind == "bool":
        return forms.BooleanField(label=spec.label, required=False)
    if spec.kind == "int":
        messages_["invalid"] = _("Mục “%(label)s” phải là một số nguyên.") % {"label": spec.label}
        return forms.IntegerField(
            min_value=-INT_LIMIT,
            max_value=INT_LIMIT,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--medium"}),
            **common,
        )
    if spec.kind == "date":
        messages_["invalid"] = _(
            "Mục “%(label)s” phải là một ngày dạng ngày/tháng/năm, ví dụ 27/03/2026."
        ) % {"label": spec.label}
        return forms.DateField(
            input_formats=DATE_INPUT_FORMATS,
            widget=forms.TextInput(attrs={"class": "input--medium", "placeholder": "dd/mm/yyyy"}),
            **common,
        )
    if spec.kind == "text":
        return forms.CharField(max_length=TEXT_MAX, **common)
    return forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), **common)


def _reason_for_refusal(form) -> dict:
    """A review answered "Không đồng ý" must say why: the step goes back to whoever did the previous one,
    who otherwise would not know what to redo."""
    cleaned = forms.Form.clean(form)
    if (
        cleaned.get(step_forms.DECISION_FIELD) == "false"
        and not (cleaned.get(step_forms.NOTE_FIELD) or "").strip()
    ):
        form.add_error(
            step_forms.NOTE_FIELD,
            _("Khi không đồng ý, hãy ghi rõ lý do để người xử lý bước trước biết cần làm lại gì."),
        )
    return cleaned


def step_form_class(fields: list[services.StepField]) -> type[forms.Form]:
    """A Django form with one field per ``StepField``, in order."""
    attributes = {spec.name: _form_field(spec) for spec in fields}
    names = {spec.name for spec in fields}
    if {step_forms.DECISION_FIELD, step_forms.NOTE_FIELD} <= names:
        attributes["clean"] = _reason_for_refusal
    return type("StepForm", (forms.Form,), attributes)


def step_data(fields: list[services.StepField], cleaned: dict) -> dict:
    """The cleaned form as the step's JSON data: booleans for decisions and tick boxes, ISO dates,
    a list of non-empty lines for ``list``, ``None`` for an optional question left unanswered."""
    data = {}
    for spec in fields:
        value = cleaned.get(spec.name)
        if spec.kind == "decision":
            value = {"true": True, "false": False}.get(value)
        elif spec.kind == "date":
            value = value.isoformat() if value else None
        elif spec.kind == "list":
            value = [line.strip() for line in (value or "").splitlines() if line.strip()]
        elif spec.kind in ("choice", "int"):
            value = value if value not in ("", None) else None
        elif spec.kind in ("text", "textarea"):
            value = (value or "").strip()
        data[spec.name] = value
    return data


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Việc đã làm để đôn đốc"),
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Helpers ----------------------------------------------------------------------------------------


def _load(request, pk) -> WorkItem:
    """The item ``pk`` if it concerns the signed-in officer (see the module docstring), else 404."""
    item = (
        WorkItem.objects.select_related(
            "instance__process_version__definition",
            "agency",
            "assigned_user",
            "completed_by",
            "escalation_of",
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    user = request.user
    own_agencies = {m.agency_id for m in request.officer.memberships}
    if user.pk not in (item.assigned_user_id, item.completed_by_id) and item.agency_id not in own_agencies:
        raise Http404
    return item


def _refusal(request, item: WorkItem):
    reason = _("Bước “%(step)s” tại %(agency)s không được giao cho bạn.") % {
        "step": item.label,
        "agency": item.agency,
    }
    return render(request, "403.html", {"reason": reason}, status=403)


def _dossier_for(request, item: WorkItem):
    from congso.dossiers import services as dossier_services

    try:
        return dossier_services.get_visible(request.user, item.instance.dossier_id)
    except dossier_services.Dossier.DoesNotExist:
        return None


def _role_label(item: WorkItem) -> str:
    from congso.agencies.models import Role

    return str(Role(item.role).label) if item.role in Role.values else ""


def _render(request, item, *, form=None, fields=None, form_error=None, status=200):
    dossier = _dossier_for(request, item)
    history = []
    if dossier is not None:
        history = [i for i in inbox.items_of_dossier(dossier) if i.kind == WorkItemKind.TASK]
    context = {
        "item": item,
        "dossier": dossier,
        "role_label": _role_label(item),
        "overdue": item.is_open and item.due_at < timezone.now(),
        # The step's deadline is capped at the dossier's appointment (engine.open_work_item): say so,
        # or "16 working hours" beside a deadline the same afternoon reads as a mistake.
        "capped": bool(
            dossier is not None and item.allotted_hours and dossier.due_at and item.due_at == dossier.due_at
        ),
        "form": form,
        "rows": [{"field": form[spec.name], "kind": spec.kind} for spec in fields or ()],
        "form_error": form_error,
        "history": history,
        "process": item.instance.process_version,
    }
    return render(request, "workflow/task_detail.html", context, status=status)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Views ------------------------------------------------------------------------------------------


@workspace_required
def inbox_view(request):
    """The officer's open work items, most urgent first, one page at a time (``?sau=<cursor>``)."""
    page = inbox.open_items_for(request.user, after=request.GET.get("sau") or None)
    now = timezone.now()
    rows = [{"item": item, "overdue": item.due_at < now} for item in page.items]
    return render(
        request,
        "workflow/task_list.html",
        {"rows": rows, "next_cursor": page.next_cursor, "first_page": not request.GET.get("sau")},
    )


@workspace_required
@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    """One work item: the dossier's summary, the step, its time, and the form to complete it."""
    item = _load(request, pk)
    may = engine.may_perform(request.user, item)
    if item.is_open and not may:
        return _refusal(request, item)
    if item.kind == WorkItemKind.ESCALATION:
        return _escalation(request, item)
    if not item.is_open:
        if request.method == "POST":
            messages.warning(request, _("Bước này đã được xử lý hoặc đã hủy; không cần xử lý nữa."))
            return redirect("workflow_tasks:detail", pk=item.pk)
        return _render(request, item)
    try:
        fields = services.step_fields(item)
    except services.WorkflowError as exc:
        return _render(request, item, form_error=_error_text(exc))
    form_class = step_form_class(fields)
    if request.method != "POST":
        return _render(request, item, form=form_class(), fields=fields)
    form = form_class(request.POST)
    if not form.is_valid():
        return _render(request, item, form=form, fields=fields, status=400)
    try:
        opened = services.complete(item, request.user, step_data(fields, form.cleaned_data))
    except PermissionDenied as exc:
        return render(request, "403.html", {"reason": str(exc)}, status=403)
    except ValidationError as exc:  # WorkflowError and the dossier block's errors
        form.add_error(None, _error_text(exc))
        return _render(request, item, form=form, fields=fields, status=400)
    _announce(request, item, opened)
    return redirect("workflow_tasks:inbox")


def _announce(request, item: WorkItem, opened: list[WorkItem]) -> None:
    text = _("Đã hoàn thành bước “%(step)s”.") % {"step": item.label}
    if opened:
        text += " " + _("Bước tiếp theo: %(steps)s.") % {
            "steps": "; ".join(f"{i.label} ({i.agency})" for i in opened)
        }
    messages.success(request, text)


def _escalation(request, item: WorkItem):
    if not item.is_open or request.method != "POST":
        return _render(request, item, form=AcknowledgeForm() if item.is_open else None)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _render(request, item, form=form, status=400)
    try:
        services.acknowledge_escalation(item, request.user, form.cleaned_data["note"])
    except PermissionDenied as exc:
        return render(request, "403.html", {"reason": str(exc)}, status=403)
    except ValidationError as exc:
        form.add_error(None, _error_text(exc))
        return _render(request, item, form=form, status=400)
    messages.success(request, _("Đã xác nhận việc đôn đốc “%(step)s”.") % {"step": item.label})
    return redirect(reverse("workflow_tasks:inbox"))


__all__ = ["detail", "inbox_view", "step_data", "step_form_class"]
