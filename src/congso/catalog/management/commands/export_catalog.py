"""``manage.py export_catalog --format json|xlsx PATH``: export the catalog (docs/catalog-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.catalog.importexport import export_json, export_xlsx
from congso.catalog.models import Procedure


class Command(BaseCommand):
    help = gettext_lazy("Xuất danh mục thủ tục hành chính ra tệp JSON hoặc XLSX.")

    def add_arguments(self, parser):
        # argparse formats the help with regular expressions, which need str, not a lazy translation
        # (`congso export_catalog --help` was a TypeError traceback).
        parser.description = str(self.help)
        parser.add_argument("path", help=_("Tệp kết quả; '-' để in JSON ra màn hình"))
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument(
            "--code",
            action="append",
            default=[],
            help=_("Chỉ xuất thủ tục có mã này (lặp lại được)"),
        )

    def handle(self, *args, path, format, code, **options):  # noqa: A002
        procedures = Procedure.objects.filter(code__in=code) if code else None
        if code and procedures.count() != len(set(code)):
            missing = sorted(set(code) - set(procedures.values_list("code", flat=True)))
            raise CommandError(_("Không có thủ tục mã: %(codes)s") % {"codes": ", ".join(missing)})
        if format == "json":
            content = export_json(procedures)
            if path == "-":
                self.stdout.write(content, ending="")
                return
            Path(path).write_text(content, encoding="utf-8")
        else:
            if path == "-":
                raise CommandError(_("Định dạng xlsx cần một đường dẫn tệp."))
            Path(path).write_bytes(export_xlsx(procedures))
        self.stderr.write(self.style.SUCCESS(_("Đã xuất danh mục ra %(path)s") % {"path": path}))
