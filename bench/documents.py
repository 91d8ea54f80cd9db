"""Benchmark of official documents (see bench/README.md, "Documents"): signing throughput and issuing
under concurrency.

1. Signing: the rendered PDF of a one-page decision is signed N times with the signer's PAdES signature
   and the agency's seal (``documents.signing.sign_document``, the development PKI) — documents/s, and
   the same with the rendering of each document included.
2. Issuing: M signed drafts are issued by P processes at once (``documents.services.issue``: the number
   from the register row, render, sign, seal, store, all in one transaction) — documents/s, and a check
   that the numbers are 1..M without gaps or duplicates. Needs PostgreSQL (SQLite serialises writers).

On PostgreSQL (DATABASE_URL=postgres://user@host:port/any) it creates a new database
``congso_bench_docs_<random>`` and drops that database (only that one) at the end; without it, SQLite in
a temporary directory and the issuing part runs in one process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/documents.py \\
        [--sign 50] [--issue 100] [--processes 4]
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    memory = "?"
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} CPU, {memory} RAM, Python {sys.version.split()[0]}"


def prepare(workdir: Path) -> tuple[str | None, bool]:
    url = os.environ.get("DATABASE_URL", "")
    database = None
    env = {
        "CONGSO_PROFILE": "demo",
        "DEBUG": "false",
        "CONGSO_VAR_DIR": str(workdir),
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "DJANGO_SETTINGS_MODULE": "congso.settings",
    }
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parsed = urllib.parse.urlsplit(url)
        database = f"congso_bench_docs_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = parsed._replace(path=f"/{database}").geturl()
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    return database, database is not None


def drop(database: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    parsed = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def build_world():
    """A People's Committee with a clerk, a leader and a specialist, and one receiving department."""
    from django.contrib.auth import get_user_model

    from congso.agencies import services as agencies
    from congso.agencies.models import Agency, AgencyKind

    ward = Agency.objects.create(
        code="000.51.31.H08",
        name="Ủy ban nhân dân phường Bench",
        short_name="UBND",
        kind=AgencyKind.PEOPLES_COMMITTEE,
    )
    department = Agency.objects.create(
        code="000.03.31.H08", name="Sở Tư pháp Bench", short_name="STP", kind=AgencyKind.DEPARTMENT
    )
    User = get_user_model()
    people = {}
    for username, role, name in (
        ("bench.clerk", "clerk", "Văn Thư Bench"),
        ("bench.leader", "leader", "Lãnh Đạo Bench"),
        ("bench.specialist", "specialist", "Chuyên Viên Bench"),
    ):
        user = User.objects.create_user(username=username, password=None, kind="official", full_name=name)
        agencies.ensure_membership(user, ward, role)
        people[role] = user
    return ward, department, people


def signed_draft(ward, department, people, index: int):
    from congso.documents import services

    draft = services.draft_outgoing(
        agency=ward, by=people["specialist"], document_type="QĐ", summary=f"Về việc thử nghiệm số {index}"
    )
    services.set_recipients(draft, by=people["specialist"], recipients=[{"agency": department}])
    services.submit_for_approval(draft, by=people["specialist"], approvers=[], signer=people["leader"])
    services.decide(draft, by=people["leader"], approve=True)
    return services.sign(draft, by=people["leader"])


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    return f"p50 {pct(50):.0f} ms, p90 {pct(90):.0f} ms, mean {statistics.mean(samples) * 1000:.0f} ms"


def measure_signing(ward, people, n: int) -> None:
    from congso.documents import rendering, signing

    document = signed_draft(ward, ward, people, 0)
    rendered = rendering.render_pdf(document)
    signing.sign_document(
        rendered, signer_user=people["leader"], signer_name="x", agency=ward, location="Bench"
    )
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        signing.sign_document(
            rendered, signer_user=people["leader"], signer_name="x", agency=ward, location="Bench"
        )
        samples.append(time.perf_counter() - started)
    print(f"sign + seal one rendered PDF, {n} times: {n / sum(samples):.1f} documents/s ({summary(samples)})")
    samples = []
    for _ in range(max(5, n // 5)):
        started = time.perf_counter()
        signing.sign_document(
            rendering.render_pdf(document),
            signer_user=people["leader"],
            signer_name="x",
            agency=ward,
            location="B",
        )
        samples.append(time.perf_counter() - started)
    print(
        f"render + sign + seal, {len(samples)} times: "
        f"{len(samples) / sum(samples):.1f} documents/s ({summary(samples)})"
    )


def _issue_child(environment, clerk_id, ids, barrier, results):
    os.environ.update(environment)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connections

    from congso.documents import services
    from congso.documents.models import OutgoingDocument

    try:
        clerk = get_user_model().objects.get(pk=clerk_id)
        documents = [OutgoingDocument.objects.get(pk=pk) for pk in ids]
        connections["default"].close()
        barrier.wait(timeout=120)
        started = time.perf_counter()
        numbers = [services.issue(d, by=clerk).number for d in documents]
        results.put(("ok", numbers, time.perf_counter() - started))
    except Exception as exc:
        results.put(("error", repr(exc), 0.0))
    finally:
        connections.close_all()


def measure_issuing(ward, department, people, total: int, processes: int, postgres: bool) -> None:
    from django.db import connections

    from congso.documents.models import OutgoingDocument

    OutgoingDocument.objects.all().delete()
    ids = [signed_draft(ward, department, people, i).pk for i in range(1, total + 1)]
    if not postgres:
        processes = 1
    connections.close_all()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    share = [ids[i::processes] for i in range(processes)]
    environment = {
        k: v
        for k, v in os.environ.items()
        if k.startswith(("CONGSO_", "DATABASE_URL", "DJANGO_", "SECRET_KEY", "LOG_LEVEL", "DEBUG"))
    }
    children = [
        context.Process(target=_issue_child, args=(environment, people["clerk"].pk, part, barrier, results))
        for part in share
    ]
    started = time.perf_counter()
    for child in children:
        child.start()
    outcomes = [results.get(timeout=1800) for _ in children]
    wall = time.perf_counter() - started
    for child in children:
        child.join(timeout=60)
    errors = [detail for status, detail, _t in outcomes if status == "error"]
    if errors:
        print("errors:", errors)
        return
    numbers = sorted(n for _s, made, _t in outcomes for n in made)
    slowest = max(t for _s, _m, t in outcomes)
    gap_free = numbers == list(range(1, total + 1))
    print(
        f"issue {total} documents with {processes} process(es): {total / slowest:.1f} documents/s "
        f"(slowest process {slowest:.1f} s, wall with start-up {wall:.1f} s); numbers 1..{total} "
        f"{'without gaps or duplicates' if gap_free else 'WRONG: ' + str(numbers[:20])}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sign", type=int, default=50)
    parser.add_argument("--issue", type=int, default=100)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="congso-bench-docs-"))
    database, created = prepare(workdir)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        print(f"machine: {machine()}, database: {connection.vendor} {database or ''}")
        call_command("migrate", verbosity=0)
        ward, department, people = build_world()
        measure_signing(ward, people, args.sign)
        measure_issuing(
            ward, department, people, args.issue, args.processes, connection.vendor == "postgresql"
        )
    finally:
        if created:
            drop(database)
            print(f"dropped {database}")


if __name__ == "__main__":
    main()
