"""The client address behind trusted reverse proxies (``core.net.client_address``)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from congso.core import audit
from congso.core.net import client_address

PROXY = "10.0.0.5"


def request(remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.CONGSO_TRUSTED_PROXIES = []
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_a_peer_that_is_no_trusted_proxy_cannot_choose_its_address(settings):
    settings.CONGSO_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_forwarded_client_counts(settings):
    settings.CONGSO_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request(PROXY, "198.51.100.1")) == "198.51.100.1"


def test_the_right_most_untrusted_hop_wins_over_what_the_client_wrote(settings):
    settings.CONGSO_TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.1"]
    # The client sent "X-Forwarded-For: 1.2.3.4"; our two proxies appended what they saw.
    assert client_address(request(PROXY, "1.2.3.4, 198.51.100.1, 192.168.1.1")) == "198.51.100.1"
    assert client_address(request(PROXY, "garbage, 198.51.100.1")) == "198.51.100.1"


def test_garbage_or_only_proxies_in_the_header_give_the_nearest_proxy(settings):
    settings.CONGSO_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request(PROXY, "not-an-address")) == PROXY
    assert client_address(request(PROXY, "10.0.0.9, 10.0.0.8")) == "10.0.0.9"
    assert client_address(request(PROXY, "")) == PROXY
    assert client_address(request(PROXY)) == PROXY


def test_ports_brackets_and_mapped_ipv4_are_read(settings):
    settings.CONGSO_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    assert client_address(request(PROXY, "198.51.100.1:5000")) == "198.51.100.1"
    assert client_address(request("2001:db8::1", "[2001:db8:ffff::1]:443, 203.0.113.9")) == "203.0.113.9"
    assert client_address(request("::ffff:203.0.113.7")) == "203.0.113.7"


def test_a_comma_separated_setting_and_a_bad_entry(settings):
    settings.CONGSO_TRUSTED_PROXIES = "10.0.0.5, 10.0.0.6"
    assert client_address(request(PROXY, "198.51.100.1")) == "198.51.100.1"
    settings.CONGSO_TRUSTED_PROXIES = ["proxy.example"]
    with pytest.raises(ImproperlyConfigured):
        client_address(request())


def test_no_peer_address_gives_none():
    assert client_address(request("")) is None


def test_the_audit_log_records_the_forwarded_client(settings):
    settings.CONGSO_TRUSTED_PROXIES = ["10.0.0.0/8"]
    with audit.bind_request(request(PROXY, "198.51.100.1")) as context:
        assert context.ip_address == "198.51.100.1"
