"""System checks of the link's configuration (shown by ``manage.py check`` and ``congso check``): a link
named but not installed stops start-up; a DVCQG link without an address or an account, or over plain
HTTP in production, is a warning an operator must fix or accept."""

from django.conf import settings
from django.core import checks

from .registry import portal_links


@checks.register()
def check_link(app_configs=None, **kwargs):
    name = settings.CONGSO_NATIONALPORTAL_LINK
    if not name:
        return []
    if name not in portal_links:
        return [
            checks.Error(
                f"CONGSO_NATIONALPORTAL_LINK names {name!r}, which is not a national portal link plugin "
                f"(installed: {', '.join(sorted(portal_links)) or 'none'}).",
                id="nationalportal.E001",
            )
        ]
    if name != "dvcqg":
        return []
    found = []
    url = settings.CONGSO_DVCQG_ADAPTER_URL
    if not url:
        found.append(
            checks.Warning(
                "CONGSO_DVCQG_ADAPTER_URL is empty: the link has no address.", id="nationalportal.W001"
            )
        )
    if not settings.CONGSO_DVCQG_USERNAME or not settings.CONGSO_DVCQG_PASSWORD:
        found.append(
            checks.Warning(
                "CONGSO_DVCQG_USERNAME / CONGSO_DVCQG_PASSWORD are not set: the portal will refuse the link.",
                id="nationalportal.W002",
            )
        )
    if settings.IS_PRODUCTION and url.startswith("http://"):
        found.append(
            checks.Warning(
                "CONGSO_DVCQG_ADAPTER_URL is plain HTTP: the adapter password and the dossiers would travel "
                "unencrypted.",
                id="nationalportal.W003",
            )
        )
    return found
