"""``congso check``: is this installation fit to serve the public?

It speaks Vietnamese, the language of the province's IT staff, and English when English is active; the
names of settings and commands stay as they are written (``SECRET_KEY``, ``congso migrate``)."""

import sys

from django.conf import settings
from django.core import checks
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.core.worker import live_workers

INSECURE_KEY_MARKERS = ("insecure", "django-insecure", "change-me", "changeme")


def check_secret_key():
    key = settings.SECRET_KEY or ""
    if len(key) < 50 or len(set(key)) < 5 or any(m in key.lower() for m in INSECURE_KEY_MARKERS):
        return (
            False,
            _(
                "SECRET_KEY chưa đặt, quá ngắn hoặc là một giá trị không an toàn đã biết "
                "(đặt 50 ký tự ngẫu nhiên trở lên)"
            ),
        )
    return True, _("SECRET_KEY đã được đặt")


def check_debug():
    if settings.DEBUG:
        return False, _("DEBUG đang bật (không bao giờ bật ở môi trường chính thức)")
    return True, _("DEBUG đang tắt")


def check_hosts():
    ok = bool(settings.ALLOWED_HOSTS) and "*" not in settings.ALLOWED_HOSTS
    return ok, f"ALLOWED_HOSTS = {settings.ALLOWED_HOSTS}"


def check_database():
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return False, _("không kết nối được cơ sở dữ liệu: %(error)s") % {"error": exc}
    return True, _("cơ sở dữ liệu trả lời (%(vendor)s)") % {"vendor": connections[DEFAULT_DB_ALIAS].vendor}


def check_migrations():
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return False, _("không đọc được các migration: %(error)s") % {"error": exc}
    if plan:
        return False, _("%(count)s migration chưa được áp dụng — chạy `congso migrate`") % {
            "count": len(plan)
        }
    return True, _("mọi migration đã được áp dụng")


def check_worker():
    try:
        count = live_workers().count()
    except Exception as exc:
        return False, _("không đọc được nhịp hoạt động của tiến trình nền: %(error)s") % {"error": exc}
    if count == 0:
        return False, _("không có tiến trình nền nào đang chạy — khởi động `congso worker`")
    return True, _("%(count)s tiến trình nền đang chạy") % {"count": count}


def check_cookies():
    if settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE:
        return True, _("cookie chỉ gửi qua HTTPS (Secure) đang bật")
    return False, _("cookie phiên/CSRF không có thuộc tính Secure (CONGSO_SECURE_COOKIES)")


def check_sandbox():
    if settings.CONGSO_SANDBOX_ENABLED:
        return False, _("các hệ thống quốc gia mô phỏng (sandbox) đang BẬT")
    return True, _("các hệ thống quốc gia mô phỏng (sandbox) đang tắt")


def check_django_deploy():
    """Django's system checks with its deployment checks (``manage.py check --deploy``). A warning fails
    too: the deployment checks speak only in warnings (no HSTS, no HTTPS redirect, insecure cookies…), so
    passing on "no error" would pass them all. A warning an operator has reviewed is accepted by naming
    it in ``CONGSO_SILENCED_SYSTEM_CHECKS``. Django's own messages are English: they are listed as Django
    words them, each under its id."""
    messages = checks.run_checks(include_deployment_checks=True)
    problems = [m for m in messages if m.level >= checks.WARNING and not m.is_silenced()]
    if problems:
        listed = "".join(f"\n       {m.id}: {' '.join(str(m.msg).split())}" for m in problems)
        said = _("%(count)s cảnh báo triển khai cần sửa hoặc chấp nhận (CONGSO_SILENCED_SYSTEM_CHECKS):") % {
            "count": len(problems)
        }
        return False, said + listed
    return True, _("các kiểm tra hệ thống và triển khai của Django đều đạt")


CHECKS = [
    (gettext_lazy("khóa bí mật"), check_secret_key),
    (gettext_lazy("chế độ gỡ lỗi"), check_debug),
    (gettext_lazy("tên miền được phép"), check_hosts),
    (gettext_lazy("cơ sở dữ liệu"), check_database),
    (gettext_lazy("migration"), check_migrations),
    (gettext_lazy("tiến trình nền"), check_worker),
    (gettext_lazy("cookie"), check_cookies),
    (gettext_lazy("sandbox"), check_sandbox),
    (gettext_lazy("kiểm tra của Django"), check_django_deploy),
]


class Command(BaseCommand):
    help = "Deployment self-check: secret key, debug off, database, migrations, worker alive…"

    def handle(self, *args, **options):
        failures = 0
        for name, func in CHECKS:
            ok, message = func()
            failures += not ok
            mark = self.style.SUCCESS(_("ĐẠT").ljust(4)) if ok else self.style.ERROR(_("LỖI").ljust(4))
            self.stdout.write(f"{mark} {name}: {message}")
        if failures:
            said = _("%(count)s mục kiểm tra không đạt.") % {"count": failures}
            self.stdout.write(self.style.ERROR(said))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(_("Mọi mục kiểm tra đều đạt.")))
