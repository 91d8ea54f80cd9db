"""``{% workspace_navigation as entries %}``: the side navigation the blocks registered, for this officer;
``{% workspace_header_items as items %}``: the header links they registered."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from congso.workspace import registry

register = template.Library()

# A navigation entry's address (a URL name without arguments) does not change while the process runs,
# but working it out costs ~20 µs, seventeen entries on every workspace page.
_addresses: dict[tuple, str] = {}


def _address(url_name: str) -> str:
    key = (url_name, get_language(), get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    if key not in _addresses:
        _addresses[key] = reverse(url_name)
    return _addresses[key]


@register.simple_tag(takes_context=True)
def workspace_navigation(context) -> list[dict]:
    request = context["request"]
    match = request.resolver_match
    view_name = match.view_name if match else ""
    return [
        {"label": entry.label, "url": _address(entry.url_name), "current": entry.is_current(view_name)}
        for entry in registry.navigation_for(request.user)
    ]


@register.simple_tag(takes_context=True)
def workspace_header_items(context) -> list[dict]:
    return registry.header_items_for(context["request"].user)
