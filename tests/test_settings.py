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


# Runs in the child: print the named settings as JSON.
SETTINGS_PROBE = """
import json, sys, django
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name, None) for name in sys.argv[1:]}))
"""


def read_settings(tmp_path, names, **env_vars):
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONGSO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="congso.settings",
        CONGSO_PROFILE="demo",
        CONGSO_VAR_DIR=str(tmp_path),
        PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), str(PROJECT_ROOT / "src")]),
        **env_vars,
    )
    return subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE, *names],
        env=env,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )


def test_the_settings_docs_operations_names_are_read_from_the_environment(tmp_path):
    # docs/operations.md, lgsp.md and sandbox.md name these as environment variables; the blocks read them
    # with getattr(settings, …), so without a line in settings.py setting them changed nothing.
    names = [
        "CONGSO_DOSSIER_AT_RISK_SHARE",
        "CONGSO_DOSSIER_AT_RISK_MIN_HOURS",
        "CONGSO_LGSP_CONNECTED_TARGET",
        "CONGSO_LGSP_HEALTH_SECONDS",
        "CONGSO_LGSP_HEALTH_TIMEOUT_SECONDS",
        "CONGSO_SANDBOX_CSC_PIN",
    ]
    done = read_settings(
        tmp_path,
        names,
        CONGSO_DOSSIER_AT_RISK_SHARE="1/2",
        CONGSO_DOSSIER_AT_RISK_MIN_HOURS="2",
        CONGSO_LGSP_CONNECTED_TARGET="0.75",
        CONGSO_LGSP_HEALTH_SECONDS="30",
        CONGSO_LGSP_HEALTH_TIMEOUT_SECONDS="2",
        CONGSO_SANDBOX_CSC_PIN="654321",
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "CONGSO_DOSSIER_AT_RISK_SHARE": 0.5,
        "CONGSO_DOSSIER_AT_RISK_MIN_HOURS": 2.0,
        "CONGSO_LGSP_CONNECTED_TARGET": 0.75,
        "CONGSO_LGSP_HEALTH_SECONDS": 30.0,
        "CONGSO_LGSP_HEALTH_TIMEOUT_SECONDS": 2.0,
        "CONGSO_SANDBOX_CSC_PIN": "654321",
    }
    # The documented default "1/3" is what an unset variable gives.
    done = read_settings(tmp_path, ["CONGSO_DOSSIER_AT_RISK_SHARE", "CONGSO_LGSP_CONNECTED_TARGET"])
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "CONGSO_DOSSIER_AT_RISK_SHARE": 1 / 3,
        "CONGSO_LGSP_CONNECTED_TARGET": 0.6,
    }


def test_a_share_that_is_not_one_is_refused_naming_the_variable(tmp_path):
    done = read_settings(tmp_path, ["CONGSO_DOSSIER_AT_RISK_SHARE"], CONGSO_DOSSIER_AT_RISK_SHARE="a third")
    assert done.returncode != 0
    assert "CONGSO_DOSSIER_AT_RISK_SHARE must be a share such as 1/3 or 0.33, not 'a third'" in done.stderr


def test_every_environment_variable_the_settings_read_is_documented():
    import re

    source = (PROJECT_ROOT / "src" / "congso" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'(?:env(?:\.[a-z_]+)?|_fraction)\(\s*"([A-Z][A-Z0-9_]+)"', source))
    docs = "\n".join(path.read_text(encoding="utf-8") for path in (PROJECT_ROOT / "docs").glob("*.md"))
    undocumented = sorted(name for name in read if not re.search(rf"\b{name}\b", docs))
    assert undocumented == []


def _database_settings(tmp_path, **env_vars):
    done = read_settings(tmp_path, ["DATABASES", "CONGSO_PREPARED_STATEMENTS"], **env_vars)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    return seen["DATABASES"]["default"].get("OPTIONS", {}), seen["CONGSO_PREPARED_STATEMENTS"]


def test_postgresql_binds_values_on_the_server_and_congso_prepares_its_hot_statements(tmp_path):
    url = "postgres://congso@db.example.gov.vn:5432/congso"  # read, not connected to
    options, prepares = _database_settings(tmp_path, DATABASE_URL=url)
    assert options["server_side_binding"] is True
    assert "prepare_threshold" not in options  # Django's default: psycopg prepares nothing by itself
    assert prepares is True
    # Behind a PgBouncer that cannot follow prepared statements: nothing prepared, values still bound.
    options, prepares = _database_settings(tmp_path, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="false")
    assert (options["server_side_binding"], prepares) == (True, False)
    options, _prepares = _database_settings(tmp_path, DATABASE_URL=url, DATABASE_SERVER_SIDE_BINDING="false")
    assert options["server_side_binding"] is False
    # SQLite binds its own way.
    options, _prepares = _database_settings(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert "server_side_binding" not in options


def test_a_switch_that_is_neither_true_nor_false_is_refused_naming_the_variable(tmp_path):
    url = "postgres://congso@db.example.gov.vn:5432/congso"
    done = read_settings(
        tmp_path, ["CONGSO_PREPARED_STATEMENTS"], DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="ture"
    )
    assert done.returncode != 0
    assert "DATABASE_PREPARED_STATEMENTS='ture' is not a valid value (true or false)" in done.stderr
    for word, expected in (("off", False), ("0", False), ("", False), ("yes", True), ("TRUE", True)):
        options, prepares = _database_settings(tmp_path, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS=word)
        assert prepares is expected, word
    # DEBUG is shared with other tools (Node's DEBUG=namespace:*): such a value does not stop congso.
    done = read_settings(tmp_path, ["DEBUG"], DEBUG="express:*")
    assert done.returncode == 0, done.stderr
