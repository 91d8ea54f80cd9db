"""``manage.py import_catalog PATH``: import a catalog file (JSON or XLSX, docs/catalog-format.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.catalog.importexport import import_catalog


class Command(BaseCommand):
    help = gettext_lazy(
        "Nhập danh mục thủ tục hành chính từ tệp JSON hoặc XLSX; không nhập gì nếu tệp có lỗi."
    )

    def add_arguments(self, parser):
        # argparse formats the help with regular expressions, which need str, not a lazy translation
        # (`congso import_catalog --help` was a TypeError traceback).
        parser.description = str(self.help)
        parser.add_argument("path", help=_("Tệp .json hoặc .xlsx"))
        parser.add_argument("--format", choices=["json", "xlsx"], help=_("Mặc định: theo đuôi tệp"))
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra, không ghi gì"))

    def handle(self, *args, path, format=None, dry_run=False, **options):  # noqa: A002
        try:
            report = import_catalog(path, format=format, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(
                _("Không đọc được tệp %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}
            ) from exc
        for issue in report.issues:
            self.stderr.write(str(issue))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
