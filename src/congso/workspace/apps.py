from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "congso.workspace"
    label = "workspace"
