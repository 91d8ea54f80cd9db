"""The reporting block's indicators on a hand-computed data set (golden test), the daily figures kept
from the dossiers' events equal to a rebuild from scratch, and the dashboard's scope rule."""

from datetime import date, datetime
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from congso.agencies.models import UnitLevel
from congso.core import events
from congso.core.models import EventDelivery
from congso.dossiers.models import Channel, DossierPaper, PaperStage, Status
from congso.nationalportal.models import CataloguePull, PullOutcome
from congso.portal.models import Feedback, Rating
from congso.registries.models import DataStoreItem, DataStoreReuse, LookupStatus, RegistryLookup
from congso.reporting import aggregates, breakdowns, dashboard, facts, service_index
from congso.reporting.indicators import BY_KEY, Period, Scope, figures, split_by_months
from congso.reporting.models import DailyFigures, DossierFact
from tests.factories.agencies import AdministrativeUnitFactory, AgencyFactory, StaffMembershipFactory
from tests.factories.catalog import FieldFactory, ProcedureFactory, ProcedureVersionFactory
from tests.factories.dossiers import DossierFactory
from tests.factories.identity import UserFactory
from tests.support.clock import local
from tests.support.settings_refusals import assert_refused

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


def paper(made, stage):
    DossierPaper.objects.create(
        dossier=made,
        name="Tệp",
        file=f"dossiers/2026/03/{made.pk}-{stage}.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        scan_status="clean",
        uploaded_at=made.submitted_at,
        stage=stage,
    )


def register_lookup(made, status):
    RegistryLookup.objects.create(
        dossier=made, registry="dan_cu", key="001", purpose="submission", status=status
    )


def reuse_from_data_store(made):
    item = DataStoreItem.objects.create(owner=UserFactory(), kind="upload", name="Giấy khai sinh")
    DataStoreReuse.objects.create(item=item, dossier_code=made.code)


@pytest.fixture
def golden():
    """Agency A (in ward A): six dossiers, agency B (a provincial agency): one, of another field.
    Hand-computed answers in the tests below."""
    a = AgencyFactory(name="UBND phường A", administrative_unit=AdministrativeUnitFactory(name="Phường A"))
    b = AgencyFactory(
        name="UBND phường B",
        administrative_unit=AdministrativeUnitFactory(name="Tỉnh", level=UnitLevel.PROVINCE),
    )
    made = [
        dossier(a, Channel.ONLINE, (3, 2), (3, 10), "early", Rating.VERY_SATISFIED),
        dossier(a, Channel.COUNTER, (3, 3), (3, 12), "on_time", Rating.UNSATISFIED),
        dossier(a, Channel.ONLINE, (3, 4), (3, 20), "late"),  # late, not rated: still lowers satisfaction
        dossier(a, Channel.ONLINE, (3, 5), (3, 21), "late", Rating.UNSATISFIED),  # late and unsatisfied: once
        dossier(a, Channel.COUNTER, (3, 6)),  # still open
        dossier(a, Channel.ONLINE, (2, 27), (3, 2), "on_time"),  # received in February, finished in March
        dossier(b, Channel.POSTAL, (3, 10), (3, 15), "early"),
    ]
    other_field = FieldFactory(code="chung-thuc", name="Chứng thực")
    made[6].procedure_version = ProcedureVersionFactory(procedure=ProcedureFactory(field=other_field))
    made[6].save(update_fields=["procedure_version"])
    # Digitisation and re-use (hand-counted in test_digitisation_and_reuse_indicators):
    paper(made[0], PaperStage.SUBMISSION)  # uploaded online
    paper(made[0], PaperStage.RESULT)  # electronic result
    paper(made[1], PaperStage.SUBMISSION)  # scanned at the counter
    paper(made[1], PaperStage.SUPPLEMENT)  # a second paper: the dossier counts once
    paper(made[2], PaperStage.RESULT)
    paper(made[5], PaperStage.RESULT)  # received in February: counts in March's results only
    register_lookup(made[0], LookupStatus.FOUND)
    register_lookup(made[0], LookupStatus.FOUND)  # two lookups, one dossier
    register_lookup(made[2], LookupStatus.UNAVAILABLE)  # nothing re-used
    reuse_from_data_store(made[6])
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


def test_digitisation_and_reuse_indicators(golden):
    # received in March: 6; papers stored as files: made[0], made[1] → 2 / 6
    assert (value("digitised_papers").numerator, value("digitised_papers").denominator) == (2, 6)
    assert value("digitised_papers").percent == 33.33
    # finished in March: 6; with a result file: made[0], made[2], made[5] → 3 / 6
    assert (value("digitised_results").numerator, value("digitised_results").denominator) == (3, 6)
    assert value("digitised_results").percent == 50.0
    # received in March: 6; a register found (made[0]) or a data-store item re-used (made[6]) → 2 / 6
    assert (value("data_reuse").numerator, value("data_reuse").denominator) == (2, 6)
    # agency B alone: its one dossier re-used data, had no file
    scope_b = Scope(frozenset({golden[1].pk}))
    assert (value("data_reuse", scope_b).percent, value("digitised_papers", scope_b).percent) == (100.0, 0.0)


def test_an_indicator_without_data_shows_no_rate_not_zero(golden):
    payment = value("online_payment")  # nobody was asked to pay in the golden data: no rate, not zero
    assert payment.available and payment.denominator == 0 and payment.percent is None


def test_monthly_trend_and_ranking(golden):
    a, b, _made = golden
    trend = {label: (received, late) for label, received, late in dashboard.monthly_trend(2026, PROVINCE)}
    assert trend["02/2026"] == (1, 0) and trend["03/2026"] == (6, 2) and trend["04/2026"] == (0, 0)
    ranking = breakdowns.breakdown("co-quan", MARCH, Scope())
    assert [row.key for row in ranking] == [str(b.pk), str(a.pk)]  # 100 % on time before 60 %
    counts = ranking[1].counts
    assert (counts["received"], counts["finished"], counts["finished_late"]) == (5, 5, 2)


def test_breakdowns_by_procedure_field_and_commune(golden):
    a, b, made = golden
    by_procedure = {row.key: row for row in breakdowns.breakdown("thu-tuc", MARCH, Scope())}
    late_one = by_procedure[made[2].procedure_version.procedure.code]
    assert late_one.name == made[2].procedure_version.procedure.name
    assert (late_one.counts["received"], late_one.counts["finished_late"], late_one.on_time.percent) == (
        1,
        1,
        0.0,
    )
    assert len(by_procedure) == 7  # one procedure per dossier; made[5] only finished in March
    by_field = {row.key: row.counts for row in breakdowns.breakdown("linh-vuc", MARCH, Scope())}
    assert {key: (c["received"], c["finished"]) for key, c in by_field.items()} == {
        "ho-tich": (5, 5),
        "chung-thuc": (1, 1),
    }
    by_commune = {row.key: row for row in breakdowns.breakdown("xa", MARCH, Scope())}
    ward = str(a.administrative_unit.pk)
    assert set(by_commune) == {ward, breakdowns.NOT_A_COMMUNE}
    assert by_commune[ward].name == "Phường A" and by_commune[ward].counts["received"] == 5
    assert by_commune[ward].digitised_papers.percent == 40.0  # 2 of A's 5
    assert breakdowns.agencies_of_commune(ward, Scope()) == {a.pk}
    assert breakdowns.agencies_of_commune(breakdowns.NOT_A_COMMUNE, Scope()) == {b.pk}


def test_the_daily_breakdown_of_one_day(golden):
    day = Period(date(2026, 3, 20), date(2026, 3, 20))
    rows = breakdowns.breakdown("co-quan", day, Scope())
    assert [
        (row.counts["received"], row.counts["finished"], row.counts["finished_late"]) for row in rows
    ] == [(0, 1, 1)]
    late = breakdowns.late_by_agency_and_procedure(MARCH, Scope())
    assert [(pair.agency_id, pair.finished_late) for pair in late] == [(golden[0].pk, 1), (golden[0].pk, 1)]


@pytest.mark.parametrize(
    ("start", "end", "parts"),
    [
        ((3, 1), (3, 31), [((3, 1), (3, 31))]),  # a whole month: one part
        ((3, 5), (3, 20), [((3, 5), (3, 20))]),  # inside a month: its days
        ((2, 20), (4, 10), [((3, 1), (3, 31)), ((2, 20), (2, 28)), ((4, 1), (4, 10))]),
        ((3, 1), (4, 10), [((3, 1), (3, 31)), ((4, 1), (4, 10))]),
        ((2, 27), (3, 31), [((3, 1), (3, 31)), ((2, 27), (2, 28))]),
        ((2, 27), (3, 2), [((2, 27), (3, 2))]),  # no whole month inside
    ],
)
def test_a_range_of_days_is_read_as_its_whole_months_and_the_days_around_them(start, end, parts):
    period = Period(date(2026, *start), date(2026, *end))
    assert split_by_months(period) == [Period(date(2026, *a), date(2026, *b)) for a, b in parts]


def test_a_range_across_months_sums_to_its_days(golden):
    """February 27 to April 10: March from the monthly figures, the edges from the daily ones; the same
    figures as adding up the daily figures of every day."""
    a, _b, _made = golden
    span = Period(date(2026, 2, 27), date(2026, 4, 10))
    days = DailyFigures.objects.filter(day__gte=span.start, day__lte=span.end)
    by_hand = {name: sum(getattr(row, name) for row in days) for name in aggregates.FIGURES}
    assert by_hand["received"] == 7 and by_hand["finished"] == 6  # the February dossier is in the span
    assert {name: figures(span, PROVINCE)[name] for name in aggregates.FIGURES} == by_hand
    [row] = [row for row in breakdowns.breakdown("co-quan", span, PROVINCE) if row.key == str(a.pk)]
    assert row.counts["received"] == 6 and row.counts["finished_late"] == 2


def test_drill_down_lists_the_dossiers_behind_the_late_count(golden):
    a, _b, made = golden
    _title, rows, more = dashboard.drill("qua-han", MARCH, Scope(frozenset({a.pk})))
    assert {row.dossier_id for row in rows} == {made[2].pk, made[3].pk} and not more
    procedure = made[3].procedure_version.procedure.code
    _title, rows, _more = dashboard.drill("qua-han", MARCH, Scope(), procedure_code=procedure)
    assert [row.dossier_id for row in rows] == [made[3].pk]
    _title, rows, _more = dashboard.drill("tai-su-dung", MARCH, Scope(), field_code="chung-thuc")
    assert [row.dossier_id for row in rows] == [made[6].pk]
    _title, rows, _more = dashboard.drill("ket-qua-dien-tu", MARCH, Scope())
    assert {row.dossier_id for row in rows} == {made[0].pk, made[2].pk, made[5].pk}


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
    with pytest.raises(CommandError, match="số liệu theo ngày khác với kết quả tính lại"):
        call_command("reporting_rebuild", "--check")
    with translation.override("en"), pytest.raises(CommandError, match="daily figures differ from a rebuild"):
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
    # Not an agency id at all ("²" passes str.isdigit but not int; 20 digits overflow the key): the
    # leader's own scope, never a server error.
    for bad in ("²", "99999999999999999999"):
        assert client.get(url + f"?nam=2026&ky=m3&co_quan={bad}").status_code == 200
        assert client.get(drill + f"?nam=2026&ky=m3&co_quan={bad}").status_code == 200
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


def test_the_dashboard_and_its_printed_copy_name_whose_figures_they_are(client, golden, monkeypatch):
    from io import BytesIO

    from pypdf import PdfReader

    from congso.reporting import views

    a, _b, _made = golden
    leader = StaffMembershipFactory(agency=a, role="leader").user
    client.force_login(leader)
    url = reverse("reporting:dashboard") + "?nam=2026&ky=m3"
    assert "Phạm vi: UBND phường A." in client.get(url).content.decode()
    printed = client.get(url + "&xuat=pdf").content
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(printed)).pages)
    assert "Phạm vi: UBND phường A." in " ".join(text.split())
    client.force_login(StaffMembershipFactory(agency=a, role="platform_admin").user)
    assert "Phạm vi: toàn tỉnh." in client.get(url).content.decode()
    # Many agencies: the first ones by name, then how many more.
    monkeypatch.setattr(views, "SCOPE_NAMES_SHOWN", 1)
    others = [AgencyFactory(name=f"UBND xã Z{n}") for n in range(3)]
    scope = Scope(frozenset({a.pk, *(o.pk for o in others)}))
    assert views.scope_label(scope) == "Phạm vi: UBND phường A và 3 cơ quan khác."


def test_public_page_shows_province_figures_to_anyone(client, golden):
    page = client.get(reverse("reporting_public:indicators") + "?nam=2026&ky=m3")
    body = page.content.decode()
    assert page.status_code == 200
    assert "50,00 %" in body  # the province's online submission rate in March
    assert "Tỷ lệ hồ sơ có kết quả giải quyết điện tử" in body and "Tỷ lệ hồ sơ tái sử dụng dữ liệu" in body


def test_dashboard_breakdowns_periods_and_narrowed_drill_downs(client, golden):
    a, b, made = golden
    client.force_login(StaffMembershipFactory(agency=a, role="platform_admin").user)
    url = reverse("reporting:dashboard")
    for dimension in breakdowns.DIMENSIONS:
        page = client.get(url + f"?nam=2026&ky=m3&theo={dimension}")
        assert page.status_code == 200 and 'id="breakdown"' in page.content.decode()
    by_commune = client.get(url + "?nam=2026&ky=q1&theo=xa").content.decode()
    assert "Phường A" in by_commune and "Cơ quan cấp tỉnh (không thuộc xã)" in by_commune
    one_day = client.get(url + "?tu=2026-03-20&den=2026-03-20").content.decode()
    assert "Ngày 20/03/2026" in one_day and 'id="late-pairs"' in one_day
    refused = client.get(url + "?tu=2026-03-20&den=2026-03-01")
    assert refused.status_code == 200
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in refused.content.decode()
    # A range beyond this year (the last year offered) is refused with a message: one in the year 9999
    # has no month after it, and splitting it by month was a server error.
    for far in ("?tu=9999-12-31&den=9999-12-31", "?tu=2099-01-01"):
        beyond = client.get(url + far)
        assert beyond.status_code == 200 and "Chỉ xem được số liệu đến hết năm" in beyond.content.decode()
        public = client.get(reverse("reporting_public:indicators") + far)
        assert public.status_code == 200
    drill = reverse("reporting:drill", args=["tiep-nhan"])
    ward = a.administrative_unit.pk
    listed = client.get(drill + f"?nam=2026&ky=m3&xa={ward}").content.decode()
    assert made[0].code in listed and made[6].code not in listed
    procedure = made[3].procedure_version.procedure.code
    late = client.get(reverse("reporting:drill", args=["qua-han"]) + f"?nam=2026&ky=m3&thu_tuc={procedure}")
    assert made[3].code in late.content.decode() and made[2].code not in late.content.decode()
    listing = client.get(
        reverse("reporting:drill", args=["qua-han"]) + f"?nam=2026&ky=m3&thu_tuc={procedure}&xuat=xlsx"
    )
    assert listing.status_code == 200 and listing.content[:2] == b"PK"
    xlsx = client.get(url + "?tu=2026-03-01&den=2026-03-15&xuat=xlsx")
    assert xlsx.status_code == 200 and "chi-so-20260301-20260315.xlsx" in xlsx["Content-Disposition"]


# --- Decision 766's index -------------------------------------------------------------------------


def test_the_service_index_of_the_golden_month(golden, settings):
    settings.CONGSO_NATIONALPORTAL_LINK = ""  # no national catalogue to compare with: transparency unmeasured
    index = service_index.service_index(dashboard.indicator_rows(MARCH, PROVINCE))
    groups = {group.key: group for group in index.groups}
    assert groups["progress"].points == 13.33  # 20 points × 66.67 % on time
    assert groups["digitisation"].points == 8.56  # 22 × mean(33.33, 50, 33.33) %
    assert groups["satisfaction"].points == 9.0  # 18 × 50 %
    # online payment has no rate (nobody was asked to pay): it is left out of its group's mean, not zero
    assert groups["online"].measured == 3
    assert groups["transparency"].points is None and groups["transparency"].measured == 0
    assert index.max_points == 82 and not index.complete  # 100 − transparency's 18
    settings.CONGSO_REPORTING_INDEX_WEIGHTS = {"progress": 40}
    heavier = service_index.service_index(dashboard.indicator_rows(MARCH, PROVINCE))
    assert heavier.groups[1].key == "progress" and heavier.groups[1].points == 26.67


@pytest.mark.parametrize("weights", [{}, {"progress": 40}, {"online": "25", "satisfaction": 12.5}])
def test_index_weights_of_known_groups_and_positive_points_are_accepted(weights, settings):
    settings.CONGSO_REPORTING_INDEX_WEIGHTS = weights
    service_index.check_weights()


@pytest.mark.parametrize(
    "weights, said_vi, said_en",
    [
        ([20, 22], "phải là một đối tượng JSON", "must be a JSON object"),
        # A misspelt group was ignored without a word: the index kept its default points.
        ({"progres": 40}, "không có nhóm progres", "there is no group progres"),
        # 0 points divided the group's percentage by zero on the dashboard.
        ({"progress": 0}, "điểm của nhóm progress phải là một số lớn hơn 0", "must be a number above 0"),
        ({"progress": "twenty"}, "không phải 'twenty'", "not 'twenty'"),
        ({"progress": True}, "không phải True", "not True"),
    ],
)
def test_index_weights_the_dashboard_would_fail_on_are_refused_in_both_languages(
    weights, said_vi, said_en, settings
):
    settings.CONGSO_REPORTING_INDEX_WEIGHTS = weights
    assert_refused(service_index.check_weights, "CONGSO_REPORTING_INDEX_WEIGHTS", said_vi, said_en)


def test_transparency_counts_procedures_that_agree_with_the_national_catalogue(db, settings):
    settings.CONGSO_NATIONALPORTAL_LINK = "dvcqg"
    same, differing, stale = (ProcedureFactory() for _ in range(3))
    ProcedureFactory(national_code="")  # not in the national catalogue: not counted
    CataloguePull.objects.create(procedure_code=same.code, outcome=PullOutcome.SAME, pulled_at=at(3, 30))
    CataloguePull.objects.create(procedure_code=differing.code, outcome=PullOutcome.SAME, pulled_at=at(3, 29))
    CataloguePull.objects.create(
        procedure_code=differing.code, outcome=PullOutcome.DRAFTED, pulled_at=at(3, 30)
    )
    CataloguePull.objects.create(procedure_code=stale.code, outcome=PullOutcome.SAME, pulled_at=at(3, 20))
    CataloguePull.objects.create(procedure_code=same.code, outcome=PullOutcome.DRAFTED, pulled_at=at(4, 2))
    agreement = value("catalogue_agreement")  # as of March 31: the April pull is after the period
    assert (agreement.numerator, agreement.denominator) == (1, 3)
    settings.CONGSO_NATIONALPORTAL_LINK = ""
    assert not value("catalogue_agreement").available


def test_a_running_period_reads_the_catalogue_as_it_stands_today(db, settings):
    """The year to date: the pulls of this week count, though the year's last week has not come yet."""
    settings.CONGSO_NATIONALPORTAL_LINK = "dvcqg"
    procedure = ProcedureFactory()
    CataloguePull.objects.create(procedure_code=procedure.code, outcome=PullOutcome.SAME)
    today = timezone.localdate()
    year = Period(date(today.year, 1, 1), date(today.year, 12, 31))
    agreement = BY_KEY["catalogue_agreement"].value(year, PROVINCE)
    assert (agreement.numerator, agreement.denominator) == (1, 1)
    last_year = Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    assert BY_KEY["catalogue_agreement"].value(last_year, PROVINCE).numerator == 0


def test_no_year_after_this_one_is_offered_or_shown(client, clock):
    """A year to come has no figures: the navigation stops at this year, and an address naming a later
    year (or a range ending in one) shows this year with a message."""
    clock.set(local(2026, 12, 6, 9))
    this_year = dashboard.chosen_period(QueryDict("nam=2026&ky=q4"))
    assert (this_year.year, this_year.part, this_year.error) == (2026, "q4", "")
    assert dashboard.period_links(this_year)["next_year"] is None
    assert dashboard.period_links(dashboard.chosen_period(QueryDict("nam=2025")))["next_year"] == 2026
    for query in ("nam=2027&ky=q1", "tu=2026-12-01&den=2027-01-05"):
        later = dashboard.chosen_period(QueryDict(query))
        assert (later.year, later.part) == (2026, "nam")
        assert later.error == "Chỉ xem được số liệu đến hết năm 2026."
    page = client.get(reverse("reporting_public:indicators") + "?nam=2027").content.decode()
    assert "Chỉ xem được số liệu đến hết năm 2026." in page and "?nam=2027&amp;ky=" not in page


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ({"nam": "2026", "ky": "nam"}, (2025, 1, 1), (2025, 12, 31)),
        ({"nam": "2026", "ky": "q1"}, (2025, 10, 1), (2025, 12, 31)),
        ({"nam": "2026", "ky": "q3"}, (2026, 4, 1), (2026, 6, 30)),
        ({"nam": "2026", "ky": "m1"}, (2025, 12, 1), (2025, 12, 31)),
        ({"nam": "2026", "ky": "m3"}, (2026, 2, 1), (2026, 2, 28)),
        ({"tu": "2026-03-10", "den": "2026-03-19"}, (2026, 2, 28), (2026, 3, 9)),
    ],
)
def test_the_period_before_is_of_the_same_kind(query, start, end):
    chosen = dashboard.chosen_period(QueryDict(urlencode(query)))
    assert chosen.previous == Period(date(*start), date(*end))


def test_dashboard_shows_the_index_with_the_period_before(client, golden):
    a, _b, _made = golden
    client.force_login(StaffMembershipFactory(agency=a, role="platform_admin").user)
    body = client.get(reverse("reporting:dashboard") + "?nam=2026&ky=m3").content.decode()
    assert 'id="service-index"' in body and "Kỳ trước (01/02/2026–28/02/2026)" in body
    assert "13,33 / 20" in body  # processing progress
