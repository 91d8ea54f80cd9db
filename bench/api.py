"""Benchmark of the open API (bench/README.md, "Open API"): a dossier read and a dossier list page, direct
and through the LGSP gateway, over a province's two years of dossiers (1,000,000 by default).

On PostgreSQL only: creates a database ``congso_bench_<random>`` on the server of DATABASE_URL, migrates
it and loads it with the dossier inbox benchmark's generator (``dossier_inbox.load``: one INSERT … SELECT
over generate_series). Registers in the LGSP a consumer system owned by the busiest ward (whose one-stop
officer it acts for), congso's API as a service with the document the demo registers, a right and a
credential; starts the application under waitress and ``congso gateway``, and measures over one
keep-alive connection, sequentially, after 10 unmeasured requests per scenario:

1. ``GET /api/v1/dossiers/{code}`` — random dossiers of that ward (detail: papers, timeline, ETag, the
   audited read);
2. ``GET /api/v1/dossiers?page_size=50`` — the first page of the officer's dossiers (scope ``received``),
   the page reached by following ``next`` 20 times, ``status=4``, and the scopes ``held`` and ``all``;

each direct (``/api/v1/…``: the LGSP's rights checked in the web process) and through the gateway
(``/r1/<service>/…``: token check, rights, message log, forwarding). Prints p50 / p90 / p99 in
milliseconds and the CPU the server processes and the database backends spent per request (from /proc:
a cost the machine's other load hardly changes, unlike wall-clock latency). The database is dropped at
the end unless --keep-database; --database NAME reuses one kept earlier (by this script or
bench/dossier_inbox.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/api.py
    ... --dossiers 200000 --samples 100
"""

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import dossier_inbox as inbox  # noqa: E402 — the shared loader and helpers of the dossier benchmarks

GATEWAY_TOKEN = "bench-gateway-provider-credential-" + uuid.uuid4().hex  # noqa: S105 — throw-away
UPSTREAM_VARIABLE = "CONGSO_LGSP_UPSTREAM_TOKEN_CONGSO_API"


def register(api_url: str, out: Path) -> None:
    """(Child process, Django set up.) The LGSP registration, a token, and the codes to read."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from congso.agencies.models import Agency, AgencyKind
    from congso.api.schema import gateway_document
    from congso.lgsp import services
    from congso.lgsp.models import System

    info = inbox.describe()
    ward = Agency.objects.get(pk=info["agency_id"])
    centre, _created = Agency.objects.get_or_create(
        code="000.00.02.H08", defaults={"name": "Trung tâm PVHCC", "kind": AgencyKind.SERVICE_CENTRE}
    )
    # A database kept by an earlier run already holds the registration: found again, not duplicated.
    provider = services.find_system(f"GOV/{centre.code}/MOTCUA") or services.register_system(
        services.member_for_agency(centre), "MOTCUA", "Một cửa", status="connected"
    )
    consumer = services.find_system(f"GOV/{ward.code}/PHANMEM") or services.register_system(
        services.member_for_agency(ward), "PHANMEM", "Phần mềm của phường"
    )
    System.objects.filter(pk=consumer.pk).update(rate_limit_per_minute=1_000_000_000)
    service = provider.services.filter(code="api-ho-so").first() or services.register_service(
        provider, "api-ho-so", "API mở", api_url, openapi_document=gateway_document()
    )
    services.set_upstream(service, api_url, token_variable=UPSTREAM_VARIABLE)
    if not services.rights_of(service).filter(system=consumer).exists():
        services.grant_access(service, system=consumer)
    issued = services.create_credential(consumer)
    settings.CONGSO_LGSP_TOKEN_SECONDS = 3600
    token = services.issue_token(issued.credential.client_id, issued.secret).access_token
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code FROM dossiers_dossier WHERE receiving_agency_id = %s "
            "ORDER BY md5(id::text) LIMIT 2000",
            [ward.pk],
        )
        codes = [row[0] for row in cursor.fetchall()]
    out.write_text(
        json.dumps(
            {
                **info,
                "token": token,
                "officer": f"motcua_{ward.pk}",
                "service": service.path_identifier,
                "codes": codes,
            }
        ),
        encoding="utf-8",
    )


class Client:
    """Requests over one keep-alive connection with the caller's headers."""

    def __init__(self, port: int, headers: dict):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = headers

    def get(self, path: str) -> tuple[float, dict]:
        started = time.perf_counter()
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
        return elapsed, json.loads(body)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def row(label: str, values: list[float], cost: str = "") -> str:
    return (
        f"{label:<40}{len(values):>5}{percentile(values, 50):>9.1f}{percentile(values, 90):>9.1f}"
        f"{percentile(values, 99):>9.1f}{cost}"
    )


def _relative(next_url: str, prefix: str) -> str:
    """The ``next`` link of a page as a path under ``prefix`` (the API answers with its own address)."""
    parts = urllib.parse.urlsplit(next_url)
    path = parts.path
    path = path[path.index("/dossiers") :]
    return prefix + path + ("?" + parts.query if parts.query else "")


def measure(client: Client, prefix: str, info: dict, samples: int, meter) -> list[str]:
    """Each scenario: one unmeasured pass of 10 requests, then ``samples`` (reads) or a fifth of it (list
    pages) sequential requests; p50/p90/p99 wall-clock, and the CPU the server processes (web, and the
    gateway when it is in the path) and the database backends spent per request."""
    rng = random.Random(2026)  # noqa: S311 — a reproducible choice of dossiers
    codes = info["codes"]
    link, deep_link, pages = None, None, 1
    _elapsed, page = client.get(f"{prefix}/dossiers?page_size=50")
    link = page["next"]
    while link and pages < 21:  # follow ``next`` to page 22 (or the last page of a small ward)
        deep_link = link
        _elapsed, page = client.get(_relative(link, prefix))
        link, pages = page["next"], pages + 1
    deep_link = link or deep_link
    n = max(10, samples // 5)
    scenarios = [
        (
            "dossier read (GET /dossiers/{code})",
            [f"{prefix}/dossiers/{rng.choice(codes)}" for _ in range(samples)],
        ),
        ("list, received (default), page 1", [f"{prefix}/dossiers?page_size=50"] * n),
        (f"list, received, page {pages + 1} (cursor)", [_relative(deep_link, prefix)] * n),
        ("list, received, status 4, page 1", [f"{prefix}/dossiers?status=4&page_size=50"] * n),
        ("list, held (at my agency now), page 1", [f"{prefix}/dossiers?scope=held&page_size=50"] * n),
        ("list, all I may see, page 1", [f"{prefix}/dossiers?scope=all&page_size=50"] * n),
    ]
    rows = [f"{'request':<40}{'n':>5}{'p50':>9}{'p90':>9}{'p99':>9}   cpu/request (ms): app   db"]
    for label, paths in scenarios:
        for warm in paths[:10]:
            client.get(warm)
        before = meter.snapshot()
        timings = [client.get(path)[0] for path in paths]
        app, db = inbox.CpuMeter.spent(before, meter.snapshot())
        rows.append(row(label, timings, f"{app / len(paths) * 1000:>22.1f}{db / len(paths) * 1000:>6.1f}"))
    rows.append(f"({inbox.load_average()} at the end)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--samples", type=int, default=200, help="reads timed per path")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--database", help="reuse a database kept by an earlier run (no load)")
    parser.add_argument("--register-only", nargs=2, metavar=("API_URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.register_only:  # child process: the environment is already prepared
        register(args.register_only[0], Path(args.register_only[1]))
        return

    print(f"machine: {inbox.machine()}")
    database = args.database or f"congso_bench_{uuid.uuid4().hex[:10]}"
    python = sys.executable
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="congso-api-bench-") as tmp:
        workdir = Path(tmp)
        env = inbox.environment(workdir, database)
        env["CONGSO_API_GATEWAY_TOKEN"] = GATEWAY_TOKEN
        env[UPSTREAM_VARIABLE] = GATEWAY_TOKEN
        env["CONGSO_LGSP_TOKEN_SECONDS"] = "3600"  # noqa: S105 — a lifetime, not a secret
        try:
            if not args.database:
                with inbox.admin_connection() as conn:
                    conn.execute(f'CREATE DATABASE "{database}"')
                subprocess.run(
                    [python, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True, cwd=ROOT
                )
                started = time.perf_counter()
                print(f"loading {args.dossiers:,} dossiers into {database}:", flush=True)
                subprocess.run(
                    [
                        python,
                        str(BENCH / "dossier_inbox.py"),
                        "--agencies",
                        str(args.agencies),
                        "--load-only",
                        str(args.dossiers),
                        str(workdir / "loaded.json"),
                    ],
                    env=env,
                    check=True,
                    cwd=ROOT,
                )
                print(f"load finished in {time.perf_counter() - started:.1f} s", flush=True)
            web_port, gateway_port = inbox.free_port(), inbox.free_port()
            info_file = workdir / "info.json"
            subprocess.run(
                [python, __file__, "--register-only", f"http://127.0.0.1:{web_port}/api/v1", str(info_file)],
                env=env,
                check=True,
                cwd=ROOT,
            )
            info = json.loads(info_file.read_text(encoding="utf-8"))
            env["CONGSO_API_SERVICE"] = info["service"]  # direct calls checked against its rights
            print(
                f"{info['total']:,} dossiers, database {info['size']}; the officer's ward: "
                f"{info['agency_dossiers']:,} dossiers"
            )
            processes.append(
                subprocess.Popen(
                    [
                        python,
                        "-m",
                        "waitress",
                        f"--listen=127.0.0.1:{web_port}",
                        f"--threads={args.threads}",
                        "congso.wsgi:application",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
            inbox.wait_until_up(web_port, processes[0])
            processes.append(
                subprocess.Popen(
                    [python, "-m", "congso.cli", "gateway", "--port", str(gateway_port)],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
            inbox.wait_until_up(gateway_port, processes[1])
            headers = {
                "Authorization": f"Bearer {info['token']}",
                "X-Congso-Acting-Officer": info["officer"],
                "Accept": "application/json",
            }
            print(
                f"\nDirect, http://127.0.0.1:{web_port}/api/v1 (waitress, {args.threads} threads; "
                f"{inbox.load_average()}):"
            )
            web_only = inbox.CpuMeter([processes[0].pid], env["DATABASE_URL"])
            for line in measure(Client(web_port, headers), "/api/v1", info, args.samples, web_only):
                print("  " + line)
            prefix = f"/r1/{info['service']}"
            print(
                f"\nThrough the LGSP gateway, http://127.0.0.1:{gateway_port}{prefix} "
                f"({inbox.load_average()}):"
            )
            both = inbox.CpuMeter([processes[0].pid, processes[1].pid], env["DATABASE_URL"])
            for line in measure(Client(gateway_port, headers), prefix, info, args.samples, both):
                print("  " + line)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
            if not args.keep_database and not args.database:
                with inbox.admin_connection() as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            elif not args.database:
                print(f"database kept: {database}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
    main()
