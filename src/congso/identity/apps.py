from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "congso.identity"
    label = "identity"
