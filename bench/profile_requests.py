"""Where one request's CPU goes, in-process (bench/README.md, "Profiling one request").

The same data as ``bench/submissions.py`` (wards, officers, citizens, complete drafts) in a new PostgreSQL
database, then each scenario requested ``--requests`` times through Django's WSGI handler (the test
client: the whole middleware stack, no network), one after the other in this process. For each it
prints the CPU per request, the queries per request and the ratio to ``/healthz``; with ``--profile
SCENARIO`` the cProfile of that scenario (``--sort tottime`` or ``cumulative``) and the statements it runs.
A timing here is not the throughput (bench/submissions.py measures that); it is the cost the server pays.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dossier_inbox as base  # noqa: E402
import submissions  # noqa: E402

PROFILE_FILTER = os.environ.get("PROFILE_FILTER", "")
SCENARIOS = ("healthz", "home", "online", "counter", "inbox", "dossier")


def _requests(scenario: str, info: dict, client, count: int, offset: int = 0):
    """``count`` callables, each one request of ``scenario`` (the draft or the key differs each time),
    starting at draft or applicant number ``offset`` (two measuring processes share one database)."""
    from django.urls import reverse

    ward = info["wards"][0]
    if scenario == "healthz":
        return [lambda: client.get("/healthz")] * count
    if scenario == "home":
        return [lambda: client.get("/")] * count
    if scenario == "inbox":
        return [lambda: client.get("/can-bo/ho-so/")] * count
    if scenario == "dossier":
        from congso.dossiers.models import Dossier

        dossier = Dossier.objects.filter(receiving_agency_id=ward).order_by("-pk").first()
        if dossier is None:
            raise SystemExit("dossier: no dossier yet; list 'online' or 'counter' before it in --scenarios")
        path = reverse("dossiers:detail", args=[dossier.code])
        return [lambda: client.get(path)] * count
    if scenario == "online":
        drafts = iter(info["drafts"][0][offset:])

        def online():
            draft = next(drafts)
            return client.post(f"/nop-ho-so/ban-nhap/{draft}/nop/", {"declaration": "true"})

        return [online] * count
    if scenario == "counter":
        from django.core.files.uploadedfile import SimpleUploadedFile

        serial = iter(range(offset + 1, offset + count + 1))

        def counter():
            n = next(serial)
            client.cookies.pop(base.MESSAGES_COOKIE, None)  # shown on the page a browser lands on
            return client.post(
                f"/can-bo/ho-so/tiep-nhan/{submissions.PROCEDURE_CODE}/",
                {
                    "version_id": str(info["version_id"]),
                    "idempotency_key": uuid.uuid4().hex,
                    "agency": str(ward),
                    "name": "Nguyễn Văn Thử",
                    "national_id": f"0749{n:08d}",
                    "phone": f"09{n:08d}",
                    "email": "",
                    "address": "Khu phố 1",
                    "relation": "self",
                    "representative_name": "",
                    "representative_national_id": "",
                    "file-to-khai": SimpleUploadedFile("to-khai.pdf", base.TINY_PDF, "application/pdf"),
                },
            )

        return [counter] * count
    raise ValueError(scenario)


def _client_for(scenario: str, info: dict):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    users = get_user_model().objects
    if scenario in ("inbox", "dossier", "counter"):
        from django.utils import timezone

        from congso.identity import second_factor

        # On a database of bench/dossier_inbox.py (--database), the officer of its busiest ward.
        ward = info.get("agency_id", info["wards"][0])
        client.force_login(users.get(username=f"motcua_{ward}"))
        session = client.session  # the officer has passed the second factor, as after signing in
        session[second_factor.VERIFIED_KEY] = timezone.now().isoformat()
        session.save()
    elif scenario == "online":
        client.force_login(users.get(username=info["citizens"][0]))
    return client


def measure(
    scenario: str, info: dict, count: int, profile: bool, sort: str, show_sql: bool, offset: int = 0
) -> dict:
    """CPU per request over ``count`` requests (nothing recording the queries, as in production), then
    the statements of one more request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client_for(scenario, info)
    calls = _requests(scenario, info, client, count + 6, offset)
    template_times = _time_templates() if os.environ.get("TEMPLATE_TIMES") else None
    for call in calls[:5]:  # warm: templates compiled, caches filled, the connection open
        response = call()
        if response.status_code >= 400:
            raise SystemExit(f"{scenario}: HTTP {response.status_code}")
    # CPU time, not wall time: waiting for PostgreSQL (its own CPU or other work on the machine) is not
    # the web process's cost.
    profiler = cProfile.Profile(time.process_time) if profile else None
    started_cpu, started = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    batches = _timed_batches(calls[5:-1])
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started
    with CaptureQueriesContext(connection) as queries:
        calls[-1]()
    result = {"scenario": scenario, "cpu_ms": cpu / count * 1000, "wall_ms": wall / count * 1000}
    result["best_ms"] = min(batches) * 1000
    result["queries"] = len(queries.captured_queries)
    if template_times is not None:
        result["templates"] = sorted(
            ((name, seconds / (count + 1) * 1000) for name, seconds in template_times.items()),
            key=lambda item: -item[1],
        )
    if profiler:
        result["by_layer"] = by_layer(pstats.Stats(profiler), count)
        out = io.StringIO()
        restrictions = [PROFILE_FILTER, 45] if PROFILE_FILTER else [45]  # e.g. PROFILE_FILTER=congso
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(*restrictions)
        result["profile"] = out.getvalue()
        if os.environ.get("PROFILE_DUMP"):  # a file for pstats / snakeviz: callers, callees
            profiler.dump_stats(os.environ["PROFILE_DUMP"])
    if show_sql:
        width = int(os.environ.get("SQL_WIDTH", "240"))  # SQL_WIDTH=5000 shows whole statements
        result["sql"] = [q["sql"][:width] for q in queries.captured_queries]
    return result


BATCHES = 10


def _timed_batches(calls) -> list[float]:
    """Run ``calls`` in ``BATCHES`` batches; the CPU per request of each. The fastest batch is the
    figure least disturbed by the rest of a shared machine (its other tenants take CPU in bursts)."""
    size = max(1, len(calls) // BATCHES)
    per_request = []
    for start in range(0, len(calls), size):
        batch = calls[start : start + size]
        started = time.process_time()
        for call in batch:
            call()
        per_request.append((time.process_time() - started) / len(batch))
    return per_request


def _time_templates() -> dict[str, float]:
    """CPU per template, its includes counted in it (TEMPLATE_TIMES=1): which part of a page costs."""
    from django.template import base as template_base
    from django.template import library

    times: dict[str, float] = {}
    render = template_base.Template._render

    def timed(self, context):
        started = time.process_time()
        try:
            return render(self, context)
        finally:
            times[self.name] = times.get(self.name, 0.0) + time.process_time() - started

    template_base.Template._render = timed
    for node_class in (library.SimpleNode, library.InclusionNode):
        node_class.render = _timed_tag(node_class.render, times)
    return times


def _timed_tag(render, times: dict[str, float]):
    def timed(self, context):
        started = time.process_time()
        try:
            return render(self, context)
        finally:
            name = f"{{% {self.func.__name__} %}}"
            times[name] = times.get(name, 0.0) + time.process_time() - started

    return timed


LAYERS = (
    # (label, what the file path contains), first match wins
    ("psycopg (driver, waiting for PostgreSQL)", "/psycopg/"),
    ("Django ORM (building SQL, model instances)", "/django/db/"),
    ("Django templates", "/django/template/"),
    ("Django request, middleware, forms, auth, sessions", "/django/"),
    ("other libraries", "site-packages"),
    ("congso", "/congso/"),
    ("Python standard library and built-ins", ""),
)


def by_layer(stats: pstats.Stats, count: int) -> list[tuple[str, float]]:
    """Own time (not counting callees) per layer, in ms per request: where the request's time goes."""
    totals = dict.fromkeys((label for label, _part in LAYERS), 0.0)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        label = next(label for label, part in LAYERS if part in filename)
        totals[label] += tottime
    return [(label, seconds / count * 1000) for label, seconds in totals.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--profile", metavar="SCENARIO", default="")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    parser.add_argument("--sql", action="store_true", help="print the statements of one request")
    parser.add_argument(
        "--database",
        help="a database kept by bench/dossier_inbox.py (1,000,000 dossiers): profile healthz, home and "
        "inbox there instead of on a new small one",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count the machine instructions per request under valgrind instead of timing (repeatable "
        "to a tenth of a percent on a busy machine; slow: use --requests 20)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.instructions and (args.profile or args.sql):
        raise SystemExit("--instructions counts; it does not profile (--profile) or print statements (--sql)")

    if args.child:
        import django

        django.setup()
        info = json.loads(Path(args.child).read_text(encoding="utf-8"))
        floor = None
        for scenario in args.scenarios.split(","):
            profile = args.profile == scenario
            result = measure(scenario, info, args.requests, profile, args.sort, args.sql, args.offset)
            floor = floor or (result if scenario == "healthz" else None)
            ratio = f"{result['cpu_ms'] / floor['cpu_ms']:6.1f}×" if floor else "      "
            best = f"{result['best_ms'] / floor['best_ms']:6.1f}×" if floor else "      "
            print(
                f"  {scenario:<10} CPU {result['cpu_ms']:7.2f} ms  wall {result['wall_ms']:7.2f} ms  "
                f"queries {result['queries']:3d}  {ratio} floor   fastest tenth {result['best_ms']:7.2f} ms "
                f"{best} floor",
                flush=True,
            )
            for name, ms in result.get("templates", []):
                print(f"      {ms:7.2f} ms  {name}")
            for statement in result.get("sql", []):
                print(f"      {statement}")
            if "by_layer" in result:
                print("    own time per request by layer (under cProfile, which about doubles it):")
                for label, ms in result["by_layer"]:
                    print(f"      {label:<52}{ms:7.2f} ms")
            if "profile" in result:
                print(result["profile"])
        return

    print(f"machine: {base.machine()}; {base.load_average()}")
    python = sys.executable
    if args.database:
        profile_kept_database(args, python)
        return
    database = f"congso_bench_{uuid.uuid4().hex[:10]}"
    with tempfile.TemporaryDirectory(prefix="congso-profile-") as tmp:
        env = base.environment(Path(tmp), database)
        info_file = Path(tmp) / "info.json"
        with base.admin_connection() as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        try:
            subprocess_run([python, str(base.ROOT / "manage.py"), "migrate", "-v0"], env)
            drafts = str(2 * args.requests + 30 if args.instructions else args.requests + 10)
            subprocess_run([python, submissions.__file__, "--setup-only", "1", drafts, str(info_file)], env)
            _run_child(args, python, info_file, env)
        finally:
            with base.admin_connection() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _child_command(args, python: str, info_file: Path) -> list[str]:
    command = [python, __file__, "--child", str(info_file), "--requests", str(args.requests)]
    command += ["--scenarios", args.scenarios, "--sort", args.sort]
    command += ["--profile", args.profile] if args.profile else []
    return command + (["--sql"] if args.sql else [])


KEPT_DATABASE_SCENARIOS = ("healthz", "home", "inbox")


def profile_kept_database(args, python: str) -> None:
    """The scenarios that only read, on a kept database of ``bench/dossier_inbox.py``, as its busiest
    ward's officer (they write nothing there but that officer's session row)."""
    unknown = set(args.scenarios.split(",")) - set(KEPT_DATABASE_SCENARIOS)
    if unknown:
        raise SystemExit(f"--database: only {', '.join(KEPT_DATABASE_SCENARIOS)} (not {', '.join(unknown)})")
    with tempfile.TemporaryDirectory(prefix="congso-profile-") as tmp:
        env = base.environment(Path(tmp), args.database)
        info_file = Path(tmp) / "info.json"
        base.describe_into(info_file, env)
        _run_child(args, python, info_file, env)


def _run_child(args, python: str, info_file: Path, env: dict) -> None:
    if args.instructions:
        count_instructions(args, python, info_file, env)
    else:
        subprocess_run(_child_command(args, python, info_file), env)


# The short run of --instructions: its count (start-up, warm-up, two requests) is subtracted from the
# long run's, which leaves the instructions of ``--requests`` minus this many requests.
SHORT_RUN = 2


def count_instructions(args, python: str, info_file: Path, env: dict) -> None:
    """Instructions per request of each scenario (``--instructions``): each scenario run twice in its
    own process under callgrind, ``SHORT_RUN`` and ``--requests`` requests, with the same hash seed; the
    difference over the extra requests is one request's count. Two processes at a time (two cores), on
    disjoint drafts and applicants. Unlike CPU time, the count does not move when other work shares the
    machine, so a change of one per cent shows (bench/README.md, "Counting instructions")."""
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    if args.requests <= SHORT_RUN:
        raise SystemExit(f"--instructions: --requests must be more than {SHORT_RUN}")
    env = {**env, "PYTHONHASHSEED": "0"}
    scenarios = args.scenarios.split(",")
    # The long run starts after the drafts and applicants the short one uses (its warm-up and last
    # request included).
    runs = ((SHORT_RUN, 0), (args.requests, SHORT_RUN + 6))
    jobs = [(scenario, requests, offset) for scenario in scenarios for requests, offset in runs]

    def run(job) -> int:
        scenario, requests, offset = job
        command = [python, __file__, "--child", str(info_file), "--requests", str(requests)]
        command += ["--scenarios", scenario, "--offset", str(offset)]
        return _callgrind_total(command, env)

    with ThreadPoolExecutor(max_workers=2) as pool:
        totals = dict(zip(jobs, pool.map(run, jobs), strict=True))
    print(f"instructions per request (callgrind; a run of {SHORT_RUN} requests from one of {args.requests}):")
    floor = None
    for scenario in scenarios:
        long_run = totals[(scenario, args.requests, SHORT_RUN + 6)]
        per_request = (long_run - totals[(scenario, SHORT_RUN, 0)]) / (args.requests - SHORT_RUN)
        floor = floor or (per_request if scenario == "healthz" else None)
        ratio = f"{per_request / floor:6.1f}× floor" if floor else ""
        print(f"  {scenario:<10} {per_request / 1e6:8.2f} M  {ratio}", flush=True)


def _callgrind_total(command: list[str], env: dict) -> int:
    """The instructions callgrind counted in ``command``'s process (no profile file is written)."""
    import re
    import subprocess

    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    done = subprocess.run(valgrind + command, env=env, cwd=base.ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed under valgrind:\n{done.stdout}\n{done.stderr}")
    found = re.search(r"Collected : ([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def subprocess_run(command: list[str], env: dict) -> None:
    import subprocess

    subprocess.run(command, env=env, check=True, cwd=base.ROOT)


if __name__ == "__main__":
    main()
