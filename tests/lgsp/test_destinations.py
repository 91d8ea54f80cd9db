"""Where a webhook may be sent (lgsp/destinations.py): not to the machine itself in production, never
to link-local (cloud metadata), unspecified or multicast addresses; the provincial network's private
addresses stay allowed."""

import pytest

from congso.lgsp import destinations


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0:8000/",
        "http://224.0.0.1/",
        "ftp://10.0.0.5/x",
    ],
)
def test_special_addresses_are_refused_everywhere(url, settings):
    settings.CONGSO_LGSP_WEBHOOK_ALLOW_LOOPBACK = True
    with pytest.raises(destinations.RefusedDestination) as refused:
        destinations.check(url)
    assert refused.value.message


def test_the_machine_itself_only_where_loopback_is_allowed(settings):
    settings.CONGSO_LGSP_WEBHOOK_ALLOW_LOOPBACK = False
    for url in ("http://127.0.0.1:5432/", "http://localhost:8000/quan-tri/", "http://[::1]/"):
        with pytest.raises(destinations.RefusedDestination):
            destinations.check(url)
    settings.CONGSO_LGSP_WEBHOOK_ALLOW_LOOPBACK = True
    destinations.check("http://127.0.0.1:9000/hook")


def test_the_provincial_network_is_allowed(settings):
    settings.CONGSO_LGSP_WEBHOOK_ALLOW_LOOPBACK = False
    for url in ("http://10.20.30.40/hook", "https://192.168.1.5:8443/events", "http://172.16.0.9/"):
        destinations.check(url)


def test_an_unknown_host_waits_for_delivery_to_be_refused():
    destinations.check("http://khong-ton-tai.invalid/hook", must_resolve=False)  # when subscribing
    with pytest.raises(destinations.RefusedDestination) as refused:
        destinations.check("http://khong-ton-tai.invalid/hook")  # before each delivery
    assert "khong-ton-tai.invalid" in refused.value.message


def test_a_subscription_to_the_metadata_service_is_refused_and_nothing_is_kept(pubsub, settings):
    from congso.lgsp import services
    from congso.lgsp.models import Subscription

    settings.CONGSO_LGSP_WEBHOOK_ALLOW_LOOPBACK = False
    for url in ("http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:5432/"):
        with pytest.raises(services.RegistryError):
            services.subscribe(pubsub["consumer"], pubsub["accepted"], "push", url=url)
    assert not Subscription.objects.exists()
