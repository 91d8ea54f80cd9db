"""URL maps for the catalog tests: the project's map with the catalog at /thu-tuc/ (as the lead mounts it)
and, here, *without* a ``portal:apply`` route — the state before the online application exists, whatever
the portal's own map holds by now. ``urls_with_apply`` adds a stand-in route."""

from django.urls import URLResolver, include, path, re_path
from django.urls.resolvers import RoutePattern

import congso.portal.urls
import congso.urls


def _without_apply(patterns) -> list:
    kept = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            make = path if isinstance(pattern.pattern, RoutePattern) else re_path
            inner = _without_apply(pattern.url_patterns)
            target = (
                include((inner, pattern.app_name), namespace=pattern.namespace)
                if pattern.namespace
                else include(inner)
            )
            kept.append(make(str(pattern.pattern), target))
        elif getattr(pattern, "name", None) != "apply":
            kept.append(pattern)
    return kept


def build(extra_portal_patterns=()):
    portal = _without_apply(congso.portal.urls.urlpatterns)
    patterns = [p for p in congso.urls.urlpatterns if getattr(p, "namespace", None) != "portal"]
    patterns.append(path("", include(([*portal, *extra_portal_patterns], "portal"))))
    if not any(getattr(p, "namespace", None) == "catalog" for p in patterns):
        patterns.insert(0, path("thu-tuc/", include("congso.catalog.urls")))
    return patterns


urlpatterns = build()
