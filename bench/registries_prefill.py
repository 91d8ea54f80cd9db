"""Opening a prefilled form through the LGSP gateway: the citizen's birth-registration form page, whose
residence comes from the (simulated) national population database over the real gateway.

What it does (bench/README.md, "Registries: prefill through the gateway"):

1. Creates a SQLite database in a temporary directory (or, with ``DATABASE_URL=postgres://…``, a new
   database on that server, dropped at the end), migrates it, seeds the sandbox's small world (the demo
   citizen 074090001234 and 300 others), the LGSP demo with the national services wired to the web
   server below, the platform's consumer credential, the birth-registration procedure with its example
   form, and a draft of the citizen.
2. Starts ``congso serve`` (granian, 1 worker: the national side, /sandbox/) and ``congso gateway``.
3. In this process, with Django's test client signed in as the citizen, GETs the form page of the draft
   ``--requests`` times (answers cache off, so every page makes one lookup through the gateway), and,
   for comparison, the same page with the registry source answered from the cache (no lookup).
4. Prints p50 / p99 / mean of each, and the gateway's log count for the run.

    .venv/bin/python bench/registries_prefill.py [--requests 300]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(8160, 8170)


def port() -> int:
    for candidate in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return candidate
    raise SystemExit("no free port")


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — a local http address
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"nothing answered at {url}")


def database_url(work: Path) -> str:
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{work / 'bench.sqlite3'}"
    import psycopg

    name = f"congso_registries_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(given.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return given.rsplit("/", 1)[0] + "/" + name


def seed(web_url: str):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    os.environ["CONGSO_DEMO_WEB_URL"] = web_url
    from congso import demo as project_demo
    from congso.catalog import services as catalog_services

    # Agencies, accounts, catalogue, LGSP with the national services wired to ``web_url``, the sandbox's
    # registers (full size), the platform's consumer credential.
    project_demo.seed(verbose=False)
    from congso.formengine import examples

    # The example birth-registration form (its residence comes from the population database).
    version = catalog_services.version_in_force("1.001193")
    version.form_schema, version.form_ui = examples.load("1.001193")
    version.save(update_fields=["form_schema", "form_ui"])
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="congdan"), version


def measure(client, url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def summary(name: str, times: list[float]) -> str:
    ordered = sorted(times)

    def rank(p):
        return ordered[max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1)]

    return f"{name:<34} {rank(50):>8.1f} {rank(99):>8.1f} {statistics.mean(times):>8.1f} {len(times):>6}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="congso-registries-bench-"))
    web_port, gateway_port = port(), None
    env = dict(os.environ)
    env.update(
        {
            "CONGSO_PROFILE": "demo",
            "DEBUG": "false",
            "CONGSO_VAR_DIR": str(work),
            "DATABASE_URL": database_url(work),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "DJANGO_SETTINGS_MODULE": "congso.settings",
            "CONGSO_SANDBOX_RATE_LIMIT": "1000000",
            "CONGSO_LGSP_UPSTREAM_TOKEN_SANDBOX": os.environ.get(
                "CONGSO_SANDBOX_TOKEN", "congso-sandbox-demo-token"
            ),
            "CONGSO_REGISTRIES_CACHE_SECONDS": "0",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
        }
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    web_url = f"http://127.0.0.1:{web_port}"
    citizen, version = seed(web_url)
    gateway_port = port() if web_port != 8169 else 8168
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from congso.formengine import build
    from congso.lgsp.models import MessageRecord, System
    from congso.portal import drafts

    # The demo portal system may call the national services as often as the bench asks.
    System.objects.filter(code="CONGDVC").update(rate_limit_per_minute=1_000_000_000)
    settings.CONGSO_REGISTRIES_GATEWAY_URL = f"http://127.0.0.1:{gateway_port}"
    settings.ALLOWED_HOSTS = ["*"]
    processes = []
    logs = [open(work / "web.log", "w"), open(work / "gateway.log", "w")]  # noqa: SIM115 — closed below
    try:
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "congso.cli", "serve", "--port", str(web_port)],
                env=env,
                stdout=logs[0],
                stderr=subprocess.STDOUT,
            )
        )
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "congso.cli", "gateway", "--port", str(gateway_port)],
                env=env,
                stdout=logs[1],
                stderr=subprocess.STDOUT,
            )
        )
        wait_for(f"{web_url}/healthz")
        wait_for(f"http://127.0.0.1:{gateway_port}/health")
        definition = build(version.form_schema, version.form_ui)
        journey = drafts.start_draft(citizen, version, definition, "self")
        client = Client()
        client.force_login(citizen)
        url = reverse(
            "portal:apply-step", kwargs={"draft_id": journey.draft.public_id, "step_id": "nguoi-yeu-cau"}
        )
        page = client.get(url).content.decode()
        assert "theo Cơ sở dữ liệu quốc gia về dân cư" in page, (
            "the form was not prefilled through the gateway"
        )
        measure(client, url, 20)  # warm-up
        before = MessageRecord.objects.count()
        through = measure(client, url, args.requests)
        looked_up = MessageRecord.objects.count() - before
        settings.CONGSO_REGISTRIES_CACHE_SECONDS = 3600
        cache.clear()
        measure(client, url, 5)
        cached = measure(client, url, args.requests)
        print(
            f"\nRegistries prefill bench ({env['DATABASE_URL'].split(':')[0]}): "
            f"{args.requests} form pages each; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n"
        )
        print(f"{'form page':<34} {'p50 ms':>8} {'p99 ms':>8} {'mean':>8} {'pages':>6}")
        print(summary("lookup through the gateway", through))
        print(summary("registry answer cached (no call)", cached))
        print(f"\ngateway log records during the first run: {looked_up} (one per page)")
    finally:
        for proc in processes:
            proc.terminate()
        for proc in processes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
