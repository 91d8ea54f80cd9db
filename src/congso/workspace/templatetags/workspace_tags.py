"""``{% workspace_navigation as entries %}``: the side navigation the blocks registered, for this officer;
``{% workspace_header_items as items %}``: the header links they registered."""

from django import template
from django.urls import reverse

from congso.workspace import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def workspace_navigation(context) -> list[dict]:
    request = context["request"]
    match = request.resolver_match
    view_name = match.view_name if match else ""
    return [
        {"label": entry.label, "url": reverse(entry.url_name), "current": entry.is_current(view_name)}
        for entry in registry.navigation_for(request.user)
    ]


@register.simple_tag(takes_context=True)
def workspace_header_items(context) -> list[dict]:
    return registry.header_items_for(context["request"].user)
