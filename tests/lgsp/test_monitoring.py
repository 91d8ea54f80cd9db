"""The LGSP monitoring: traffic by status class and over time from the message log, the pages (who sees
what, charts, tables, XLSX export) and the upstream health checks against a real HTTP server that is up,
then down."""

import hashlib
import http.server
import io
import re
import threading
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from congso.lgsp import messagelog, permissions, services
from congso.lgsp.models import ServiceHealth
from tests.support import html
from tests.support.subprocesses import free_port

pytestmark = pytest.mark.django_db

SERVICE = "000.00.02.H08/MOTCUA/tra-cuu-ho-so"
CONSUMER = "GOV/000.00.03.H08/HOTICH"


def entry(n, **extra):
    values = {
        "at": timezone.now() - timedelta(minutes=1),
        "message_id": f"mon-{n}",
        "client": CONSUMER,
        "service": SERVICE,
        "method": "GET",
        "path": f"/ho-so/{n}",
        "user_id": "",
        "issue": "",
        "data_subject": "",
        "status": 200,
        "source": "",
        "request_bytes": 0,
        "response_bytes": 10,
        "duration_us": 2000,
        "request_sha256": hashlib.sha256(b"").hexdigest(),
        "response_sha256": hashlib.sha256(b"x").hexdigest(),
    }
    values.update(extra)
    return values


@pytest.fixture
def logged(registry):
    """Ten calls of the justice system to the one-stop service (one 404, two 502), and one call of an
    unknown outside system to another agency's service."""
    entries = [entry(n, duration_us=1000 * (n + 1)) for n in range(10)]
    entries[3]["status"] = 404
    entries[4]["status"] = entries[5]["status"] = 502
    entries.append(entry(99, client="COM/0312345678/APP", service="000.00.09.H08/KHAC/dv"))
    messagelog.append(entries)
    return registry


def test_errors_by_status_class_and_series(logged):
    now = timezone.now()
    [row] = services.traffic(now - timedelta(hours=1), now, service=SERVICE)
    assert (row.requests, row.errors, row.client_errors, row.server_errors) == (10, 3, 1, 2)
    points = services.traffic_series(now - timedelta(hours=3), now, step="hour")
    assert len(points) in (3, 4) and sum(p.requests for p in points) == 11
    assert sum(p.errors for p in points) == 3
    days = services.traffic_series(now - timedelta(days=6), now, step="day")
    assert len(days) == 7 and days[-1].requests == 11
    assert all(a.start < b.start for a, b in zip(days, days[1:], strict=False))
    involving = services.traffic(now - timedelta(hours=1), now, involving=([SERVICE], []))
    assert [t.key for t in involving] == [SERVICE]
    with pytest.raises(ValueError):
        services.traffic_series(now, now, step="week")


PEOPLE = ["platform_admin", "owner_admin", "other_admin", "officer", "citizen"]


@pytest.mark.parametrize("kind", PEOPLE)
def test_who_sees_which_traffic(kind, person, logged, client):
    client.force_login(person(kind))
    page = client.get("/can-bo/lgsp/giam-sat/")
    if kind in ("officer", "citizen"):
        assert page.status_code == 403
        return
    assert page.status_code == 200
    doc = page
    services_rows = [row.get("data-key") for row in html.select(doc, "#by-service tbody tr[data-key]")]
    clients_rows = [row.get("data-key") for row in html.select(doc, "#by-client tbody tr[data-key]")]
    # The provider's administrator sees its service, the consumer's administrator its system.
    assert (SERVICE in services_rows) is (kind in ("platform_admin", "owner_admin"))
    assert (CONSUMER in clients_rows) is (kind in ("platform_admin", "other_admin"))
    assert "000.00.09.H08/KHAC/dv" not in services_rows  # only registered services are listed
    service_page = client.get(f"/can-bo/lgsp/giam-sat/dich-vu/{logged['service'].pk}/")
    assert service_page.status_code == (200 if kind in ("platform_admin", "owner_admin") else 403)
    system_page = client.get(f"/can-bo/lgsp/giam-sat/he-thong/{logged['consumer'].pk}/")
    assert system_page.status_code == (200 if kind in ("platform_admin", "other_admin") else 403)


def test_overview_figures_chart_and_navigation(person, logged, client):
    client.force_login(person("owner_admin"))
    page = client.get("/can-bo/lgsp/giam-sat/?ky=7-ngay")
    doc = page
    row = html.one(doc, f'#by-service tbody tr[data-key="{SERVICE}"]')
    assert html.texts(row, "td")[:3] == ["10", "1", "2"]
    svg = html.one(doc, "svg.lgsp-chart")
    assert svg.get("role") == "img"
    assert len(html.select(doc, "svg.lgsp-chart rect.lgsp-chart-bar--late")) == 1
    assert html.has_link(doc, "/can-bo/lgsp/giam-sat/")  # the navigation entry
    assert html.one(doc, '.lgsp-periods a[aria-current="page"]').text == "7 ngày"
    detail = client.get(f"/can-bo/lgsp/giam-sat/dich-vu/{logged['service'].pk}/?ky=30-ngay")
    assert html.one(detail, f'#breakdown tbody tr[data-key="{CONSUMER}"]') is not None


def test_tables_export_to_xlsx(person, logged, client):
    client.force_login(person("platform_admin"))
    answer = client.get("/can-bo/lgsp/giam-sat/?ky=hom-nay&xuat=xlsx")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames == ["Theo dịch vụ", "Theo hệ thống gọi"]
    rows = list(workbook["Theo dịch vụ"].iter_rows(values_only=True))
    assert rows[1][:6] == ("Dịch vụ", "Mã định danh", "Số lượt gọi", "Lỗi 4xx", "Lỗi 5xx", "Tỉ lệ lỗi")
    assert rows[2][1:6] == (SERVICE, 10, 1, 2, 0.3)
    # The period as the pages write a moment ("00:00 07/12/2026"), in English too.
    assert re.fullmatch(r"từ 00:00 \d\d/\d\d/\d{4} đến \d\d:\d\d \d\d/\d\d/\d{4}", rows[0][1])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get("/can-bo/lgsp/giam-sat/?ky=hom-nay&xuat=xlsx")
    period = next(openpyxl.load_workbook(io.BytesIO(english.content)).active.iter_rows(values_only=True))[1]
    assert re.fullmatch(r"from 00:00 \d\d/\d\d/\d{4} to \d\d:\d\d \d\d/\d\d/\d{4}", period)
    detail = client.get(f"/can-bo/lgsp/giam-sat/he-thong/{logged['consumer'].pk}/?xuat=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(detail.content)).active
    assert list(sheet.iter_rows(values_only=True))[2][1:3] == (SERVICE, 10)


# --- upstream health --------------------------------------------------------------------------------


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 — the name http.server calls
        self.send_response(200 if self.path == "/api/health" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def upstream():
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{port}/api"
    server.shutdown()
    server.server_close()


def test_health_checks_against_a_server_up_then_down(registry, upstream, person, client):
    server, base = upstream
    service = registry["service"]
    service.upstream_url, service.health_path = base, "/health"
    service.save()
    [health] = services.check_services()
    assert health.healthy and health.status_code == 200 and health.last_healthy_at is not None
    service.health_path = ""  # HEAD of the base address: a 404 still proves the server is there
    service.save()
    assert services.probe(service).healthy
    service.health_path = "/khong-co"
    service.save()
    assert not services.probe(service).healthy  # a declared health path must answer 2xx/3xx
    service.health_path = "/health"
    service.save()
    server.shutdown()
    server.server_close()
    [health] = services.check_services()
    assert not health.healthy and health.status_code is None and health.failing_since is not None
    assert "Không kết nối được" in health.detail
    first_failure = health.failing_since
    [health] = services.check_services()
    assert health.failing_since == first_failure and health.last_healthy_at is not None
    assert ServiceHealth.objects.count() == 1
    client.force_login(person("owner_admin"))
    page = client.get("/can-bo/lgsp/giam-sat/")
    assert "Máy chủ cung cấp không hoạt động" in html.one(page, '[role="alert"]').text
    catalogue = client.get(f"/can-bo/lgsp/dich-vu/{service.pk}/")
    assert "Không hoạt động" in html.one(catalogue, "#health").text


def test_a_slow_upstream_times_out(registry, settings):
    settings.CONGSO_LGSP_HEALTH_TIMEOUT_SECONDS = 0.3
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections, never answers
    try:
        service = registry["service"]
        service.upstream_url = f"http://127.0.0.1:{listener.getsockname()[1]}/api"
        result = services.probe(service)
    finally:
        listener.close()
    assert not result.healthy and "0.3" in result.detail


def test_the_job_is_registered():
    from congso.core import scheduling
    from congso.lgsp import jobs  # noqa: F401 — registers the jobs

    assert "lgsp.health_checks" in {job.name for job in scheduling.jobs()}


def test_monitoring_permission_functions(person, registry):
    assert permissions.sees_all_traffic(person("platform_admin"))
    assert not permissions.sees_all_traffic(person("owner_admin"))
    assert permissions.can_monitor_service(person("owner_admin"), registry["service"])
    assert not permissions.can_monitor_service(person("officer"), registry["service"])
