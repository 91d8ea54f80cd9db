from django.conf import settings


def platform(request):
    """Names every page shows: the site and the province it serves."""
    return {
        "site_name": settings.CONGSO_SITE_NAME,
        "province_name": settings.CONGSO_PROVINCE_NAME,
        "sandbox_enabled": settings.CONGSO_SANDBOX_ENABLED,
    }
