"""The acceptance of the national link, over real HTTP to the simulated national portal (Django's live
server): a dossier submitted on the portal reaches the one-stop inbox exactly once; its status changes
reach the portal in order; an outage loses nothing and keeps the order."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from congso.dossiers import services as dossier_services
from congso.dossiers.models import Channel, Dossier, Status
from congso.nationalportal.models import IncomingDossier, IncomingStatus, StatusReport, SyncState, SyncStatus
from congso.sandbox import services as sandbox
from tests.nationalportal.helpers import package_of, run_jobs, submit_on_portal, timeline

pytestmark = pytest.mark.django_db(transaction=True)


def _take_one(version, agency):
    sandbox.seed_dvcqg_catalogue([package_of(version)])
    national = submit_on_portal(version, agency)
    run_jobs()
    return national, Dossier.objects.get(idempotency_key=f"dvcqg:{national}")


def test_a_dossier_submitted_on_the_portal_reaches_the_inbox_once_and_is_acknowledged(
    portal, client, actors, agency_a, version
):
    national, dossier = _take_one(version, agency_a)
    assert (dossier.status, dossier.channel, dossier.submitted_by) == (
        Status.SUBMITTED,
        Channel.NATIONAL_PORTAL,
        None,
    )
    assert dossier.applicant_name == "Phạm Thị Cúc" and dossier.papers.count() == 1
    assert dossier_services.national_code_of(dossier) == national
    assert sandbox.dvcqg_dossier_state(national) == {
        "taken": True,
        "local_code": dossier.code,
        "status": 1,
        "origin": "national",
    }
    incoming = IncomingDossier.objects.get(national_code=national)
    assert (incoming.status, incoming.dossier_id) == (IncomingStatus.ACKNOWLEDGED, dossier.pk)

    client.force_login(actors.one_stop)
    inbox = client.get(reverse("dossiers:inbox")).content.decode()
    assert dossier.code in inbox

    run_jobs()  # the portal no longer lists it: nothing new
    assert Dossier.objects.filter(channel=Channel.NATIONAL_PORTAL).count() == 1
    # Reported back: the province received it (status 1), once.
    assert timeline(national) == [1]


def test_status_changes_reach_the_portal_in_order(portal, client, actors, agency_a, version):
    national, dossier = _take_one(version, agency_a)
    dossier_services.accept(dossier, actors.one_stop)
    dossier_services.start_processing(dossier, actors.specialist)
    run_jobs()
    dossier_services.mark_result_ready(dossier, actors.specialist, result_note="Kết quả số 1")
    dossier_services.return_result(dossier, actors.one_stop, "counter")
    run_jobs()
    assert timeline(national) == [1, 2, 4, 9, 10]
    assert sandbox.dvcqg_dossier_state(national)["status"] == 10
    state = SyncState.objects.get(dossier=dossier)
    assert (state.status, state.reported_status, state.attempts) == (SyncStatus.IN_STEP, 10, 0)
    assert not StatusReport.objects.filter(dossier=dossier, acknowledged_at=None).exists()

    client.force_login(actors.one_stop)
    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Đồng bộ với Cổng Dịch vụ công quốc gia" in page and national in page
    assert "10 — Đã trả kết quả" in page


def test_an_outage_loses_nothing_and_keeps_the_order(portal, actors, agency_a, version):
    national, dossier = _take_one(version, agency_a)
    assert timeline(national) == [1]
    sandbox.set_dvcqg_down(True)
    dossier_services.accept(dossier, actors.one_stop)
    dossier_services.start_processing(dossier, actors.specialist)
    later = submit_on_portal(version, agency_a)  # submitted while the link cannot reach the portal
    run_jobs()
    state = SyncState.objects.get(dossier=dossier)
    assert (state.status, state.attempts) == (SyncStatus.FAILING, 1)
    assert "503" in state.last_error and state.next_attempt_at > timezone.now()
    dossier_services.request_supplement(dossier, actors.specialist, ["Bản sao sổ hộ khẩu"], "Cần xác minh")
    run_jobs()  # not due yet: waits for its backoff, nothing sent out of turn
    assert SyncState.objects.get(dossier=dossier).attempts == 1
    SyncState.objects.filter(pk=state.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    run_jobs()  # due, still down: the backoff doubles
    state.refresh_from_db()
    assert state.attempts == 2
    assert state.next_attempt_at - state.last_failed_at == timedelta(seconds=60)
    sandbox.set_dvcqg_down(False)
    assert timeline(national) == [1]  # nothing reached the portal meanwhile
    assert not Dossier.objects.filter(idempotency_key=f"dvcqg:{later}").exists()

    SyncState.objects.filter(pk=state.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    run_jobs()
    assert timeline(national) == [1, 2, 4, 5]
    state.refresh_from_db()
    assert (state.status, state.attempts, state.last_error) == (SyncStatus.IN_STEP, 0, "")
    assert Dossier.objects.get(idempotency_key=f"dvcqg:{later}").status == Status.SUBMITTED
    assert timeline(later) == [1]


def test_a_dossier_of_the_province_is_registered_before_its_progress(portal, submit, actors):
    dossier = submit()
    dossier_services.accept(dossier, actors.one_stop)
    run_jobs()
    assert sandbox.dvcqg_dossier_state(dossier.code) == {
        "taken": True,
        "local_code": "",
        "status": 2,
        "origin": "province",
    }
    assert timeline(dossier.code) == [1, 2]
    assert SyncState.objects.get(dossier=dossier).registered
