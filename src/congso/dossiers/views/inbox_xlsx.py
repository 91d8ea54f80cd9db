"""The inbox's current filtered list as an XLSX download (every page, up to ``inbox.EXPORT_LIMIT`` rows),
audited."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from congso.core import audit, spreadsheets
from congso.workspace.permissions import workspace_required

from .. import deadlines, inbox, states
from ..models import Channel
from .common import moment
from .inbox_page import filter_form, officer_agencies


@workspace_required
@require_GET
def inbox_export(request):
    """The inbox's current filtered list (every page, up to ``inbox.EXPORT_LIMIT`` rows) as XLSX. Every
    cell is text (``Sheet.text_cell``): an applicant's name starting with "=" never becomes a formula, and
    ID and phone numbers keep their leading zeros."""
    agencies = officer_agencies(request)
    form = filter_form(request, agencies)
    if form.is_bound:
        form.is_valid()
    now = timezone.now()
    threshold = deadlines.at_risk_threshold(now)
    book = spreadsheets.new_workbook(_("Danh sách hồ sơ"))
    sheet = spreadsheets.Sheet(book, _("Hồ sơ"))
    sheet.append([sheet.text_cell(_("Danh sách hồ sơ, lập lúc {at}").format(at=moment(now)))])
    header = [
        _("Mã hồ sơ"),
        _("Thủ tục"),
        _("Người nộp"),
        _("Số định danh / mã số thuế"),
        _("Số điện thoại"),
        _("Trạng thái"),
        _("Kênh nộp"),
        _("Ngày nhận"),
        _("Hẹn trả kết quả"),
        _("Thời hạn"),
        _("Cơ quan tiếp nhận"),
        _("Cơ quan đang xử lý"),
    ]
    sheet.append([sheet.text_cell(name, bold=True) for name in header])
    channels = dict(Channel.choices)
    written = 0
    truncated = False
    rows = inbox.rows_for_export(
        request.user, filters=form.filters(), order=form.order(), own_agency_ids={a.pk for a in agencies}
    )
    for dossier in rows:
        if written == inbox.EXPORT_LIMIT:
            truncated = True
            break
        sheet.append(
            [
                sheet.text_cell(value)
                for value in (
                    dossier.code,
                    dossier.procedure_version.procedure.name,
                    dossier.applicant_name,
                    dossier.applicant_national_id,
                    dossier.applicant_phone,
                    states.status_label(dossier.status),
                    channels.get(dossier.channel, dossier.channel),
                    moment(dossier.received_at or dossier.submitted_at),
                    moment(dossier.due_at),
                    inbox.deadline_state(dossier, now, threshold).label,
                    dossier.receiving_agency.name,
                    dossier.current_agency.name,
                )
            ]
        )
        written += 1
    if truncated:
        sheet.append(
            [
                sheet.text_cell(
                    _("Chỉ xuất {n} hồ sơ đầu tiên; hãy lọc thêm để xuất phần còn lại.").format(
                        n=inbox.EXPORT_LIMIT
                    ),
                )
            ]
        )
    audit.record(
        "dossiers.inbox_export",
        None,
        actor=request.user,
        changes={"rows": written, "query": request.GET.urlencode()},
    )
    response = HttpResponse(spreadsheets.to_bytes(book), content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ho-so-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
