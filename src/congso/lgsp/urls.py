"""The control plane's machine endpoints, under /lgsp/."""

from django.urls import path

from . import api_views, pull_views

app_name = "lgsp"

urlpatterns = [
    path("oauth/token", api_views.token, name="token"),
    path(".well-known/jwks.json", api_views.jwks, name="jwks"),
    path("events/<uuid:public_id>", pull_views.events, name="events"),
    path("events/<uuid:public_id>/ack", pull_views.acknowledge, name="events_ack"),
    # Anything else under /lgsp/ is answered in the same problem+json envelope, not an HTML page.
    path("<path:rest>", api_views.not_found),
]
