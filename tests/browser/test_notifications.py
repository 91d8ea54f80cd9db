"""Notifications in Chromium: the one-stop officer accepts a dossier submitted online, the outbox is
delivered (as a worker does) and the citizen's message appears in the portal header and list; the
citizen had turned SMS and e-mail off in "Cài đặt thông báo" beforehand, and the message follows it."""

import pytest

from tests.factories.identity import PASSWORD
from tests.support.browser import collect_axe_violations, database_work
from tests.support.notifications import deliver_notifications

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(browser, live_server):
    contexts = []

    def open_as(username, start):
        # bypass_csp only so that axe-core can be injected; the pages run no script of their own inline.
        context = browser.new_context(locale="vi-VN", base_url=live_server.url, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"/tai-khoan/dang-nhap/?next={start}")
        page.get_by_label("Tên đăng nhập hoặc số định danh cá nhân").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"**{start}")
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def online_dossier(media_root, submit, actors):
    dossier = submit()
    deliver_notifications()  # "dossier.submitted": the first message
    return dossier


def test_an_officers_action_makes_the_citizens_message_appear(online_dossier, actors, citizen, signed_in):
    from congso.notifications.models import Notification

    dossier = online_dossier
    me = signed_in(citizen.username, "/thong-bao/")
    unread = me.get_by_role("link", name="Thông báo 1 chưa đọc")
    assert unread.is_visible()
    assert me.get_by_role("heading", name=f"Hồ sơ {dossier.code} đã được nộp").is_visible()

    violations = []
    collect_axe_violations(me, "inbox", violations)
    # The citizen keeps only the portal's messages.
    me.get_by_role("link", name="Cài đặt thông báo").click()
    collect_axe_violations(me, "preferences", violations)
    me.get_by_label("Tiếng Việt").check()
    me.get_by_label("nhận qua tin nhắn SMS").uncheck()
    me.get_by_label("nhận qua thư điện tử").uncheck()
    me.get_by_role("button", name="Lưu cài đặt").click()
    me.get_by_text("Đã lưu cài đặt thông báo.").wait_for()

    # The one-stop officer accepts the dossier on its page.
    desk = signed_in(actors.one_stop.username, f"/can-bo/ho-so/{dossier.code}/")
    desk.get_by_role("link", name="Tiếp nhận hồ sơ").first.click()
    desk.get_by_role("button", name="Xác nhận tiếp nhận").click()
    desk.get_by_text(f"Đã tiếp nhận hồ sơ {dossier.code}.").wait_for()

    with database_work():
        deliver_notifications()  # what the worker does a moment after the commit
        channels = set(
            Notification.objects.filter(event_key="dossier.accepted").values_list("channel", flat=True)
        )
    assert channels == {"inapp"}  # the preference was followed

    me.goto("/thong-bao/")
    assert me.get_by_role("link", name="Thông báo 2 chưa đọc").is_visible()
    message = me.get_by_role("heading", name=f"Hồ sơ {dossier.code} đã được tiếp nhận")
    assert message.is_visible()
    me.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    assert me.get_by_role("link", name="Thông báo 0 chưa đọc").is_visible()

    # The officer's dossier page shows what the applicant was sent.
    desk.goto(f"/can-bo/ho-so/{dossier.code}/")
    assert desk.get_by_text("Thông báo cho người nộp — Thông báo trên cổng").first.is_visible()
    desk.goto("/can-bo/thong-bao/")
    collect_axe_violations(desk, "workspace inbox", violations)
    assert violations == []
