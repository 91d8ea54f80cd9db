"""The control plane's machine endpoints, under /lgsp/."""

from django.urls import path

from . import api_views

app_name = "lgsp"

urlpatterns = [
    path("oauth/token", api_views.token, name="token"),
    path(".well-known/jwks.json", api_views.jwks, name="jwks"),
    # Anything else under /lgsp/ is answered in the same problem+json envelope, not an HTML page.
    path("<path:rest>", api_views.not_found),
]
