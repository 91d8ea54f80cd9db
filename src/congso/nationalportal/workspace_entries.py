"""What the link adds to the workspace shell: its page in the navigation, for those who operate it."""

from django.utils.translation import gettext_lazy as _

from congso.workspace import registry

from .permissions import can_operate

registry.navigation.add(
    "nationalportal.link",
    registry.NavigationEntry(
        label=_("Kết nối Cổng DVCQG"),
        url_name="nationalportal:overview",
        order=75,
        current_namespace="nationalportal",
        shown_to=can_operate,
    ),
)
