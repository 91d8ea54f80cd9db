"""Benchmark of the officers' dossier inbox and of counter intake, through HTTP (bench/README.md, "Dossier
inbox").

On PostgreSQL only: creates a database ``congso_bench_<random>`` on the server of DATABASE_URL, migrates it
and loads a province's two years of dossiers (1,000,000 by default) with one INSERT … SELECT over
generate_series (secondary indexes dropped during the load and rebuilt after, then ANALYZE). Starts the
real application under waitress (one process per CPU by default), signs officers in through the sign-in
form, and measures:

1. the inbox page filtered by status + procedure, sorted by due date — page 1, and page 50 reached by
   following "Trang sau" 49 times — the search by national ID, the default inbox and the "received"
   scope: p50/p99 of N requests each over one keep-alive connection, after one unmeasured pass, with
   the CPU the web process and the database backends spent per request (read from /proc: a cost the
   machine's other load hardly changes, unlike wall-clock latency);
2. sustained counter intakes per second: concurrent clients, each a one-stop officer of another ward,
   POSTing the counter-intake form (multipart, with a scanned PDF) to /can-bo/ho-so/tiep-nhan/<code>/,
   i.e. the view → ``services.receive_at_counter`` → dossier, code, paper file, status change, audit
   entry and two outbox events, committed.

The database is dropped at the end unless --keep-database; --database NAME reuses one kept earlier
(skips the load).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/dossier_inbox.py
    ... --dossiers 200000 --samples 100 --clients 16 --duration 30 --extra-indexes
"""

import argparse
import http.client
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Mat-khau-bench-2026"  # noqa: S105 — accounts of a throw-away database
# The officers' authenticator key (hex, as django-otp stores it): officials pass a second factor
# (identity.second_factor), so the bench's officers do too, with codes computed here.
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # noqa: S105 — the RFC 6238 test key
SECOND_FACTOR_PATH = "/tai-khoan/xac-thuc-hai-buoc/"
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
DEPARTMENTS = 5
COMMUNE_PROCEDURES = 30
PROVINCE_PROCEDURES = 10
CITIZEN_ACCOUNTS = 2000
PEOPLE = 400_000

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Kim", "Gia", "Xuân"]
GIVEN = [
    "An",
    "Bình",
    "Cúc",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
]
WARD_NAMES = [
    "Thủ Dầu Một",
    "Phú Lợi",
    "Bình Dương",
    "Chánh Hiệp",
    "Phú An",
    "Lái Thiêu",
    "Thuận Giao",
    "Bình Hòa",
    "An Phú",
    "Dĩ An",
    "Đông Hòa",
    "Tân Đông Hiệp",
    "Tân Uyên",
    "Vĩnh Tân",
    "Bến Cát",
    "Chánh Phú Hòa",
]


# --- Environment --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_url() -> urllib.parse.SplitResult:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("This benchmark needs PostgreSQL: DATABASE_URL=postgres://user@host:5432/any")
    return urllib.parse.urlsplit(url)


def admin_connection():
    import psycopg

    return psycopg.connect(server_url()._replace(path="/postgres").geturl(), autocommit=True)


def environment(workdir: Path, database: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "CONGSO_PROFILE": "demo",
            "DEBUG": "false",
            "CONGSO_VAR_DIR": str(workdir),
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "bench-secret-key-" + "x" * 40,
            "DJANGO_SETTINGS_MODULE": "congso.settings",
            "DATABASE_URL": server_url()._replace(path=f"/{database}").geturl(),
            "CONN_MAX_AGE": "600",
            # Many sign-ins from one address in a few seconds: not an attack here.
            "CONGSO_LOGIN_FAILURE_LIMIT": "1000",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
        }
    )
    return env


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem_kb / 1048576:.1f} GiB RAM"
    except (OSError, StopIteration):
        memory = "RAM unknown"
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{os.cpu_count()} CPU ({cpu}), {memory}, {system}"


# --- Loading the data (runs in a child process with Django set up) ---------------------------------------


def load(count: int, n_agencies: int, out: Path) -> None:
    import django

    django.setup()
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from congso.agencies.models import Agency, StaffMembership
    from congso.catalog.models import (
        Field,
        OnlineMode,
        Procedure,
        ProcedureLevel,
        ProcedureVersion,
        RequiredPaper,
        VersionStatus,
    )

    started = time.perf_counter()
    wards_n = n_agencies - DEPARTMENTS
    wards = Agency.objects.bulk_create(
        Agency(
            code=f"000.{i:02d}.12.H08",
            name=f"UBND phường {WARD_NAMES[(i - 1) % len(WARD_NAMES)]} {i}",
            kind="ubnd",
        )
        for i in range(1, wards_n + 1)
    )
    departments = Agency.objects.bulk_create(
        Agency(code=f"000.00.{20 + i:02d}.H08", name=f"Sở {i}", kind="department")
        for i in range(1, DEPARTMENTS + 1)
    )
    field = Field.objects.create(code="bench", name="Lĩnh vực thử tải")
    versions = {"commune": [], "province": []}
    limits = {"commune": [], "province": []}
    rng = random.Random(2025)  # noqa: S311 — reproducible data, not secrets
    for kind, n, level in (
        ("commune", COMMUNE_PROCEDURES, ProcedureLevel.COMMUNE),
        ("province", PROVINCE_PROCEDURES, ProcedureLevel.PROVINCE),
    ):
        for i in range(1, n + 1):
            number = len(versions["commune"]) + len(versions["province"]) + 1
            procedure = Procedure.objects.create(
                code=f"9.{number:06d}",
                national_code=f"9.{number:06d}",
                name=f"Thủ tục thử tải {kind} {i}",
                field=field,
                level=level,
            )
            version = ProcedureVersion.objects.create(
                procedure=procedure,
                number=1,
                status=VersionStatus.PUBLISHED,
                effective_from=date(2023, 1, 1),
                legal_basis="Văn bản thử tải",
                time_limit_value=rng.choice([1, 3, 5, 7, 10, 15]),
                online_mode=OnlineMode.FULLY_ONLINE,
            )
            RequiredPaper.objects.create(version=version, code="to-khai", name="Tờ khai", is_required=False)
            version.implementing_agencies.set(wards if kind == "commune" else departments)
            versions[kind].append(version.pk)
            limits[kind].append(version.time_limit_value)

    password = make_password(PASSWORD)
    user_model = get_user_model()
    officers = []
    for agency in wards + departments:
        officers.append(
            user_model(
                username=f"motcua_{agency.pk}",
                kind="official",
                full_name=f"Cán bộ một cửa {agency.pk}",
                password=password,
            )
        )
        officers.append(
            user_model(
                username=f"chuyenvien_{agency.pk}",
                kind="official",
                full_name=f"Chuyên viên {agency.pk}",
                password=password,
            )
        )
    officers = user_model.objects.bulk_create(officers)
    memberships = []
    for user in officers:
        prefix, agency_id = user.username.split("_")
        role = "one_stop_officer" if prefix == "motcua" else "specialist"
        memberships.append(StaffMembership(user=user, agency_id=int(agency_id), role=role))
    StaffMembership.objects.bulk_create(memberships)
    give_authenticators(officers)
    citizens = user_model.objects.bulk_create(
        user_model(
            username=f"congdan_{p}",
            kind="citizen",
            national_id=f"074{p:09d}",
            full_name="Công dân",
            password=make_password(None),
        )
        for p in range(CITIZEN_ACCOUNTS)
    )
    print(
        f"  catalogue, {n_agencies} agencies, {len(officers) + len(citizens)} accounts: "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET work_mem = '256MB'")
        dropped = _drop_secondary_indexes(cursor)
        started = time.perf_counter()
        cursor.execute("SELECT setseed(0.2025)")
        cursor.execute(
            _insert_sql(cursor),
            {
                "n": count,
                "ward_ids": [a.pk for a in wards],
                "ward_codes": [a.code for a in wards],
                "dept_ids": [a.pk for a in departments],
                "dept_codes": [a.code for a in departments],
                "commune_versions": versions["commune"],
                "commune_limits": limits["commune"],
                "province_versions": versions["province"],
                "province_limits": limits["province"],
                "citizen_ids": [c.pk for c in citizens],
                "families": FAMILY,
                "middles": MIDDLE,
                "givens": GIVEN,
                "people": PEOPLE,
            },
        )
        print(f"  {count:,} dossiers inserted: {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO dossiers_dossier_processing_agencies (dossier_id, agency_id)
            SELECT id, receiving_agency_id FROM dossiers_dossier
            UNION ALL
            SELECT id, current_agency_id FROM dossiers_dossier WHERE current_agency_id <> receiving_agency_id
            """
        )
        cursor.execute(
            """
            INSERT INTO dossiers_dailysequence (agency_id, day, last_value)
            SELECT receiving_agency_id, (submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, count(*)
            FROM dossiers_dossier GROUP BY 1, 2
            """
        )
        print(f"  processing agencies and daily sequences: {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        for statement in dropped:
            cursor.execute(statement)
        print(
            f"  {len(dropped)} secondary indexes rebuilt: {time.perf_counter() - started:.1f} s", flush=True
        )
        started = time.perf_counter()
        cursor.execute("ANALYZE")
        print(f"  ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)
    out.write_text(json.dumps(describe()), encoding="utf-8")


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the indexes of the dossier tables that no constraint needs; return the statements that rebuild
    them (a bulk load is several times faster without them)."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename IN ('dossiers_dossier', 'dossiers_dossier_processing_agencies')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def _insert_sql(cursor) -> str:
    """INSERT … SELECT over generate_series producing realistic dossiers (see bench/README.md). Columns this
    script does not know (added since) get an empty value of their type."""
    known = {
        "public_id": "gen_random_uuid()",
        "code": "agency_code || '-' || to_char(local_at, 'YYMMDD') || '-' || "
        "lpad((row_number() OVER (PARTITION BY agency_id, local_at::date ORDER BY submitted_at, g))::text, "
        "4, '0')",
        "channel": "channel",
        "status": "status",
        "applicant_name": "families[1 + person %% array_length(families, 1)] || ' ' || "
        "middles[1 + (person / 7) %% array_length(middles, 1)] || ' ' || "
        "givens[1 + (person / 53) %% array_length(givens, 1)]",
        "applicant_national_id": "'074' || lpad(person::text, 9, '0')",
        "applicant_phone": "'09' || lpad(((person::bigint * 7919) %% 100000000)::text, 8, '0')",
        "applicant_email": "''",
        "applicant_address": "'Khu phố ' || (1 + person %% 12) || ', phường ' || agency_id",
        "acting_for": "'{}'::jsonb",
        "form_data": "'{}'::jsonb",
        "idempotency_key": "NULL",
        "submitted_at": "submitted_at",
        "received_at": "CASE WHEN status IN (1, 3) THEN NULL WHEN channel = 'online' "
        "THEN submitted_at + r_fin * interval '4 hours' ELSE submitted_at END",
        "due_at": "due_at",
        "statutory_due_at": "due_at",
        "paused_at": "CASE WHEN status = 5 THEN submitted_at + interval '1 day' END",
        "finished_at": "finished_at",
        "returned_at": "CASE WHEN status = 10 THEN finished_at + r_fin * interval '2 days' END",
        "timeliness": "CASE WHEN finished_at IS NULL THEN '' WHEN finished_at > due_at THEN 'late' "
        "WHEN finished_at::date < due_at::date THEN 'early' ELSE 'on_time' END",
        "lookup_pin": "upper(substr(md5(g::text), 1, 8))",
        "result_note": "CASE WHEN finished_at IS NULL THEN '' ELSE 'Kết quả số ' || g END",
        "return_method": "CASE WHEN status = 10 THEN "
        "(CASE WHEN channel = 'online' THEN 'electronic' ELSE 'counter' END) "
        "ELSE '' END",
        "at_risk_flagged_due_at": "NULL",
        "overdue_flagged_at": "NULL",
        "applicant_id": "CASE WHEN channel = 'online' AND person < array_length(citizen_ids, 1) "
        "THEN citizen_ids[person + 1] END",
        "submitted_by_id": "CASE WHEN channel = 'online' AND person < array_length(citizen_ids, 1) "
        "THEN citizen_ids[person + 1] END",
        "current_agency_id": "CASE WHEN status >= 4 AND status <> 7 AND r_cur < 0.2 AND NOT at_department "
        "THEN dept_ids[1 + floor(r_cur * 5 * array_length(dept_ids, 1))::int] ELSE agency_id END",
        "procedure_version_id": "version_id",
        "receiving_agency_id": "agency_id",
    }
    cursor.execute(
        """
        SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_name = 'dossiers_dossier' AND column_name <> 'id' ORDER BY ordinal_position
        """
    )
    columns, values = [], []
    for name, data_type, nullable in cursor.fetchall():
        columns.append(f'"{name}"')
        if name in known:
            values.append(known[name])
        elif nullable == "YES":
            values.append("NULL")
        elif data_type in ("character varying", "text"):
            values.append("''")
        elif data_type == "jsonb":
            values.append("'{}'::jsonb")
        elif data_type == "boolean":
            values.append("false")
        else:
            raise SystemExit(f"dossiers_dossier.{name} ({data_type}, NOT NULL) is new to this benchmark")
    # Only column names from information_schema and this module's own expressions are interpolated.
    return f"""
    WITH params AS (
        SELECT %(ward_ids)s::bigint[] AS ward_ids, %(ward_codes)s::text[] AS ward_codes,
               %(dept_ids)s::bigint[] AS dept_ids, %(dept_codes)s::text[] AS dept_codes,
               %(commune_versions)s::bigint[] AS commune_versions,
               %(commune_limits)s::int[] AS commune_limits,
               %(province_versions)s::bigint[] AS province_versions,
               %(province_limits)s::int[] AS province_limits,
               %(citizen_ids)s::bigint[] AS citizen_ids, %(families)s::text[] AS families,
               %(middles)s::text[] AS middles, %(givens)s::text[] AS givens
    ), draws AS (
        SELECT g, random() AS r_ag, random() AS r_kind, random() AS r_proc, random() AS r_age,
               random() AS r_status, random() AS r_chan, random() AS r_cur, random() AS r_fin,
               floor(random() * %(people)s)::int AS person
        FROM generate_series(1, %(n)s) g
    ), placed AS (
        SELECT d.*, p.*, d.r_kind >= 0.85 AS at_department,
               1 + LEAST(array_length(p.ward_ids, 1) - 1,
                         floor(array_length(p.ward_ids, 1) * power(d.r_ag, 1.3))::int)
                 AS ward_i,
               1 + floor(d.r_ag * array_length(p.dept_ids, 1))::int AS dept_i,
               1 + floor(power(d.r_proc, 2.5) * array_length(p.commune_versions, 1))::int AS commune_i,
               1 + floor(power(d.r_proc, 2.5) * array_length(p.province_versions, 1))::int AS province_i,
               now() - d.r_age * interval '730 days' AS submitted_at,
               CASE WHEN d.r_chan < 0.60 THEN 'online' WHEN d.r_chan < 0.95 THEN 'counter' ELSE 'postal' END
                 AS channel,
               d.r_age * 730 AS age_days
        FROM draws d CROSS JOIN params p
    ), shaped AS (
        SELECT p.*,
               CASE WHEN at_department THEN dept_ids[dept_i] ELSE ward_ids[ward_i] END AS agency_id,
               CASE WHEN at_department THEN dept_codes[dept_i] ELSE ward_codes[ward_i] END AS agency_code,
               CASE WHEN at_department THEN province_versions[province_i] ELSE commune_versions[commune_i] END
                 AS version_id,
               CASE WHEN at_department THEN province_limits[province_i] ELSE commune_limits[commune_i] END
                 AS days,
               submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS local_at,
               CASE
                 WHEN age_days < 20 THEN
                   CASE WHEN r_status < 0.10 THEN (CASE WHEN channel = 'online' THEN 1 ELSE 2 END)
                        WHEN r_status < 0.20 THEN 2 WHEN r_status < 0.65 THEN 4 WHEN r_status < 0.73 THEN 5
                        WHEN r_status < 0.77 THEN 6 WHEN r_status < 0.85 THEN 9 ELSE 10 END
                 ELSE
                   CASE WHEN r_status < 0.90 THEN 10
                        WHEN r_status < 0.94 THEN (CASE WHEN channel = 'online' THEN 3 ELSE 10 END)
                        WHEN r_status < 0.96 THEN 7 WHEN r_status < 0.98 THEN 8 ELSE 9 END
               END AS status
        FROM placed p
    ), timed AS (
        SELECT s.*, submitted_at + (days * 1.4 + 0.3) * interval '1 day' AS due_at,
               CASE WHEN status IN (9, 10)
                    THEN submitted_at + (days * 1.4 + 0.3) * (0.2 + r_fin * 0.82) * interval '1 day'
               END AS finished_at
        FROM shaped s
    )
    INSERT INTO dossiers_dossier ({", ".join(columns)})
    SELECT {", ".join(values)} FROM timed
    """  # noqa: S608


def describe() -> dict:
    """What the measuring side needs: the busiest ward, its officer, its busiest procedure, search IDs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT receiving_agency_id, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        agency_id, agency_count = cursor.fetchone()
        cursor.execute(
            """
            SELECT v.procedure_id, p.code, count(*) FROM dossiers_dossier d
            JOIN catalog_procedureversion v ON v.id = d.procedure_version_id
            JOIN catalog_procedure p ON p.id = v.procedure_id
            WHERE d.current_agency_id = %s AND d.status = 10 GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1
            """,
            [agency_id],
        )
        procedure_id, procedure_code, filtered = cursor.fetchone()
        cursor.execute(
            "SELECT applicant_national_id FROM dossiers_dossier WHERE receiving_agency_id = %s "
            "ORDER BY md5(id::text) LIMIT 1000",
            [agency_id],
        )
        national_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM agencies_agency WHERE kind = 'ubnd' ORDER BY id")
        wards = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT count(*), pg_size_pretty(pg_database_size(current_database())) FROM dossiers_dossier"
        )
        total, size = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM dossiers_dossier "
            "WHERE status IN (1, 2, 4, 5, 6) AND current_agency_id = %s",
            [agency_id],
        )
        (open_here,) = cursor.fetchone()
    return {
        "agency_id": agency_id,
        "agency_dossiers": agency_count,
        "agency_open": open_here,
        "procedure_id": procedure_id,
        "procedure_code": procedure_code,
        "filtered": filtered,
        "national_ids": national_ids,
        "wards": wards,
        "total": total,
        "size": size,
    }


def describe_into(info_file: Path, env: dict) -> None:
    """``describe()`` of the database ``env`` names, written to ``info_file`` by a child process (this
    one has not set Django up)."""
    bench_dir, target = str(ROOT / "bench"), str(info_file)
    code = (
        f"import django, json, sys; django.setup(); sys.path.insert(0, {bench_dir!r}); "
        f"import dossier_inbox as b; open({target!r}, 'w').write(json.dumps(b.describe()))"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)


# --- HTTP ---------------------------------------------------------------------------------------------


# Django's messages ("Đã tiếp nhận hồ sơ …"): a browser follows the redirect and the page it lands on
# shows them and clears the cookie. The bench does not follow redirects, so a kept cookie would grow with
# every request to the storage's 2 KB limit, and each request would decode and sign it again (~1 ms).
MESSAGES_COOKIE = "messages"


class Client:
    """One signed-in officer on one keep-alive connection, with the cookies it was given (not the
    messages cookie, see ``MESSAGES_COOKIE``)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                if name.strip() == MESSAGES_COOKIE:
                    continue
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), data

    def sign_in(self, username: str) -> None:
        status, _h, body = self.request("GET", "/tai-khoan/dang-nhap/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        status, headers, _body = self.request(
            "POST", "/tai-khoan/dang-nhap/", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302:
            raise SystemExit(f"sign-in of {username} failed: HTTP {status}")
        self.pass_second_factor(username)

    def pass_second_factor(self, username: str) -> None:
        """Enter the authenticator's code when the account must pass a second factor (officials); a
        code this officer already used (two scenarios within one 30-second step) is refused, so wait
        for the next step and try once more."""
        for attempt in range(2):
            status, _h, body = self.request("GET", SECOND_FACTOR_PATH)
            if status != 200 or b'name="code"' not in body:
                return  # nothing to pass: not an official
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
            form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "code": totp_now(TOTP_KEY_HEX)})
            status, _h, _body = self.request(
                "POST", SECOND_FACTOR_PATH, form, {"Content-Type": "application/x-www-form-urlencoded"}
            )
            if status == 302:
                return
            if attempt == 0:
                time.sleep(31 - time.time() % 30)
        raise SystemExit(f"second factor of {username} failed: HTTP {status}")

    def timed_get(self, path: str, expect: bytes = b"") -> tuple[float, bytes]:
        start = time.perf_counter()
        status, _h, body = self.request("GET", path)
        elapsed = (time.perf_counter() - start) * 1000
        if status != 200 or (expect and expect not in body):
            raise SystemExit(f"GET {path} → HTTP {status}")
        return elapsed, body


def give_authenticators(officials) -> None:
    """A confirmed authenticator with ``TOTP_KEY_HEX`` for each official (Django set up)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=official, name="bench", key=TOTP_KEY_HEX, confirmed=True) for official in officials
    )


def totp_now(key_hex: str, step: int = 30, digits: int = 6) -> str:
    """The current RFC 6238 code of ``key_hex`` (HMAC-SHA1), as an authenticator app shows it."""
    import hashlib
    import hmac
    import struct

    counter = struct.pack(">Q", int(time.time()) // step)
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} CPU"


def line(label: str, values: list[float]) -> str:
    return (
        f"{label:<44}{len(values):>5}{percentile(values, 50):>9.1f}{percentile(values, 99):>9.1f}"
        f"{statistics.fmean(values):>9.1f}"
    )


def next_link(body: bytes) -> str:
    found = re.search(rb'<a href="(\?[^"]*)" rel="next"', body)
    return "/can-bo/ho-so/" + found.group(1).decode().replace("&amp;", "&")


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used by the web server process and by the database backends serving this database: a cost per
    request that the machine's other load hardly changes (wall-clock latency does)."""

    def __init__(self, server_pids: list[int], database_url: str):
        self.server_pids = server_pids
        self.database_url = database_url

    def _backends(self) -> list[int]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return [row[0] for row in rows]

    def snapshot(self) -> tuple[float, dict[int, float]]:
        return sum(map(_cpu_of, self.server_pids)), {pid: _cpu_of(pid) for pid in self._backends()}

    @staticmethod
    def spent(before, after) -> tuple[float, float]:
        app = after[0] - before[0]
        db = sum(cpu - before[1].get(pid, 0.0) for pid, cpu in after[1].items())
        return app, db


FLOOR = "floor: GET /healthz (same servers)"


def measure_inbox(port: int, info: dict, samples: int, meter: "CpuMeter | None" = None) -> list[str]:
    """Each scenario is run once unmeasured (a warm-up: connections, the catalogue's search index, the
    database's caches; the searches use other national IDs than the measured ones), then ``samples``
    times measured, one request after the other on one keep-alive connection."""
    client = Client(port)
    client.sign_in(f"motcua_{info['agency_id']}")
    filtered = f"/can-bo/ho-so/?trang_thai=10&thu_tuc={info['procedure_id']}&sap_xep=due"
    path, reached = filtered, 1
    body = client.timed_get(path)[1]
    while reached < 50 and b'rel="next"' in body:
        path = next_link(body)
        reached += 1
        body = client.timed_get(path)[1]
    ids = info["national_ids"]
    warm_ids, measured_ids = ids[: len(ids) // 2], ids[len(ids) // 2 :]

    def searches(pool):
        return [f"/can-bo/ho-so/?q={nid}&trang_thai=tat-ca&pham_vi=all" for nid in (pool * samples)[:samples]]

    scenarios = [
        # The floor: the same servers, middleware and connection, one SELECT 1 (the figure noise moves
        # as much as the inbox's, so the ratio to it is what compares runs on a busy machine).
        (FLOOR, ["/healthz"] * samples, [], b""),
        (
            "filtered status+procedure, due asc, page 1",
            [filtered] * samples,
            [],
            b'rel="next"',
        ),
        (
            f"same filter, page {reached} (cursor from page {reached - 1})",
            [path] * samples,
            [],
            b'rel="prev"',
        ),
        (
            "search by national ID (all statuses)",
            searches(measured_ids),
            searches(warm_ids),
            b"/can-bo/ho-so/000.",
        ),
        ("default inbox (open, at my agency, due asc)", ["/can-bo/ho-so/"] * samples, [], b""),
        ("open dossiers my agency received, due asc", ["/can-bo/ho-so/?pham_vi=received"] * samples, [], b""),
    ]
    rows = [f"{'request':<44}{'n':>5}{'p50':>9}{'p99':>9}{'mean':>9}   cpu/request: app   db  (ms)  × floor"]
    floor = None
    for label, paths, warm, expect in scenarios:
        for warm_path in warm or paths:
            client.timed_get(warm_path, expect)
        before = meter.snapshot() if meter else None
        timings = [client.timed_get(p, expect)[0] for p in paths]
        cost = ""
        if meter:
            app, db = CpuMeter.spent(before, meter.snapshot())
            per_request = app / len(paths)
            floor = per_request if label == FLOOR else floor
            cost = f"{per_request * 1000:>17.1f}{db / len(paths) * 1000:>5.1f}"
            cost += f"{per_request / floor:>9.1f}" if floor else ""
        rows.append(line(label, timings) + cost)
    rows.append(f"({load_average()} at the end)")
    return rows


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = "----congsobench" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, ctype) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {ctype}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def measure_intake(ports: list[int], info: dict, clients: int, duration: float, version_id: int, code: str):
    """``clients`` threads, each a one-stop officer of another ward, POST counter intakes for ``duration``
    seconds (after a short warm-up). Returns (completed while measured, errors, their latencies in ms,
    seconds measured, every POST sent including the warm-up)."""
    wards = info["wards"]
    latencies: list[float] = []
    errors: list[str] = []
    counts = {"done": 0, "posted": 0}
    lock = threading.Lock()
    start_at = {"t": None}
    stop = threading.Event()
    ready = threading.Barrier(clients + 1)

    def worker(index: int):
        client = Client(ports[index % len(ports)])
        ward = wards[index % len(wards)]
        client.sign_in(f"motcua_{ward}")
        path = f"/can-bo/ho-so/tiep-nhan/{code}/"
        client.timed_get(path, b"idempotency_key")
        csrf = client.cookies.get("congso_csrf", "")
        ready.wait()
        n = 0
        while not stop.is_set():
            n += 1
            body, ctype = multipart(
                {
                    "csrfmiddlewaretoken": csrf,
                    "version_id": str(version_id),
                    "idempotency_key": uuid.uuid4().hex,
                    "agency": str(ward),
                    "name": "Nguyễn Văn Thử",
                    "national_id": f"0749{index:02d}{n:06d}",
                    "phone": "0912345678",
                    "email": "",
                    "address": "Khu phố 1",
                    "relation": "self",
                    "representative_name": "",
                    "representative_national_id": "",
                },
                {"file-to-khai": ("to-khai.pdf", TINY_PDF, "application/pdf")},
            )
            began = time.perf_counter()
            status, _h, _b = client.request(
                "POST",
                path,
                body,
                {"Content-Type": ctype, "Referer": f"http://127.0.0.1:{client.port}{path}"},
            )
            elapsed = (time.perf_counter() - began) * 1000
            measuring = start_at["t"] is not None and time.perf_counter() >= start_at["t"]
            with lock:
                counts["posted"] += 1
                if status != 302:
                    errors.append(f"HTTP {status}")
                elif measuring:
                    counts["done"] += 1
                    latencies.append(elapsed)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    start_at["t"] = time.perf_counter() + 3.0  # warm-up
    time.sleep(3.0 + duration)
    measured = time.perf_counter() - start_at["t"]
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return counts["done"], errors, latencies, measured, counts["posted"]


EXTRA_INDEXES = [
    # The default inbox: open dossiers now at an agency, in appointment order, as one ordered range.
    "CREATE INDEX IF NOT EXISTS bench_dossier_open_due_idx ON dossiers_dossier "
    "(current_agency_id, due_at, id) "
    "WHERE status IN (1, 2, 4, 5, 6)",
    # The "received" scope (the one-stop desk following what it received), like dossier_inbox_idx.
    "CREATE INDEX IF NOT EXISTS bench_dossier_received_due_idx ON dossiers_dossier "
    "(receiving_agency_id, status, due_at, id)",
]


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"server exited with {server.returncode}: {server.stderr.read().decode()[-2000:]}"
            )
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def start_servers(
    server: str, processes: int, threads: int, env: dict
) -> tuple[list[subprocess.Popen], list[int]]:
    """The application as production serves it: the project's own ``congso serve``. granian runs its
    ``processes`` workers itself behind one port; waitress needs one process (and port) each."""
    servers, ports = [], []
    for _n in range(processes if server == "waitress" else 1):
        port = free_port()
        command = [sys.executable, "-m", "congso.cli", "serve", "--port", str(port), "--server", server]
        command += ["--threads", str(threads)]
        if server == "granian":
            command += ["--workers", str(processes)]
        servers.append(
            subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        )
        ports.append(port)
    for port, process in zip(ports, servers, strict=True):
        wait_until_up(port, process)
    return servers, ports


def server_pids(servers: list[subprocess.Popen]) -> list[int]:
    """The server processes and their children (granian's workers)."""
    pids = []
    for server in servers:
        pids.append(server.pid)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
        if children.exists():
            pids += [int(pid) for pid in children.read_text().split()]
    return pids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--samples", type=int, default=200, help="requests timed per inbox scenario")
    parser.add_argument("--clients", type=int, default=16, help="concurrent intake clients")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of sustained intake")
    parser.add_argument("--server", choices=("granian", "waitress"), default="granian")
    parser.add_argument("--servers", type=int, default=os.cpu_count() or 1, help="server processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per server process")
    parser.add_argument("--extra-indexes", action="store_true", help="also measure with the proposed indexes")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--database", help="reuse a database kept by an earlier run (no load)")
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--load-only", nargs=2, metavar=("COUNT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.load_only:  # child process: the environment is already prepared
        load(int(args.load_only[0]), args.agencies, Path(args.load_only[1]))
        return

    print(f"machine: {machine()}")
    with admin_connection() as conn:
        print(f"database server: {conn.execute('SELECT version()').fetchone()[0].split(',')[0]}")
    database = args.database or f"congso_bench_{uuid.uuid4().hex[:10]}"
    with tempfile.TemporaryDirectory(prefix="congso-bench-") as tmp:
        workdir = Path(tmp)
        env = environment(workdir, database)
        servers: list[subprocess.Popen] = []
        try:
            info_file = workdir / "info.json"
            python = sys.executable
            if not args.database:
                with admin_connection() as conn:
                    conn.execute(f'CREATE DATABASE "{database}"')
                subprocess.run(
                    [python, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True, cwd=ROOT
                )
                started = time.perf_counter()
                print(f"loading {args.dossiers:,} dossiers into {database}:", flush=True)
                subprocess.run(
                    [
                        python,
                        __file__,
                        "--agencies",
                        str(args.agencies),
                        "--load-only",
                        str(args.dossiers),
                        str(info_file),
                    ],
                    env=env,
                    check=True,
                    cwd=ROOT,
                )
                print(f"load finished in {time.perf_counter() - started:.1f} s", flush=True)
            else:
                import psycopg

                with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
                    for statement in EXTRA_INDEXES:  # measured first without them, as on a fresh load
                        name = re.search(r"EXISTS (\w+)", statement).group(1)
                        conn.execute(f"DROP INDEX IF EXISTS {name}")
                describe_into(info_file, env)
            info = json.loads(info_file.read_text(encoding="utf-8"))
            print(
                f"{info['total']:,} dossiers, database {info['size']}; busiest ward: "
                f"{info['agency_dossiers']:,} dossiers ({info['agency_open']:,} open there now); "
                f"filter status 10 + its busiest procedure "
                f"{info['procedure_code']}: {info['filtered']:,} dossiers"
            )

            servers, ports = start_servers(args.server, args.servers, args.threads, env)
            print(f"server: {args.server}, {args.servers} process(es) × {args.threads} threads")

            print(f"\nInbox through HTTP (one keep-alive connection, sequential requests; {load_average()}):")
            meter = CpuMeter(server_pids(servers[:1]), env["DATABASE_URL"])
            for row in measure_inbox(ports[0], info, args.samples, meter):
                print("  " + row)
            if args.extra_indexes:
                import psycopg

                with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
                    for statement in EXTRA_INDEXES:
                        conn.execute(statement)
                    conn.execute("ANALYZE dossiers_dossier")
                print("\nInbox with the proposed extra indexes:")
                for row in measure_inbox(ports[0], info, args.samples, meter):
                    print("  " + row)

            if not args.skip_intake:
                import psycopg

                with psycopg.connect(env["DATABASE_URL"]) as conn:
                    version_id, code = conn.execute(
                        "SELECT v.id, p.code FROM catalog_procedureversion v JOIN catalog_procedure p "
                        "ON p.id = v.procedure_id WHERE p.level = 'commune' ORDER BY p.code LIMIT 1"
                    ).fetchone()
                all_servers = CpuMeter(server_pids(servers), env["DATABASE_URL"])
                before = all_servers.snapshot()
                done, errors, latencies, seconds, posted = measure_intake(
                    ports, info, args.clients, args.duration, version_id, code
                )
                app_cpu, db_cpu = CpuMeter.spent(before, all_servers.snapshot())
                print(f"  ({load_average()} at the end)")
                print(
                    f"\nCounter intake through HTTP: {args.clients} concurrent clients (one-stop officers of "
                    f"{min(args.clients, len(info['wards']))} wards), {seconds:.1f} s after a 3 s warm-up"
                )
                print(
                    f"  {done} dossiers received → {done / seconds:.1f} per second; errors: {len(errors)}"
                    + (f" (first: {errors[0]})" if errors else "")
                )
                if posted:
                    print(
                        f"  cpu per intake (sign-ins and form pages shared out): app "
                        f"{app_cpu / posted * 1000:.1f} ms, db {db_cpu / posted * 1000:.1f} ms"
                    )
                if latencies:
                    print(
                        f"  latency p50 {percentile(latencies, 50):.0f} ms, "
                        f"p99 {percentile(latencies, 99):.0f} ms"
                    )
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
            if not args.keep_database and not args.database:
                with admin_connection() as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            elif not args.database:
                print(f"database kept: {database}")


if __name__ == "__main__":
    main()
