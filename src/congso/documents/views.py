"""The documents pages: the incoming and outgoing registers with search, a document's page with the
actions its reader may take, the forms behind them, file downloads, and the public page that verifies a
signed PDF. Every action goes through ``documents.services``; permissions are ``documents.permissions``.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.agencies import services as agencies
from congso.core import audit, ratelimit
from congso.core.inbound import row_id
from congso.core.net import client_address
from congso.workspace.permissions import workspace_required

from . import chain_forms, chains, forms, permissions, services, signing
from .models import Attachment, IncomingDocument, OutgoingDocument

PAGE_SIZE = 25


def _agencies(user):
    return [a for a in agencies.agencies_for(user) if permissions.works_with_documents(user, a)]


def _agency(request):
    """The agency whose registers the page shows: ``?co_quan=<id>`` among the officer's, else the first."""
    choices = _agencies(request.user)
    if not choices:
        raise PermissionDenied(_("Bạn không làm công tác văn bản ở cơ quan nào."))
    wanted = request.GET.get("co_quan", "")
    for agency in choices:
        if str(agency.pk) == wanted:
            return agency, choices
    return choices[0], choices


def _search(request, queryset):
    form = forms.SearchForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        queryset = services.search(
            queryset,
            text=data["q"],
            document_type=data["loai"],
            date_from=data["tu_ngay"],
            date_to=data["den_ngay"],
        )
    return form, queryset


@workspace_required
def documents_home(request):
    """/can-bo/van-ban/, the parent of the documents pages: the incoming register, which every officer
    who works with documents may read (the clerk's daily page). The same refusal as the registers for an
    officer who works with documents nowhere; the agency chosen with ``?co_quan=`` is kept."""
    agency, choices = _agency(request)
    target = reverse("documents:incoming_register")
    if len(choices) > 1:
        target += "?" + urlencode({"co_quan": agency.pk})
    return redirect(target)


@workspace_required
def incoming_register(request):
    agency, choices = _agency(request)
    form, queryset = _search(request, services.incoming_for(request.user, agency))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/incoming_register.html",
        {
            "agency": agency,
            "agencies": choices,
            "form": form,
            "page_obj": page,
            "can_register": permissions.can_register_incoming(request.user, agency),
        },
    )


@workspace_required
def outgoing_register(request):
    agency, choices = _agency(request)
    form, queryset = _search(request, services.outgoing_for(request.user, agency))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/outgoing_register.html",
        {
            "agency": agency,
            "agencies": choices,
            "form": form,
            "page_obj": page,
            "can_draft": permissions.can_draft(request.user, agency),
        },
    )


@workspace_required
def incoming_new(request):
    agency, _choices = _agency(request)
    if not permissions.can_register_incoming(request.user, agency):
        raise PermissionDenied(_("Chỉ văn thư của cơ quan được vào sổ văn bản đến."))
    form = forms.IncomingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.register_incoming(agency=agency, by=request.user, **data)
        except services.DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Đã vào sổ văn bản đến số %(number)s.") % {"number": document.arrival_number}
            )
            return redirect("documents:incoming", document.pk)
    return render(request, "documents/incoming_form.html", {"form": form, "agency": agency})


def _incoming(request, pk) -> IncomingDocument:
    document = get_object_or_404(IncomingDocument.objects.select_related("agency", "register"), pk=pk)
    if not permissions.can_view_incoming(request.user, document):
        raise Http404
    return document


def _staff(agency):
    return agencies.staff_of(agency, ["specialist", "leader", "clerk"])


@workspace_required
def incoming_detail(request, pk):
    document = _incoming(request, pk)
    audit.record("documents.incoming.read", document)
    user = request.user
    context = {
        "document": document,
        "assignments": document.assignments.select_related("assignee", "assigned_by", "unit"),
        "log": document.log.select_related("actor"),
        "attachments": document.attachments.all(),
        "replies": document.replies.all(),
        "can_assign": permissions.can_assign(user, document),
        "can_handle": permissions.can_handle(user, document),
        "can_reply": permissions.can_handle(user, document) and permissions.can_draft(user, document.agency),
        "can_answer_recall": permissions.can_answer_recall(user, document),
        "envelope_signer": services.envelope_signer(document),
    }
    if context["can_assign"]:
        context["assign_form"] = forms.AssignForm(staff=_staff(document.agency))
    if context["can_handle"]:
        context["note_form"] = forms.NoteForm()
    return render(request, "documents/incoming_detail.html", context)


@workspace_required
@require_POST
def incoming_assign(request, pk):
    document = _incoming(request, pk)
    staff = {person.pk: person for person in _staff(document.agency)}
    form = forms.AssignForm(request.POST, staff=staff.values())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assign(
                document,
                by=request.user,
                assignee=staff[data["assignee"]],
                cooperating=[staff[pk] for pk in data["cooperating"] if pk != data["assignee"]],
                deadline=data["deadline"],
                opinion=data["opinion"],
            )
            messages.success(request, _("Đã phân công xử lý."))
        except services.DocumentError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Thông tin phân công chưa hợp lệ: %(errors)s") % {"errors": _errors(form)})
    return redirect("documents:incoming", document.pk)


def _errors(form) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
    )


@workspace_required
@require_POST
def incoming_handle(request, pk):
    document = _incoming(request, pk)
    form = forms.NoteForm(request.POST)
    done = request.POST.get("action") == "complete"
    if not form.is_valid() and not done:
        messages.error(request, _("Cần ghi nội dung xử lý."))
        return redirect("documents:incoming", document.pk)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    try:
        if done:
            services.complete(document, by=request.user, note=note)
            messages.success(request, _("Đã hoàn thành xử lý văn bản."))
        else:
            services.record_progress(document, by=request.user, note=note)
            messages.success(request, _("Đã ghi tiến độ xử lý."))
    except services.DocumentError as exc:
        messages.error(request, str(exc))
    return redirect("documents:incoming", document.pk)


@workspace_required
def outgoing_new(request):
    agency, _choices = _agency(request)
    if not permissions.can_draft(request.user, agency):
        raise PermissionDenied(_("Bạn không có quyền soạn văn bản của cơ quan này."))
    reply_to = None
    if request.GET.get("tra_loi"):
        # Not a document's id (a date, "²", twenty digits): no such document, never a server error.
        reply_to = _incoming(request, row_id(request.GET["tra_loi"]) or 0)
        agency = reply_to.agency
    form = forms.DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.draft_outgoing(
                agency=agency, by=request.user, reply_to=reply_to, **form.cleaned_data
            )
        except services.DocumentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã tạo dự thảo."))
            return redirect("documents:outgoing", document.pk)
    return render(
        request, "documents/outgoing_form.html", {"form": form, "agency": agency, "reply_to": reply_to}
    )


def _outgoing(request, pk) -> OutgoingDocument:
    document = get_object_or_404(OutgoingDocument.objects.select_related("agency", "register"), pk=pk)
    if not permissions.can_view_outgoing(request.user, document):
        raise Http404
    return document


def _agency_choices(document):
    return [
        (a.pk, f"{a.name} ({a.code})") for a, _depth in agencies.agency_tree() if a.pk != document.agency_id
    ]


@workspace_required
def outgoing_detail(request, pk):
    document = _outgoing(request, pk)
    audit.record("documents.outgoing.read", document)
    user = request.user
    can_edit = permissions.can_edit_draft(user, document)
    context = {
        "document": document,
        "approvals": document.approvals.select_related("approver"),
        "recipients": document.recipients.select_related("agency"),
        "log": document.log.select_related("actor"),
        "attachments": document.attachments.all(),
        "can_edit": can_edit,
        "can_decide": permissions.can_decide(user, document),
        "can_sign": permissions.can_sign(user, document),
        "can_issue": permissions.can_issue(user, document),
        "can_dispatch": permissions.can_dispatch(user, document),
        "can_recall": permissions.can_recall(user, document),
    }
    if can_edit:
        context["edit_form"] = forms.DraftForm(
            initial={f: getattr(document, f) for f in forms.DraftForm.base_fields}
        )
        context["recipients_form"] = forms.RecipientsForm(
            agency_choices=_agency_choices(document),
            initial={
                "agencies": [r.agency_id for r in context["recipients"] if r.agency_id],
                "others": "\n".join(r.name for r in context["recipients"] if not r.organ_code),
                "remote": "\n".join(
                    f"{r.organ_code}; {r.name}"
                    for r in context["recipients"]
                    if r.organ_code and not r.agency_id
                ),
            },
        )
        context.update(_submit_context(document, user))
    if context["can_decide"]:
        context["decision_form"] = forms.DecisionForm()
    return render(request, "documents/outgoing_detail.html", context)


def _submit_context(document, user) -> dict:
    """The submit form: the configured chain's open choices, or the free choice of approvers."""
    leaders = agencies.staff_of(document.agency, ["leader"])
    plan = chains.plan_of(document)
    if plan is None:
        people = _staff(document.agency)
        return {
            "submit_form": forms.SubmitForm(
                reviewers=[p for p in people if p.pk != user.pk], leaders=leaders
            ),
            "planned_steps": None,
        }
    rows = chains.planned_steps(document, plan)
    return {
        "submit_form": chain_forms.ChainSubmitForm(rows=rows, leaders=None if plan["signer"] else leaders),
        "planned_steps": rows,
    }


def _submit(request, document) -> None:
    leaders = {p.pk: p for p in agencies.staff_of(document.agency, ["leader"])}
    plan = chains.plan_of(document)
    if plan is not None:
        rows = chains.planned_steps(document, plan)
        form = chain_forms.ChainSubmitForm(
            request.POST, rows=rows, leaders=None if plan["signer"] else leaders
        )
        if not form.is_valid():
            raise services.DocumentError(_("Luồng duyệt chưa hợp lệ: %(errors)s") % {"errors": _errors(form)})
        services.submit_for_approval(
            document, by=request.user, picks=form.picks(), signer=leaders.get(form.cleaned_data.get("signer"))
        )
        return
    people = {p.pk: p for p in _staff(document.agency)}
    form = forms.SubmitForm(request.POST, reviewers=people.values(), leaders=leaders.values())
    if not form.is_valid():
        raise services.DocumentError(_("Luồng duyệt chưa hợp lệ: %(errors)s") % {"errors": _errors(form)})
    services.submit_for_approval(
        document,
        by=request.user,
        approvers=[people[pk] for pk in form.cleaned_data["approvers"]],
        signer=people[form.cleaned_data["signer"]],
    )


@workspace_required
@require_POST
def outgoing_action(request, pk, action):
    document = _outgoing(request, pk)
    user = request.user
    try:
        if action == "sua":
            form = forms.DraftForm(request.POST)
            if not form.is_valid():
                raise services.DocumentError(_("Dự thảo chưa hợp lệ: %(errors)s") % {"errors": _errors(form)})
            services.update_draft(document, by=user, **form.cleaned_data)
            messages.success(request, _("Đã lưu dự thảo."))
        elif action == "noi-nhan":
            form = forms.RecipientsForm(request.POST, agency_choices=_agency_choices(document))
            if not form.is_valid():
                raise services.DocumentError(
                    _("Nơi nhận chưa hợp lệ: %(errors)s") % {"errors": _errors(form)}
                )
            chosen = agencies.agencies_by_name(form.cleaned_data["agencies"])
            items = [{"agency": a} for a in chosen]
            items += [{"name": line} for line in form.cleaned_data["others"].splitlines() if line.strip()]
            items += form.cleaned_data["remote"]
            services.set_recipients(document, by=user, recipients=items)
            messages.success(request, _("Đã lưu nơi nhận."))
        elif action == "trinh":
            _submit(request, document)
            messages.success(request, _("Đã trình duyệt."))
        elif action == "duyet":
            form = forms.DecisionForm(request.POST)
            if not form.is_valid():
                raise services.DocumentError(_("Cần chọn đồng ý hoặc trả lại."))
            approve = form.cleaned_data["decision"] == "approve"
            services.decide(document, by=user, approve=approve, comment=form.cleaned_data["comment"])
            messages.success(request, _("Đã duyệt.") if approve else _("Đã trả lại người soạn thảo."))
        elif action == "ky":
            services.sign(document, by=user)
            messages.success(request, _("Đã ký duyệt văn bản; văn thư sẽ cấp số, đóng dấu và ban hành."))
        elif action == "ban-hanh":
            document = services.issue(document, by=user)
            messages.success(
                request, _("Đã ban hành văn bản số %(number)s.") % {"number": document.number_symbol}
            )
        elif action == "gui":
            services.dispatch(document, by=user)
            messages.success(request, _("Đã gửi văn bản đến nơi nhận."))
        else:
            raise Http404
    except services.DocumentError as exc:
        messages.error(request, str(exc))
    return redirect("documents:outgoing", document.pk)


@workspace_required
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("incoming", "outgoing"), pk=pk)
    if attachment.incoming is not None:
        allowed = permissions.can_view_incoming(request.user, attachment.incoming)
    else:
        allowed = permissions.can_view_outgoing(request.user, attachment.outgoing)
    if not allowed:
        raise Http404
    audit.record("documents.attachment.read", attachment)
    # A PDF is served as such; any other file (an attachment received in an edXML package) as bytes to
    # download, never with a type a browser would render.
    content_type = (
        "application/pdf" if attachment.content_type == "application/pdf" else "application/octet-stream"
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=download_name(attachment.name, attachment.content_type),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# What an official document's attachment may be saved as (Decree 30's formats and what agencies send with
# them). Any other extension a sender chose (.hta, .exe, .js, .lnk…) is not kept: the clerk's computer
# would run the file when it is opened.
DOCUMENT_EXTENSIONS = frozenset(
    ".pdf .doc .docx .odt .rtf .txt .xls .xlsx .ods .csv .ppt .pptx .odp .xml .jpg .jpeg .png .tif .tiff "
    ".zip .rar .7z .p7s .sig".split()
)


def download_name(name: str, content_type: str) -> str:
    """The name an attachment is saved under: the sender's base name with a PDF's own extension, or the
    sender's extension when it is a document format, else ``.bin``."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base, dot, extension = name.rpartition(".")
    base = (base if dot else name).strip(" .") or "tep-dinh-kem"
    extension = f".{extension.lower()}" if dot else ""
    if content_type == "application/pdf":
        extension = ".pdf"
    elif extension not in DOCUMENT_EXTENSIONS:
        extension = ".bin"
    return f"{base}{extension}"


VERIFY_LIMIT = 30  # verifications per address and hour: each one parses an untrusted PDF


def verify(request):
    """Anyone (citizen or officer) uploads a signed PDF and sees who signed it, when, whether it
    changed since and whether the certificate chains to a trusted root. Nothing is stored."""
    form = forms.VerifyForm(request.POST or None, request.FILES or None)
    reports = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if not ratelimit.take(
            "documents.verify", client_address(request) or "-", limit=VERIFY_LIMIT, window=3600
        ):
            form.add_error(None, _("Bạn đã kiểm tra quá nhiều tệp; vui lòng thử lại sau một giờ."))
        elif upload.size > services.MAX_UPLOAD_BYTES:
            form.add_error("file", _("Tệp vượt quá 20 MB."))
        else:
            try:
                reports = signing.verify_pdf(upload.read())
            except signing.VerificationError as exc:
                form.add_error("file", str(exc))
    return render(request, "documents/verify.html", {"form": form, "reports": reports})
