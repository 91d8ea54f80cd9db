"""What the LGSP adds to the officers' workspace shell (``workspace.registry``): the service catalogue's
and the monitoring page's entries in the navigation."""

from django.utils.translation import gettext_lazy as _

from congso.workspace import registry

from .permissions import can_browse_catalogue, can_see_monitoring

MONITORING_VIEWS = ("lgsp_ws:monitoring", "lgsp_ws:monitoring_service", "lgsp_ws:monitoring_system")
CATALOGUE_VIEWS = (
    "lgsp_ws:service",
    "lgsp_ws:version_upload",
    "lgsp_ws:grant",
    "lgsp_ws:revoke",
    "lgsp_ws:endpoint_toggle",
    "lgsp_ws:system_register",
    "lgsp_ws:system",
    "lgsp_ws:service_register",
    "lgsp_ws:credential_create",
    "lgsp_ws:credential_rotate",
)

registry.navigation.add(
    "lgsp.catalogue",
    registry.NavigationEntry(
        label=_("Danh mục dịch vụ LGSP"),
        url_name="lgsp_ws:catalogue",
        order=70,
        current_views=CATALOGUE_VIEWS,
        shown_to=can_browse_catalogue,
    ),
)
registry.navigation.add(
    "lgsp.monitoring",
    registry.NavigationEntry(
        label=_("Giám sát LGSP"),
        url_name="lgsp_ws:monitoring",
        order=71,
        current_views=MONITORING_VIEWS,
        shown_to=can_see_monitoring,
    ),
)
