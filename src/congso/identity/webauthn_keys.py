"""Officials' security keys (WebAuthn, py_webauthn): a second factor beside the authenticator app.

Registering: the security page asks for options (``registration_options``: a fresh challenge kept in the
session, the official's existing keys excluded), the browser creates a credential, and ``register``
checks the answer against the challenge, this site's origin and relying-party ID before storing the
public key. Signing in: the second-factor page asks for options listing the official's keys
(``authentication_options``) and ``authenticate`` checks the signed answer, the origin, the ID and the
signature counter (a counter that goes backwards means a cloned key: refused).

A challenge is used once: it is taken out of the session whatever the answer. The relying-party ID is
``CONGSO_WEBAUTHN_RP_ID``, or the host the request came to (a key then works only on that host).
"""

import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from congso.core import audit

from .models import SecurityKey

REGISTRATION_CHALLENGE_KEY = "congso.webauthn.registration"
AUTHENTICATION_CHALLENGE_KEY = "congso.webauthn.authentication"
MAX_KEYS = 10


class KeyRefused(Exception):
    """The browser's answer does not check (``reason`` for the audit log)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def rp_id(request) -> str:
    return settings.CONGSO_WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0].strip("[]")


def origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def keys_of(user):
    return SecurityKey.objects.filter(user=user).order_by("created_at", "pk")


def _descriptors(user) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=bytes(key.credential_id)) for key in keys_of(user)]


def registration_options(request) -> str:
    """The JSON options of ``navigator.credentials.create`` for the signed-in official; the challenge
    waits in the session for ``register``."""
    user = request.user
    options = generate_registration_options(
        rp_id=rp_id(request),
        rp_name=settings.CONGSO_SITE_NAME,
        user_id=f"congso-user-{user.pk}".encode(),
        user_name=user.get_username(),
        user_display_name=user.get_full_name(),
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[REGISTRATION_CHALLENGE_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def _take_challenge(request, key: str) -> bytes:
    from webauthn.helpers import base64url_to_bytes

    challenge = request.session.pop(key, "")
    if not challenge:
        raise KeyRefused("no_challenge")
    return base64url_to_bytes(challenge)


def register(request, credential: str, name: str) -> SecurityKey:
    """Store the security key the browser just created (``credential``, its JSON) under ``name``;
    ``KeyRefused`` when the answer does not check."""
    user = request.user
    challenge = _take_challenge(request, REGISTRATION_CHALLENGE_KEY)
    if keys_of(user).count() >= MAX_KEYS:
        raise KeyRefused("too_many_keys")
    try:
        verified = verify_registration_response(
            credential=json.loads(credential),
            expected_challenge=challenge,
            expected_rp_id=rp_id(request),
            expected_origin=origin(request),
        )
    except (InvalidRegistrationResponse, ValueError, TypeError, KeyError) as error:
        raise KeyRefused("invalid_registration") from error
    credential_id_b64 = bytes_to_base64url(verified.credential_id)
    if SecurityKey.objects.filter(credential_id_b64=credential_id_b64).exists():
        raise KeyRefused("already_registered")
    with transaction.atomic():
        key = SecurityKey.objects.create(
            user=user,
            name=name,
            credential_id=verified.credential_id,
            credential_id_b64=credential_id_b64,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
        )
        audit.record("identity.second_factor.key_added", user, actor=user, changes={"key": name})
    return key


def remove(user, key_id: int) -> bool:
    """Remove ``user``'s key ``key_id``; False when they have no such key."""
    key = keys_of(user).filter(pk=key_id).first()
    if key is None:
        return False
    with transaction.atomic():
        key.delete()
        audit.record("identity.second_factor.key_removed", user, actor=user, changes={"key": key.name})
    return True


def authentication_options(request) -> str:
    """The JSON options of ``navigator.credentials.get`` listing the official's keys; the challenge waits
    in the session for ``authenticate``."""
    options = generate_authentication_options(
        rp_id=rp_id(request),
        allow_credentials=_descriptors(request.user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[AUTHENTICATION_CHALLENGE_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def authenticate(request, credential: str) -> SecurityKey:
    """Check the signed answer of one of the official's keys; the key used, or ``KeyRefused``."""
    challenge = _take_challenge(request, AUTHENTICATION_CHALLENGE_KEY)
    try:
        data = json.loads(credential)
        credential_id_b64 = str(data["rawId"])
    except (ValueError, TypeError, KeyError) as error:
        raise KeyRefused("malformed") from error
    with transaction.atomic():
        key = keys_of(request.user).select_for_update().filter(credential_id_b64=credential_id_b64).first()
        if key is None:
            raise KeyRefused("unknown_key")
        try:
            verified = verify_authentication_response(
                credential=data,
                expected_challenge=challenge,
                expected_rp_id=rp_id(request),
                expected_origin=origin(request),
                credential_public_key=bytes(key.public_key),
                credential_current_sign_count=key.sign_count,
            )
        except (InvalidAuthenticationResponse, ValueError, TypeError, KeyError) as error:
            raise KeyRefused("invalid_assertion") from error
        key.sign_count = verified.new_sign_count
        key.last_used_at = timezone.now()
        key.save(update_fields=["sign_count", "last_used_at"])
    return key
