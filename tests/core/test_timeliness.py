"""Early / on time / late: one rule for dossiers and workflow steps (STANDARDS.md §1)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from congso.core.timeliness import Timeliness, classify

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=HCM)


def test_late_after_the_deadline_even_by_a_minute():
    assert classify(at(10, 17, 1), at(10, 17, 0)) == Timeliness.LATE


def test_on_time_on_the_deadline_day():
    assert classify(at(10, 8), at(10, 17)) == Timeliness.ON_TIME
    assert classify(at(10, 17), at(10, 17)) == Timeliness.ON_TIME


def test_early_on_an_earlier_local_day():
    # 23:30 on the 9th in Hồ Chí Minh City is 16:30 UTC: still the 9th locally, so early.
    assert classify(at(9, 23, 30), at(10, 8)) == Timeliness.EARLY


def test_nothing_to_classify_without_both_moments():
    assert classify(None, at(10, 17)) == "" and classify(at(10, 8), None) == ""


def test_dossiers_and_workflow_share_the_rule():
    from congso.dossiers.models import Dossier
    from congso.workflow.models import WorkItem

    assert WorkItem._meta.get_field("result").choices == Timeliness.choices
    assert Dossier._meta.get_field("timeliness").choices == Timeliness.choices
