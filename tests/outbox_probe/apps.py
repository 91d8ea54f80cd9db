from django.apps import AppConfig


class OutboxProbeConfig(AppConfig):
    name = "tests.outbox_probe"
    label = "outbox_probe"
