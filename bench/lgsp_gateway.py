"""LGSP gateway benchmark: the same local upstream called directly, through Debian's nginx as a plain
``proxy_pass``, and through the congso gateway (token check, access rule, rate limit, durable log).

What it does (bench/README.md, "LGSP gateway"):

1. Creates a SQLite database in a temporary directory (or, with ``DATABASE_URL=postgres://…``, a new
   database on that server, dropped at the end), migrates it, registers a provider system with one
   service (``GET /ho-so/{ma}``), a consumer system with a right on it and a credential, and issues a
   token (valid one hour).
2. Starts nginx (``nginx`` on PATH; ``apt-get install -y nginx wrk``) from a temporary configuration with
   two servers: the **upstream** (``return 200`` with a small JSON body) and a **proxy** (``proxy_pass``
   to the upstream, keep-alive connections). One worker process.
3. Starts ``congso gateway`` (one process) in front of the same upstream.
4. Runs ``wrk`` (``--threads``, ``--connections``, ``--seconds`` each) against: the upstream directly,
   the nginx proxy, the congso gateway. Every gateway request carries the Bearer token; the gateway
   generates its message id, checks the token and the right, forwards, and ends each answer only
   once its record is committed (group commit).
5. Prints requests/s, p50 and p99 of each, and the ratios; then verifies the message log (hash chain)
   and counts its records.

    .venv/bin/python bench/lgsp_gateway.py [--seconds 10] [--connections 16] [--threads 1]
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICE = "000.00.02.H08/MOTCUA/tra-cuu-ho-so"
OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "Tra cứu hồ sơ", "version": "1.0"},
    "paths": {
        "/ho-so/{ma}": {
            "parameters": [{"name": "ma", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"summary": "Tra cứu", "responses": {"200": {"description": "Hồ sơ"}}},
        }
    },
}
NGINX_CONF = """
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    upstream provider {{ server 127.0.0.1:{upstream}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{upstream};
        location / {{ default_type application/json; return 200 '{{"ma":"H08-1","trang_thai":"2"}}'; }}
    }}
    server {{
        listen 127.0.0.1:{proxy};
        location / {{
            proxy_pass http://provider;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — a local http address
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered at {url}")


def seed(upstream_url: str) -> str:
    """Migrate, register the provider, consumer, right and credential; return a token."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from congso.agencies.models import Agency, AgencyKind
    from congso.lgsp import services
    from congso.lgsp.models import System

    call_command("migrate", interactive=False, verbosity=0)
    centre = Agency.objects.create(
        code="000.00.02.H08", name="Trung tâm PVHCC", kind=AgencyKind.SERVICE_CENTRE
    )
    justice = Agency.objects.create(code="000.00.03.H08", name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT)
    provider = services.register_system(services.member_for_agency(centre), "MOTCUA", "Một cửa")
    consumer = services.register_system(services.member_for_agency(justice), "HOTICH", "Hộ tịch")
    System.objects.filter(pk=consumer.pk).update(rate_limit_per_minute=1_000_000_000)
    service = services.register_service(
        provider, "tra-cuu-ho-so", "Tra cứu hồ sơ", upstream_url, openapi_document=OPENAPI
    )
    services.grant_access(service, system=consumer)
    issued = services.create_credential(consumer)
    settings.CONGSO_LGSP_TOKEN_SECONDS = 3600
    return services.issue_token(issued.credential.client_id, issued.secret).access_token


def database_url(work: Path) -> str:
    """SQLite in ``work``; or, when ``DATABASE_URL`` names a PostgreSQL server, a new database on it
    (dropped at the end by :func:`drop_database`)."""
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{work / 'bench.sqlite3'}"
    import psycopg

    name = f"congso_lgsp_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(given.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return given.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg
        from django.db import connections

        connections.close_all()
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def wrk(url: str, args, token: str = "") -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s", "--latency"]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def percentile(p):
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {
        "rps": rps,
        "p50": percentile(50),
        "p99": percentile(99),
        "requests": total,
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    for tool in ("nginx", "wrk"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install -y nginx wrk")
    work = Path(tempfile.mkdtemp(prefix="congso-lgsp-bench-"))
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
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
        }
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    upstream_port, proxy_port, gateway_port = free_port(), free_port(), free_port()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / sub).mkdir()
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, upstream=upstream_port, proxy=proxy_port))
    token = seed(f"http://127.0.0.1:{upstream_port}/api")
    processes = []
    try:
        processes.append(subprocess.Popen(["nginx", "-c", str(conf), "-p", str(work), "-g", "daemon off;"]))
        log = open(work / "gateway.log", "w")  # noqa: SIM115 — closed with the run
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "congso.cli", "gateway", "--port", str(gateway_port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        wait_for(f"http://127.0.0.1:{upstream_port}/")
        wait_for(f"http://127.0.0.1:{gateway_port}/health")
        path = "/api/ho-so/H08-1"
        targets = [
            ("direct", f"http://127.0.0.1:{upstream_port}{path}", ""),
            ("nginx proxy_pass", f"http://127.0.0.1:{proxy_port}{path}", ""),
            ("congso gateway", f"http://127.0.0.1:{gateway_port}/r1/{SERVICE}/ho-so/H08-1", token),
        ]
        results = {}
        for name, url, auth in targets:
            wrk(url, argparse.Namespace(threads=1, connections=4, seconds=2), auth)  # warm-up
            results[name] = wrk(url, args, auth)
        print(
            f"\nLGSP gateway bench ({env['DATABASE_URL'].split(':')[0]}): {args.connections} connections, "
            f"{args.threads} wrk thread(s), "
            f"{args.seconds} s each; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n"
        )
        print(f"{'target':<18} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'non-2xx':>8}")
        for name, r in results.items():
            print(
                f"{name:<18} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['requests']:>9} "
                f"{r['non_2xx']:>8}"
            )
        exposition = urllib.request.urlopen(f"http://127.0.0.1:{gateway_port}/metrics").read().decode()  # noqa: S310
        batches = float(re.search(r"^lgsp_gateway_log_batch_records_count (\S+)$", exposition, re.M).group(1))
        logged = float(re.search(r"^lgsp_gateway_log_batch_records_sum (\S+)$", exposition, re.M).group(1))
        print(
            f"\nmessage log: {logged:.0f} records in {batches:.0f} commits ({logged / batches:.1f} a commit)"
        )
        gw, ngx, direct = results["congso gateway"], results["nginx proxy_pass"], results["direct"]
        print(
            f"\ngateway / nginx throughput: {gw['rps'] / ngx['rps']:.2f}   "
            f"gateway / direct: {gw['rps'] / direct['rps']:.2f}\n"
            f"added p50 over direct: nginx {ngx['p50'] - direct['p50']:.2f} ms, "
            f"gateway {gw['p50'] - direct['p50']:.2f} ms"
        )
    finally:
        for proc in processes:
            proc.terminate()
        for proc in processes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    from congso.lgsp import messagelog
    from congso.lgsp.models import MessageRecord

    result = messagelog.verify()
    print(
        f"message log: {MessageRecord.objects.count()} records, "
        f"{'verifies' if result.ok else 'DOES NOT VERIFY: ' + '; '.join(result.problems[:3])}"
    )
    drop_database(env["DATABASE_URL"])
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
