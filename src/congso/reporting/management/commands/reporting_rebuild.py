"""``manage.py reporting_rebuild``: make every fact and daily figure of the reporting block again from the
dossiers; with ``--check``, change nothing and list where the stored figures differ from a rebuild."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from congso.reporting import aggregates


class Command(BaseCommand):
    help = "Rebuild the reporting block's facts and daily figures from the dossiers (or --check them)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare only; exit 1 on any difference")

    def handle(self, *args, check=False, **options):
        if not check:
            count = aggregates.rebuild()
            self.stdout.write(_("Đã tính lại từ %(count)s hồ sơ.") % {"count": count})
            return
        aggregates.refresh_all_stale()
        differences = aggregates.compare_with_rebuild()
        for line in differences[:50]:
            self.stdout.write(line)
        if differences:
            raise CommandError(
                _("%(count)s số liệu theo ngày khác với kết quả tính lại từ hồ sơ.")
                % {"count": len(differences)}
            )
        self.stdout.write(_("Số liệu đang lưu khớp với kết quả tính lại từ hồ sơ."))
