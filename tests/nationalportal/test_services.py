"""The link's rules, whatever the protocol (a fake portal link): dossiers taken exactly once and
acknowledged, reports in order and held behind an undelivered earlier event, the catalogue compared
into drafts without touching what is published."""

import threading
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.urls import reverse

from congso.catalog.models import ProcedureVersion, VersionStatus
from congso.core.models import EventDelivery
from congso.dossiers import services as dossier_services
from congso.dossiers import states
from congso.dossiers.models import Channel, Dossier, Status
from congso.nationalportal import services
from congso.nationalportal.models import (
    CataloguePull,
    IncomingDossier,
    IncomingStatus,
    PullOutcome,
    StatusReport,
    SyncState,
    SyncStatus,
)
from congso.nationalportal.registry import LinkUnavailable, NationalFee, NationalPaper, NationalProcedure
from tests.nationalportal import fakes
from tests.nationalportal.helpers import run_outbox
from tests.samples import APPLICANT


@pytest.fixture
def link(settings, subscribed):
    installed = fakes.install(settings)
    yield installed
    fakes.uninstall()


def test_the_subscriber_listens_to_every_status_event_of_the_status_machine():
    assert set(services.STATUS_EVENTS) == {t.event for t in states.TRANSITIONS}


def test_without_a_link_the_block_subscribes_to_nothing(settings, drive):
    from congso.core import events
    from congso.nationalportal import subscribers

    settings.CONGSO_NATIONALPORTAL_LINK = ""
    subscribers.register_if_linked()
    assert services.SUBSCRIBER not in {s.name for s in events.subscriptions()}
    drive(Status.ACCEPTED)
    assert not EventDelivery.objects.filter(subscriber=services.SUBSCRIBER).exists()


def test_a_dossier_whose_acknowledgement_is_lost_is_acknowledged_again_never_taken_twice(
    link, agency_a, version
):
    link.waiting["G1"] = fakes.incoming("G1", version, agency_a)
    link.fail_acknowledge = 1
    with pytest.raises(LinkUnavailable):
        services.take_waiting_dossiers()
    incoming = IncomingDossier.objects.get(national_code="G1")
    assert incoming.status == IncomingStatus.TAKEN and incoming.dossier is not None
    assert services.take_waiting_dossiers().acknowledged == 1
    assert link.acknowledged == ["G1"]
    assert Dossier.objects.filter(channel=Channel.NATIONAL_PORTAL).count() == 1
    incoming.refresh_from_db()
    assert incoming.status == IncomingStatus.ACKNOWLEDGED and incoming.error == ""
    # Listed again by mistake: acknowledged once more, still one dossier.
    link.acknowledged.clear()
    services.take_waiting_dossiers()
    assert Dossier.objects.filter(channel=Channel.NATIONAL_PORTAL).count() == 1


def test_a_dossier_that_cannot_be_taken_is_recorded_and_the_others_go_on(link, agency_a, version):
    link.waiting["BAD"] = fakes.incoming("BAD", version, agency_a, procedure_code="9.999999")
    link.waiting["NOAGENCY"] = fakes.incoming("NOAGENCY", version, agency_a, agency_code="000.99.99.H08")
    link.waiting["G2"] = fakes.incoming("G2", version, agency_a)
    result = services.take_waiting_dossiers()
    assert (result.acknowledged, result.failed) == (1, 2)
    failed = {i.national_code: i for i in IncomingDossier.objects.filter(status=IncomingStatus.FAILED)}
    assert set(failed) == {"BAD", "NOAGENCY"}
    assert "9.999999" in failed["BAD"].error and failed["BAD"].dossier is None
    assert link.acknowledged == ["G2"]  # never acknowledged what was not taken
    assert list(services.failed_incoming()) == [failed["BAD"], failed["NOAGENCY"]]


def test_reports_wait_behind_an_earlier_event_not_yet_delivered(link, drive, actors):
    dossier = drive(Status.ACCEPTED)
    deliveries = list(EventDelivery.objects.filter(subscriber=services.SUBSCRIBER).order_by("pk"))
    assert len(deliveries) == 2  # submitted, accepted
    # The second event reaches the block first; the first is still waiting for a retry.
    from congso.core import events

    assert events.attempt_delivery(deliveries[1].pk) == "delivered"
    assert services.push_due() == {"held": 1}
    assert link.reports == []
    run_outbox()
    SyncState.objects.filter(dossier=dossier).update(next_attempt_at=services.timezone.now())
    assert services.push_due() == {"in_step": 1}
    assert link.reports == [(dossier.code, 1), (dossier.code, 2)]
    assert link.registered == [dossier.code]


def _panel_status(client, dossier) -> str:
    from tests.support.html import one

    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    return one(page, "section[aria-labelledby=dvcqg-sync-title] .tag").text.strip()


def test_the_panel_says_a_newer_change_waits_until_it_is_sent(link, drive, actors, client):
    client.force_login(actors.one_stop)
    dossier = drive(Status.ACCEPTED)
    run_outbox()
    assert services.push_due() == {"in_step": 1}
    assert _panel_status(client, dossier) == "Đã đồng bộ"
    # A newer status whose event has not reached this block yet: the stored state still says in step.
    dossier_services.start_processing(dossier, actors.specialist)
    state = SyncState.objects.get(dossier=dossier)
    assert state.status == SyncStatus.IN_STEP
    summary = services.sync_summary(dossier)
    assert (summary.status, summary.label) == ("pending", "Đang chờ đồng bộ thay đổi mới")
    assert _panel_status(client, dossier) == "Đang chờ đồng bộ thay đổi mới"
    # Recorded while the last send was finishing, which then wrote "in step": still waiting.
    run_outbox()
    SyncState.objects.filter(pk=state.pk).update(status=SyncStatus.IN_STEP)
    assert services.sync_summary(dossier).status == "pending"
    assert services.retry_report(state, actor=None) == "in_step"
    assert link.reports[-1] == (dossier.code, int(Status.IN_PROCESSING))
    assert _panel_status(client, dossier) == "Đã đồng bộ"


@pytest.mark.skipif(
    db_connection.vendor != "postgresql",
    reason="Needs PostgreSQL: the race is between two connections' row locks; SQLite serialises all writers.",
)
def test_a_change_recorded_while_a_send_decides_in_step_is_not_left_behind(
    link, transactional_db, drive, actors, monkeypatch
):
    """A worker finishing a send decides "in step" while another records a newer status: the newer one
    must still be sent. Before, the recorder read "pending" (the send in progress) and left the state
    alone, then the sender wrote "in step" over it, and the periodic job never looked at it again."""
    dossier = drive(Status.ACCEPTED)
    run_outbox()
    state = SyncState.objects.get(dossier=dossier)
    dossier_services.start_processing(dossier, actors.specialist)  # its event not delivered yet
    deciding, go_on = threading.Event(), threading.Event()
    original_save = SyncState.save

    def save_after_a_pause(self, *args, **kwargs):
        # The sender's last write: it has just found nothing more to send.
        if threading.current_thread() is sender and "sending_until" in (kwargs.get("update_fields") or ()):
            deciding.set()
            go_on.wait(10)
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(SyncState, "save", save_after_a_pause)

    def in_thread(work):
        def run():
            try:
                work()
            finally:
                db_connection.close()

        return threading.Thread(target=run)

    sender = in_thread(lambda: services.push_dossier(state.pk))
    sender.start()
    assert deciding.wait(10)
    recorder = in_thread(run_outbox)
    recorder.start()
    recorder.join(0.5)  # it waits for the sender's lock on the state row, or (before) finished at once
    go_on.set()
    sender.join(10)
    recorder.join(10)
    state.refresh_from_db()
    assert state.status == SyncStatus.PENDING
    assert services.push_due() == {"in_step": 1}
    assert link.reports[-1] == (dossier.code, int(Status.IN_PROCESSING))


def test_a_counter_dossier_reports_its_one_status_once(link, actors, agency_a, version):
    # Counter intake publishes two events (submitted, accepted) for one status: one report.
    dossier = dossier_services.receive_at_counter(
        version=version,
        receiving_agency=agency_a,
        officer=actors.one_stop,
        applicant_details=APPLICANT,
        form_data={},
    )
    run_outbox()
    assert list(StatusReport.objects.filter(dossier=dossier).values_list("status", flat=True)) == [2]


def test_nothing_is_recorded_while_the_link_is_off(settings, subscribed, drive):
    settings.CONGSO_NATIONALPORTAL_LINK = ""
    drive(Status.IN_PROCESSING)
    run_outbox()
    assert not StatusReport.objects.exists() and not SyncState.objects.exists()


def test_a_refused_report_is_retried_with_backoff_and_listed(link, drive):
    dossier = drive(Status.ACCEPTED)
    run_outbox()
    link.down = True
    assert services.push_due() == {"failing": 1}
    state = SyncState.objects.get(dossier=dossier)
    assert list(services.failing_states()) == [state]
    assert list(services.failing_states(agency_ids={dossier.receiving_agency_id + 1000})) == []
    assert services.push_due() == {}  # waiting for its backoff
    link.down = False
    assert services.retry_report(state, actor=None) == "in_step"
    state.refresh_from_db()
    assert state.status == SyncStatus.IN_STEP and link.reports == [(dossier.code, 1), (dossier.code, 2)]


def _national(version, **changes):
    values = {
        "code": version.procedure.national_code,
        "name": version.procedure.name,
        "decision": "QĐ 10/2026",
        "legal_basis": [version.legal_basis],
        "time_limit_days": float(version.time_limit_value),
        "papers": [NationalPaper(p.code, p.name) for p in version.papers.all()],
        "fees": [],
    }
    values.update(changes)
    return NationalProcedure(**values)


def test_the_catalogue_differences_become_one_draft_and_nothing_published_changes(link, version):
    link.procedures[version.procedure.national_code] = _national(version)
    link.procedures["1.999999"] = _national(version, code="1.999999", name="Thủ tục mới của Bộ")
    pulls = {p.procedure_code: p for p in services.pull_catalogue()}
    assert pulls[version.procedure.code].outcome == PullOutcome.SAME
    assert pulls["1.999999"].outcome == PullOutcome.NOT_LOCAL

    link.procedures[version.procedure.national_code] = _national(
        version,
        time_limit_days=5.0,
        papers=[NationalPaper("TK", "Tờ khai đăng ký"), NationalPaper("GCS", "Giấy chứng sinh")],
        fees=[NationalFee("Lệ phí", 8000)],
        legal_basis=["Luật Hộ tịch 2014", "Nghị định 120/2025/NĐ-CP"],
    )
    pull = services.pull_catalogue([version.procedure.national_code])[0]
    assert pull.outcome == PullOutcome.DRAFTED
    assert {d["field"] for d in pull.differences} == {
        "Căn cứ pháp lý",
        "Thời hạn giải quyết (ngày làm việc)",
        "Thành phần hồ sơ",
        "Phí, lệ phí",
    }
    draft = pull.draft_version
    assert (draft.status, draft.number, draft.time_limit_value) == (VersionStatus.DRAFT, 2, 5)
    assert draft.legal_basis == "Luật Hộ tịch 2014; Nghị định 120/2025/NĐ-CP"
    # The local paper the nation repeats keeps its code; the new one is added.
    assert list(draft.papers.values_list("code", "name")) == [
        ("to-khai", "Tờ khai đăng ký"),
        ("gcs", "Giấy chứng sinh"),
    ]
    assert list(draft.fees.values_list("name", "amount")) == [("Lệ phí", 8000)]
    version.refresh_from_db()
    assert (version.status, version.time_limit_value) == (VersionStatus.PUBLISHED, 3)
    assert list(version.papers.values_list("code", flat=True)) == ["to-khai"]

    again = services.pull_catalogue([version.procedure.national_code])[0]
    assert (again.outcome, again.draft_version_id) == (PullOutcome.DRAFT_EXISTS, draft.pk)
    assert ProcedureVersion.objects.filter(procedure=version.procedure).count() == 2
    latest = services.latest_pulls()
    assert [p.procedure_code for p in latest][:1] == [version.procedure.code]
    assert CataloguePull.objects.count() == 4


def test_the_catalogue_needs_a_link(settings):
    settings.CONGSO_NATIONALPORTAL_LINK = ""
    with pytest.raises(services.LinkError):
        services.pull_catalogue()


def test_a_dossier_being_sent_is_not_sent_twice(link, drive):
    dossier = drive(Status.ACCEPTED)
    run_outbox()
    state = SyncState.objects.get(dossier=dossier)
    assert services._claim(state.pk, services.timezone.now(), force=False)  # another worker is sending
    assert services.push_dossier(state.pk) == "skipped"
    assert services.push_dossier(state.pk, force=True) == "skipped"  # even an operator's retry waits
    assert link.reports == []
    SyncState.objects.filter(pk=state.pk).update(sending_until=services.timezone.now() - timedelta(seconds=1))
    assert services.push_dossier(state.pk) == "in_step"  # a crashed worker's turn expires
    assert link.reports == [(dossier.code, 1), (dossier.code, 2)]


def test_the_status_content_is_the_national_name_in_vietnamese_whatever_the_language():
    """One list of the ten national statuses (dossiers.models.Status); the protocol speaks Vietnamese."""
    from django.utils import translation

    with translation.override("en"):
        assert services.status_content(Status.IN_PROCESSING) == "Đang xử lý"
        assert services.status_content(10) == "Đã trả kết quả"
        assert services.status_content(42) == "42"
    assert [services.status_content(s) for s in Status] == [
        "Mới đăng ký",
        "Được tiếp nhận",
        "Không được tiếp nhận",
        "Đang xử lý",
        "Yêu cầu bổ sung giấy tờ",
        "Yêu cầu thực hiện nghĩa vụ tài chính",
        "Công dân yêu cầu rút hồ sơ",
        "Dừng xử lý",
        "Đã xử lý xong",
        "Đã trả kết quả",
    ]


def test_state_of_reads_the_row_the_queryset_reads(drive):
    """The dossier page's named query gives the row ``SyncState.objects.filter(dossier_id=…).first()``
    gives, or None for a dossier the portal never heard of."""
    dossier, unknown = drive(Status.ACCEPTED), drive(Status.ACCEPTED)
    made = SyncState.objects.create(
        dossier=dossier, status=SyncStatus.FAILING, attempts=2, last_error="HTTP 503", registered=True
    )
    expected = SyncState.objects.filter(dossier_id=dossier.pk).first()
    found = services.state_of(dossier)
    fields = [f.attname for f in SyncState._meta.concrete_fields]
    assert found.pk == made.pk
    assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert services.state_of(unknown) is None
