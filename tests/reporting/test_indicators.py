"""The reporting block's indicators on a hand-computed data set (golden test), the daily figures kept
from the dossiers' events equal to a rebuild from scratch, and the dashboard's scope rule."""

from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from congso.core import events
from congso.core.models import EventDelivery
from congso.dossiers.models import Channel, Status
from congso.portal.models import Feedback, Rating
from congso.reporting import aggregates, dashboard, facts
from congso.reporting.indicators import BY_KEY, Period, Scope
from congso.reporting.models import DailyFigures, DossierFact
from tests.factories.agencies import AgencyFactory, StaffMembershipFactory
from tests.factories.dossiers import DossierFactory
from tests.factories.identity import UserFactory

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def at(month, day):
    return timezone.make_aware(datetime(2026, month, day, 10, 0))


def dossier(agency, channel, submitted, finished=None, timeliness="", rating=None):
    made = DossierFactory(
        receiving_agency=agency,
        channel=channel,
        submitted_at=at(*submitted),
        status=Status.RESULT_RETURNED if finished else Status.IN_PROCESSING,
        finished_at=at(*finished) if finished else None,
        timeliness=timeliness,
    )
    if rating is not None:
        Feedback.objects.create(dossier=made, author=UserFactory(), rating=rating)
    return made


@pytest.fixture
def golden():
    """Agency A: six dossiers, agency B: one. Hand-computed answers in the tests below."""
    a, b = AgencyFactory(name="UBND phường A"), AgencyFactory(name="UBND phường B")
    made = [
        dossier(a, Channel.ONLINE, (3, 2), (3, 10), "early", Rating.VERY_SATISFIED),
        dossier(a, Channel.COUNTER, (3, 3), (3, 12), "on_time", Rating.UNSATISFIED),
        dossier(a, Channel.ONLINE, (3, 4), (3, 20), "late"),  # late, not rated: still lowers satisfaction
        dossier(a, Channel.ONLINE, (3, 5), (3, 21), "late", Rating.UNSATISFIED),  # late and unsatisfied: once
        dossier(a, Channel.COUNTER, (3, 6)),  # still open
        dossier(a, Channel.ONLINE, (2, 27), (3, 2), "on_time"),  # received in February, finished in March
        dossier(b, Channel.POSTAL, (3, 10), (3, 15), "early"),
    ]
    facts.refresh([d.pk for d in made])
    aggregates.refresh_all_stale()
    return a, b, made


PROVINCE = Scope()


def value(key, scope=PROVINCE):
    return BY_KEY[key].value(MARCH, scope)


def test_province_indicators_match_the_hand_computed_answers(golden):
    # received in March: 6 (the February one is not), of which online 3
    assert (value("online_submission").numerator, value("online_submission").denominator) == (3, 6)
    assert value("online_submission").percent == 50.0
    # finished in March: 6; early or on time 4
    assert (value("on_time").numerator, value("on_time").denominator) == (4, 6)
    assert value("on_time").percent == 66.67
    # satisfaction = (6 finished − 2 unsatisfied − 2 late + 1 both) / 6 = 3 / 6
    assert (value("satisfaction").numerator, value("satisfaction").denominator) == (3, 6)
    assert value("satisfaction").percent == 50.0


def test_an_unrated_late_dossier_lowers_the_satisfaction_rate(golden):
    a, _b, made = golden
    before = value("satisfaction", Scope(frozenset({a.pk})))
    # agency A: 5 finished, unsatisfied 2, late 2, both 1 → (5 − 3) / 5
    assert (before.numerator, before.denominator) == (2, 5)
    unrated_late = made[2]
    Feedback.objects.create(dossier=unrated_late, author=UserFactory(), rating=Rating.SATISFIED)
    facts.refresh([unrated_late.pk])
    aggregates.refresh_all_stale()
    # a satisfied rating does not excuse lateness
    assert value("satisfaction", Scope(frozenset({a.pk}))).numerator == 2


def test_one_agency_scope(golden):
    a, b, _made = golden
    scope = Scope(frozenset({a.pk}))
    assert value("online_submission", scope).percent == 60.0  # 3 of 5
    assert value("on_time", scope).percent == 60.0  # 3 of 5
    assert value("on_time", Scope(frozenset({b.pk}))).percent == 100.0


def test_indicators_without_a_source_say_so_instead_of_showing_zero(golden):
    digitised = value("digitised_results")
    assert not digitised.available and digitised.percent is None and "Chưa có nguồn" in digitised.note
    payment = value("online_payment")  # nobody was asked to pay in the golden data: no rate, not zero
    assert payment.available and payment.denominator == 0 and payment.percent is None


def test_monthly_trend_and_ranking(golden):
    a, b, _made = golden
    trend = {label: (received, late) for label, received, late in dashboard.monthly_trend(2026, PROVINCE)}
    assert trend["02/2026"] == (1, 0) and trend["03/2026"] == (6, 2) and trend["04/2026"] == (0, 0)
    ranking = dashboard.agency_ranking(MARCH, Scope())
    assert [row.agency_id for row in ranking] == [b.pk, a.pk]  # 100 % on time before 60 %
    assert (ranking[1].received, ranking[1].finished, ranking[1].finished_late) == (5, 5, 2)


def test_drill_down_lists_the_dossiers_behind_the_late_count(golden):
    a, _b, made = golden
    _title, rows, more = dashboard.drill("qua-han", MARCH, Scope(frozenset({a.pk})))
    assert {row.dossier_id for row in rows} == {made[2].pk, made[3].pk} and not more


def test_facts_follow_a_corrected_dossier_and_equal_a_rebuild(golden):
    _a, _b, made = golden
    assert aggregates.compare_with_rebuild() == []
    corrected = made[0]
    corrected.finished_at, corrected.timeliness = at(4, 2), "late"  # a correction moved it to April
    corrected.save(update_fields=["finished_at", "timeliness"])
    facts.refresh([corrected.pk])
    assert aggregates.compare_with_rebuild() != []  # its two days are stale until the job runs
    aggregates.refresh_all_stale()
    assert aggregates.compare_with_rebuild() == []
    assert value("on_time").denominator == 5
    stored = sorted(DailyFigures.objects.values_list("day", "agency_id", "received", "finished"))
    aggregates.rebuild()
    assert sorted(DailyFigures.objects.values_list("day", "agency_id", "received", "finished")) == stored


def test_the_rebuild_command_checks_and_reports_differences(golden):
    call_command("reporting_rebuild", "--check")
    DailyFigures.objects.filter(received__gt=0).update(received=99)
    with pytest.raises(CommandError, match="differ"):
        call_command("reporting_rebuild", "--check")
    call_command("reporting_rebuild")
    call_command("reporting_rebuild", "--check")


def test_a_repeated_event_leaves_the_same_fact(golden):
    _a, _b, made = golden
    before = list(DossierFact.objects.order_by("dossier_id").values())
    for _ in range(2):
        facts.refresh([made[1].pk])
    after = list(DossierFact.objects.order_by("dossier_id").values())
    assert [{k: v for k, v in row.items() if k != "updated_at"} for row in before] == [
        {k: v for k, v in row.items() if k != "updated_at"} for row in after
    ]


def test_dossier_events_reach_the_reporting_subscriber(golden):
    _a, _b, made = golden
    events.publish("dossier.result_returned", {"dossier_id": made[4].pk}, aggregate=made[4])
    delivery = EventDelivery.objects.get(subscriber="reporting.facts")
    made[4].finished_at, made[4].timeliness, made[4].status = at(3, 25), "early", Status.RESULT_RETURNED
    made[4].save(update_fields=["finished_at", "timeliness", "status"])
    assert events.attempt_delivery(delivery.pk) == "delivered"
    aggregates.refresh_all_stale()
    assert value("on_time").numerator == 5


# --- The dashboard's pages and who may open them ---------------------------------------------------


def test_dashboard_scope_matrix(client, golden):
    a, b, _made = golden
    url = reverse("reporting:dashboard")
    officer = StaffMembershipFactory(agency=a, role="one_stop_officer").user
    leader = StaffMembershipFactory(agency=a, role="leader").user
    admin = StaffMembershipFactory(agency=a, role="platform_admin").user
    client.force_login(officer)
    assert client.get(url).status_code == 403
    client.force_login(leader)
    assert client.get(url + "?nam=2026&ky=m3").status_code == 200
    assert client.get(url + f"?nam=2026&ky=m3&co_quan={b.pk}").status_code == 404
    drill = reverse("reporting:drill", args=["qua-han"])
    assert client.get(drill + f"?nam=2026&ky=m3&co_quan={b.pk}").status_code == 404
    client.force_login(admin)
    page = client.get(url + f"?nam=2026&ky=m3&co_quan={b.pk}")
    assert page.status_code == 200 and "UBND phường B" in page.content.decode()


def test_dashboard_exports_xlsx_and_pdf(client, golden):
    a, _b, _made = golden
    client.force_login(StaffMembershipFactory(agency=a, role="platform_admin").user)
    url = reverse("reporting:dashboard") + "?nam=2026&ky=m3"
    xlsx = client.get(url + "&xuat=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    document = client.get(url + "&xuat=pdf")
    assert document.status_code == 200 and document.content[:5] == b"%PDF-"


def test_public_page_shows_province_figures_to_anyone(client, golden):
    page = client.get(reverse("reporting_public:indicators") + "?nam=2026&ky=m3")
    body = page.content.decode()
    assert page.status_code == 200
    assert "50,00 %" in body  # the province's online submission rate in March
    assert "Tỷ lệ kết quả giải quyết được số hóa" not in body  # no source yet: not on the public page
