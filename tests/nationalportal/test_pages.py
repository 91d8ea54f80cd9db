"""The link's workspace pages with content: the catalogue comparison (differences side by side, the
draft to review, "pull now"), the failures and the national dossiers not taken, with their retries."""

import pytest
from django.urls import reverse

from congso.dossiers.models import Status
from congso.nationalportal.models import IncomingDossier, IncomingStatus, SyncState, SyncStatus
from congso.nationalportal.registry import NationalPaper, NationalProcedure
from tests.nationalportal import fakes
from tests.nationalportal.helpers import run_outbox


@pytest.fixture
def link(settings, subscribed):
    installed = fakes.install(settings)
    yield installed
    fakes.uninstall()


@pytest.fixture
def root(make_user):
    return make_user("root", kind="official", is_superuser=True, is_staff=True)


def test_pull_now_shows_the_differences_and_the_draft(client, link, root, version):
    link.procedures[version.procedure.national_code] = NationalProcedure(
        code=version.procedure.national_code,
        name=version.procedure.name,
        decision="QĐ 77/2026",
        legal_basis=[version.legal_basis],
        time_limit_days=7.0,
        papers=[NationalPaper(p.code, p.name) for p in version.papers.all()],
        fees=[],
    )
    client.force_login(root)
    response = client.post(reverse("nationalportal:pull_catalogue"), follow=True)
    html = response.content.decode()
    assert "1 dự thảo phiên bản mới chờ duyệt" in html
    assert "Thời hạn giải quyết (ngày làm việc)" in html and "QĐ 77/2026" in html
    assert "<td>3</td><td>7</td>" in html.replace("\n", "").replace(" ", "")
    draft = version.procedure.versions.get(number=2)
    assert reverse("admin:catalog_procedureversion_change", args=[draft.pk]) in html


def test_pull_now_without_a_link_says_so_and_changes_nothing(client, settings, root):
    settings.CONGSO_NATIONALPORTAL_LINK = ""
    client.force_login(root)
    html = client.post(reverse("nationalportal:pull_catalogue"), follow=True).content.decode()
    assert "Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia." in html


def test_the_overview_lists_failures_and_retries_them(client, link, root, drive, agency_a, version):
    dossier = drive(Status.ACCEPTED)
    run_outbox()
    state = SyncState.objects.get(dossier=dossier)
    SyncState.objects.filter(pk=state.pk).update(status=SyncStatus.FAILING, attempts=3, last_error="HTTP 503")
    IncomingDossier.objects.create(national_code="G-X", status=IncomingStatus.FAILED, error="Không tìm thấy")
    client.force_login(root)
    html = client.get(reverse("nationalportal:overview")).content.decode()
    assert dossier.code in html and "HTTP 503" in html and "G-X" in html and "Không tìm thấy" in html

    response = client.post(reverse("nationalportal:retry", args=[state.pk]), follow=True)
    assert f"Đã gửi trạng thái hồ sơ {dossier.code} lên Cổng DVCQG." in response.content.decode()
    assert link.reports == [(dossier.code, 1), (dossier.code, 2)]

    link.waiting["G-X"] = fakes.incoming("G-X", version, agency_a)
    incoming = IncomingDossier.objects.get(national_code="G-X")
    response = client.post(reverse("nationalportal:retry_incoming", args=[incoming.pk]), follow=True)
    assert "Đã nhận hồ sơ G-X từ Cổng DVCQG." in response.content.decode()
    incoming.refresh_from_db()
    assert incoming.status == IncomingStatus.ACKNOWLEDGED and link.acknowledged == ["G-X"]


def test_a_retry_while_the_portal_is_down_says_why(client, link, root, drive):
    dossier = drive(Status.ACCEPTED)
    run_outbox()
    state = SyncState.objects.get(dossier=dossier)
    link.down = True
    client.force_login(root)
    html = client.post(reverse("nationalportal:retry", args=[state.pk]), follow=True).content.decode()
    assert f"Chưa gửi được trạng thái hồ sơ {dossier.code}" in html and "503" in html
