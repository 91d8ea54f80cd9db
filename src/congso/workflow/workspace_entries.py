"""What the workflow block adds to the officers' workspace shell (``workspace.registry``): the links to
the officer's work items and to process monitoring, and the work items' half of the officer's to-do."""

from django.utils.translation import gettext_lazy as _

from congso.workspace import registry

from . import inbox
from .services import can_monitor

registry.navigation.add(
    "workflow.work_items",
    registry.NavigationEntry(
        label=_("Công việc của tôi"),
        url_name="workflow_tasks:inbox",
        order=30,
        current_views=("workflow_tasks:detail",),
    ),
)
registry.navigation.add(
    "workflow.monitoring",
    registry.NavigationEntry(
        label=_("Giám sát quy trình"),
        url_name="workflow:monitoring",
        order=60,
        current_namespace="workflow",
        shown_to=can_monitor,
    ),
)
registry.todo_counters.add("workflow.work_items", inbox.count_open_for)
