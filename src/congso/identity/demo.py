"""The identity block's demo data: authenticators for the demo's officials, with one published secret, so
that the demo's officials pass the mandatory second factor with any TOTP app (docs/identity.md).

Called from the project's demo seeding with the demo's accounts; idempotent. Never in production: the
secret is published.
"""

import base64

from django.conf import settings
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from .second_factor import requires_second_factor

# Published on purpose (docs/identity.md): enter it in an authenticator app as a time-based key.
DEMO_TOTP_KEY = b"congso-demo-totp-key"
DEMO_TOTP_SECRET_BASE32 = base64.b32encode(DEMO_TOTP_KEY).decode()  # MNXW4Z3TN4WWIZLNN4WXI33UOAWWWZLZ
DEMO_DEVICE_NAME = "Ứng dụng xác thực (minh họa)"


def seed_demo_second_factor(usernames) -> int:
    """Give each of the accounts named in ``usernames`` that must pass a second factor a confirmed TOTP
    authenticator with the published demo secret, unless it has one already. Returns how many were made."""
    if settings.IS_PRODUCTION:
        raise RuntimeError("Refusing to give accounts a published second-factor secret in production.")
    made = 0
    for user in get_user_model().objects.filter(username__in=list(usernames)):
        if not requires_second_factor(user) or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            continue
        TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY.hex(), confirmed=True)
        made += 1
    return made


def mark_demo_numbers_verified(usernames) -> int:
    """Count the national IDs of the demo accounts named in ``usernames`` as verified (level 1), so that
    signing in with the sandbox's VNeID links to them; accounts already at a level are left alone.
    Returns how many were changed."""
    if settings.IS_PRODUCTION:
        raise RuntimeError("Refusing to mark identities verified by demo seeding in production.")
    return (
        get_user_model()
        .objects.filter(username__in=list(usernames), assurance_level=0)
        .exclude(national_id=None)
        .update(assurance_level=1)
    )
