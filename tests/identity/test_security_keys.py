"""Officials' security keys (WebAuthn): who may use the pages and what a forged answer gets. The whole
ceremony with a real (virtual) authenticator is the browser test in tests/browser/test_identity.py."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from congso.core.models import AuditEntry
from congso.identity import second_factor, webauthn_keys
from congso.identity.models import SecurityKey
from tests.factories.identity import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]


def _verified(client, user):
    client.force_login(user)
    session = client.session
    session[second_factor.VERIFIED_KEY] = timezone.now().isoformat()
    session.save()


def _key(user, name="Khóa", credential_id=b"cred-1"):
    from webauthn.helpers import bytes_to_base64url

    return SecurityKey.objects.create(
        user=user,
        name=name,
        credential_id=credential_id,
        credential_id_b64=bytes_to_base64url(credential_id),
        public_key=b"not-a-real-key",
    )


FORGED_REGISTRATION = json.dumps(
    {
        "id": "Zm9yZ2Vk",
        "rawId": "Zm9yZ2Vk",
        "type": "public-key",
        "response": {"clientDataJSON": "e30", "attestationObject": "oA"},
    }
)


def test_citizens_have_no_security_key_pages(client, citizen):
    client.force_login(citizen)
    assert client.post(reverse("identity:security-key-options")).status_code == 404
    assert client.post(reverse("identity:second-factor-key-options")).status_code == 404


def test_an_official_who_has_not_passed_the_second_factor_cannot_add_a_key(client, official):
    client.force_login(official)
    response = client.post(reverse("identity:security-key-options"))
    assert response.status_code == 302 and reverse("identity:second-factor") in response["Location"]
    assert webauthn_keys.REGISTRATION_CHALLENGE_KEY not in client.session


def test_registration_options_exclude_existing_keys_and_keep_a_challenge(client, official):
    _key(official)
    _verified(client, official)
    response = client.post(reverse("identity:security-key-options"))
    options = response.json()
    assert "no-store" in response["Cache-Control"]
    assert options["rp"]["id"] == "testserver"
    assert [item["id"] for item in options["excludeCredentials"]] == ["Y3JlZC0x"]
    assert client.session[webauthn_keys.REGISTRATION_CHALLENGE_KEY] == options["challenge"]


def test_a_forged_registration_is_refused_and_the_challenge_used_up(client, official):
    _verified(client, official)
    client.post(reverse("identity:security-key-options"))
    response = client.post(
        reverse("identity:security-key-add"), {"name": "Giả", "credential": FORGED_REGISTRATION}, follow=True
    )
    assert "Không xác nhận được khóa bảo mật" in response.content.decode()
    assert not SecurityKey.objects.exists()
    assert webauthn_keys.REGISTRATION_CHALLENGE_KEY not in client.session


def test_a_key_cannot_be_added_without_asking_for_a_challenge_first(client, official):
    _verified(client, official)
    response = client.post(
        reverse("identity:security-key-add"), {"name": "Giả", "credential": FORGED_REGISTRATION}, follow=True
    )
    assert "Không xác nhận được khóa bảo mật" in response.content.decode()
    assert not SecurityKey.objects.exists()


def test_nobody_removes_another_persons_key(client, official, make_user):
    other = make_user(username="canbo.hai", password=PASSWORD, kind="official")
    key = _key(other)
    _verified(client, official)
    assert client.post(reverse("identity:security-key-remove", args=[key.pk])).status_code == 404
    assert SecurityKey.objects.filter(pk=key.pk).exists()


def test_removing_ones_own_key_is_audited(client, official):
    key = _key(official)
    _verified(client, official)
    response = client.post(reverse("identity:security-key-remove", args=[key.pk]))
    assert response.status_code == 302 and not SecurityKey.objects.exists()
    assert AuditEntry.objects.filter(action="identity.second_factor.key_removed").exists()


def test_a_forged_assertion_does_not_pass_the_second_factor(client, official):
    _key(official)
    client.force_login(official)
    page = client.get(reverse("identity:second-factor"))
    assert "Dùng khóa bảo mật" in page.content.decode()
    options = client.post(reverse("identity:second-factor-key-options")).json()
    assert [item["id"] for item in options["allowCredentials"]] == ["Y3JlZC0x"]
    forged = json.dumps(
        {
            "id": "Y3JlZC0x",
            "rawId": "Y3JlZC0x",
            "type": "public-key",
            "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"},
        }
    )
    response = client.post(reverse("identity:second-factor-key"), {"credential": forged})
    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:second-factor"))
    assert not client.session.get(second_factor.VERIFIED_KEY)
    assert AuditEntry.objects.filter(
        action="identity.second_factor.failed", changes__reason="invalid_assertion"
    ).exists()
    # Still locked out of the workspace.
    assert reverse("identity:second-factor") in client.get("/can-bo/")["Location"]


def test_another_persons_key_does_not_pass(client, official, make_user):
    other = make_user(username="canbo.ba", password=PASSWORD, kind="official")
    _key(other, credential_id=b"other-key")
    _key(official)
    client.force_login(official)
    client.post(reverse("identity:second-factor-key-options"))
    forged = json.dumps({"id": "b3RoZXIta2V5", "rawId": "b3RoZXIta2V5", "type": "public-key", "response": {}})
    client.post(reverse("identity:second-factor-key"), {"credential": forged})
    assert not client.session.get(second_factor.VERIFIED_KEY)
    assert AuditEntry.objects.filter(changes__reason="unknown_key").exists()
