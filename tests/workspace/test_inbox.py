"""What the workspace shows of the back office: the "Việc đang chờ" summary on the home page (counts of
open dossiers at the officer's agencies by deadline state, each linking to the filtered inbox) and the
navigation entries of the dossier block."""

import pytest
from django.urls import reverse

from congso.dossiers.models import Dossier, Status
from tests.support.clock import local
from tests.support.html import has_link, one

# The dossier world (actors, submit, drive…) is shared with tests/dossiers: tests/fixtures/dossiers.py.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

HOME = "/can-bo/"


def test_home_summarises_what_waits(client, actors, submit, drive, clock):
    clock.set(local(2026, 3, 11, 9))
    late = submit()
    Dossier.objects.filter(pk=late.pk).update(due_at=local(2026, 3, 10, 17))
    at_risk = submit()
    Dossier.objects.filter(pk=at_risk.pk).update(due_at=local(2026, 3, 11, 16))
    drive(Status.SUPPLEMENT_REQUESTED, supplement_from=Status.SUBMITTED)
    drive(Status.RESULT_RETURNED)
    client.force_login(actors.one_stop)
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Việc đang chờ" in html
    # The two online dossiers awaiting reception are the one-stop officer's to-do, not only counts below.
    assert "2 việc cần xử lý" in html
    assert "3 hồ sơ đang giải quyết tại cơ quan" in html
    inbox = reverse("dossiers:inbox")
    assert has_link(html, f"{inbox}?han=late", "1 quá hạn")
    assert one(html, f'a[href="{inbox}?han=late"] + span.tag.tag--late').text == "Cần xử lý ngay"
    assert has_link(html, f"{inbox}?han=at_risk", "1 sắp đến hạn")
    assert one(html, f'a[href="{inbox}?han=at_risk"] + span.tag.tag--warn').text == "Cần chú ý"
    assert has_link(html, f"{inbox}?trang_thai=1", "2 chờ tiếp nhận")
    assert has_link(html, f"{inbox}?trang_thai=5", "1 chờ người nộp bổ sung")


def test_summary_links_open_the_filtered_inbox(client, actors, submit, clock):
    clock.set(local(2026, 3, 11, 9))
    late, fine = submit(), submit()
    Dossier.objects.filter(pk=late.pk).update(due_at=local(2026, 3, 10, 17))
    client.force_login(actors.one_stop)
    page = client.get(reverse("dossiers:inbox"), {"han": "late"}).content.decode()
    listed = page[page.index('id="dossiers-title"') :]  # the to-do above lists both, whatever the filter
    assert late.code in listed and fine.code not in listed


def test_no_summary_for_an_account_that_sees_no_dossiers(client, make_user):
    root = make_user("root", kind="official", is_staff=True, is_superuser=True)
    client.force_login(root)
    html = client.get(HOME).content.decode()
    assert "Việc đang chờ" not in html


def test_navigation_entries_lead_to_the_back_office(client, actors):
    client.force_login(actors.specialist)
    html = client.get(HOME).content.decode()
    for name, label in (
        ("dossiers:inbox", "Hộp việc"),
        ("workflow_tasks:inbox", "Công việc của tôi"),
        ("dossiers:logbook", "Sổ theo dõi hồ sơ"),
    ):
        assert has_link(html, reverse(name), label)
    current = one(html, 'a[aria-current="page"]')
    assert (current["href"], current.text) == ("/can-bo/", "Trang làm việc")
    # Counter intake is offered only to those who may receive dossiers; monitoring only to leaders.
    assert "Tiếp nhận tại quầy" not in html and "Giám sát quy trình" not in html
    client.force_login(actors.one_stop)
    assert has_link(client.get(HOME), reverse("dossiers:intake"), "Tiếp nhận tại quầy")
