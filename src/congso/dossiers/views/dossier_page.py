"""The dossier page as the back office sees it — summary, applicant, form answers, papers, history,
control sheet and the actions the officer may take — and its downloads: a paper's file, the PDF of a
standard form (01–06) the dossier produced, the control sheet (form 06) as XLSX. A dossier the officer
may not see is a 404 (its existence is not disclosed)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from congso import formengine
from congso.core import audit
from congso.workspace.permissions import workspace_required

from .. import deadlines, exports, extensions, files, inbox, services, standard_forms, states
from ..models import Channel, FormCode, PaperStage, ReturnMethod, Timeliness
from .actions import ACTIONS, ALLOWED, available_actions
from .common import get_visible, moment, pdf_response, visible_with_permissions, xlsx_response


def _form_answers(dossier):
    """The form data as questions and answers (through the form engine), or plain rows if the version's
    form can no longer be read."""
    version = dossier.procedure_version
    try:
        definition = formengine.build(version.form_schema, version.form_ui)
    except formengine.FormDefinitionError:
        definition = None
    if definition is not None:
        rows = []
        for step in definition.answers(dossier.form_data or {}):
            for group in step.groups:
                rows.extend(
                    {"heading": group.heading, "label": row.label, "value": row.value}
                    for row in group.rows
                    if row.answered
                )
        return rows
    return [
        {"heading": "", "label": key, "value": value}
        for key, value in sorted((dossier.form_data or {}).items())
    ]


def _produced_forms(dossier, changes, *, handed_over=None, extensions=None) -> list[dict]:
    """The standard forms produced for ``dossier`` (by code; one entry per extension letter), each with
    the link to its PDF. ``handed_over`` and ``extensions``: what the page has already read, if it has."""
    codes = {c.form_code for c in changes if c.form_code}
    if handed_over is None:
        handed_over = dossier.hand_overs.exists()
    if handed_over:
        codes.add(FormCode.CONTROL_SHEET)
    labels = dict(FormCode.choices)
    entries = []
    for code in sorted(codes):
        url = reverse("dossiers:form_pdf", args=[dossier.code, code])
        entries.append({"code": code, "label": labels.get(code, code), "url": url, "note": ""})
    if extensions is None:
        extensions = dossier.extensions.order_by("extended_at", "id")
    for extension in extensions:
        url = reverse("dossiers:form_pdf", args=[dossier.code, FormCode.APOLOGY_EXTENSION])
        entries.append(
            {
                "code": str(FormCode.APOLOGY_EXTENSION),
                "label": labels[FormCode.APOLOGY_EXTENSION],
                "url": f"{url}?lan={extension.pk}",
                "note": _("hẹn trả mới {due}").format(due=moment(extension.new_due_at)),
            }
        )
    return sorted(entries, key=lambda entry: entry["code"])


def _timeline_row(entry) -> dict:
    """A ``services.TimelineEntry`` with the lists of its detail pulled out (a template reading
    ``detail.items`` would get the dict's method)."""
    detail = entry.detail
    return {
        "entry": entry,
        "items": list(detail.get("items") or []),
        "reasons": list(detail.get("reasons") or []),
        "reason": detail.get("reason", ""),
    }


RESULT_TAGS = {
    Timeliness.EARLY: "early",
    Timeliness.ON_TIME: "ontime",
    Timeliness.LATE: "late",
}


@workspace_required
@require_GET
def detail(request, code):
    """The dossier page: summary, applicant, form, papers, history, control sheet and what can be done."""
    dossier, granted = visible_with_permissions(request.user, code)
    # A read of the applicant's personal data by an officer: logged (the citizen sees it under "who
    # used my data").
    audit.record("dossiers.view", dossier, actor=request.user)
    now = timezone.now()
    # The history, the control sheet and the produced forms show the same rows: read once.
    read = services.timeline_rows(dossier)
    changes, hand_overs, extensions_made = read["changes"], read["hand_overs"], read["extensions"]
    supplement, papers = services.supplement_and_papers(dossier)
    stage_labels = dict(PaperStage.choices)
    timeliness = dict(Timeliness.choices)
    produced = _produced_forms(dossier, changes, handed_over=bool(hand_overs), extensions=extensions_made)
    context = {
        "dossier": dossier,
        "status_label": states.status_label(dossier.status),
        "channel_label": dict(Channel.choices).get(dossier.channel, dossier.channel),
        "return_label": dict(ReturnMethod.choices).get(dossier.return_method, ""),
        "deadline": inbox.deadline_state(dossier, now, deadlines.at_risk_threshold(now)),
        "needs_apology": deadlines.needs_apology(dossier, now),
        "extend_url": reverse("dossiers:action", args=[dossier.code, "gia-han"])
        if ACTIONS["gia-han"].check(dossier, granted) == ALLOWED
        else "",
        "answers": _form_answers(dossier),
        "papers": [
            {
                "paper": p,
                "stage": stage_labels.get(p.stage, p.stage),
                "url": reverse("dossiers:paper", args=[dossier.code, p.pk]),
            }
            for p in papers
        ],
        "supplement": supplement,
        "timeline": sorted(
            [_timeline_row(entry) for entry in services.timeline(dossier, **read)]
            + [{"entry": note, "note": True} for note in extensions.timeline_notes(dossier)],
            key=lambda row: row["entry"].at,
        ),
        "hand_overs": [
            {"row": row, "result": timeliness.get(row.result, ""), "css": RESULT_TAGS.get(row.result, "")}
            for row in hand_overs
        ],
        "actions": [
            {"action": a, "url": reverse("dossiers:action", args=[dossier.code, a.slug])}
            for a in available_actions(request.user, dossier, granted)
        ],
        "forms_produced": produced,
        "receipt_url": next((e["url"] for e in produced if e["code"] == FormCode.RECEIPT), ""),
        "flow_url": extensions.process_url(dossier, request.user),
        "process_starting": extensions.process_start_pending(dossier),
        "work_inbox_url": extensions.to_do_url(),
        "extension_panels": extensions.dossier_panels(request, dossier),
        "control_sheet_xlsx": reverse("dossiers:control_sheet_xlsx", args=[dossier.code])
        if hand_overs
        else "",
        "timeliness_label": timeliness.get(dossier.timeliness, ""),
    }
    return render(request, "dossiers/detail.html", context)


@workspace_required
@require_GET
def paper(request, code, paper_id):
    """Download one file of a dossier the officer may see: always as an attachment, with the type found
    from its content and ``nosniff``, so the browser never runs it. Each download is audited."""
    dossier = get_visible(request.user, code)
    item = dossier.papers.filter(pk=paper_id).first()
    if item is None:
        raise Http404(_("Không tìm thấy giấy tờ."))
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp của giấy tờ này không còn trên máy chủ.")) from None
    audit.record(
        "dossiers.paper_download",
        dossier,
        actor=request.user,
        changes={"paper_id": item.pk, "name": item.name},
    )
    response = files.attachment_response(handle, item.original_name, item.content_type, f"giay-to-{item.pk}")
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@workspace_required
@require_GET
def form_pdf(request, code, form_code):
    """The PDF of a standard form (01–06) the dossier produced, for an officer who may see it; form 04
    takes the extension letter from ``?lan=<id>`` (the latest without it)."""
    dossier = get_visible(request.user, code)
    if form_code not in FormCode.values or form_code == FormCode.LOGBOOK:
        raise Http404(_("Không có mẫu phiếu này."))
    if form_code not in {entry["code"] for entry in _produced_forms(dossier, dossier.status_changes.all())}:
        raise Http404(_("Hồ sơ này chưa lập mẫu phiếu này."))
    extension = None
    if form_code == FormCode.APOLOGY_EXTENSION and request.GET.get("lan"):
        extension = dossier.extensions.filter(pk=_int(request.GET["lan"])).first()
        if extension is None:
            raise Http404(_("Không có văn bản gia hạn này."))
    try:
        content = standard_forms.render_form(
            dossier, form_code, base_url=request.build_absolute_uri("/"), extension=extension
        )
    except ValidationError as exc:  # FormNotAvailable, InvalidDossierInput
        raise Http404(" ".join(exc.messages)) from exc
    return pdf_response(content, f"mau-{form_code}-{dossier.code}.pdf")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@workspace_required
@require_GET
def control_sheet_xlsx(request, code):
    """The control sheet (form 06) of a dossier the officer may see, as XLSX."""
    dossier = get_visible(request.user, code)
    if not dossier.hand_overs.exists():
        raise Http404(_("Hồ sơ chưa có phiếu kiểm soát."))
    return xlsx_response(exports.control_sheet_xlsx(dossier), f"phieu-kiem-soat-{dossier.code}.xlsx")
