"""The national portal link's test world: the dossier world of tests/fixtures/dossiers.py and the
simulated national portal of the sandbox served by Django's live server (``portal``); the helpers are in
tests/nationalportal/helpers.py."""

import pytest

from congso.nationalportal import dvcqg, subscribers
from tests.nationalportal.helpers import link_settings


@pytest.fixture(autouse=True)
def _fresh_sessions(media_root):
    dvcqg.forget_sessions()
    yield
    dvcqg.forget_sessions()


@pytest.fixture
def subscribed():
    """The block's outbox subscriber, as start-up registers it when a link is configured (the test
    profile has none), removed afterwards so that other tests see no extra deliveries."""
    subscribers.register()
    yield
    subscribers.unregister()


@pytest.fixture
def portal(live_server, settings, transactional_db, subscribed):
    """The simulated national portal over real HTTP, and the link pointed at it."""
    link_settings(settings, live_server.url)
    return live_server
