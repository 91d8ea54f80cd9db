"""Throughput of the two submission paths next to the floor, through HTTP on PostgreSQL (bench/README.md,
"Submissions").

In one run, against real server processes and with ``--clients`` concurrent keep-alive clients:

1. ``/healthz`` — the floor: the same middleware stack and one ``SELECT 1``;
2. the portal home (anonymous);
3. the officer inbox (``/can-bo/ho-so/``, a one-stop officer per client);
4. the online submission: the portal's real "Nộp hồ sơ" POST (``/nop-ho-so/ban-nhap/<draft>/nop/``) of
   drafts prepared complete (answers given, one PDF attached), which calls ``submit_online``;
5. counter intake: ``POST /can-bo/ho-so/tiep-nhan/<code>/`` (multipart, a PDF scan), which calls
   ``receive_at_counter``.

For each: requests per second, p50/p99 latency, and the CPU spent per request by the web processes, by
the PostgreSQL backends of the bench database and by the load generator (a separate process, its share
reported because on 2 cores it competes with the server), read from ``/proc`` over the measured window;
then the web CPU per request divided by the floor's, which a noisy machine does not move much.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dossier_inbox as base  # noqa: E402 — the HTTP client, CPU meter and environment helpers

ROOT = base.ROOT
SCENARIOS = ("healthz", "home", "inbox", "online", "counter")
PROCEDURE_CODE = "9.000001"


# --- Data (child process with Django set up) ------------------------------------------------------


def setup(clients: int, drafts_per_client: int, out: Path) -> None:
    """Wards with a one-stop officer each, citizens, one procedure and complete drafts (with a PDF)."""
    import django

    django.setup()
    from datetime import date, timedelta

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from congso.agencies.models import Agency, StaffMembership
    from congso.catalog.models import Field, OnlineMode, Procedure, ProcedureVersion, RequiredPaper
    from congso.portal.models import ApplicationDraft, DraftFile

    wards = Agency.objects.bulk_create(
        Agency(code=f"000.{i:02d}.12.H08", name=f"UBND phường thử tải {i}", kind="ubnd")
        for i in range(1, clients + 1)
    )
    field = Field.objects.create(code="bench", name="Lĩnh vực thử tải")
    procedure = Procedure.objects.create(
        code=PROCEDURE_CODE,
        national_code=PROCEDURE_CODE,
        name="Thủ tục thử tải",
        field=field,
        level="commune",
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status="published",
        effective_from=date(2023, 1, 1),
        legal_basis="Văn bản thử tải",
        time_limit_value=3,
        online_mode=OnlineMode.FULLY_ONLINE,
        submission_place="Bộ phận Một cửa",
    )
    RequiredPaper.objects.create(version=version, code="to-khai", name="Tờ khai", is_required=True)
    version.implementing_agencies.set(wards)
    password = make_password(base.PASSWORD)
    users = get_user_model()
    officers = users.objects.bulk_create(
        users(username=f"motcua_{w.pk}", kind="official", full_name="Cán bộ một cửa", password=password)
        for w in wards
    )
    StaffMembership.objects.bulk_create(
        StaffMembership(user=o, agency=w, role="one_stop_officer")
        for o, w in zip(officers, wards, strict=True)
    )
    base.give_authenticators(officers)
    citizens = users.objects.bulk_create(
        users(
            username=f"congdan_{i}",
            kind="citizen",
            national_id=f"0749{i:08d}",
            full_name=f"Công dân thử tải {i}",
            password=password,
        )
        for i in range(clients)
    )
    media = Path(settings.MEDIA_ROOT)
    expires = timezone.now() + timedelta(days=30)
    drafts = ApplicationDraft.objects.bulk_create(
        ApplicationDraft(
            user=citizen,
            procedure_version=version,
            data={},
            acting_for={"relation": "self"},
            receiving_agency=ward,
            current_step="review",
            expires_at=expires,
        )
        for citizen, ward in zip(citizens, wards, strict=True)
        for _n in range(drafts_per_client)
    )
    files = []
    import hashlib

    digest = hashlib.sha256(base.TINY_PDF).hexdigest()
    for draft in drafts:
        name = f"drafts/{draft.public_id}/{uuid.uuid4().hex}"
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(base.TINY_PDF)
        files.append(
            DraftFile(
                draft=draft,
                required_paper_code="to-khai",
                file=name,
                original_name="to-khai.pdf",
                content_type="application/pdf",
                size=len(base.TINY_PDF),
                sha256=digest,
            )
        )
    DraftFile.objects.bulk_create(files, batch_size=2000)
    by_user: dict[int, list[str]] = {}
    for draft in drafts:
        by_user.setdefault(draft.user_id, []).append(str(draft.public_id))
    info = {
        "version_id": version.pk,
        "wards": [w.pk for w in wards],
        "citizens": [c.username for c in citizens],
        "drafts": [by_user[c.pk] for c in citizens],
    }
    out.write_text(json.dumps(info), encoding="utf-8")


# --- Load generator (its own process) ------------------------------------------------------------


def _cpu_self() -> float:
    usage = os.times()
    return usage.user + usage.system


def generate(
    scenario: str,
    ports: list[int],
    info: dict,
    clients: int,
    duration: float,
    warmup: float,
    server_pids: list[int],
    database_url: str,
) -> dict:
    """Run ``clients`` threads against the servers; measure ``duration`` seconds after ``warmup``."""
    meter = base.CpuMeter(server_pids, database_url)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    window = {"start": None, "end": None}
    ready = threading.Barrier(clients + 1)
    stop = threading.Event()
    exhausted = {"n": 0}

    def prepare(index: int) -> tuple[base.Client, object]:
        client = base.Client(ports[index % len(ports)])
        ward = info["wards"][index % len(info["wards"])]
        if scenario in ("inbox", "counter"):
            client.sign_in(f"motcua_{ward}")
        if scenario == "online":
            client.sign_in(info["citizens"][index])
            drafts = iter(info["drafts"][index])
            first = next(drafts)
            client.timed_get(f"/nop-ho-so/ban-nhap/{first}/nop/")
            drafts = iter([first, *drafts])
            csrf = client.cookies.get("congso_csrf", "")

            def request():
                draft = next(drafts, None)
                if draft is None:
                    return None
                path = f"/nop-ho-so/ban-nhap/{draft}/nop/"
                body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "declaration": "true"})
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
                return "POST", path, body, headers, 302
        elif scenario == "counter":
            path = f"/can-bo/ho-so/tiep-nhan/{PROCEDURE_CODE}/"
            client.timed_get(path, b"idempotency_key")
            csrf = client.cookies.get("congso_csrf", "")
            counter = {"n": 0}

            def request():
                counter["n"] += 1
                body, ctype = base.multipart(
                    {
                        "csrfmiddlewaretoken": csrf,
                        "version_id": str(info["version_id"]),
                        "idempotency_key": uuid.uuid4().hex,
                        "agency": str(ward),
                        "name": "Nguyễn Văn Thử",
                        "national_id": f"0749{index:02d}{counter['n']:06d}",
                        # Another applicant each time: the intake warns about probable duplicates
                        # (same ID, or same name and phone) and the bench measures plain intakes.
                        "phone": f"09{index:02d}{counter['n']:06d}",
                        "email": "",
                        "address": "Khu phố 1",
                        "relation": "self",
                        "representative_name": "",
                        "representative_national_id": "",
                    },
                    {"file-to-khai": ("to-khai.pdf", base.TINY_PDF, "application/pdf")},
                )
                return "POST", path, body, {"Content-Type": ctype}, 302
        else:
            path = {"healthz": "/healthz", "home": "/", "inbox": "/can-bo/ho-so/"}[scenario]

            def request():
                return "GET", path, None, {}, 200

        return client, request

    def worker(index: int):
        client, request = prepare(index)
        ready.wait()
        while not stop.is_set():
            call = request()
            if call is None:
                with lock:
                    exhausted["n"] += 1
                return
            method, path, body, headers, expected = call
            began = time.perf_counter()
            status, _h, _b = client.request(method, path, body, headers)
            ended = time.perf_counter()
            with lock:
                if status != expected:
                    errors.append(f"{method} {path} → HTTP {status}")
                elif window["start"] is not None and began >= window["start"] and window["end"] is None:
                    latencies.append((ended - began) * 1000)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    time.sleep(warmup)
    before, own_before = meter.snapshot(), _cpu_self()
    window["start"] = time.perf_counter()
    time.sleep(duration)
    window["end"] = time.perf_counter()
    after, own_after = meter.snapshot(), _cpu_self()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    app, db = base.CpuMeter.spent(before, after)
    done = len(latencies)
    return {
        "scenario": scenario,
        "done": done,
        "seconds": window["end"] - window["start"],
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "exhausted": exhausted["n"],
        "p50": base.percentile(latencies, 50) if latencies else 0.0,
        "p99": base.percentile(latencies, 99) if latencies else 0.0,
        "app_cpu": app,
        "db_cpu": db,
        "load_cpu": own_after - own_before,
        "load": os.getloadavg()[0],
    }


# --- Orchestration -------------------------------------------------------------------------------


def report(results: list[dict], clients: int) -> list[str]:
    floor = next((r for r in results if r["scenario"] == "healthz" and r["done"]), None)
    labels = {
        "healthz": "/healthz (floor)",
        "home": "portal home",
        "inbox": "officer inbox",
        "online": "online submission (submit_online)",
        "counter": "counter intake (receive_at_counter)",
    }
    rows = [
        f"{'request':<38}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'app ms':>8}{'db ms':>7}{'gen ms':>8}"
        f"{'× floor':>9}{'errors':>8}{'load':>6}"
    ]
    for r in results:
        n = max(r["done"], 1)
        app = r["app_cpu"] / n * 1000
        ratio = app / (floor["app_cpu"] / floor["done"] * 1000) if floor else float("nan")
        rows.append(
            f"{labels[r['scenario']]:<38}{r['done'] / r['seconds']:>8.1f}{r['p50']:>8.1f}{r['p99']:>8.1f}"
            f"{app:>8.2f}{r['db_cpu'] / n * 1000:>7.2f}{r['load_cpu'] / n * 1000:>8.2f}{ratio:>9.1f}"
            f"{r['errors']:>8}{r['load']:>6.1f}"
            + (f"   (first error: {r['first_error']})" if r["errors"] else "")
            + (f"   ({r['exhausted']} clients ran out of drafts)" if r["exhausted"] else "")
        )
    rows.append(
        f"({clients} clients; app/db/gen = CPU per request of the web processes, the PostgreSQL backends and "
        "the load generator; × floor = app CPU / app CPU of /healthz)"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("granian", "waitress"), default="granian")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1, help="server processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per server process")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=15.0, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--drafts", type=int, default=400, help="complete drafts prepared per client")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument(
        "--setup-only", nargs=3, metavar=("CLIENTS", "DRAFTS", "FILE"), help=argparse.SUPPRESS
    )
    parser.add_argument("--generate", metavar="JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.setup_only:  # child process: the environment is prepared
        setup(int(args.setup_only[0]), int(args.setup_only[1]), Path(args.setup_only[2]))
        return
    if args.generate:  # child process: the load generator
        job = json.loads(Path(args.generate).read_text(encoding="utf-8"))
        print(json.dumps(generate(**job)))
        return

    print(f"machine: {base.machine()}")
    with base.admin_connection() as conn:
        print(f"database server: {conn.execute('SELECT version()').fetchone()[0].split(',')[0]}")
    database = f"congso_bench_{uuid.uuid4().hex[:10]}"
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="congso-bench-") as tmp:
        workdir = Path(tmp)
        env = base.environment(workdir, database)
        servers: list[subprocess.Popen] = []
        try:
            with base.admin_connection() as conn:
                conn.execute(f'CREATE DATABASE "{database}"')
            subprocess.run([python, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True, cwd=ROOT)
            info_file = workdir / "info.json"
            started = time.perf_counter()
            subprocess.run(
                [python, __file__, "--setup-only", str(args.clients), str(args.drafts), str(info_file)],
                env=env,
                check=True,
                cwd=ROOT,
            )
            info = json.loads(info_file.read_text(encoding="utf-8"))
            prepared = args.clients * args.drafts
            print(
                f"prepared {args.clients} wards, officers, citizens and {prepared:,} complete drafts in "
                f"{time.perf_counter() - started:.1f} s"
            )
            servers, ports = base.start_servers(args.server, args.processes, args.threads, env)
            print(
                f"server: {args.server}, {args.processes} process(es) × {args.threads} threads; "
                f"{args.clients} clients in a separate process; {args.duration:.0f} s measured per scenario "
                f"after {args.warmup:.0f} s of warm-up; {base.load_average()}"
            )
            results = []
            for scenario in args.scenarios.split(","):
                job = {
                    "scenario": scenario,
                    "ports": ports,
                    "info": info,
                    "clients": args.clients,
                    "duration": args.duration,
                    "warmup": args.warmup,
                    "server_pids": base.server_pids(servers),
                    "database_url": env["DATABASE_URL"],
                }
                job_file = workdir / f"job-{scenario}.json"
                job_file.write_text(json.dumps(job), encoding="utf-8")
                out = subprocess.run(
                    [python, __file__, "--generate", str(job_file)],
                    env=env,
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                    text=True,
                    timeout=args.warmup + args.duration + 600,
                )
                result = json.loads(out.stdout.strip().splitlines()[-1])
                results.append(result)
                print(f"  {scenario}: {result['done'] / result['seconds']:.1f}/s "
                      f"(load average {result['load']:.1f})", flush=True)  # fmt: skip
            print()
            for row in report(results, args.clients):
                print("  " + row)
            print(f"  ({base.load_average()} at the end)")
            if statistics.fmean([r["load"] for r in results]) > (os.cpu_count() or 1) * 1.5:
                print("  note: the machine was busy with other work; compare the × floor column, not req/s")
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
            if not args.keep_database:
                with base.admin_connection() as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            else:
                print(f"database kept: {database}")


if __name__ == "__main__":
    main()
