"""The demo's OpenID Connect client is registered once, as a public third-party client."""

import pytest
from oauth2_provider.models import Application

from congso.core.models import OutboxEvent
from congso.identity.oidc.demo import DEMO_CLIENT_ID, seed_demo_oidc


@pytest.mark.django_db
def test_the_demo_client_is_seeded_once(agency):
    first = seed_demo_oidc(agency)
    assert seed_demo_oidc(agency) == first
    assert Application.objects.filter(client_id=DEMO_CLIENT_ID).count() == 1
    assert (first.client_type, first.skip_authorization) == ("public", False)
    assert first.congso_profile.owner_agency == agency
    assert OutboxEvent.objects.filter(name="identity.oidc_client_registered").count() == 1
