"""URL map: the portal at /, procedures at /thu-tuc/, the officers' workspace at /can-bo/, sign-in at
/tai-khoan/, the OpenID Connect provider at /oidc/, the admin at /quan-tri/, the LGSP control plane at
/lgsp/ (its catalogue at /can-bo/lgsp/), the open API at /api/, the leaders' indicators at /can-bo/bao-cao/
(the public headline figures at /chi-so/), and, outside production, the simulators of national systems
at /sandbox/."""

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("tai-khoan/", include("congso.identity.urls")),
    path("oidc/", include("congso.identity.oidc.urls")),
    path("can-bo/ho-so/", include("congso.dossiers.urls")),
    path("can-bo/cong-viec/", include("congso.workflow.task_urls")),
    path("can-bo/quy-trinh/", include("congso.workflow.urls")),
    path("thu-tuc/", include("congso.catalog.urls")),
    path("can-bo/lgsp/", include("congso.lgsp.workspace_urls")),
    path("can-bo/dvcqg/", include("congso.nationalportal.urls")),
    path("can-bo/thanh-toan/", include("congso.payments.office_urls")),
    path("thanh-toan/", include("congso.payments.urls")),
    path("can-bo/van-ban/", include("congso.documents.urls")),
    path("xac-minh-chu-ky-so/", include("congso.documents.public_urls")),
    path("lien-thong-van-ban/", include("congso.documents.exchange_urls")),
    path("lgsp/", include("congso.lgsp.urls")),
    path("api/", include("congso.api.urls")),
    path("can-bo/bao-cao/", include("congso.reporting.urls")),
    path("chi-so/", include("congso.reporting.public_urls")),
    path("", include("congso.notifications.urls")),
    path("can-bo/", include("congso.workspace.urls")),
    # The catalogue's staff form preview keeps the address it had when the portal served it.
    path("nop-ho-so/xem-truoc-bieu-mau/", include("congso.catalog.form_preview_urls")),
    path("", include("congso.registries.urls")),
    path("", include("congso.core.urls")),
    path("", include("congso.portal.urls")),
]
# Mounted only where the app is installed, which the production profile never allows (settings.py).
if apps.is_installed("congso.sandbox"):
    urlpatterns.insert(0, path("sandbox/", include("congso.sandbox.urls")))
