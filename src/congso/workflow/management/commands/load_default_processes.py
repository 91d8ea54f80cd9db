from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from congso.workflow import services


class Command(BaseCommand):
    help = "Install (or update) the BPMN processes shipped with congso. Safe to run again."

    def handle(self, *args, **options):
        created = services.load_default_processes()
        for version in created:
            self.stdout.write(_("Đã nạp %(version)s") % {"version": version})
        if not created:
            self.stdout.write(_("Các quy trình mẫu đã là bản mới nhất."))
