"""The reporting block at province scale, on PostgreSQL (bench/README.md, "Indicators").

1. A new database ``congso_bench_ind_<random>`` on the server of ``DATABASE_URL``, migrated (dropped at
   the end unless ``--keep``).
2. ``--dossiers`` (10,000,000) facts loaded (dossier ids from 1,000,000,001, clear of the real dossiers
   that step 4 makes) with one ``INSERT … SELECT`` over ``generate_series``: 50
   agencies, 40 procedures, two years of submissions, 60 % online, 90 % finished within 5–25 days,
   6 % of them late, 3 % rated unsatisfied. Then the daily figures built from them with one ``INSERT …
   SELECT … GROUP BY`` that follows ``reporting.aggregates`` (a sample of days is recomputed through
   ``aggregates`` itself and compared, so the bench measures the real tables).
3. Measured in-process, ``--samples`` times each after one unmeasured call: the dashboard's figures
   (every indicator, the monthly trend, the agency ranking) for the province over a year, a quarter and
   a month, and for one agency over a year; the dashboard page through Django's handler (templates, SVG
   chart included); and the cost of keeping the figures current: recomputing one stale (day, agency)
   of the busiest agency.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dossier_inbox as base  # noqa: E402

ROOT = base.ROOT

LOAD_FACTS = """
INSERT INTO reporting_dossierfact
    (dossier_id, code, agency_id, procedure_code, field_code, channel, status, received_day, finished_day,
     timeliness, rated_unsatisfied, papers_digitised, result_electronic, reused_data, updated_at)
SELECT 1000000000 + n, 'B-' || n, a.id, 'P' || lpad(((n * 7919) %% 40)::text, 3, '0'),
       'F' || ((n * 7919) %% 8), ch, st, rd, fd,
       CASE WHEN fd IS NULL THEN '' WHEN r3 < 0.06 THEN 'late' WHEN r3 < 0.5 THEN 'on_time' ELSE 'early' END,
       fd IS NOT NULL AND r2 < 0.03, ch = 'online' OR r2 < 0.5, fd IS NOT NULL AND r3 < 0.7, r2 > 0.8, now()
FROM (
    SELECT n,
           (ARRAY['online','online','online','counter','counter','postal'])[1 + (n %% 6)] AS ch,
           CASE WHEN (n %% 10) < 9 THEN 10 ELSE 4 END AS st,
           DATE %(start)s + ((n * 104729) %% %(days)s)::int AS rd,
           CASE WHEN (n %% 10) < 9
                THEN DATE %(start)s + ((n * 104729) %% %(days)s)::int + 5 + (n %% 21)::int END AS fd,
           ((n * 2654435761) %% 1000) / 1000.0 AS r2,
           ((n * 40503) %% 1000) / 1000.0 AS r3,
           1 + ((n * 31) %% %(agencies)s) AS slot
    FROM generate_series(1::bigint, %(count)s) AS n
) AS g
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS slot FROM agencies_agency) AS a USING (slot)
"""

BUILD_FIGURES = """
INSERT INTO reporting_dailyfigures
    (day, agency_id, procedure_code, field_code, channel, received, finished, finished_early,
     finished_on_time, finished_late, unsatisfied, unsatisfied_late, received_digitised, received_reused,
     finished_electronic)
SELECT day, agency_id, procedure_code, field_code, channel, sum(received), sum(finished), sum(early),
       sum(on_time), sum(late), sum(unsatisfied), sum(unsatisfied_late), sum(digitised), sum(reused),
       sum(electronic)
FROM (
    SELECT received_day AS day, agency_id, procedure_code, field_code, channel, 1 AS received, 0 AS finished,
           0 AS early, 0 AS on_time, 0 AS late, 0 AS unsatisfied, 0 AS unsatisfied_late,
           papers_digitised::int AS digitised, reused_data::int AS reused, 0 AS electronic
    FROM reporting_dossierfact
    UNION ALL
    SELECT finished_day, agency_id, procedure_code, field_code, channel, 0, 1,
           (timeliness = 'early')::int, (timeliness = 'on_time')::int, (timeliness = 'late')::int,
           rated_unsatisfied::int, (rated_unsatisfied AND timeliness = 'late')::int, 0, 0,
           result_electronic::int
    FROM reporting_dossierfact WHERE finished_day IS NOT NULL
) AS parts
GROUP BY day, agency_id, procedure_code, field_code, channel
"""

BUILD_MONTHS = """
INSERT INTO reporting_monthlyfigures
    (month, agency_id, channel, received, finished, finished_early, finished_on_time, finished_late,
     unsatisfied, unsatisfied_late, received_digitised, received_reused, finished_electronic)
SELECT date_trunc('month', day)::date, agency_id, channel, sum(received), sum(finished), sum(finished_early),
       sum(finished_on_time), sum(finished_late), sum(unsatisfied), sum(unsatisfied_late),
       sum(received_digitised), sum(received_reused), sum(finished_electronic)
FROM reporting_dailyfigures
GROUP BY 1, agency_id, channel;
INSERT INTO reporting_monthlyprocedurefigures
    (month, agency_id, procedure_code, field_code, received, finished, finished_early, finished_on_time,
     finished_late, unsatisfied, unsatisfied_late, received_digitised, received_reused, finished_electronic)
SELECT date_trunc('month', day)::date, agency_id, procedure_code, field_code, sum(received),
       sum(finished), sum(finished_early), sum(finished_on_time), sum(finished_late), sum(unsatisfied),
       sum(unsatisfied_late), sum(received_digitised), sum(received_reused), sum(finished_electronic)
FROM reporting_dailyfigures
GROUP BY 1, agency_id, procedure_code, field_code
"""


def child(args) -> None:
    import django

    django.setup()
    from datetime import date, timedelta

    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from tests.factories.agencies import StaffMembershipFactory

    from congso.agencies.models import Agency
    from congso.identity import second_factor
    from congso.reporting import aggregates, breakdowns, dashboard
    from congso.reporting.indicators import Period, Scope
    from congso.reporting.models import DailyFigures, DossierFact, MonthlyFigures, MonthlyProcedureFigures

    end = date(2026, 11, 30)
    start = end - timedelta(days=730)
    if not DossierFact.objects.exists():
        Agency.objects.bulk_create(
            Agency(code=f"000.{i:02d}.21.H08", name=f"Cơ quan thử tải {i}", kind="department")
            for i in range(1, args.agencies + 1)
        )
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                LOAD_FACTS
                % {
                    "start": f"'{start.isoformat()}'",
                    "days": 730,
                    "agencies": args.agencies,
                    "count": args.dossiers,
                }
            )
            loaded = time.perf_counter()
            cursor.execute(BUILD_FIGURES)
            cursor.execute(BUILD_MONTHS)
            cursor.execute("ANALYZE reporting_dossierfact; ANALYZE reporting_dailyfigures")
            cursor.execute("ANALYZE reporting_monthlyfigures; ANALYZE reporting_monthlyprocedurefigures")
        print(
            f"loaded {args.dossiers:,} facts in {loaded - began:.0f} s; daily figures "
            f"({DailyFigures.objects.count():,} rows) in {time.perf_counter() - loaded:.0f} s",
            flush=True,
        )
    else:
        _continue_factory_sequences()
    busiest = DossierFact.objects.values_list("agency_id", flat=True).first()
    # The SQL above follows aggregates: recompute a sample of days through aggregates itself and compare.
    sample = [(start + timedelta(days=d), busiest) for d in (100, 400, 700)]
    days = DailyFigures.objects.filter(day__in=[d for d, _a in sample], agency_id=busiest)
    first_days = [d.replace(day=1) for d, _a in sample]
    months = MonthlyFigures.objects.filter(agency_id=busiest, month__in=first_days)
    procedure_months = MonthlyProcedureFigures.objects.filter(agency_id=busiest, month__in=first_days)

    def without_ids():
        return [sorted(row[1:] for row in rows.values_list()) for rows in (days, months, procedure_months)]

    before = without_ids()
    aggregates._recompute(set(sample))
    same = before == without_ids()
    print(f"sample days recomputed through reporting.aggregates equal the loaded figures: {same}", flush=True)

    def timed(label, call):
        call()
        times = []
        for _n in range(args.samples):
            began = time.perf_counter()
            call()
            times.append((time.perf_counter() - began) * 1000)
        p50, p99 = statistics.median(times), base.percentile(times, 99)
        print(f"  {label:<66} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms", flush=True)

    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    quarter = Period(date(2026, 7, 1), date(2026, 9, 30))
    month = Period(date(2026, 11, 1), date(2026, 11, 30))
    province, one = Scope(), Scope(frozenset({busiest}))

    def figures(period, scope, dimension="co-quan"):
        return lambda: (
            dashboard.indicator_rows(period, scope),
            dashboard.monthly_trend(2026, scope),
            breakdowns.breakdown(dimension, period, scope),
            breakdowns.late_by_agency_and_procedure(period, scope),
        )

    print(f"dashboard figures over {DossierFact.objects.count():,} dossiers ({args.samples} samples each):")
    timed("province, year (indicators + trend + by agency + late pairs)", figures(year, province))
    timed("province, year, by procedure", figures(year, province, "thu-tuc"))
    timed("province, year, by field", figures(year, province, "linh-vuc"))
    timed("province, year, by commune", figures(year, province, "xa"))
    timed("province, quarter", figures(quarter, province))
    timed("province, month", figures(month, province))
    timed(
        "province, one day (daily figures), by procedure",
        figures(Period(month.end, month.end), province, "thu-tuc"),
    )
    timed(
        "province, 90-day range (daily figures), by procedure",
        figures(Period(month.end - timedelta(days=89), month.end), province, "thu-tuc"),
    )
    timed("one agency, year", figures(year, one))
    timed(
        "drill-down: late dossiers of one procedure, province, month (first 500)",
        lambda: dashboard.drill("qua-han", month, province, procedure_code="P007"),
    )
    # A new name each run, in an agency of the data: a kept database (--database) already holds the last
    # run's administrator and agency.
    admin = StaffMembershipFactory(
        role="platform_admin",
        agency=Agency.objects.get(pk=busiest),
        user__username=f"bench-{uuid.uuid4().hex[:8]}",
    ).user
    client = Client()
    client.force_login(admin)
    session = client.session  # the administrator has passed the second factor, as after signing in
    session[second_factor.VERIFIED_KEY] = timezone.now().isoformat()
    session.save()
    url = reverse("reporting:dashboard") + "?nam=2026&ky=nam"
    timed("dashboard page, province, year (HTTP handler, templates)", lambda: client.get(url))
    timed("dashboard page, province, year, by procedure", lambda: client.get(url + "&theo=thu-tuc"))
    day = end - timedelta(days=3)
    timed(
        "keeping current: recompute one stale day of the busiest agency",
        lambda: aggregates._recompute({(day, busiest)}),
    )
    per_event(args)


def _continue_factory_sequences() -> None:
    """A kept database (``--database``) holds the rows of earlier runs, made by the same factories whose
    sequences restart at 0 in each process: move every sequence past them (1,000 per earlier run is more
    than one run makes)."""
    from tests.factories.agencies import AdministrativeUnitFactory, AgencyFactory
    from tests.factories.catalog import ProcedureFactory, RequiredPaperFactory
    from tests.factories.dossiers import DossierFactory
    from tests.factories.identity import UserFactory

    from congso.identity.models import User

    offset = 1000 * (1 + User.objects.filter(username__startswith="bench-").count())
    factories = (AdministrativeUnitFactory, AgencyFactory, ProcedureFactory, RequiredPaperFactory)
    for made_by in (*factories, DossierFactory, UserFactory):
        made_by.reset_sequence(offset, force=True)


def per_event(args) -> None:
    """The cost of keeping the figures current at the submission rate: ``--events`` real dossiers made,
    one status event each delivered to the subscriber ``reporting.facts`` (the fact rewritten from the
    dossier, its rating, papers and re-use; its days marked stale), then one run of the refresh job. The
    CPU of this process and the wall time are both reported; the database's own CPU is in the wall time."""
    from types import SimpleNamespace

    from tests.factories.catalog import ProcedureVersionFactory
    from tests.factories.dossiers import DossierFactory

    from congso.agencies.models import Agency
    from congso.reporting import aggregates, subscribers

    # Today's dossiers spread over the bench's agencies, as the submissions of one refresh cycle would be.
    agencies, version = list(Agency.objects.order_by("pk")[: args.agencies]), ProcedureVersionFactory()
    made = [
        DossierFactory(receiving_agency=agencies[n % len(agencies)], procedure_version=version)
        for n in range(args.events)
    ]
    began, cpu = time.perf_counter(), time.process_time()
    for dossier in made:
        subscribers.refresh_fact(SimpleNamespace(payload={"dossier_id": dossier.pk}))
    wall, spent = (time.perf_counter() - began) * 1000, (time.process_time() - cpu) * 1000
    print(
        f"  {'per event: fact rewritten by the subscriber (' + str(args.events) + ' events)':<66} "
        f"{wall / args.events:8.2f} ms wall {spent / args.events:8.2f} ms CPU (Python)",
        flush=True,
    )
    began, cpu = time.perf_counter(), time.process_time()
    days = aggregates.refresh_all_stale()
    wall, spent = (time.perf_counter() - began) * 1000, (time.process_time() - cpu) * 1000
    print(
        f"  {'then the refresh job: ' + str(days) + ' stale (day, agency) recomputed':<66} "
        f"{wall:8.1f} ms wall {spent:8.1f} ms CPU (Python), {wall / args.events:.2f} ms per event",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--events", type=int, default=500, help="dossier events timed through the subscriber")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--database", help="reuse a database kept by --keep")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(f"machine: {base.machine()}; {base.load_average()}")
    database = args.database or f"congso_bench_ind_{uuid.uuid4().hex[:10]}"
    workdir = Path(tempfile.gettempdir()) / database
    workdir.mkdir(exist_ok=True)
    env = base.environment(workdir, database)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env["PYTHONPATH"]])  # tests.factories for the admin
    try:
        if not args.database:
            with base.admin_connection() as conn:
                conn.execute(f'CREATE DATABASE "{database}"')
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True, cwd=ROOT
            )
        command = [sys.executable, __file__, "--child", "--dossiers", str(args.dossiers)]
        command += [
            "--agencies",
            str(args.agencies),
            "--samples",
            str(args.samples),
            "--events",
            str(args.events),
        ]
        subprocess.run(command, env=env, check=True, cwd=ROOT)
    finally:
        if args.keep:
            print(f"database kept: {database} (reuse with --database {database})")
        else:
            with base.admin_connection() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    print(base.load_average())


if __name__ == "__main__":
    main()
