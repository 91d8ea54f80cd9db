from django.conf import settings
from django.utils.translation import get_language


def platform(request):
    """Names every page shows: the site (in the visitor's language) and the province it serves."""
    english = (get_language() or "").startswith("en")
    return {
        "site_name": settings.CONGSO_SITE_NAME_EN if english else settings.CONGSO_SITE_NAME,
        "province_name": settings.CONGSO_PROVINCE_NAME,
        "sandbox_enabled": settings.CONGSO_SANDBOX_ENABLED,
    }
