"""What the LGSP adds to the officers' workspace shell (``workspace.registry``): the service catalogue's
entry in the navigation."""

from django.utils.translation import gettext_lazy as _

from congso.workspace import registry

from .permissions import can_browse_catalogue

registry.navigation.add(
    "lgsp.catalogue",
    registry.NavigationEntry(
        label=_("Danh mục dịch vụ LGSP"),
        url_name="lgsp_ws:catalogue",
        order=70,
        current_namespace="lgsp_ws",
        shown_to=can_browse_catalogue,
    ),
)
