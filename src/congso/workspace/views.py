"""The workspace's own pages: the officer's home. Other blocks add their pages under /can-bo/, and their
home panels through ``workspace.registry``."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from . import registry
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
        request,
        "workspace/home.html",
        {"agencies": agencies, "panels": registry.home_panels_for(request)},
    )
