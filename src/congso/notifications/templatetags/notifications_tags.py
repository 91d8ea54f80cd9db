"""``{% notifications_header_link %}``: the portal header's link to the citizen's messages with the
unread count (nothing for a visitor not signed in)."""

from django import template
from django.template.loader import render_to_string

from congso.notifications import services

register = template.Library()


@register.simple_tag(takes_context=True)
def notifications_header_link(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return render_to_string(
        "notifications/includes/header_link.html", {"count": services.unread_count(user)}, request=request
    )
