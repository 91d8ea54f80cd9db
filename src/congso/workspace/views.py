"""The workspace's own pages: the officer's home. Other blocks add their pages under /can-bo/."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .permissions import workspace_required

# What each role does, in one line, so a new officer understands the roles they were given.
# Keyed by the values of agencies.models.Role (a test checks that every role has a line).
ROLE_DESCRIPTIONS = {
    "one_stop_officer": _("Tiếp nhận, kiểm tra hồ sơ tại Bộ phận Một cửa và trả kết quả cho người dân."),
    "specialist": _("Thẩm định hồ sơ và xử lý các bước giải quyết thủ tục được giao."),
    "leader": _("Xem xét, phê duyệt và ký kết quả giải quyết, văn bản của cơ quan."),
    "clerk": _("Đăng ký, cấp số văn bản đến, văn bản đi và gửi văn bản cho cơ quan khác."),
    "agency_admin": _("Quản lý cán bộ, vai trò và danh mục của cơ quan."),
    "platform_admin": _("Vận hành nền tảng: cơ quan, tài khoản, kết nối và cấu hình chung."),
}


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def inbox_summary(user) -> dict | None:
    """What waits for the officer, for the home page: their to-do (open work items, dossiers awaiting
    reception or handed over to them, results to hand back) and the open dossiers now at their agencies
    by deadline state, each with the inbox link that lists them. None when the dossier inbox is not
    mounted or the account sees no agency's dossiers."""
    from congso.dossiers import inbox
    from congso.workflow import inbox as work_inbox

    inbox_url = _url("dossiers:inbox")
    if not inbox_url:
        return None
    counts = inbox.summary_for(user)
    if not counts.agency_ids:
        return None
    return {
        "inbox_url": inbox_url,
        # The to-do has two halves: process steps (work items) and the dossiers' own queues.
        "work_items": work_inbox.count_open_for(user) + inbox.todo_count_for(user),
        "open": counts.open,
        "lines": [
            (counts.late, _("quá hạn"), f"{inbox_url}?han={inbox.RISK_LATE}", "late"),
            (counts.at_risk, _("sắp đến hạn"), f"{inbox_url}?han={inbox.RISK_AT_RISK}", "warn"),
            (counts.awaiting_reception, _("chờ tiếp nhận"), f"{inbox_url}?trang_thai=1", ""),
            (counts.awaiting_supplement, _("chờ người nộp bổ sung"), f"{inbox_url}?trang_thai=5", ""),
        ],
    }


@workspace_required
def home(request):
    """The officer's start page: what waits for them, who they are here, where they work and in which
    roles."""
    agencies = [
        {
            "agency": entry.agency,
            "roles": [
                {
                    "membership": m,
                    "label": m.get_role_display(),
                    "description": ROLE_DESCRIPTIONS.get(m.role, ""),
                }
                for m in entry.memberships
            ],
        }
        for entry in request.officer.agencies
    ]
    return render(
        request, "workspace/home.html", {"agencies": agencies, "summary": inbox_summary(request.user)}
    )
