from django.core.management.base import BaseCommand

from congso.core import worker


class Command(BaseCommand):
    help = "Run the congso background worker (tasks, outbox delivery, periodic jobs). Stop with Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--queues", default="*", help="Comma-separated queue names, or * for all.")
        parser.add_argument("--interval", type=float, default=0.5, help="Seconds to wait when idle.")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args, queues, interval, max_tasks, **options):
        worker.run(queues=[q for q in queues.split(",") if q], interval=interval, max_tasks=max_tasks)
