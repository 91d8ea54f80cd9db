"""What officers are told besides new work items: a dossier handed over to them by name (form 06), a
step of theirs that became overdue (with the leaders asked to follow it up), and a dossier of theirs
whose appointment is near (``dossier.deadline_at_risk``, once per appointment)."""

from datetime import timedelta

import pytest

from congso.core import events
from congso.dossiers import deadlines
from congso.dossiers import services as dossiers
from congso.dossiers.models import Status
from congso.notifications import services
from congso.notifications.models import Notification
from tests.support.notifications import deliver_notifications

pytestmark = pytest.mark.django_db


def told(event_key, channel="inapp"):
    return {n.recipient_id: n for n in Notification.objects.filter(event_key=event_key, channel=channel)}


def hand_over(dossier, actors, agency_a, received_by):
    return dossiers.hand_over(
        dossier,
        to_agency=agency_a,
        step_name="Thẩm định hồ sơ",
        given_by=actors.one_stop,
        received_by=received_by,
        allotted_working_hours=8,
    )


def test_a_dossier_handed_over_to_a_named_officer_tells_them_on_their_channels(drive, actors, agency_a):
    actors.specialist.email = "chuyenvien@example.vn"
    actors.specialist.save()
    services.update_preferences(actors.specialist, sms_enabled=False)
    dossier = drive(Status.ACCEPTED)
    row = hand_over(dossier, actors, agency_a, actors.specialist)
    deliver_notifications()
    inapp = told("dossier.handed_over")
    assert list(inapp) == [actors.specialist.pk]
    note = inapp[actors.specialist.pk]
    assert note.subject == f"Hồ sơ {dossier.code} được chuyển đến anh/chị"
    assert "“Thẩm định hồ sơ”" in note.body and note.link == f"/can-bo/ho-so/{dossier.code}/"
    assert services._local_moment(row.due_at) in note.body
    assert note.dossier_id == dossier.pk and not note.required
    assert set(told("dossier.handed_over", "email")) == {actors.specialist.pk}
    assert not Notification.objects.filter(event_key="dossier.handed_over", channel="sms").exists()


def test_a_hand_over_to_the_units_queue_names_nobody_to_tell(drive, actors, agency_a):
    dossier = drive(Status.ACCEPTED)
    hand_over(dossier, actors, agency_a, None)
    deliver_notifications()
    assert not Notification.objects.filter(event_key="dossier.handed_over").exists()


def test_the_officers_language_is_used(drive, actors, agency_a):
    services.update_preferences(actors.specialist, language="en")
    dossier = drive(Status.ACCEPTED)
    hand_over(dossier, actors, agency_a, actors.specialist)
    deliver_notifications()
    assert told("dossier.handed_over")[actors.specialist.pk].subject == (
        f"Dossier {dossier.code} was handed over to you"
    )


def _overdue_payload(dossier, agency, assigned):
    # The payload of workflow.timers.escalate (tests/workflow/test_timers.py checks it is published).
    return {
        "instance_id": 1,
        "dossier_id": dossier.pk,
        "work_item_id": 9,
        "escalation_item_id": 10,
        "step": "review",
        "label": "Thẩm định hồ sơ",
        "agency_code": agency.code,
        "role": "specialist",
        "assigned_user_id": assigned.pk if assigned else None,
        "escalation_role": "leader",
        "due_at": dossier.due_at.isoformat(),
    }


def test_an_overdue_step_tells_its_officer_and_the_leaders_who_follow_it_up(drive, actors, agency_a):
    dossier = drive(Status.ACCEPTED)
    events.publish("workflow.step_overdue", _overdue_payload(dossier, agency_a, actors.specialist))
    deliver_notifications()
    inapp = told("workflow.step_overdue")
    assert set(inapp) == {actors.specialist.pk, actors.leader.pk}  # not agency B's leader
    note = inapp[actors.specialist.pk]
    assert note.subject == f"Quá hạn: Thẩm định hồ sơ — hồ sơ {dossier.code}"
    assert note.link == "/can-bo/cong-viec/9/"


def test_an_overdue_group_step_tells_every_holder_of_its_role(drive, actors, agency_a, officer):
    other = officer("specialist", agency_a, "chuyenvien_a2")
    dossier = drive(Status.ACCEPTED)
    event = events.publish("workflow.step_overdue", _overdue_payload(dossier, agency_a, None))
    deliver_notifications()
    assert set(told("workflow.step_overdue")) == {actors.specialist.pk, other.pk, actors.leader.pk}
    services.notify_for_event(event)  # delivered again: nothing new
    assert Notification.objects.filter(event_key="workflow.step_overdue", channel="inapp").count() == 3


def test_a_dossier_at_risk_tells_the_officer_in_charge_once_per_appointment(drive, actors, agency_a):
    dossier = drive(Status.ACCEPTED)
    hand_over(dossier, actors, agency_a, actors.specialist)
    dossier.refresh_from_db()
    deliver_notifications()
    near = dossier.due_at - timedelta(minutes=30)  # within its at-risk window, in office hours
    assert deadlines.watch(near) == {"at_risk": 1, "overdue": 0}
    deliver_notifications()
    inapp = told("dossier.deadline_at_risk")
    assert list(inapp) == [actors.specialist.pk]
    assert inapp[actors.specialist.pk].subject == f"Sắp đến hạn: hồ sơ {dossier.code}"
    assert "mẫu 04" in inapp[actors.specialist.pk].body
    assert deadlines.watch(near + timedelta(minutes=10))["at_risk"] == 0  # once for this appointment
    deliver_notifications()
    assert Notification.objects.filter(event_key="dossier.deadline_at_risk", channel="inapp").count() == 1


def test_a_dossier_at_risk_in_a_units_queue_tells_who_may_take_it(drive, actors, agency_a):
    dossier = drive(Status.ACCEPTED)
    hand_over(dossier, actors, agency_a, None)
    assert (
        {p.pk for p in dossiers.in_charge_of(dossier)}
        == {p.pk for p in dossiers.hand_over_receivers(agency_a)}
        >= {actors.specialist.pk}
    )
    dossier.refresh_from_db()
    deadlines.watch(dossier.due_at - timedelta(minutes=30))
    deliver_notifications()
    assert set(told("dossier.deadline_at_risk")) == {p.pk for p in dossiers.in_charge_of(dossier)}


def test_every_officer_event_has_texts_in_both_languages_and_its_variables():
    from congso.notifications import defaults, templating

    for event_key in ("workflow.step_overdue", "dossier.handed_over", "dossier.deadline_at_risk"):
        assert event_key in services.OFFICER_EVENTS
        for language in ("vi", "en"):
            subject, body, _strip = defaults.text_for(event_key, "email", language)
            used = set(templating.PLACEHOLDER.findall(subject + body))
            assert used and used <= set(templating.VARIABLES[event_key])


def test_a_dossiers_notifications_are_read_as_the_queryset_reads_them(drive, actors, agency_a):
    """The dossier page's named query: every notification of the dossier, oldest first, each column as
    ``Notification.objects.of_dossier`` gives it; another dossier's are not read."""
    dossier, other = drive(Status.ACCEPTED), drive(Status.ACCEPTED)
    for key, about in (("a", dossier), ("b", other), ("c", dossier)):
        Notification.objects.create(
            dedup_key=key,
            recipient_key="address:0912345634",
            address="0912345634",
            channel="sms",
            event_key="x",
            dossier_id=about.pk,
        )
    expected = list(Notification.objects.of_dossier(dossier.pk))
    found = services.of_dossier(dossier.pk)
    assert len(found) == len(expected) >= 2
    fields = [f.attname for f in Notification._meta.concrete_fields]

    def values(notifications):
        return [[getattr(n, f) for f in fields] for n in notifications]

    assert values(found) == values(expected)
