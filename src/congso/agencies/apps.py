from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "congso.agencies"
    label = "agencies"
