"""Key rotation: the JWKS publishes the signing key and every retired key still configured, each under
its own ``kid``; new ID tokens are signed with the current key. Refresh-token replay revokes the family."""

import hashlib

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from oauth2_provider.models import RefreshToken

from congso.identity.oidc.keys import demo_private_key, generate_private_key_pem, split_pems
from tests.support.oidc import SECRET, new_verifier

pytestmark = pytest.mark.django_db(transaction=True)


def test_split_pems_reads_every_block():
    one, two = generate_private_key_pem(), generate_private_key_pem()
    assert split_pems(f"{one}\n\n{two}\n") == [one.strip(), two.strip()]
    assert split_pems("") == []


def test_the_demo_key_is_made_once_and_private(tmp_path):
    path = tmp_path / "key.pem"
    first = demo_private_key(path)
    assert demo_private_key(path) == first
    assert path.stat().st_mode & 0o077 == 0


def test_rotation_publishes_the_retired_key_and_signs_with_the_new(
    settings, browser, make_user, make_client, rp, oidc_base
):
    retired, current = generate_private_key_pem(), generate_private_key_pem()
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": current,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [retired],
    }
    config = httpx.get(oidc_base + "/.well-known/openid-configuration", timeout=20).json()
    keys = httpx.get(config["jwks_uri"], timeout=20).json()["keys"]
    current_kid = RSAKey.import_key(current).thumbprint()
    retired_kid = RSAKey.import_key(retired).thumbprint()
    assert {key["kid"] for key in keys} == {current_kid, retired_kid}

    make_user("rot.user")
    application = make_client(first_party=True)
    client = rp(application, scope="openid")
    browser.sign_in("rot.user")
    verifier = new_verifier()
    url, _state = client.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier)
    token = client.fetch_token(
        config["token_endpoint"],
        authorization_response=browser.http.get(url).headers["location"],
        code_verifier=verifier,
    )
    decoded = jwt.decode(token["id_token"], KeySet.import_key_set({"keys": keys}), algorithms=["RS256"])
    assert decoded.header["kid"] == current_kid

    # A refresh token used twice: the replay is refused and the whole family ends.
    refreshed = client.refresh_token(config["token_endpoint"], refresh_token=token["refresh_token"])
    replay = httpx.post(
        config["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(application.client_id, SECRET),
        timeout=20,
    )
    assert replay.status_code == 400
    newest = RefreshToken.objects.get(
        token_checksum=hashlib.sha256(refreshed["refresh_token"].encode()).hexdigest()
    )
    assert newest.revoked is not None
