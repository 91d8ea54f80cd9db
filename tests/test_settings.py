"""The settings profiles: what the demo shows on an error, and when Django's debug pages are allowed.

Settings are read once per process, so each profile is loaded in a fresh interpreter.
"""

import json
import os
import subprocess
import sys

from tests.support.subprocesses import PROJECT_ROOT

# Runs in the child: load the settings of the profile in the environment, then ask for a missing page.
PROBE = """
import json, django
from django.test import Client
from django.test.utils import setup_test_environment
django.setup()
from django.conf import settings
setup_test_environment()
response = Client().get("/khong-co-trang-nay/")
print(json.dumps({
    "debug": settings.DEBUG,
    "language_cookie_secure": settings.LANGUAGE_COOKIE_SECURE,
    "status": response.status_code,
    "body": response.content.decode(),
}))
"""


def load_profile(tmp_path, **env_vars) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "CONGSO_DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CONGSO_EXTRA_APPS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="congso.settings",
        CONGSO_VAR_DIR=str(tmp_path),
        PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), str(PROJECT_ROOT / "src")]),
        **env_vars,
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, cwd=PROJECT_ROOT
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_demo_shows_the_products_own_404_page_not_the_debug_page(tmp_path):
    seen = load_profile(tmp_path, CONGSO_PROFILE="demo")
    assert seen["debug"] is False
    assert seen["status"] == 404
    assert "Không tìm thấy trang" in seen["body"]  # the product's page, in Vietnamese
    assert "DEBUG = True" not in seen["body"] and "URLconf" not in seen["body"]
    # Off DEBUG must not make the language cookie Secure: the demo runs over plain HTTP.
    assert seen["language_cookie_secure"] is False


def test_a_developer_turns_the_debug_pages_on_with_congso_debug(tmp_path):
    seen = load_profile(tmp_path, CONGSO_PROFILE="demo", CONGSO_DEBUG="1")
    assert seen["debug"] is True
    assert seen["status"] == 404
    assert "DEBUG = True" in seen["body"]
