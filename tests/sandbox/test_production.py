"""The production profile never runs the simulators: not installed, not mounted, and an explicit attempt
to turn them on stops the process. Settings are read once per process, so each case is a fresh one."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from congso.sandbox.apps import refuse_in_production
from tests.support.subprocesses import PROJECT_ROOT

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.urls import Resolver404, resolve
try:
    view = resolve("/sandbox/csdlqg-dan-cu/openapi.json").view_name
except Resolver404:
    view = None
print(json.dumps({"installed": "congso.sandbox" in settings.INSTALLED_APPS, "view": view}))
"""


def run(tmp_path, **env_vars):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CONGSO_EXTRA_APPS", "CONGSO_SANDBOX_ENABLED"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="congso.settings",
        CONGSO_VAR_DIR=str(tmp_path),
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="testserver",
        PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), str(PROJECT_ROOT / "src")]),
        **env_vars,
    )
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )


def test_production_neither_installs_nor_mounts_the_sandbox(tmp_path):
    done = run(tmp_path, CONGSO_PROFILE="production")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == '{"installed": false, "view": null}'


def test_the_demo_profile_mounts_it(tmp_path):
    done = run(tmp_path, CONGSO_PROFILE="demo")
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last == '{"installed": true, "view": "sandbox:population-openapi"}'


def test_production_refuses_to_start_with_the_sandbox_switched_on(tmp_path):
    done = run(tmp_path, CONGSO_PROFILE="production", CONGSO_SANDBOX_ENABLED="1")
    assert done.returncode != 0
    assert "CONGSO_SANDBOX_ENABLED cannot be on in the production profile" in done.stderr


def test_production_refuses_to_start_with_the_sandbox_added_as_an_extra_app(tmp_path):
    done = run(tmp_path, CONGSO_PROFILE="production", CONGSO_EXTRA_APPS="congso.sandbox")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "must not run in the production profile" in done.stderr


def test_the_app_refuses_in_process_too(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        refuse_in_production()
    settings.IS_PRODUCTION = False
    refuse_in_production()


def test_production_refuses_to_start_with_the_development_signing_keys(tmp_path):
    done = run(tmp_path, CONGSO_PROFILE="production", CONGSO_SIGNATURE_PROVIDER="devpki")
    assert done.returncode != 0
    assert "CONGSO_SIGNATURE_PROVIDER cannot be devpki in the production profile" in done.stderr
    assert run(tmp_path, CONGSO_PROFILE="production", CONGSO_SIGNATURE_PROVIDER="csc").returncode == 0
