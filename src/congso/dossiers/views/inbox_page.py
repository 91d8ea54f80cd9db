"""The officer's inbox (hộp việc): their to-do ("Việc cần xử lý") — the dossiers' own queues and what
higher blocks add through ``dossiers.extensions`` (the processes' work items) — then the dossiers they
may see, filtered and read page by page with a keyset cursor (named queries of ``dossiers.inbox``)."""

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from congso.catalog import services as catalog
from congso.workspace.permissions import workspace_required

from .. import deadlines, extensions, forms, inbox
from ..models import Channel, Status
from .common import error_summary, moment
from .counter_intake import receive_agencies

INBOX_PAGE = inbox.DEFAULT_PAGE
WORK_ITEMS_SHOWN = 10


def officer_agencies(request):
    """The agencies whose dossiers the signed-in officer sees, from the memberships the workspace guard
    has read already."""
    ids = inbox.officer_agency_ids(request.user, request.officer.memberships)
    agencies = {m.agency.pk: m.agency for m in request.officer.memberships if m.agency_id in ids}
    return sorted(agencies.values(), key=lambda a: (a.name, a.pk))


PROCEDURE_CHOICES_MAX = 500


@dataclass(frozen=True)
class ProcedureChoice:
    pk: int
    code: str
    name: str


def _procedures_of(agencies):
    """The procedures in force the agencies implement, for the procedure filter, by code (from the
    catalogue's in-memory search index: no model loaded on every inbox page)."""
    return [ProcedureChoice(*row) for row in catalog.procedure_choices(agencies, PROCEDURE_CHOICES_MAX)]


def filter_form(request, agencies):
    data = request.GET if any(k in request.GET for k in forms.InboxFilterForm.base_fields) else None
    return forms.InboxFilterForm(data, agencies=agencies, procedures=_procedures_of(agencies))


@dataclass
class InboxRow:
    """One line of the inbox, its words and dates prepared here (the page is drawn on every load)."""

    dossier: inbox.ListedDossier
    url: str
    deadline: inbox.Deadline
    status_label: str
    channel_label: str
    received_text: str
    due_text: str
    # Read once here rather than through three or four lookups per cell by the template engine, which
    # tries a dictionary, an attribute and an index at every dot, fifty rows a page.
    code: str = ""
    procedure_name: str = ""
    applicant_name: str = ""
    deadline_class: str = "tag"


def inbox_rows(dossiers, now) -> list[InboxRow]:
    threshold = deadlines.at_risk_threshold(now)
    channels = {value: str(label) for value, label in Channel.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    base = reverse("dossiers:inbox")
    tz = timezone.get_current_timezone()
    rows = [
        InboxRow(
            dossier=d,
            url=f"{base}{d.code}/",
            deadline=inbox.deadline_state(d, now, threshold),
            status_label=statuses.get(d.status, str(d.status)),
            channel_label=channels.get(d.channel, d.channel),
            received_text=moment(d.received_at or d.submitted_at, tz),
            due_text=moment(d.due_at, tz),
            code=d.code,
            procedure_name=d.procedure_name,
            applicant_name=d.applicant_name,
        )
        for d in dossiers
    ]
    for row in rows:
        row.deadline_class = f"tag tag--{row.deadline.css}" if row.deadline.css else "tag"
    return rows


def column_labels() -> dict[str, str]:
    """The dossier list's column names: its header, and each cell's ``data-label`` (on a phone the table
    stacks, and every value is shown beside its column's name)."""
    return {
        "code": _("Mã hồ sơ"),
        "procedure": _("Thủ tục"),
        "applicant": _("Người nộp"),
        "status": _("Trạng thái"),
        "received": _("Ngày nhận"),
        "due": _("Hẹn trả"),
        "deadline": _("Thời hạn"),
        "channel": _("Kênh nộp"),
    }


_ROW_HTML = (
    '<tr><td class="cell-code" data-label="{l_code}"><a href="{url}">{code}</a></td>'
    '<td class="cell-name" data-label="{l_procedure}">'
    '<span class="clamp-2" title="{procedure}">{procedure}</span></td>'
    '<td data-label="{l_applicant}">{applicant}</td>'
    '<td data-label="{l_status}">{status}</td>'
    '<td data-label="{l_received}">{received}</td>'
    '<td data-label="{l_due}">{due}</td>'
    '<td data-label="{l_deadline}"><span class="{deadline_class}">{deadline}</span></td>'
    '<td class="col-optional" data-label="{l_channel}">{channel}</td></tr>'
)


def _escaped_labels(labels: dict[str, str]) -> dict[str, str]:
    """A table's column names, escaped once per page, as the row templates' ``{l_<column>}`` fields."""
    return {f"l_{key}": escape(str(label)) for key, label in labels.items()}


def rows_html(rows: list[InboxRow], labels: dict[str, str]) -> str:
    """The list's rows as HTML, every value escaped. Written here rather than in the template: the
    template engine spends about 6 µs on each value it prints, and a page of fifty rows of eight cells,
    each with its label, prints some 1,200 of them — a third of the page's CPU. ``html.escape`` (quotes
    too) rather than Django's ``format_html``, whose lazy-string checks cost as much again per value."""
    column = _escaped_labels(labels)
    lines = [
        _ROW_HTML.format(
            **column,
            url=escape(row.url),
            code=escape(row.code),
            procedure=escape(row.procedure_name),
            applicant=escape(row.applicant_name),
            status=escape(row.status_label),
            received=escape(row.received_text),
            due=escape(row.due_text or "—"),
            deadline_class=escape(row.deadline_class),
            deadline=escape(str(row.deadline.label)),
            channel=escape(row.channel_label),
        )
        for row in rows
    ]
    return mark_safe("\n".join(lines))  # noqa: S308 -- every value in it went through escape() above


_WORK_ITEM_HTML = (
    '<tr><td data-label="{l_task}">{label}</td>'
    '<td data-label="{l_dossier}">{dossier}</td>'
    '<td data-label="{l_agency}">{agency}</td>'
    '<td data-label="{l_due}">{due}{late}</td></tr>'
)


def work_item_labels() -> dict[str, str]:
    """The to-do table's column names: its header, and each cell's ``data-label``."""
    return {"task": _("Việc"), "dossier": _("Hồ sơ"), "agency": _("Cơ quan"), "due": _("Hạn xử lý")}


def _link(url: str, text: str, css: str = "") -> str:
    if not url:
        return escape(text)
    css = f' class="{css}"' if css else ""
    return f'<a{css} href="{escape(url)}">{escape(text)}</a>'


def work_items_html(items: list[dict], labels: dict[str, str]) -> str:
    """The to-do's rows as HTML, every value escaped: written here for the reason given in
    ``rows_html`` (ten rows of four cells, each with its label and links, drawn on every inbox load)."""
    column = _escaped_labels(labels)
    late = f' <span class="tag tag--late">{escape(_("Quá hạn"))}</span>'
    lines = [
        _WORK_ITEM_HTML.format(
            **column,
            label=_link(item["url"], str(item["label"])),
            dossier=_link(item["dossier_url"], item["dossier"].code, "nowrap") if item["dossier_url"] else "",
            agency=escape(str(item["agency"].name)) if item["agency"] else "",
            due=escape(item["due_text"] or "—"),
            late=late if item["late"] else "",
        )
        for item in items
    ]
    return mark_safe("\n".join(lines))  # noqa: S308 -- every value in it went through escape() above


def _to_do(user):
    """The officer's to-do ("Việc cần xử lý"): what higher blocks add (open work items of the processes),
    and the dossiers' own queues (awaiting reception, handed over to them or their unit, result to hand
    back), most urgent first; at most ``WORK_ITEMS_SHOWN`` lines and the total."""
    now = timezone.now()
    detail = reverse("dossiers:inbox")  # a dossier's page is "<code>/" under the inbox, as in inbox_rows
    items = []
    total = 0
    for part in extensions.to_do_parts(user, WORK_ITEMS_SHOWN):
        for entry in part.entries:
            items.append(
                {
                    "label": entry.label,
                    "url": entry.url,
                    "dossier": entry.dossier,
                    "agency": entry.agency,
                    "due_at": entry.due_at,
                    "late": entry.due_at is not None and entry.due_at <= now,
                }
            )
        total += part.total
    todo, todo_total = inbox.todo_for(user, limit=WORK_ITEMS_SHOWN)
    for entry in todo:
        items.append(
            {
                "label": entry.label,
                "url": f"{detail}{entry.dossier.code}/",
                "dossier": entry.dossier,
                "agency": entry.agency,
                "due_at": entry.due_at,
                "late": entry.due_at is not None and entry.due_at <= now,
                "kind": entry.kind,
            }
        )
    # Deadline first; entries without one (a dossier with no appointment) last.
    items.sort(key=lambda i: (i["due_at"] is None, i["due_at"] or now))
    shown = items[:WORK_ITEMS_SHOWN]
    for item in shown:
        item["dossier_url"] = f"{detail}{item['dossier'].code}/" if item["dossier"] else ""
        item["due_text"] = moment(item["due_at"])
    return shown, total + todo_total


def _page_link(base_query: str, name: str, cursor: str | None) -> str:
    """The query string of the page before/after (``name`` "truoc"/"sau"), or "" at that end."""
    if not cursor:
        return ""
    return "?" + "&".join(filter(None, [base_query, urlencode({name: cursor})]))


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


FILTER_FIELDS = ("trang_thai", "han", "kenh", "thu_tuc", "pham_vi", "co_quan", "sap_xep")


def _active_filters(request) -> int:
    """How many filters the address sets (the filters box starts open, with that count, when any is)."""
    return sum(1 for name in FILTER_FIELDS if request.GET.get(name))


@workspace_required
@require_GET
def inbox_view(request):
    """The officer's inbox: their open work items, then the dossiers they may see, filtered and paged."""
    agencies = officer_agencies(request)
    form = filter_form(request, agencies)
    if form.is_bound:
        form.is_valid()
    order = form.order()
    page = inbox.inbox_for(
        request.user,
        own_agency_ids={a.pk for a in agencies},
        filters=form.filters(),
        order=order,
        after_cursor=request.GET.get("sau"),
        before_cursor=request.GET.get("truoc"),
        limit=INBOX_PAGE,
    )
    if page.cursor_rejected:
        messages.warning(request, _("Liên kết phân trang không hợp lệ hoặc đã cũ; đang hiển thị trang đầu."))
    base_query = _query_without(request, "sau", "truoc")
    work_items, work_total = _to_do(request.user)
    work_labels = work_item_labels()
    rows = inbox_rows(page.dossiers, timezone.now())
    labels = column_labels()
    context = {
        "form": form,
        "errors": error_summary(form) if form.is_bound else [],
        "active_filters": _active_filters(request),
        "rows": rows,
        "rows_html": rows_html(rows, labels),
        "labels": labels,
        "page": page,
        "base_query": base_query,
        "next_url": _page_link(base_query, "sau", page.next_cursor),
        "previous_url": _page_link(base_query, "truoc", page.previous_cursor),
        "first_url": f"?{base_query}" if page.previous_cursor else "",
        "export_url": f"{reverse('dossiers:inbox_export')}?{base_query}",
        "work_items": work_items,
        "work_items_html": work_items_html(work_items, work_labels),
        "work_labels": work_labels,
        "work_total": work_total,
        "work_inbox_url": extensions.to_do_url(),
        "intake_url": reverse("dossiers:intake") if receive_agencies(request) else "",
    }
    return render(request, "dossiers/inbox.html", context)
