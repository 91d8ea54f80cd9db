"""Benchmark of the workflow block at province scale (see bench/README.md, "workflow").

On PostgreSQL only (DATABASE_URL=postgres://user@host:port/any): it creates a new database
``congso_bench_wf_<random>`` on that server, migrates it, and fills it with **100,000 running process
instances** (``--instances``), then measures:

(a) completing a user task through ``workflow.services.complete`` — ``--complete`` samples (500) on
    random open items, each call its own transaction, as the officer who holds the step's role;
(b) the monitoring pages through HTTP with Django's test client (the whole middleware stack, session,
    CSP, templates) — ``--pages`` requests (50) of each: the process list and a process's page as a
    leader of the provincial People's Committee (every row counts), a process's page as a department
    leader (scoped), one dossier's flow page — plus the named queries of ``monitoring`` on their own.

How 100,000 instances are made quickly: a handful of dossiers are run through the **real** engine
(``services.start`` then ``services.complete``, step by step) to every stage of each default process —
those are the templates, with genuine SpiffWorkflow states. Each of the 100,000 is a clone of a
template: its dossier row, process instance row (the template's serialized workflow), work items,
hand-over rows and processing agencies are copied with ``bulk_create`` in batches of 2,000 rows, the
agency remapped to one of 10 departments or 40 communes, and the times redrawn (start in the last ~9
weeks, each step's time spent drawn from a log-normal law around its allotted hours, deadlines from the
working-day calendar, results classified by the engine's rule). Audit entries, outbox events and status
history of the clones are not copied (no step reads them). Then ``VACUUM ANALYZE``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/workflow.py \\
        [--instances 100000] [--complete 500] [--pages 50] [--keep] [--database NAME] [--explain]

``--keep`` leaves the database in place (its name is printed); ``--database NAME`` reuses one kept
before (no seeding when it already holds the instances). Without ``--keep`` the created database (only
that one) is dropped at the end.
"""

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
import uuid
from contextlib import nullcontext
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 2000
DEPARTMENTS = 10
COMMUNES = 40
# Share of the instances per process, and the script that drives a template to each stage: at stage s,
# the first s steps of the script are done (the open items are the next ones).
MIX = {"giai-quyet-tai-so": 0.5, "lien-thong-khai-sinh-thuong-tru-bhyt": 0.3, "chung-thuc-trong-ngay": 0.2}
DATA = {"review": {"approved": True}}


# --- Environment ----------------------------------------------------------------------------------------


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


def prepare(database: str | None, workdir: Path) -> tuple[str, bool]:
    """Point Django at a new (or the given) database; return its name and whether it was created."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/workflow.py measures PostgreSQL: set DATABASE_URL=postgres://user@host:port/any")
    import psycopg

    parsed = urllib.parse.urlsplit(url)
    created = False
    if database is None:
        database = f"congso_bench_wf_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        created = True
    os.environ.update(
        {
            "DATABASE_URL": parsed._replace(path=f"/{database}").geturl(),
            "CONGSO_PROFILE": "demo",
            "DEBUG": "false",
            "CONGSO_VAR_DIR": str(workdir),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "DJANGO_SETTINGS_MODULE": "workflow_bench_settings",
        }
    )
    # The monitoring pages are mounted at /can-bo/quy-trinh/; the run mounts them if the project does not.
    (workdir / "workflow_bench_settings.py").write_text(
        "from congso.settings import *  # noqa\n"
        "ROOT_URLCONF = 'workflow_bench_urls'\n"
        "PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']\n"
        "LOGGING['loggers'] = {**LOGGING.get('loggers', {}), 'spiff': {'level': 'WARNING'}}\n",
        encoding="utf-8",
    )
    (workdir / "workflow_bench_urls.py").write_text(
        "from django.urls import include, path\nimport congso.urls\n"
        "urlpatterns = list(congso.urls.urlpatterns)\n"
        "if not any(getattr(p, 'namespace', None) == 'workflow' for p in urlpatterns):\n"
        "    urlpatterns.insert(0, path('can-bo/quy-trinh/', include('congso.workflow.urls')))\n",
        encoding="utf-8",
    )
    sys.path[:0] = [str(workdir), str(ROOT / "src"), str(ROOT)]
    return database, created


def drop(database: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    parsed = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# --- The organisation ------------------------------------------------------------------------------------


class World:
    """Agencies, officers (``performer[(agency id, role)]``), the province leader and the procedures."""


def build_world() -> World:
    from congso.agencies import services as agency_services
    from congso.agencies.models import AdministrativeUnit, Agency, AgencyKind, UnitLevel
    from congso.catalog.models import Field, Procedure, ProcedureLevel, ProcedureVersion, VersionStatus
    from congso.identity.models import User
    from congso.workflow import services

    w = World()
    w.performer = {}
    province = AdministrativeUnit.objects.create(code="74", name="Tỉnh Bình Dương", level=UnitLevel.PROVINCE)
    since = date(2021, 1, 1)

    def agency(code, name, kind, unit, roles=("one_stop_officer", "specialist", "leader")):
        a = Agency.objects.create(code=code, name=name, kind=kind, administrative_unit=unit)
        for role in roles:
            user = User.objects.create_user(
                username=f"{role}-{code}", password=None, kind="official", full_name=f"{role} {name}"
            )
            agency_services.add_membership(user, a, role, valid_from=since)
            w.performer[(a.pk, role)] = user
        return a

    w.province_committee = agency(
        "000.00.01.H57", "UBND tỉnh", AgencyKind.PEOPLES_COMMITTEE, province, ("leader",)
    )
    w.province_leader = w.performer[(w.province_committee.pk, "leader")]
    w.police = agency("000.00.09.H57", "Công an tỉnh", AgencyKind.POLICE, province, ("specialist",))
    w.insurance = agency("000.00.10.H57", "BHXH tỉnh", AgencyKind.SOCIAL_INSURANCE, province, ("specialist",))
    w.departments = [
        agency(f"000.00.{20 + i:02d}.H57", f"Sở {i + 1}", AgencyKind.DEPARTMENT, province)
        for i in range(DEPARTMENTS)
    ]
    w.communes = []
    for i in range(COMMUNES):
        unit = AdministrativeUnit.objects.create(
            code=f"{25700 + i}", name=f"Phường {i + 1}", level=UnitLevel.COMMUNE, parent=province
        )
        w.communes.append(
            agency(
                f"000.{21 + i // 90:02d}.{10 + i % 90:02d}.H57",
                f"UBND phường {i + 1}",
                AgencyKind.PEOPLES_COMMITTEE,
                unit,
            )
        )
    services.load_default_processes()
    field = Field.objects.create(code="bench", name="Thử tải")
    w.procedure_versions = {}
    for n, key in enumerate(MIX, start=1):
        procedure = Procedure.objects.create(
            code=f"9.{n:06d}",
            national_code=f"9.{n:06d}",
            name=f"Thủ tục thử tải {n}",
            field=field,
            level=ProcedureLevel.PROVINCE,
        )
        w.procedure_versions[key] = ProcedureVersion.objects.create(
            procedure=procedure,
            number=1,
            status=VersionStatus.PUBLISHED,
            effective_from=since,
            legal_basis="—",
            process_key=key,
        )
    return w


def new_dossier(w: World, key: str, agency, number: int):
    from django.utils import timezone

    from congso.dossiers.models import Channel, Dossier, Status

    now = timezone.now()
    return Dossier.objects.create(
        code=f"{agency.code}-T{number:07d}",
        procedure_version=w.procedure_versions[key],
        receiving_agency=agency,
        current_agency=agency,
        channel=Channel.ONLINE,
        status=Status.ACCEPTED,
        applicant_name="Nguyễn Văn Thử",
        submitted_at=now,
        received_at=now,
        due_at=now + timedelta(days=15),
    )


def open_task_items(instance):
    from congso.workflow.models import WorkItemKind, WorkItemState

    return list(
        instance.work_items.filter(state=WorkItemState.OPEN, kind=WorkItemKind.TASK).order_by(
            "task_name", "id"
        )
    )


def complete_first_open(w: World, instance) -> bool:
    from congso.workflow import services

    items = open_task_items(instance)
    if not items:
        return False
    item = items[0]
    services.complete(item, w.performer[(item.agency_id, item.role)], DATA.get(item.task_name))
    return True


class Template:
    """One instance run by the real engine to a stage; what its clones copy."""

    def __init__(self, key, stage, instance, home):
        from congso.dossiers.models import HandOver
        from congso.workflow.models import WorkItemKind

        self.key, self.stage, self.home = key, stage, home
        self.instance = instance
        self.dossier = instance.dossier
        self.items = list(instance.work_items.filter(kind=WorkItemKind.TASK).order_by("opened_at", "id"))
        self.hand_overs = list(HandOver.objects.filter(dossier=self.dossier).order_by("id"))
        self.processing = list(self.dossier.processing_agencies.values_list("pk", flat=True))


def build_templates(w: World) -> dict[str, list[Template]]:
    from congso.workflow import services

    homes = {"giai-quyet-tai-so": w.departments[0]}
    templates: dict[str, list[Template]] = {}
    number = 0
    for key in MIX:
        home = homes.get(key, w.communes[0])
        templates[key] = []
        for stage in range(20):
            number += 1
            instance = services.start(new_dossier(w, key, home, number))
            reached = all(complete_first_open(w, instance) for _ in range(stage))
            instance.refresh_from_db()
            if not reached or not open_task_items(instance):
                break  # past the last user step: the process has ended
            templates[key].append(Template(key, stage, instance, home))
    return templates


# --- Cloning ---------------------------------------------------------------------------------------------


def copy_fields(model, source, **overrides):
    """A new, unsaved ``model`` row with every concrete field of ``source`` except the primary key."""
    clone = model()
    for field in model._meta.concrete_fields:
        if not field.primary_key:
            setattr(clone, field.attname, getattr(source, field.attname))
    for name, value in overrides.items():
        setattr(clone, name, value)
    return clone


def clone_batch(w: World, rng: random.Random, jobs: list[tuple[Template, object, int]], now) -> None:
    """Insert the clones of one batch: ``jobs`` are (template, target agency, number)."""
    from django.db import transaction

    from congso.core.timeliness import classify
    from congso.dossiers.models import Dossier, HandOver
    from congso.workflow import engine
    from congso.workflow.models import ProcessInstance, WorkItem, WorkItemState

    through = Dossier.processing_agencies.through
    with transaction.atomic():
        dossiers, plans = [], []
        for template, agency, number in jobs:
            remap = {template.home.pk: agency.pk}
            plan = plan_times(template, rng, now)
            plans.append((template, remap, plan))
            dossiers.append(
                copy_fields(
                    Dossier,
                    template.dossier,
                    public_id=uuid.uuid4(),
                    code=f"{agency.code}-B{number:07d}",
                    idempotency_key=None,
                    receiving_agency_id=remap.get(
                        template.dossier.receiving_agency_id, template.dossier.receiving_agency_id
                    ),
                    current_agency_id=remap.get(
                        template.dossier.current_agency_id, template.dossier.current_agency_id
                    ),
                    submitted_at=plan["start"],
                    received_at=plan["start"],
                    due_at=plan["start"] + timedelta(days=15),
                )
            )
        Dossier.objects.bulk_create(dossiers)
        instances = [
            copy_fields(ProcessInstance, template.instance, dossier_id=dossier.pk, started_at=plan["start"])
            for dossier, (template, _remap, plan) in zip(dossiers, plans, strict=True)
        ]
        ProcessInstance.objects.bulk_create(instances)
        items, hand_overs, links = [], [], []
        for dossier, instance, (template, remap, plan) in zip(dossiers, instances, plans, strict=True):
            for item, (opened, completed) in zip(template.items, plan["times"], strict=True):
                agency_id = remap.get(item.agency_id, item.agency_id)
                due = engine.compute_due_at(opened, item.allotted_hours)
                done = item.state == WorkItemState.DONE
                items.append(
                    copy_fields(
                        WorkItem,
                        item,
                        instance_id=instance.pk,
                        agency_id=agency_id,
                        opened_at=opened,
                        due_at=due,
                        completed_at=completed if done else None,
                        completed_by_id=w.performer[(agency_id, item.role)].pk
                        if done and item.role
                        else item.completed_by_id,
                        result=classify(completed, due) if done else "",
                    )
                )
            for row in template.hand_overs:
                hand_overs.append(
                    copy_fields(
                        HandOver,
                        row,
                        dossier_id=dossier.pk,
                        from_agency_id=remap.get(row.from_agency_id, row.from_agency_id),
                        to_agency_id=remap.get(row.to_agency_id, row.to_agency_id),
                    )
                )
            links += [through(dossier_id=dossier.pk, agency_id=remap.get(a, a)) for a in template.processing]
        WorkItem.objects.bulk_create(items)
        HandOver.objects.bulk_create(hand_overs)
        through.objects.bulk_create(links)


def plan_times(template: Template, rng: random.Random, now) -> dict:
    """Times of a clone: each done step takes a log-normal time around its allotted hours (a working hour
    ≈ 3 calendar hours; median 0.7 of it, so a fifth or so run late); steps opened together (parallel
    branches) share their opening; the open steps have waited a random time up to twice their allotment.
    Everything is shifted so that the clone's latest moment is now."""
    times, cursor, offsets = [], 0.0, {}
    for item in template.items:
        key = item.opened_at
        opened = offsets.setdefault(key, cursor)
        allotted = float(item.allotted_hours or 4) * 3.0  # a Decimal since workflow 0004
        if item.completed_at is not None and item.state == "done":
            spent = allotted * rng.lognormvariate(math.log(0.7), 0.6)
            times.append([opened, opened + spent])
            cursor = max(cursor, opened + spent)
        else:
            times.append([opened, opened + rng.uniform(0.0, 2.0 * allotted)])
    end = max(t[1] for t in times)
    start = now - timedelta(hours=end) - timedelta(hours=rng.uniform(0.0, 24.0 * 7 * 8))
    return {
        "start": start,
        "times": [(start + timedelta(hours=a), start + timedelta(hours=b)) for a, b in times],
    }


def seed(count: int, seed_value: int = 2026) -> World:
    from django.db import connection
    from django.utils import timezone

    w = build_world()
    templates = build_templates(w)
    rng = random.Random(seed_value)  # noqa: S311 — reproducible synthetic data
    keys, weights = list(MIX), list(MIX.values())
    now = timezone.now()
    jobs = []
    started = time.perf_counter()
    for number in range(1, count + 1):
        key = rng.choices(keys, weights)[0]
        template = rng.choice(templates[key])
        agency = rng.choice(w.departments if key == "giai-quyet-tai-so" else w.communes)
        jobs.append((template, agency, number))
        if len(jobs) == BATCH:
            clone_batch(w, rng, jobs, now)
            jobs = []
            print(f"\r  cloned {number:,} / {count:,}", end="", flush=True)
    if jobs:
        clone_batch(w, rng, jobs, now)
    print(f"\r  cloned {count:,} instances in {time.perf_counter() - started:.0f} s")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return w


def load_world() -> World:
    """The organisation of a database seeded before (``--database``)."""
    from congso.agencies.models import Agency, StaffMembership

    w = World()
    w.performer = {(m.agency_id, m.role): m.user for m in StaffMembership.objects.select_related("user")}
    w.province_committee = Agency.objects.get(code="000.00.01.H57")
    w.province_leader = w.performer[(w.province_committee.pk, "leader")]
    w.departments = list(Agency.objects.filter(kind="department").order_by("code"))
    return w


# --- Measures --------------------------------------------------------------------------------------------


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)

    def pct(p):
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))] * 1000

    return (
        f"n={len(ordered)}  p50={pct(0.50):.1f} ms  p90={pct(0.90):.1f} ms  p99={pct(0.99):.1f} ms  "
        f"max={ordered[-1] * 1000:.1f} ms  mean={statistics.fmean(ordered) * 1000:.1f} ms"
    )


def measure_complete(w: World, n: int, warmup: int = 20) -> tuple[list[float], int]:
    from congso.workflow import services
    from congso.workflow.models import WorkItem, WorkItemKind, WorkItemState

    ids = list(
        WorkItem.objects.filter(state=WorkItemState.OPEN, kind=WorkItemKind.TASK)
        .order_by("?")
        .values_list("pk", flat=True)[: n + warmup]
    )
    samples, failures = [], 0
    for i, pk in enumerate(ids):
        item = WorkItem.objects.get(pk=pk)
        user = w.performer[(item.agency_id, item.role)]
        started = time.perf_counter()
        try:
            services.complete(item, user, DATA.get(item.task_name))
        except Exception as exc:  # noqa: BLE001 — counted and shown, the run goes on
            failures += 1
            if failures <= 3:
                print(f"  complete failed on {item.task_name}: {exc}")
            continue
        if i >= warmup:
            samples.append(time.perf_counter() - started)
    return samples, failures


def measure_pages(w: World, n: int) -> dict[str, list[float]]:
    """Each page ``n`` times. Pages whose figures go through ``monitoring.cached`` are measured three
    times: "cold" empties the cache before every request and has no snapshot (every figure computed by
    the database), "warm" leaves the cache (the figures of the first request are reused for
    ``CONGSO_MONITORING_CACHE_SECONDS``), "snapshot" turns the cache off
    (``CONGSO_MONITORING_CACHE_SECONDS`` = 0) after a run of the snapshot job (``workflow.snapshots``):
    the completed steps' figures, the weekly trend and the steps in progress are read from the snapshot,
    the rest computed per request."""
    from django.core.cache import cache
    from django.test import Client, override_settings
    from django.utils import timezone

    from congso.identity import second_factor
    from congso.workflow import snapshots
    from congso.workflow.models import ProcessInstance, StepStatsSnapshot

    StepStatsSnapshot.objects.all().delete()

    dossier_id = (
        ProcessInstance.objects.filter(process_version__definition__key="giai-quyet-tai-so")
        .values_list("dossier_id", flat=True)
        .first()
    )
    department_leader = w.performer[(w.departments[0].pk, "leader")]
    pages = {
        "list (province)": (w.province_leader, "/can-bo/quy-trinh/", True),
        "process (province)": (w.province_leader, "/can-bo/quy-trinh/giai-quyet-tai-so/", True),
        "process (department leader)": (department_leader, "/can-bo/quy-trinh/giai-quyet-tai-so/", True),
        "excel export (province)": (
            w.province_leader,
            "/can-bo/quy-trinh/giai-quyet-tai-so/xuat-excel/",
            True,
        ),
        "dossier flow": (w.province_leader, f"/can-bo/quy-trinh/ho-so/{dossier_id}/", False),
    }
    results = {}
    for name, (user, url, uses_cache) in pages.items():
        client = Client()
        client.force_login(user)
        session = client.session  # the leader has passed the officials' second factor, as after signing in
        session[second_factor.VERIFIED_KEY] = timezone.now().isoformat()
        session.save()
        assert client.get(url).status_code == 200, url  # warm-up (templates, the drawing's cache)
        for mode in ("cold", "warm", "snapshot") if uses_cache else ("",):
            samples = []
            if mode == "snapshot":
                snapshots.refresh()
            with (
                override_settings(CONGSO_MONITORING_CACHE_SECONDS=0) if mode == "snapshot" else nullcontext()
            ):
                for _ in range(n):
                    if mode == "cold":
                        cache.clear()
                    started = time.perf_counter()
                    response = client.get(url)
                    samples.append(time.perf_counter() - started)
                    assert response.status_code == 200, (url, response.status_code)
            StepStatsSnapshot.objects.all().delete()
            results[f"{name} {mode}".strip()] = samples
    return results


def measure_snapshot_job(n: int) -> list[float]:
    """The periodic job ``workflow.monitoring_snapshot`` (``snapshots.refresh``) ``n`` times."""
    from congso.workflow import snapshots
    from congso.workflow.models import StepStatsSnapshot

    samples = []
    for _ in range(n):
        started = time.perf_counter()
        snapshots.refresh()
        samples.append(time.perf_counter() - started)
    print(f"  ({StepStatsSnapshot.objects.count():,} snapshot rows)")
    StepStatsSnapshot.objects.all().delete()
    return samples


def measure_queries(w: World, n: int) -> dict[str, list[float]]:
    from django.utils import timezone

    from congso.workflow import monitoring, permissions
    from congso.workflow.models import ProcessDefinition

    province = permissions.monitoring_scope(w.province_leader)
    definition = ProcessDefinition.objects.get(key="giai-quyet-tai-so")
    since = timezone.now() - timedelta(days=90)
    calls = {
        "process_figures": lambda: monitoring.process_figures(
            province, permissions.visible_definitions(province), since=since
        ),
        "step_figures (with p90)": lambda: monitoring.step_figures(province, definition, since=since),
        "weekly_trend (12 weeks)": lambda: monitoring.weekly_trend(province, definition),
        "waiting_items": lambda: monitoring.waiting_items(province, definition),
    }
    results = {}
    for name, call in calls.items():
        call()
        samples = []
        for _ in range(n):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
        results[name] = samples
    return results


def explain(w: World) -> None:
    from django.db import connection
    from django.utils import timezone

    from congso.workflow import monitoring, permissions
    from congso.workflow.models import ProcessDefinition

    province = permissions.monitoring_scope(w.province_leader)
    definition = ProcessDefinition.objects.get(key="giai-quyet-tai-so")
    since = timezone.now() - timedelta(days=90)
    now = timezone.now()
    items = monitoring.task_items(province).filter(
        instance__process_version_id__in=monitoring._version_ids(definition)
    )
    done = items.filter(monitoring._done_since(since))
    done_annotations = {
        **monitoring._done_annotations(),
        "p90": monitoring.percentile_aggregate("default", 0.9),
    }
    queries = {
        "open steps": items.filter(monitoring.OPEN)
        .values("task_name")
        .annotate(**monitoring._open_annotations(now))
        .order_by(),
        "completed steps with p90": done.values("task_name").annotate(**done_annotations).order_by(),
        "weekly trend": monitoring.task_items(province)
        .filter(monitoring.DONE, completed_at__gte=monitoring.week_start(now) - timedelta(weeks=11))
        .filter(instance__process_version_id__in=monitoring._version_ids(definition))
        .annotate(week=monitoring.TruncWeek("completed_at"))
        .values("week")
        .annotate(done=monitoring.Count("id"))
        .order_by(),
    }
    for name, qs in queries.items():
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print(f"\n--- EXPLAIN {name}")
            print("\n".join(row[0] for row in cursor.fetchall()))


def counts() -> str:
    from congso.dossiers.models import Dossier
    from congso.workflow.models import ProcessInstance, WorkItem

    open_items = WorkItem.objects.filter(state="open").count()
    return (
        f"{Dossier.objects.count():,} dossiers, {ProcessInstance.objects.filter(state='running').count():,} "
        f"running instances, {WorkItem.objects.count():,} work items ({open_items:,} open)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--complete", type=int, default=500)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--database", help="reuse this database (seeded by an earlier --keep run)")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the monitoring queries"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="congso-bench-wf-"))
    database, created = prepare(args.database, workdir)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from congso.workflow.models import ProcessInstance

        print(f"machine: {machine()}")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            print(f"PostgreSQL {cursor.fetchone()[0]}, database {database}")
        call_command("migrate", verbosity=0)
        if ProcessInstance.objects.count() >= args.instances:
            w = load_world()
            print("reusing the seeded database")
        else:
            started = time.perf_counter()
            w = seed(args.instances)
            print(f"seeded in {time.perf_counter() - started:.0f} s")
        print(counts())
        if args.explain:
            explain(w)
        print("\nmonitoring named queries (province scope, 90-day period):")
        for name, samples in measure_queries(w, 20).items():
            print(f"  {name:<34} {summary(samples)}")
        print("\nmonitoring snapshot job (snapshots.refresh, every period), 5 runs:")
        print(f"  {'refresh':<34} {summary(measure_snapshot_job(5))}")
        print(f"\nmonitoring pages through HTTP (Django test client), {args.pages} requests each:")
        for name, samples in measure_pages(w, args.pages).items():
            print(f"  {name:<34} {summary(samples)}")
        samples, failures = measure_complete(w, args.complete)
        print(f"\ncomplete a user task (services.complete, one transaction each), {failures} failed:")
        print(f"  {'complete':<34} {summary(samples)}")
        print(counts())
    finally:
        if created and not args.keep:
            drop(database)
            print(f"dropped {database}")
        elif created:
            print(f"kept {database} (reuse with --database {database})")


if __name__ == "__main__":
    main()
