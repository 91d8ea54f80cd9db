"""Shared fixtures for the whole suite."""

import pytest


@pytest.fixture
def make_user(db, django_user_model):
    """Create a user; citizens get a valid national ID unless one is given."""
    counter = {"n": 0}

    def make(username=None, password="Mat-khau-rat-manh-2026", kind="citizen", **fields):  # noqa: S107
        counter["n"] += 1
        username = username or f"user{counter['n']}"
        if kind == "citizen":
            fields.setdefault("national_id", f"0740900{counter['n']:05d}")
        if kind == "business":
            fields.setdefault("tax_code", f"37000{counter['n']:05d}")
        fields.setdefault("full_name", username.title())
        user = django_user_model.objects.create_user(
            username=username, password=password, kind=kind, **fields
        )
        return user

    return make


def database_url_for_subprocess() -> str:
    """A DATABASE_URL pointing another process at this test run's database."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


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
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(_project_root()), str(_project_root() / "src")])
                ),
            }
        )
        env.update({k: str(v) for k, v in extra_env.items()})
        log = open(tmp_path / f"worker-{len(started)}.log", "w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "congso.cli", "worker", "--interval", "0.1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=_project_root(),
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def _project_root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def wait_until(predicate, timeout=30.0, interval=0.1, message="condition"):
    """Poll ``predicate`` until it is truthy; fail the test with ``message`` after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {message}")


@pytest.fixture(autouse=True)
def _vietnamese_between_tests():
    """Each test starts in Vietnamese: Django leaves the last request's language active in the thread,
    so a test that switched to English would otherwise change the messages of the next one."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
