"""Benchmark of the procedure search through HTTP (see bench/README.md, "Catalog search").

Builds a fresh database with the demo catalogue plus synthetic procedures (2,000 in all by default, names
built from the seed's vocabulary), starts the real application under waitress on 127.0.0.1 and a free
port, fires a mix of queries (exact, without diacritics, with a typo, short, by code, filtered) over
HTTP with one keep-alive connection, and prints p50/p90/p99 latencies in milliseconds.

SQLite by default (a temporary directory). With DATABASE_URL=postgres://user@host:port/any it creates a
new database ``congso_bench_<random>`` on that server and drops that database (only that one) at the end.

    .venv/bin/python bench/catalog_search.py [--procedures 2000] [--queries 600] [--threads 4]
"""

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ACTIONS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Gia hạn",
    "Điều chỉnh",
    "Đăng ký",
    "Đăng ký lại",
    "Đăng ký thay đổi",
    "Xác nhận",
    "Thẩm định",
    "Thu hồi",
    "Công nhận",
    "Phê duyệt",
    "Chấm dứt",
    "Bổ sung",
]
OBJECTS = [
    "giấy phép xây dựng",
    "giấy chứng nhận đăng ký hộ kinh doanh",
    "khai sinh",
    "kết hôn",
    "khai tử",
    "phiếu lý lịch tư pháp",
    "tạm trú",
    "thường trú",
    "giấy chứng nhận quyền sử dụng đất",
    "giấy phép lao động",
    "giấy phép kinh doanh dịch vụ karaoke",
    "giấy chứng nhận đủ điều kiện an toàn thực phẩm",
    "chứng chỉ hành nghề dược",
    "giấy phép lái xe",
    "giấy phép hoạt động khám bệnh, chữa bệnh",
    "nhận cha, mẹ, con",
    "giám hộ",
    "thay đổi, cải chính hộ tịch",
    "giấy xác nhận tình trạng hôn nhân",
    "hợp đồng, giao dịch về nhà ở",
    "giấy phép khai thác nước dưới đất",
    "giấy phép môi trường",
    "quyết định thành lập trường mầm non",
    "giấy phép tổ chức lễ hội",
    "giấy phép quảng cáo",
    "chứng nhận quyền sở hữu nhà ở",
    "giấy phép sử dụng vật liệu nổ công nghiệp",
    "thẻ bảo hiểm y tế",
    "trợ cấp xã hội hằng tháng",
    "hỗ trợ chi phí mai táng",
    "giấy phép bán lẻ rượu",
    "biển số nhà",
    "giấy phép đào đường",
    "chứng chỉ năng lực hoạt động xây dựng",
    "giấy phép thành lập thư viện",
    "chứng nhận cơ sở đủ điều kiện chăn nuôi",
    "giấy phép vận tải",
    "giấy chứng nhận đăng ký doanh nghiệp",
    "giấy phép hoạt động điện lực",
    "văn bản thỏa thuận phân chia di sản",
]
QUALIFIERS = [
    "",
    "",
    "",
    "cho người nước ngoài",
    "có yếu tố nước ngoài",
    "đối với hộ kinh doanh",
    "đối với doanh nghiệp",
    "tại cấp xã",
    "tại cấp tỉnh",
    "đối với công trình cấp III",
    "trong trường hợp bị mất, hư hỏng",
    "do thay đổi thông tin",
    "cho trẻ em dưới 6 tuổi",
    "cho người có công với cách mạng",
    "trên địa bàn khu công nghiệp",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_environment(workdir: Path) -> tuple[dict, str | None]:
    """Environment of every process of the run; for PostgreSQL, the name of the database created."""
    env = dict(os.environ)
    env.update(
        {
            "CONGSO_PROFILE": "demo",
            "DEBUG": "false",
            "CONGSO_VAR_DIR": str(workdir),
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "DJANGO_SETTINGS_MODULE": "catalog_bench_settings",
            "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT / "src"), env.get("PYTHONPATH", "")]),
        }
    )
    # The project mounts the catalog at /thu-tuc/; the run does so itself if the project does not yet.
    (workdir / "catalog_bench_settings.py").write_text(
        "from congso.settings import *  # noqa\nROOT_URLCONF = 'catalog_bench_urls'\n", encoding="utf-8"
    )
    (workdir / "catalog_bench_urls.py").write_text(
        "from django.urls import include, path\nimport congso.urls\n"
        "urlpatterns = list(congso.urls.urlpatterns)\n"
        "if not any(getattr(p, 'namespace', None) == 'catalog' for p in urlpatterns):\n"
        "    urlpatterns.insert(0, path('thu-tuc/', include('congso.catalog.urls')))\n",
        encoding="utf-8",
    )
    created = None
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parsed = urllib.parse.urlsplit(url)
        created = f"congso_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{created}"')
        env["DATABASE_URL"] = parsed._replace(path=f"/{created}").geturl()
        env["CONN_MAX_AGE"] = "600"
    else:
        env.pop("DATABASE_URL", None)
    return env, created


def drop_database(name: str) -> None:
    import psycopg

    parsed = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def generate(count: int) -> list[str]:
    """Runs inside the prepared environment: seed the demo catalogue, then synthetic procedures up to
    ``count``. Returns every procedure name (for the query mix)."""
    import django

    django.setup()
    from datetime import date

    from congso.agencies.models import Agency
    from congso.catalog.demo import seed_demo_catalog
    from congso.catalog.models import (
        Fee,
        Field,
        OnlineMode,
        Procedure,
        ProcedureLevel,
        ProcedureVersion,
        RequiredPaper,
        VersionStatus,
    )
    from congso.catalog.search import fold
    from congso.catalog.services import refresh_search_extra

    seed_demo_catalog()
    rng = random.Random(2025)  # noqa: S311 (reproducible synthetic data, not security)
    names = set(Procedure.objects.values_list("name", flat=True))
    combos = [f"{a} {o} {q}".strip() for a in ACTIONS for o in OBJECTS for q in QUALIFIERS]
    rng.shuffle(combos)
    fresh = [c[0].upper() + c[1:] for c in combos if c not in names][: max(0, count - len(names))]
    fields = list(Field.objects.all())
    agencies = list(Agency.objects.all()) or [None]
    modes = [OnlineMode.FULLY_ONLINE, OnlineMode.PARTLY_ONLINE, OnlineMode.INFORMATION]
    procedures = []
    for n, name in enumerate(fresh, start=1):
        code = f"DP.BM.{n:05d}"
        procedures.append(
            Procedure(
                code=code,
                national_code="",
                name=name,
                field=rng.choice(fields),
                level=rng.choice(ProcedureLevel.values),
                search_text=fold(f"{name} {code}"),
            )
        )
    Procedure.objects.bulk_create(procedures, batch_size=500)
    procedures = list(Procedure.objects.filter(code__startswith="DP.BM."))
    versions = [
        ProcedureVersion(
            procedure=p,
            number=1,
            status=VersionStatus.PUBLISHED,
            effective_from=date(2025, 7, 1),
            legal_basis="Luật số 01/2025/QH15 (tổng hợp)",
            online_mode=rng.choice(modes),
            time_limit_value=rng.randint(0, 20),
        )
        for p in procedures
    ]
    ProcedureVersion.objects.bulk_create(versions, batch_size=500)
    versions = list(ProcedureVersion.objects.filter(procedure__code__startswith="DP.BM."))
    papers, fees, links = [], [], []
    through = ProcedureVersion.implementing_agencies.through
    for version in versions:
        obj = version.procedure.name.split(" ", 2)[-1]
        papers += [
            RequiredPaper(
                version=version, code="don", name=f"Đơn đề nghị {obj.lower()} (theo mẫu)", originals=1
            ),
            RequiredPaper(
                version=version,
                code="giay-to",
                name="Bản sao giấy tờ pháp lý của cá nhân, tổ chức",
                copies=1,
                from_data_store=True,
            ),
        ]
        fees.append(Fee(version=version, name="Lệ phí", amount=rng.choice([0, 10000, 50000, 100000])))
        agency = rng.choice(agencies)
        if agency is not None:
            links.append(through(procedureversion_id=version.pk, agency_id=agency.pk))
    RequiredPaper.objects.bulk_create(papers, batch_size=1000)
    Fee.objects.bulk_create(fees, batch_size=1000)
    through.objects.bulk_create(links, batch_size=1000)
    for procedure in procedures:
        refresh_search_extra(procedure.pk)
    return list(Procedure.objects.values_list("name", flat=True))


def typo(words: list[str], rng: random.Random) -> list[str]:
    long = [i for i, w in enumerate(words) if len(w) >= 5]
    words = list(words)
    if not long:
        return words
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    words[i] = w[:j] + w[j + 1 :] if rng.random() < 0.5 else w[: j - 1] + w[j] + w[j - 1] + w[j + 1 :]
    return words


def query_mix(names: list[str], codes: list[str], fields: list[str], n: int) -> list[tuple[str, dict]]:
    from congso.catalog.search import fold

    rng = random.Random(7)  # noqa: S311 (reproducible query mix, not security)
    mix = []
    for _ in range(n):
        kind = rng.choices(
            ["exact", "unaccented", "typo", "short", "code", "filtered"], [25, 25, 25, 15, 5, 5]
        )[0]
        name = rng.choice(names)
        words = fold(name).split()
        if kind == "exact":
            params = {"q": name}
        elif kind == "unaccented":
            params = {"q": " ".join(words[: rng.randint(2, min(5, len(words)))])}
        elif kind == "typo":
            params = {"q": " ".join(typo(words[: rng.randint(2, min(5, len(words)))], rng))}
        elif kind == "short":
            params = {"q": " ".join(rng.sample(words, min(2, len(words))))}
        elif kind == "code":
            params = {"q": rng.choice(codes)}
        else:
            params = {"q": " ".join(words[:2]), "field": rng.choice(fields)}
        mix.append((kind, params))
    return mix


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def timed_get(conn: http.client.HTTPConnection, path: str) -> float:
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200 or b"catalog-search" not in body:
        raise SystemExit(f"GET {path} → {response.status}")
    return elapsed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary_line(label: str, values: list[float]) -> str:
    p50, p90, p99 = (percentile(values, p) for p in (50, 90, 99))
    return f"{label:<12}{len(values):>6}{p50:>9.1f}{p90:>9.1f}{p99:>9.1f}{statistics.fmean(values):>9.1f}"


def report(cold: float, timings: dict[str, list[float]]) -> None:
    print(f"first request (builds the index): {cold:.1f} ms")
    print(f"{'queries':<12}{'n':>6}{'p50':>9}{'p90':>9}{'p99':>9}{'mean':>9}  (ms)")
    for kind in ["exact", "unaccented", "typo", "short", "code", "filtered"]:
        if timings.get(kind):
            print(summary_line(kind, timings[kind]))
    print(summary_line("all", [t for values in timings.values() for t in values]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--threads", type=int, default=4, help="waitress worker threads")
    parser.add_argument("--generate-only", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.generate_only:  # child process: the environment is already prepared
        names = generate(args.procedures)
        Path(args.generate_only).write_text("\n".join(names), encoding="utf-8")
        return

    with tempfile.TemporaryDirectory(prefix="congso-bench-") as tmp:
        workdir = Path(tmp)
        env, created = prepare_environment(workdir)
        server = None
        try:
            python = sys.executable
            subprocess.run([python, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True, cwd=ROOT)
            started = time.perf_counter()
            names_file = workdir / "names.txt"
            subprocess.run(
                [python, __file__, "--procedures", str(args.procedures), "--generate-only", str(names_file)],
                env=env,
                check=True,
                cwd=ROOT,
            )
            names = names_file.read_text(encoding="utf-8").splitlines()
            print(
                f"database: {'PostgreSQL ' + created if created else 'SQLite'}; {len(names)} procedures "
                f"generated in {time.perf_counter() - started:.1f} s"
            )

            port = free_port()
            server = subprocess.Popen(
                [
                    python,
                    "-m",
                    "waitress",
                    f"--listen=127.0.0.1:{port}",
                    f"--threads={args.threads}",
                    "congso.wsgi:application",
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            wait_until_up(port, server)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            cold = timed_get(conn, "/thu-tuc/?q=dang+ky+khai+sinh")
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
            sys.path.insert(0, str(ROOT / "src"))
            codes = ["1.001193", "2.000815", "DP.LLTP.01", "1.004222", "DP.BM.00042", "2.000"]
            fields = ["ho-tich", "chung-thuc", "xay-dung", "cu-tru", "dat-dai"]
            mix = query_mix(names, codes, fields, args.queries)
            for _kind, params in mix[:20]:  # warm-up
                timed_get(conn, "/thu-tuc/?" + urllib.parse.urlencode(params))
            timings: dict[str, list[float]] = {}
            for kind, params in mix:
                timings.setdefault(kind, []).append(
                    timed_get(conn, "/thu-tuc/?" + urllib.parse.urlencode(params))
                )
            report(cold, timings)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
            if created:
                drop_database(created)


if __name__ == "__main__":
    main()
