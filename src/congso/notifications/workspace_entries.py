"""What notifications add to the officers' workspace shell: the unread count in the header and the
"Thông báo" link in the navigation (``workspace.registry``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congso.workspace import registry

from . import services


def _header_link(user):
    if not getattr(user, "is_authenticated", False):
        return None
    count = services.unread_count(user)
    return (_("Thông báo chưa đọc"), reverse("notifications:workspace-inbox"), count)


registry.header_items.add("notifications.unread", registry.HeaderItem(order=10, link=_header_link))
registry.navigation.add(
    "notifications.inbox",
    registry.NavigationEntry(
        label=gettext_lazy("Thông báo"),
        url_name="notifications:workspace-inbox",
        order=90,
        current_views=("notifications:workspace-preferences",),
    ),
)
