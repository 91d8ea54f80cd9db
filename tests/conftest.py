"""Shared fixtures for the whole suite."""

import pytest

from tests.factories.identity import PASSWORD, UserFactory
from tests.support.clock import Clock
from tests.support.subprocesses import PROJECT_ROOT, database_url_for_subprocess

# Fixtures that tests in several directories use live in plugins, found by pytest (never imported).
pytest_plugins = ["tests.fixtures.dossiers"]


@pytest.fixture
def make_user(db):
    """Create a user (password ``PASSWORD``); citizens get a valid national ID and businesses a tax code
    unless one is given, numbered within the test."""
    counter = {"n": 0}

    def make(username=None, password=PASSWORD, kind="citizen", **fields):
        counter["n"] += 1
        username = username or f"user{counter['n']}"
        if kind == "citizen":
            fields.setdefault("national_id", f"0740900{counter['n']:05d}")
        if kind == "business":
            fields.setdefault("tax_code", f"37000{counter['n']:05d}")
        fields.setdefault("national_id", None)
        fields.setdefault("full_name", username.title())
        return UserFactory(username=username, password=password, kind=kind, **fields)

    return make


@pytest.fixture
def clock(monkeypatch):
    """A settable platform clock (``django.utils.timezone.now``): ``clock.set(local(2026, 3, 9, 8))``,
    ``clock.advance(hours=2)``; real time until set."""
    return Clock().install(monkeypatch)


@pytest.fixture
def worker_process(transactional_db, tmp_path):
    """Start real ``congso worker`` processes against the test database; kill them all at the end.

    Returns ``start(**env) -> subprocess.Popen``.
    """
    import os
    import subprocess
    import sys

    started = []

    def start(**extra_env):
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": database_url_for_subprocess(),
                "CONGSO_PROFILE": "test",
                "CONGSO_EXTRA_APPS": os.environ.get("CONGSO_EXTRA_APPS", ""),
                "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), str(PROJECT_ROOT / "src")])),
            }
        )
        env.update({k: str(v) for k, v in extra_env.items()})
        log = open(tmp_path / f"worker-{len(started)}.log", "w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "congso.cli", "worker", "--interval", "0.1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(autouse=True)
def _second_factor_passed(request, monkeypatch):
    """Officials' sessions count as having passed the second factor (identity.second_factor), so tests
    about other things sign officials in as before. Tests marked ``second_factor`` get the real check."""
    if request.node.get_closest_marker("second_factor"):
        return
    from congso.identity import second_factor

    monkeypatch.setattr(second_factor, "session_is_verified", lambda request: True)


@pytest.fixture(autouse=True)
def _vietnamese_between_tests():
    """Each test starts in Vietnamese: Django leaves the last request's language active in the thread,
    so a test that switched to English would otherwise change the messages of the next one."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
