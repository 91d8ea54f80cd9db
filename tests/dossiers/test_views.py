"""The officers' back office through HTTP: inbox, dossier page, every action with its refusals (404 for a
dossier not visible, 403 for an action not permitted, 409 for one the status does not allow), bad input
changing nothing, paper downloads, counter intake and the logbook."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from congso.core import working_days
from congso.core.models import AuditEntry
from congso.dossiers import query, services
from congso.dossiers.models import Dossier, DossierPaper, HandOver, PaperStage, Status, SupplementRequest
from congso.dossiers.views import inbox_page
from tests.dossiers.counter_intake import intake_post, intake_url
from tests.samples import APPLICANT, PDF_BYTES, pdf
from tests.support.clock import local
from tests.support.html import has_link, one, select, texts

pytestmark = pytest.mark.django_db

INBOX = "/can-bo/ho-so/"


def detail_url(dossier):
    return reverse("dossiers:detail", args=[dossier.code])


def action_url(dossier, slug):
    return reverse("dossiers:action", args=[dossier.code, slug])


def html(response):
    return response.content.decode()


def dossier_list(response):
    """The inbox's filtered list alone (the to-do above it lists dossiers whatever the filters)."""
    page = html(response)
    return page[page.index('id="dossiers-title"') :]


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_urls_are_mounted_under_the_workspace():
    assert reverse("dossiers:inbox") == INBOX
    assert reverse("dossiers:intake") == "/can-bo/ho-so/tiep-nhan/"
    assert reverse("dossiers:logbook") == "/can-bo/ho-so/so-theo-doi/"
    assert (
        reverse("dossiers:detail", args=["000.01.12.H08-260311-0007"])
        == "/can-bo/ho-so/000.01.12.H08-260311-0007/"
    )


# --- Who gets in --------------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


def test_citizen_is_refused(as_user, citizen):
    assert as_user(citizen).get(INBOX).status_code == 403


# --- Inbox -----------------------------------------------------------------------------------------


def test_inbox_lists_the_dossiers_at_the_officers_agency(
    as_user, actors, submit, make_agency, make_version, citizen
):
    mine = submit()
    other_agency = make_agency()
    elsewhere = submit(receiving_agency=other_agency)
    response = as_user(actors.one_stop).get(INBOX)
    assert response.status_code == 200
    page = html(response)
    assert mine.code in page and elsewhere.code not in page
    assert "Mới đăng ký" in page  # the status in words
    assert "Trong hạn" in page and "tag--ontime" in page  # the deadline state: words and colour
    assert "Trực tuyến" in page  # channel
    assert "Nguyễn Văn An" in page
    assert "no-store" in response["Cache-Control"]


def test_inbox_rows_escape_what_applicants_typed_and_label_every_cell(as_user, actors, submit):
    """The rows are written in Python (``inbox_page.rows_html``): what an applicant typed is text, and
    every cell carries its column's name for the stacked table on a phone."""
    dossier = submit()
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name='<img src=x onerror="alert(1)"> Lê "Ba"')
    page = html(as_user(actors.one_stop).get(INBOX))
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Lê &quot;Ba&quot;" in page
    row = page[page.index('<td class="cell-code"') :]
    row = row[: row.index("</tr>")]
    assert dossier.code in row
    assert row.count("data-label=") == 8
    assert 'data-label="Kênh nộp"' in row and 'data-label="Thời hạn"' in row


def test_inbox_shows_late_and_at_risk_dossiers_with_words_and_tags(as_user, actors, submit, clock):
    clock.set(local(2026, 3, 11, 9))
    late = submit()
    at_risk = submit()
    Dossier.objects.filter(pk=late.pk).update(due_at=local(2026, 3, 10, 17))
    Dossier.objects.filter(pk=at_risk.pk).update(due_at=local(2026, 3, 11, 16))
    page = html(as_user(actors.one_stop).get(INBOX))
    assert "Quá hạn" in texts(page, "span.tag.tag--late")
    assert "Sắp đến hạn" in texts(page, "span.tag.tag--warn")
    only_late = dossier_list(as_user(actors.one_stop).get(INBOX, {"han": "late"}))
    assert late.code in only_late and at_risk.code not in only_late


def test_inbox_filters_by_status_procedure_and_channel(
    as_user, actors, submit, counter_dossier, make_version, agency_a, version
):
    online = submit()
    at_counter = counter_dossier()
    other_version = make_version()
    other = submit(version=other_version)
    for v in (version, other_version):
        v.implementing_agencies.add(agency_a)
    client = as_user(actors.one_stop)
    page = dossier_list(client.get(INBOX, {"trang_thai": "2"}))
    assert at_counter.code in page and online.code not in page
    page = dossier_list(client.get(INBOX, {"kenh": "online"}))
    assert online.code in page and other.code in page and at_counter.code not in page
    page = dossier_list(client.get(INBOX, {"thu_tuc": str(other_version.procedure_id)}))
    assert other.code in page and online.code not in page and at_counter.code not in page


def test_procedure_filter_offers_only_the_agencys_procedures(as_user, actors, submit, make_version, agency_a):
    offered = make_version()
    offered.implementing_agencies.add(agency_a)
    elsewhere = make_version()
    response = as_user(actors.one_stop).get(INBOX)
    choices = dict(response.context["form"].fields["thu_tuc"].choices)
    assert str(offered.procedure_id) in choices and str(elsewhere.procedure_id) not in choices
    refused = as_user(actors.one_stop).get(INBOX, {"thu_tuc": str(elsewhere.procedure_id)})
    assert "error-summary" in html(refused)


def test_inbox_hides_finished_dossiers_unless_asked(as_user, actors, drive):
    done = drive(Status.RESULT_RETURNED)
    client = as_user(actors.one_stop)
    assert done.code not in html(client.get(INBOX))
    page = dossier_list(client.get(INBOX, {"trang_thai": "tat-ca"}))
    assert done.code in page and "Đã trả kết quả" in page and "Xong" in page


@pytest.mark.parametrize(
    "query",
    ["{code}", "{tail}", "Văn An", "074090000001", "0912345678", "+84 912 345 678"],
)
def test_search_by_code_name_national_id_or_phone(as_user, actors, submit, query):
    found = submit()
    other = submit(
        applicant_details={
            **APPLICANT,
            "name": "Trần Thị Bình",
            "national_id": "074090000002",
            "phone": "0987654321",
        }
    )
    text = query.format(code=found.code, tail=found.code.split("-", 1)[1])
    page = dossier_list(
        as_user(actors.one_stop).get(INBOX, {"q": text, "trang_thai": "tat-ca", "pham_vi": "all"})
    )
    assert found.code in page
    assert other.code not in page


def test_search_finds_dossiers_handed_to_another_agency(as_user, actors, counter_dossier, agency_b):
    dossier = counter_dossier()
    services.hand_over(
        dossier, to_agency=agency_b, to_unit_label="Phòng", step_name="Thẩm định", given_by=actors.one_stop
    )
    client = as_user(actors.one_stop)
    assert dossier.code not in html(client.get(INBOX))  # no longer at the officer's agency
    page = html(client.get(INBOX, {"q": "074090000001", "trang_thai": "tat-ca", "pham_vi": "all"}))
    assert dossier.code in page


def _walk(client, response, link):
    """Follow the ``link`` ("next_url"/"previous_url") pages from ``response``; the codes of every page."""
    pages = [[row.dossier.code for row in response.context["rows"]]]
    while response.context[link]:
        response = client.get(INBOX + response.context[link])
        assert response.status_code == 200
        pages.append([row.dossier.code for row in response.context["rows"]])
    return pages, response


@pytest.mark.parametrize("order", ["due", "received"])
def test_inbox_pages_forward_and_back_without_gaps(as_user, actors, submit, monkeypatch, clock, order):
    monkeypatch.setattr(inbox_page, "INBOX_PAGE", 2)
    created = []
    for day in (9, 10, 11, 12, 13):
        clock.set(local(2026, 3, day, 9))
        created.append(submit())
    clock.set(local(2026, 3, 13, 10))
    # Two dossiers share an appointment: the id breaks the tie.
    Dossier.objects.filter(pk=created[3].pk).update(due_at=created[2].due_at)
    client = as_user(actors.one_stop)
    forward, last = _walk(client, client.get(INBOX, {"sap_xep": order}), "next_url")
    expected = [d.code for d in created] if order == "due" else [d.code for d in reversed(created)]
    assert forward == [expected[0:2], expected[2:4], expected[4:5]]
    assert not select(last, '[rel="next"]') and select(last, '[rel="prev"]')
    backward, first = _walk(client, last, "previous_url")
    assert backward == [expected[4:5], expected[2:4], expected[0:2]]
    assert first.context["previous_url"] == "" and first.context["next_url"]


def test_keyset_links_keep_the_filters(as_user, actors, submit, monkeypatch):
    monkeypatch.setattr(inbox_page, "INBOX_PAGE", 1)
    submit(), submit()
    response = as_user(actors.one_stop).get(INBOX, {"kenh": "online", "sap_xep": "received"})
    assert response.context["next_url"].startswith("?kenh=online&sap_xep=received&sau=")


def test_forged_cursor_shows_the_first_page_with_a_warning(as_user, actors, submit):
    dossier = submit()
    response = as_user(actors.one_stop).get(INBOX, {"sau": "forged:cursor"})
    assert response.status_code == 200
    page = html(response)
    assert dossier.code in page
    assert "Liên kết phân trang không hợp lệ" in page


def test_invalid_filter_value_is_reported_and_ignored(as_user, actors, submit):
    dossier = submit()
    response = as_user(actors.one_stop).get(INBOX, {"trang_thai": "99", "kenh": "fax"})
    page = html(response)
    assert "error-summary" in page
    assert dossier.code in page  # the defaults apply instead


def test_export_is_the_filtered_list_as_xlsx(as_user, actors, submit, counter_dossier):
    online = submit(applicant_details={**APPLICANT, "name": '=HYPERLINK("http://x")'})
    counter = counter_dossier()
    response = as_user(actors.one_stop).get(reverse("dossiers:inbox_export"), {"kenh": "online"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    codes = [row[0] for row in values[2:]]
    assert codes == [online.code] and counter.code not in codes
    assert values[1][0] == "Mã hồ sơ"
    name_cell = sheet.cell(row=3, column=3)
    assert name_cell.value == '=HYPERLINK("http://x")' and name_cell.data_type == "s"  # text, never a formula
    assert AuditEntry.objects.filter(action="dossiers.inbox_export").exists()


def test_export_stops_at_the_limit_and_says_so(as_user, actors, submit, monkeypatch):
    monkeypatch.setattr("congso.dossiers.inbox.EXPORT_LIMIT", 2)
    for _ in range(3):
        submit()
    response = as_user(actors.one_stop).get(reverse("dossiers:inbox_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row[0].value for row in sheet.iter_rows()]
    assert len(rows) == 2 + 2 + 1
    assert "Chỉ xuất 2 hồ sơ đầu tiên" in rows[-1]


def test_work_items_section_is_shown(as_user, actors):
    page = html(as_user(actors.one_stop).get(INBOX))
    assert "Việc cần xử lý" in page
    assert "Bạn không có việc nào đang chờ xử lý." in page


def test_a_new_online_dossier_is_in_the_one_stop_officers_to_do_list(as_user, actors, drive):
    dossier = drive(Status.SUBMITTED)
    page = html(as_user(actors.one_stop).get(INBOX))
    todo = one(page, 'section[aria-labelledby="work-items-title"]')
    assert "Bạn không có việc nào đang chờ xử lý." not in todo.text
    assert has_link(todo, detail_url(dossier), "Tiếp nhận hồ sơ nộp trực tuyến")
    assert dossier.code in todo.text
    # The table's scrolling region is a landmark of its own: named apart from the section around it
    # (two landmarks with one name, "Việc cần xử lý", could not be told apart).
    assert one(todo, "div.table-wrap").attrs["aria-label"] == "Bảng: Việc cần xử lý"


def test_a_specialist_handed_a_dossier_by_hand_gets_a_task(as_user, actors, counter_dossier, agency_b):
    dossier = counter_dossier()
    services.hand_over(
        dossier,
        to_agency=agency_b,
        to_unit_label="Sở Tư pháp",
        step_name="Thẩm định hồ sơ",
        given_by=actors.one_stop,
        received_by=actors.specialist_b,
    )
    page = html(as_user(actors.specialist_b).get(INBOX))
    todo = one(page, 'section[aria-labelledby="work-items-title"]')
    assert has_link(todo, detail_url(dossier), "Thẩm định hồ sơ")


def test_to_do_rows_escape_what_officers_typed_label_every_cell_and_mark_late_ones(
    as_user, actors, counter_dossier, agency_b, clock
):
    """The to-do's rows are written in Python (``inbox_page.work_items_html``): a step name an officer
    typed is text, every cell carries its column's name, and a step past its deadline says so in words."""
    clock.set(local(2026, 3, 11, 9))
    dossier = counter_dossier()
    services.hand_over(
        dossier,
        to_agency=agency_b,
        to_unit_label="Sở Tư pháp",
        step_name='<img src=x onerror="alert(1)"> Thẩm định',
        given_by=actors.one_stop,
        received_by=actors.specialist_b,
        allotted_working_hours=1,
    )
    clock.set(local(2026, 3, 12, 9))
    page = html(as_user(actors.specialist_b).get(INBOX))
    assert "<img src=x" not in page
    row = select(page, 'section[aria-labelledby="work-items-title"] tbody tr')[0]
    cells = select(row, "td")
    assert cells[0].text == '<img src=x onerror="alert(1)"> Thẩm định'
    assert [cell["data-label"] for cell in cells] == ["Việc", "Hồ sơ", "Cơ quan", "Hạn xử lý"]
    assert has_link(cells[1], detail_url(dossier), dossier.code)
    assert cells[2].text == agency_b.name
    assert texts(cells[3], "span.tag.tag--late") == ["Quá hạn"]


def test_open_work_items_are_listed_and_linked_to_their_page(as_user, actors, drive):
    from congso.workflow import services as workflow
    from congso.workflow.models import WorkItem
    from tests.support.bpmn import flow, process, user_task

    xml = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Thẩm định hồ sơ"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
        ],
        {"Chuyên viên": ["s", "a", "e"]},
    )
    workflow.upload_version(key="tham-dinh", name="Thẩm định", xml=xml)
    dossier = drive(Status.SUBMITTED)
    dossier.procedure_version.process_key = "tham-dinh"
    dossier.procedure_version.save()
    services.accept(dossier, actors.one_stop)
    workflow.start(dossier)  # what the dossier.accepted subscriber does once a worker delivers the event
    item = WorkItem.objects.get()
    client = as_user(actors.specialist)
    page = html(client.get(INBOX))
    assert "Thẩm định hồ sơ" in page and dossier.code in page
    assert has_link(page, reverse("workflow_tasks:detail", args=[item.pk]))


def test_a_dossier_routed_by_its_process_is_not_handed_over_by_hand(as_user, actors, counter_dossier):
    dossier = counter_dossier()
    Dossier.objects.filter(pk=dossier.pk).update(routed_by_process="Quy trình: tham-dinh v1")
    client = as_user(actors.one_stop)
    response = client.get(detail_url(dossier))
    assert "ban-giao" not in [entry["action"].slug for entry in response.context["actions"]]
    assert "Hồ sơ đang được chuyển bước theo Quy trình: tham-dinh v1" in html(response)
    refused = client.post(action_url(dossier, "ban-giao"), {})
    assert refused.status_code == 409
    assert "hoàn thành việc của mình trong “Việc cần xử lý”" in html(refused)


def test_a_dossier_routed_by_its_process_is_not_started_or_finished_by_hand(as_user, actors, counter_dossier):
    """Its process starts processing and issues the result itself (after the leader's approval): a
    specialist was offered both by hand, bypassing the approval and leaving the steps to fail later."""
    dossier = counter_dossier()
    client = as_user(actors.specialist)
    slugs = lambda: [e["action"].slug for e in client.get(detail_url(dossier)).context["actions"]]  # noqa: E731
    assert "chuyen-xu-ly" in slugs()
    Dossier.objects.filter(pk=dossier.pk).update(routed_by_process="Quy trình: tham-dinh v1")
    assert "chuyen-xu-ly" not in slugs()
    refused = client.post(action_url(dossier, "chuyen-xu-ly"), {})
    assert refused.status_code == 409 and "“Việc cần xử lý”" in html(refused)
    Dossier.objects.filter(pk=dossier.pk).update(routed_by_process="")
    services.start_processing(Dossier.objects.get(pk=dossier.pk), actors.specialist)
    assert "co-ket-qua" in slugs()
    Dossier.objects.filter(pk=dossier.pk).update(routed_by_process="Quy trình: tham-dinh v1")
    assert "co-ket-qua" not in slugs()
    assert client.post(action_url(dossier, "co-ket-qua"), {"result_note": "Xong"}).status_code == 409
    assert Dossier.objects.get(pk=dossier.pk).status == Status.IN_PROCESSING


def test_the_dossier_page_links_to_the_work_items_not_to_a_flow_it_may_not_open(
    as_user, actors, counter_dossier
):
    """The process's flow is a monitoring page, for leaders: a one-stop officer was offered a link that
    answered 403 (tests/workflow/test_monitoring_views.py checks who is offered it)."""
    dossier = counter_dossier()
    Dossier.objects.filter(pk=dossier.pk).update(routed_by_process="Quy trình: tham-dinh v1")
    page = html(as_user(actors.one_stop).get(detail_url(dossier)))
    assert not has_link(page, reverse("workflow:dossier_flow", args=[dossier.pk]))
    assert has_link(page, reverse("workflow_tasks:inbox"))


def test_without_extensions_the_pages_show_the_dossiers_own_content(
    as_user, actors, counter_dossier, drive, monkeypatch
):
    from congso.dossiers import extensions

    monkeypatch.setattr(extensions, "officer_pages", extensions.Registry("officer page extensions"))
    dossier = counter_dossier()
    submitted = drive(Status.SUBMITTED)
    client = as_user(actors.one_stop)
    detail = client.get(detail_url(dossier))
    assert detail.context["flow_url"] == "" and detail.context["work_inbox_url"] == ""
    inbox = client.get(INBOX)
    assert [entry["dossier"].code for entry in inbox.context["work_items"]] == [submitted.code]
    assert inbox.context["work_total"] == 1


# --- Dossier page --------------------------------------------------------------------------------


def test_dossier_page_opens_in_english(as_user, actors, submit):
    """An officer who works in English sees the dossier page and its actions, not a 404."""
    dossier = submit()
    client = as_user(actors.one_stop)
    client.cookies["congso_language"] = "en"
    response = client.get(detail_url(dossier))
    assert response.status_code == 200
    assert has_link(html(response), action_url(dossier, "tiep-nhan"))
    assert dossier.code in dossier_list(client.get(INBOX))


def test_dossier_page_shows_everything(as_user, actors, submit):
    dossier = submit(
        acting_for={"relation": "parent_guardian", "relation_label": "Cho con", "full_name": "Bé Na"}
    )
    response = as_user(actors.one_stop).get(detail_url(dossier))
    assert response.status_code == 200
    page = html(response)
    for text in (
        dossier.code,
        "Thủ tục thử",
        "Mới đăng ký",
        "Nguyễn Văn An",
        "074090000001",
        "0912345678",
        "an@example.vn",
        "Cho con",
        "Bé Na",
        "Tờ khai đăng ký",
        "Nộp hồ sơ trực tuyến",
        "Quá trình xử lý",
    ):
        assert text in page, text
    assert response.context["actions"]
    slugs = [entry["action"].slug for entry in response.context["actions"]]
    assert slugs == ["tiep-nhan", "yeu-cau-bo-sung", "tu-choi", "rut-ho-so"]


def test_dossier_not_visible_is_a_404_like_one_that_does_not_exist(as_user, officer, agency_c, submit):
    dossier = submit()
    stranger = officer("one_stop_officer", agency_c, "motcua_c")
    client = as_user(stranger)
    hidden = client.get(detail_url(dossier))
    missing = client.get("/can-bo/ho-so/000.01.12.H08-260101-9999/")
    assert hidden.status_code == missing.status_code == 404
    assert client.get(action_url(dossier, "tiep-nhan")).status_code == 404
    assert client.post(action_url(dossier, "tiep-nhan")).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_code_is_found_whatever_its_case(as_user, actors, submit):
    dossier = submit()
    assert as_user(actors.one_stop).get(f"/can-bo/ho-so/{dossier.code.lower()}/").status_code == 200


def test_unknown_action_is_a_404(as_user, actors, submit):
    assert as_user(actors.one_stop).get(action_url(submit(), "xoa-ho-so")).status_code == 404


def test_specialist_sees_no_reception_actions_and_is_refused_them(as_user, actors, submit):
    dossier = submit()
    client = as_user(actors.specialist)
    response = client.get(detail_url(dossier))
    assert response.status_code == 200
    assert response.context["actions"] == []
    refused = client.post(action_url(dossier, "tiep-nhan"))
    assert refused.status_code == 403
    assert "Bạn không có quyền “Tiếp nhận hồ sơ” đối với hồ sơ" in html(refused)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_action_the_status_does_not_allow_is_a_409(as_user, actors, counter_dossier):
    dossier = counter_dossier()  # already accepted
    response = as_user(actors.one_stop).post(action_url(dossier, "tiep-nhan"))
    assert response.status_code == 409
    assert "khi hồ sơ" in html(response) and "Được tiếp nhận" in html(response)


# --- Reception -----------------------------------------------------------------------------------


def test_accept(as_user, actors, submit):
    dossier = submit()
    client = as_user(actors.one_stop)
    form = client.get(action_url(dossier, "tiep-nhan"))
    assert form.status_code == 200 and "Xác nhận tiếp nhận" in html(form)
    response = client.post(action_url(dossier, "tiep-nhan"), {"note": "Đủ giấy tờ"}, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(dossier)
    assert f"Đã tiếp nhận hồ sơ {dossier.code}." in html(response)
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED
    assert dossier.status_changes.last().reason == "Đủ giấy tờ"


def test_request_supplement_needs_items_and_a_reason(as_user, actors, submit):
    dossier = submit()
    client = as_user(actors.one_stop)
    bad = client.post(action_url(dossier, "yeu-cau-bo-sung"), {"items": " \n \n", "reason": ""})
    assert bad.status_code == 400
    page = html(bad)
    assert "Vui lòng liệt kê ít nhất một giấy tờ hoặc nội dung cần bổ sung." in page
    assert "Vui lòng nêu lý do yêu cầu bổ sung." in page
    assert has_link(one(page, ".error-summary"), "#id_items")  # the summary links to the field
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and not SupplementRequest.objects.exists()

    ok = client.post(
        action_url(dossier, "yeu-cau-bo-sung"),
        {"items": "Giấy chứng sinh (bản chính)\n\n  Sổ hộ khẩu  \n", "reason": "Thiếu giấy tờ"},
    )
    assert ok.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert dossier.supplement_request.items == ["Giấy chứng sinh (bản chính)", "Sổ hộ khẩu"]


def test_second_supplement_request_is_refused(as_user, actors, drive):
    dossier = drive(Status.SUPPLEMENT_REQUESTED)
    services.provide_supplement(dossier, dossier.applicant, note="Đã bổ sung")
    response = as_user(actors.specialist).get(action_url(dossier, "yeu-cau-bo-sung"))
    assert response.status_code == 409


def test_refuse_needs_reasons_and_confirmation(as_user, actors, submit):
    dossier = submit()
    client = as_user(actors.one_stop)
    bad = client.post(action_url(dossier, "tu-choi"), {"reasons": "Hồ sơ không thuộc thẩm quyền"})
    assert bad.status_code == 400
    assert "Vui lòng đánh dấu ô xác nhận trước khi thực hiện." in html(bad)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    ok = client.post(
        action_url(dossier, "tu-choi"),
        {"reasons": "Hồ sơ không thuộc thẩm quyền\nThiếu tờ khai", "confirm": "on"},
    )
    assert ok.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    change = dossier.status_changes.last()
    assert change.extra["reasons"] == ["Hồ sơ không thuộc thẩm quyền", "Thiếu tờ khai"]
    assert change.form_code == "03"
    page = html(client.get(detail_url(dossier)))
    assert "Thiếu tờ khai" in texts(page, "li") and "Không được tiếp nhận" in page
    assert "(&#x27;reasons&#x27;" not in page and "('reasons'" not in page


def test_officer_records_a_supplement_brought_to_the_counter(as_user, actors, drive):
    dossier = drive(Status.SUPPLEMENT_REQUESTED, supplement_from=Status.SUBMITTED)
    client = as_user(actors.one_stop)
    empty = client.post(action_url(dossier, "nhan-bo-sung"), {})
    assert empty.status_code == 400
    assert "Vui lòng tải lên giấy tờ bổ sung hoặc ghi nội dung bổ sung." in html(empty)
    response = client.post(
        action_url(dossier, "nhan-bo-sung"), {"files": pdf("giay-chung-sinh.pdf"), "note": "Bản chính"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.papers.filter(stage=PaperStage.SUPPLEMENT).count() == 1


def test_a_file_that_is_not_a_paper_is_refused_by_content(as_user, actors, drive):
    dossier = drive(Status.SUPPLEMENT_REQUESTED, supplement_from=Status.SUBMITTED)
    fake = SimpleUploadedFile("giay.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = as_user(actors.one_stop).post(action_url(dossier, "nhan-bo-sung"), {"files": fake})
    assert response.status_code == 400
    assert "Tệp “giay.pdf”: Nội dung tệp không đúng định dạng cho phép" in html(response)
    dossier.refresh_from_db()
    assert (
        dossier.status == Status.SUPPLEMENT_REQUESTED
        and not DossierPaper.objects.filter(stage="supplement").exists()
    )


# --- Processing ----------------------------------------------------------------------------------


def test_hand_over_to_a_person_of_a_department_chosen_from_the_agency_tree(
    as_user, actors, counter_dossier, agency_b, make_agency
):
    from congso.agencies.models import AgencyKind

    division = make_agency("000.01.20.H08", "Phòng Hành chính tư pháp", AgencyKind.DIVISION)
    division.parent = agency_b
    division.save()
    dossier = counter_dossier()
    client = as_user(actors.one_stop)
    # Step one: the units of the tree (a department's division indented under it), no free text.
    form = client.get(action_url(dossier, "ban-giao"))
    page = html(form)
    units = {option["value"]: option.text for option in select(page, 'select[name="don_vi"] option')}
    assert units[str(agency_b.pk)] == "Sở Tư pháp (000.00.20.H08)"
    assert units[str(division.pk)] == "— Phòng Hành chính tư pháp (000.01.20.H08)"
    assert select(page, '[name="bo_phan"]') == []
    # Without a choice the unit is the one processing the dossier: its people are offered.
    assert actors.specialist.get_full_name() in page and actors.specialist_b.get_full_name() not in page
    # Step two, for the department: its people, and its queue.
    chosen = html(client.get(action_url(dossier, "ban-giao"), {"don_vi": agency_b.pk}))
    person = one(chosen, f'select[name="receiver"] option[value="{actors.specialist_b.pk}"]')
    assert person.text == actors.specialist_b.get_full_name()
    assert "Hàng chờ của đơn vị (không giao đích danh)" in chosen
    assert actors.specialist.get_full_name() not in texts(chosen, 'select[name="receiver"] option')
    assert select(chosen, 'datalist option[value="Thẩm định hồ sơ"]')
    bad = client.post(
        action_url(dossier, "ban-giao"), {"unit": agency_b.pk, "step_name": "", "allotted_hours": "0"}
    )
    assert bad.status_code == 400
    page = html(bad)
    for message in ("Vui lòng ghi tên bước xử lý.", "Thời gian được giao phải lớn hơn 0 giờ."):
        assert message in page
    assert not HandOver.objects.exists()
    ok = client.post(
        action_url(dossier, "ban-giao"),
        {
            "unit": agency_b.pk,
            "receiver": actors.specialist_b.pk,
            "step_name": "Thẩm định hồ sơ",
            "allotted_hours": "16",
        },
    )
    assert ok.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.current_agency) == (Status.IN_PROCESSING, agency_b)
    row = HandOver.objects.get()
    assert (row.to_agency, row.received_by, row.step_name, row.allotted_hours) == (
        agency_b,
        actors.specialist_b,
        "Thẩm định hồ sơ",
        16,
    )
    # The one-stop officer still sees the dossier (received there), but may not act on it any more.
    page = html(client.get(detail_url(dossier)))
    assert "Sở Tư pháp" in page and "Thẩm định hồ sơ" in page
    assert client.get(action_url(dossier, "ban-giao")).status_code == 403


@pytest.mark.parametrize("typed", ["0,5", "0.5", " 0,50 "])
def test_a_hand_over_of_half_an_hour_is_typed_either_way(typed, as_user, actors, counter_dossier, agency_b):
    dossier = counter_dossier()
    client = as_user(actors.one_stop)
    ok = client.post(
        action_url(dossier, "ban-giao"), {"unit": agency_b.pk, "step_name": "Ký", "allotted_hours": typed}
    )
    assert ok.status_code == 302
    row = HandOver.objects.get()
    assert row.allotted_hours == Decimal("0.5")
    assert row.due_at == working_days.due_at_hours(row.handed_at, 0.5)
    assert "0,5 giờ làm việc" in html(client.get(detail_url(dossier)))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0,125", "Thời gian được giao có tối đa hai chữ số thập phân, ví dụ 0,25."),
        ("nửa giờ", "Thời gian được giao phải là một số giờ, ví dụ 8 hoặc 0,5."),
        ("1.000,5", "Thời gian được giao phải là một số giờ, ví dụ 8 hoặc 0,5."),
        ("-0,5", "Thời gian được giao phải lớn hơn 0 giờ."),
        ("2000,5", "Thời gian được giao không được quá 2000 giờ."),
    ],
)
def test_a_hand_over_with_bad_hours_is_refused(typed, message, as_user, actors, counter_dossier, agency_b):
    dossier = counter_dossier()
    client = as_user(actors.one_stop)
    bad = client.post(
        action_url(dossier, "ban-giao"), {"unit": agency_b.pk, "step_name": "Ký", "allotted_hours": typed}
    )
    assert bad.status_code == 400
    assert message in html(bad)
    assert not HandOver.objects.exists()


def test_a_hand_over_to_a_person_outside_the_unit_is_refused(as_user, actors, counter_dossier, agency_b):
    dossier = counter_dossier()
    client = as_user(actors.one_stop)
    # The ward's specialist named for the department (a forged or stale choice): refused, nothing written.
    refused = client.post(
        action_url(dossier, "ban-giao"),
        {"unit": agency_b.pk, "receiver": actors.specialist.pk, "step_name": "Thẩm định hồ sơ"},
    )
    assert refused.status_code == 400
    assert "Người nhận đã chọn không thuộc đơn vị nhận; vui lòng chọn lại." in html(refused)
    assert not HandOver.objects.exists()


def test_the_service_refuses_a_receiver_who_does_not_work_at_the_unit(actors, counter_dossier, agency_b):
    from congso.dossiers.errors import InvalidDossierInput

    dossier = counter_dossier()
    with pytest.raises(InvalidDossierInput) as refused:
        services.hand_over(
            dossier,
            to_agency=agency_b,
            step_name="Thẩm định hồ sơ",
            given_by=actors.one_stop,
            received_by=actors.specialist,
        )
    assert refused.value.code == "received_by"
    assert not HandOver.objects.exists()


def test_a_hand_over_to_the_units_queue_names_nobody(as_user, actors, counter_dossier, agency_b):
    dossier = counter_dossier()
    ok = as_user(actors.one_stop).post(
        action_url(dossier, "ban-giao"), {"unit": agency_b.pk, "receiver": "", "step_name": "Xác minh"}
    )
    assert ok.status_code == 302
    row = HandOver.objects.get()
    assert (row.to_agency, row.received_by) == (agency_b, None)


def test_result_ready_with_a_file_then_returned(as_user, actors, drive):
    dossier = drive(Status.IN_PROCESSING)
    specialist = as_user(actors.specialist)
    nothing = specialist.post(action_url(dossier, "co-ket-qua"), {})
    assert nothing.status_code == 400
    ok = specialist.post(
        action_url(dossier, "co-ket-qua"),
        {"result_files": pdf("giay-khai-sinh.pdf"), "result_note": "Giấy khai sinh số 12"},
    )
    assert ok.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY and dossier.papers.filter(stage="result").count() == 1
    one_stop = as_user(actors.one_stop)
    bad = one_stop.post(action_url(dossier, "tra-ket-qua"), {"method": "bo-cau"})
    assert bad.status_code == 400
    ok = one_stop.post(action_url(dossier, "tra-ket-qua"), {"method": "electronic", "note": "Gửi qua cổng"})
    assert ok.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_RETURNED and dossier.return_method == "electronic"


def test_electronic_return_without_a_result_file_is_refused_by_the_service(as_user, actors, drive):
    dossier = drive(Status.RESULT_READY)  # result note only
    response = as_user(actors.one_stop).post(action_url(dossier, "tra-ket-qua"), {"method": "electronic"})
    assert response.status_code == 400
    assert "chưa có tệp kết quả điện tử" in html(response)
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY


def test_payment_requested_and_recorded(as_user, actors, drive):
    dossier = drive(Status.IN_PROCESSING)
    client = as_user(actors.specialist)
    assert client.post(action_url(dossier, "yeu-cau-nop-phi"), {"amount": "-5"}).status_code == 400
    assert client.post(action_url(dossier, "yeu-cau-nop-phi"), {"amount": "50000"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_PAYMENT
    assert (
        as_user(actors.one_stop)
        .post(action_url(dossier, "da-nop-phi"), {"receipt_number": "BL-001", "amount": "50000"})
        .status_code
        == 302
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING


def test_stop_needs_a_reason_and_the_leader(as_user, actors, drive):
    dossier = drive(Status.IN_PROCESSING)
    assert as_user(actors.specialist).get(action_url(dossier, "dung-xu-ly")).status_code == 403
    client = as_user(actors.leader)
    bad = client.post(action_url(dossier, "dung-xu-ly"), {"reason": "", "confirm": "on"})
    assert bad.status_code == 400 and "Vui lòng nêu lý do dừng giải quyết hồ sơ." in html(bad)
    assert (
        client.post(
            action_url(dossier, "dung-xu-ly"), {"reason": "Có tranh chấp", "confirm": "on"}
        ).status_code
        == 302
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED and dossier.status_changes.last().form_code == "05"


def test_withdraw_recorded_by_the_one_stop_officer(as_user, actors, submit):
    dossier = submit()
    response = as_user(actors.one_stop).post(
        action_url(dossier, "rut-ho-so"), {"reason": "Đơn xin rút", "confirm": "on"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN


def test_extension_is_prompted_when_the_appointment_nears(as_user, actors, drive, clock):
    clock.set(local(2026, 3, 11, 9))
    dossier = drive(Status.IN_PROCESSING)  # appointment Monday 16 March 17:00
    leader = as_user(actors.leader)
    assert "Cần ban hành văn bản xin lỗi và gia hạn" not in html(leader.get(detail_url(dossier)))
    clock.set(local(2026, 3, 16, 10))
    leader = as_user(actors.leader)  # the session of five days ago has expired
    page = html(leader.get(detail_url(dossier)))
    assert "Cần ban hành văn bản xin lỗi và gia hạn (mẫu 04)" in page
    assert action_url(dossier, "gia-han") in page
    # The specialist sees the warning but not the button: only the leader extends.
    specialist_page = html(as_user(actors.specialist).get(detail_url(dossier)))
    assert "Lãnh đạo cơ quan đang giải quyết hồ sơ ban hành văn bản này." in specialist_page

    leader = as_user(actors.leader)
    bad = leader.post(
        action_url(dossier, "gia-han"), {"new_due_date": "21/03/2026", "reason": "Chờ xác minh"}
    )
    assert bad.status_code == 400
    assert "không phải ngày làm việc" in html(bad)  # a Saturday: the service's message, on the field
    not_later = leader.post(
        action_url(dossier, "gia-han"), {"new_due_date": "16/03/2026", "reason": "Chờ xác minh"}
    )
    assert "phải sau ngày hẹn hiện tại" in html(not_later)
    no_reason = leader.post(action_url(dossier, "gia-han"), {"new_due_date": "20/03/2026", "reason": " "})
    assert "Vui lòng nêu lý do chậm giải quyết hồ sơ." in html(no_reason)
    dossier.refresh_from_db()
    assert dossier.due_at == local(2026, 3, 16, 17) and not dossier.extensions.exists()
    ok = leader.post(action_url(dossier, "gia-han"), {"new_due_date": "20/03/2026", "reason": "Chờ xác minh"})
    assert ok.status_code == 302
    dossier.refresh_from_db()
    assert dossier.due_at == local(2026, 3, 20, 17)
    assert "Cần ban hành văn bản xin lỗi" not in html(leader.get(detail_url(dossier)))


def test_a_status_that_changed_meanwhile_is_reported_on_the_form(as_user, actors, submit, monkeypatch):
    dossier = submit()
    client = as_user(actors.one_stop)
    original = services.accept

    def someone_was_faster(d, officer, note=""):
        services.refuse(Dossier.objects.get(pk=d.pk), actors.one_stop, ["Trùng hồ sơ"])
        return original(d, officer, note)

    monkeypatch.setattr(services, "accept", someone_was_faster)
    response = client.post(action_url(dossier, "tiep-nhan"))
    assert response.status_code == 400
    assert "Không thể chuyển hồ sơ từ trạng thái “Không được tiếp nhận”" in html(response)


# --- Papers --------------------------------------------------------------------------------------------


def test_paper_is_downloaded_as_an_attachment_with_nosniff(as_user, actors, submit):
    dossier = submit()
    paper = dossier.papers.get()
    response = as_user(actors.one_stop).get(reverse("dossiers:paper", args=[dossier.code, paper.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert AuditEntry.objects.filter(action="dossiers.paper_download").exists()


def test_a_polyglot_uploaded_as_hta_is_served_as_pdf(as_user, actors, submit):
    """A file that is both a PDF and an HTA passes the content check as a PDF; served under the
    uploader's name ``ho-so.hta`` it would open in the script host."""
    dossier = submit()
    paper = dossier.papers.get()
    type(paper).objects.filter(pk=paper.pk).update(original_name="ho-so.hta")
    response = as_user(actors.one_stop).get(reverse("dossiers:paper", args=[dossier.code, paper.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ho-so.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_paper_of_a_dossier_not_visible_is_a_404(as_user, officer, agency_c, submit, counter_dossier):
    dossier = submit()
    paper = dossier.papers.get()
    stranger = officer("one_stop_officer", agency_c, "motcua_c")
    client = as_user(stranger)
    assert client.get(reverse("dossiers:paper", args=[dossier.code, paper.pk])).status_code == 404
    # Nor can a paper be fetched through the code of a dossier the stranger does see.
    own = counter_dossier(receiving_agency=agency_c, officer=stranger)
    assert client.get(detail_url(own)).status_code == 200
    assert client.get(reverse("dossiers:paper", args=[own.code, paper.pk])).status_code == 404


def test_standard_forms_are_linked_and_served_as_pdf(as_user, actors, submit):
    dossier = submit()
    client = as_user(actors.one_stop)
    client.post(action_url(dossier, "tiep-nhan"))
    page = html(client.get(detail_url(dossier)))
    receipt = reverse("dossiers:form_pdf", args=[dossier.code, "01"])
    assert has_link(page, receipt) and "In giấy tiếp nhận (mẫu 01)" in page
    response = client.get(receipt)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    # A form the dossier did not produce (no refusal here) is not served.
    assert client.get(reverse("dossiers:form_pdf", args=[dossier.code, "03"])).status_code == 404
    assert client.get(reverse("dossiers:form_pdf", args=[dossier.code, "07"])).status_code == 404


def test_extension_letters_each_have_their_pdf(as_user, actors, drive, clock):
    clock.set(local(2026, 3, 11, 9))
    dossier = drive(Status.IN_PROCESSING)
    first = services.extend(dossier, actors.leader, local(2026, 3, 18, 17).date(), "Chờ xác minh")
    services.extend(dossier, actors.leader, local(2026, 3, 20, 17).date(), "Chờ ý kiến")
    client = as_user(actors.leader)
    entries = [e for e in client.get(detail_url(dossier)).context["forms_produced"] if e["code"] == "04"]
    assert len(entries) == 2 and entries[0]["url"].endswith(f"?lan={first.pk}")
    assert client.get(entries[0]["url"]).content.startswith(b"%PDF")
    url = reverse("dossiers:form_pdf", args=[dossier.code, "04"])
    assert client.get(f"{url}?lan=999999").status_code == 404


# --- Counter intake -------------------------------------------------------------------------------

FORM_SCHEMA = {
    "type": "object",
    "properties": {
        "ho_ten_tre": {"type": "string", "minLength": 2, "title": "Họ tên của trẻ"},
        "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
    },
    "required": ["ho_ten_tre", "ngay_sinh"],
}
FORM_UI = {"order": ["ho_ten_tre", "ngay_sinh"], "fields": {"ngay_sinh": {"label": "Ngày sinh của trẻ"}}}


@pytest.fixture
def intake_version(make_version, agency_a):
    version = make_version(
        form_schema=FORM_SCHEMA,
        papers=(
            ("to-khai", "Tờ khai đăng ký khai sinh", True, False),
            ("chung-sinh", "Giấy chứng sinh", True, False),
        ),
    )
    version.form_ui = FORM_UI
    version.save()
    version.implementing_agencies.add(agency_a)
    return version


def test_intake_lists_the_procedures_the_agency_implements(as_user, actors, intake_version, make_version):
    hidden = make_version()  # not implemented by agency A
    response = as_user(actors.one_stop).get(reverse("dossiers:intake"))
    assert response.status_code == 200
    page = html(response)
    assert intake_version.procedure.name in page and hidden.procedure.name not in page
    assert intake_url(intake_version) in page


def test_intake_is_for_one_stop_officers_only(as_user, actors, intake_version):
    client = as_user(actors.specialist)
    assert client.get(reverse("dossiers:intake")).status_code == 403
    assert client.get(intake_url(intake_version)).status_code == 403


def test_intake_form_renders_the_procedures_own_fields(as_user, actors, intake_version):
    response = as_user(actors.one_stop).get(intake_url(intake_version))
    assert response.status_code == 200
    page = html(response)
    assert "Họ tên của trẻ" in page and "Ngày sinh của trẻ" in page
    form = one(page, "form[enctype]")
    assert form["enctype"] == "multipart/form-data"
    assert all(
        select(form, f'[name="{name}"]') for name in ("ho_ten_tre", "file-chung-sinh", "idempotency_key")
    )


def test_intake_receives_the_dossier(as_user, actors, intake_version, agency_a):
    client = as_user(actors.one_stop)
    response = client.post(intake_url(intake_version), intake_post(intake_version))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(dossier)
    assert (dossier.status, dossier.channel, dossier.receiving_agency) == (
        Status.ACCEPTED,
        "counter",
        agency_a,
    )
    assert dossier.applicant_national_id == "074090000001" and dossier.applicant_phone == "0912345678"
    assert dossier.form_data == {"ho_ten_tre": "Nguyễn Thị Na", "ngay_sinh": "2026-03-01"}
    assert (
        dossier.acting_for["relation"] == "parent_guardian"
        and dossier.acting_for["full_name"] == "Nguyễn Thị Na"
    )
    assert sorted(dossier.papers.values_list("required_paper_code", flat=True)) == ["chung-sinh", "to-khai"]
    assert dossier.applicant is None
    page = html(client.get(response["Location"]))
    assert "Đã tiếp nhận hồ sơ" in page and "Họ tên của trẻ" in page


def test_intake_twice_with_the_same_key_makes_one_dossier(as_user, actors, intake_version):
    client = as_user(actors.one_stop)
    first = client.post(intake_url(intake_version), intake_post(intake_version))
    again = client.post(intake_url(intake_version), intake_post(intake_version))
    assert first["Location"] == again["Location"]
    assert Dossier.objects.count() == 1


def test_intake_after_a_reload_warns_of_the_dossier_probably_created_already(as_user, actors, intake_version):
    """The first submit committed but the officer saw an error, reloaded (a new idempotency key) and
    submits again: the page names the existing dossier and creates nothing until confirmed."""
    client = as_user(actors.one_stop)
    client.post(intake_url(intake_version), intake_post(intake_version))
    first = Dossier.objects.get()

    again = client.post(intake_url(intake_version), intake_post(intake_version, idempotency_key="key-quay-2"))
    assert again.status_code == 409
    page = html(again)
    assert "Có thể hồ sơ này đã được tiếp nhận" in page
    assert first.code in page and detail_url(first) in page
    assert timezone.localtime(first.submitted_at).strftime("%H:%M %d/%m/%Y") in page
    assert select(page, '[name="confirm_not_duplicate"]') and "Các tệp đã chọn cần được chọn lại" in page
    assert Dossier.objects.count() == 1

    confirmed = client.post(
        intake_url(intake_version),
        intake_post(intake_version, idempotency_key="key-quay-2", confirm_not_duplicate="on"),
    )
    assert confirmed.status_code == 302
    assert Dossier.objects.count() == 2


def test_intake_matches_the_applicant_by_name_and_phone_without_an_id(as_user, actors, intake_version):
    client = as_user(actors.one_stop)
    client.post(intake_url(intake_version), intake_post(intake_version, national_id=""))
    again = client.post(
        intake_url(intake_version),
        intake_post(intake_version, national_id="", name="nguyễn văn  an", idempotency_key="key-quay-2"),
    )
    assert again.status_code == 409 and Dossier.objects.count() == 1


def test_intake_does_not_warn_for_another_applicant_an_old_dossier_or_when_switched_off(
    as_user, actors, intake_version, settings
):
    client = as_user(actors.one_stop)
    client.post(intake_url(intake_version), intake_post(intake_version))
    other = client.post(
        intake_url(intake_version),
        intake_post(intake_version, national_id="074090000002", phone="0987654321", idempotency_key="k2"),
    )
    assert other.status_code == 302
    Dossier.objects.update(submitted_at=timezone.now() - timedelta(minutes=31))
    later = client.post(intake_url(intake_version), intake_post(intake_version, idempotency_key="k3"))
    assert later.status_code == 302
    settings.CONGSO_DOSSIER_DUPLICATE_MINUTES = 0
    off = client.post(intake_url(intake_version), intake_post(intake_version, idempotency_key="k4"))
    assert off.status_code == 302
    assert Dossier.objects.count() == 4


def test_intake_does_not_warn_of_a_dossier_the_officer_may_not_see(as_user, actors, intake_version, agency_b):
    """The warning names only dossiers the officer could open: one now wholly at another agency is not
    named (nor its code leaked), and the intake goes ahead."""
    client = as_user(actors.one_stop)
    client.post(intake_url(intake_version), intake_post(intake_version))
    elsewhere = Dossier.objects.get()
    Dossier.objects.update(receiving_agency=agency_b, current_agency=agency_b)
    elsewhere.processing_agencies.set([agency_b])
    again = client.post(intake_url(intake_version), intake_post(intake_version, idempotency_key="key-quay-2"))
    assert again.status_code == 302 and elsewhere.code not in again.content.decode()
    assert Dossier.objects.count() == 2


def test_probable_duplicates_needs_an_id_or_a_name_with_a_phone(as_user, actors, intake_version):
    as_user(actors.one_stop).post(intake_url(intake_version), intake_post(intake_version))
    since, procedure_id = timezone.now() - timedelta(minutes=30), intake_version.procedure_id
    made = Dossier.objects.get()

    def find(**given):
        return query.probable_duplicates(procedure_id=procedure_id, since=since, **given)

    assert find(name="Nguyễn Văn An") == []  # a name alone: too weak
    assert find(national_id="074090000001") == [made]
    assert find(name="Nguyễn Văn An", phone="0912345678") == [made]
    assert find(name="nguyen van an", phone="0912345678") == []  # another name, though close
    assert find(national_id="074090000001", except_key=made.idempotency_key) == []  # the same submit
    assert find(national_id="074090000001", except_key="another-key") == [made]
    assert (
        query.probable_duplicates(procedure_id=procedure_id + 999, since=since, national_id="074090000001")
        == []
    )
    assert (
        query.probable_duplicates(
            procedure_id=procedure_id, since=timezone.now() + timedelta(seconds=1), national_id="074090000001"
        )
        == []
    )
    [found] = find(national_id="074090000001")
    assert (found.code, found.applicant_name, found.submitted_at) == (
        made.code,
        made.applicant_name,
        made.submitted_at,
    )
    assert (found.receiving_agency_id, found.current_agency_id) == (
        made.receiving_agency_id,
        made.current_agency_id,
    )
    assert found.get_deferred_fields() >= {"form_data", "status"}  # only what the warning needs was read


def test_probable_duplicates_compares_the_name_as_iexact_does(as_user, actors, intake_version):
    """The named query and the ORM's ``iexact`` agree on each database (SQLite folds ASCII letters only)."""
    as_user(actors.one_stop).post(intake_url(intake_version), intake_post(intake_version, national_id=""))
    made = Dossier.objects.get()
    since = timezone.now() - timedelta(minutes=30)
    for typed in (
        "Nguyễn Văn An",
        "nguyễn văn an",
        "NGUYỄN VĂN AN",
        "Nguyen Van An",
        "Nguyễn Văn A%",
        "Nguyễn_Văn An",
    ):
        orm = Dossier.objects.filter(applicant_name__iexact=typed, applicant_phone="0912345678").exists()
        named = query.probable_duplicates(
            procedure_id=intake_version.procedure_id, since=since, name=typed, phone="0912345678"
        )
        assert (named == [made]) is orm, typed


def test_intake_with_errors_changes_nothing(as_user, actors, intake_version):
    response = as_user(actors.one_stop).post(
        intake_url(intake_version),
        intake_post(
            intake_version,
            name="",
            national_id="12345",
            ngay_sinh="31/02/2026",
            representative_name="",
            **{
                "file-to-khai": SimpleUploadedFile(
                    "to-khai.pdf", b"not a pdf", content_type="application/pdf"
                )
            },
        ),
    )
    assert response.status_code == 400
    page = html(response)
    for message in (
        "Vui lòng nhập họ tên người nộp hồ sơ.",
        "số định danh cá nhân phải gồm đúng 12 chữ số",
        "Vui lòng nhập họ tên người (hoặc tên tổ chức) được đại diện.",
        "Tệp “to-khai.pdf”",
        "Các tệp đã chọn cần được chọn lại",
    ):
        assert message in page, message
    assert "Ngày sinh của trẻ" in page and has_link(page, "#f-ngay_sinh")
    assert not Dossier.objects.exists() and not DossierPaper.objects.exists()


def test_intake_links_the_applicants_account_when_asked(as_user, actors, intake_version, citizen):
    client = as_user(actors.one_stop)
    unknown = client.post(
        intake_url(intake_version),
        intake_post(intake_version, national_id="074090009999", link_account="on"),
    )
    assert unknown.status_code == 400 and "Không có tài khoản dịch vụ công nào mang số định danh này" in html(
        unknown
    )
    assert not Dossier.objects.exists()
    ok = client.post(
        intake_url(intake_version),
        intake_post(intake_version, national_id=citizen.national_id, link_account="on"),
    )
    assert ok.status_code == 302
    assert Dossier.objects.get().applicant == citizen


def test_intake_of_a_procedure_without_a_version_in_force_is_a_404(as_user, actors, make_version, agency_a):
    version = make_version(effective_from=timezone.localdate() + timedelta(days=30))
    version.implementing_agencies.add(agency_a)
    response = as_user(actors.one_stop).get(intake_url(version))
    assert response.status_code == 404
    assert "không có phiên bản có hiệu lực" in html(response)


def test_intake_refuses_a_procedure_the_agency_does_not_implement(as_user, actors, make_version):
    version = make_version()
    response = as_user(actors.one_stop).get(intake_url(version))
    assert response.status_code == 403
    assert "không thực hiện thủ tục" in html(response)


def test_intake_when_the_version_changed_meanwhile(as_user, actors, intake_version):
    response = as_user(actors.one_stop).post(
        intake_url(intake_version), intake_post(intake_version, version_id="999999")
    )
    assert response.status_code == 400
    assert "Thủ tục vừa có phiên bản mới" in html(response)
    assert not Dossier.objects.exists()


# --- Logbook -------------------------------------------------------------------------------------


def test_logbook_lists_what_the_agency_received(as_user, actors, counter_dossier, submit, make_agency, clock):
    clock.set(local(2026, 3, 11, 9))
    first = counter_dossier()
    second = submit()
    not_yet_received = submit()
    clock.set(local(2026, 3, 12, 9))
    services.accept(second, actors.one_stop)
    clock.set(local(2026, 4, 2, 9))
    later = counter_dossier()
    client = as_user(actors.one_stop)
    response = client.get(reverse("dossiers:logbook"), {"tu_ngay": "01/03/2026", "den_ngay": "31/03/2026"})
    assert response.status_code == 200
    page = html(response)
    assert first.code in page and second.code in page
    assert later.code not in page and not_yet_received.code not in page
    assert [row["n"] for row in response.context["rows"]] == [1, 2]
    assert page.index(first.code) < page.index(second.code)
    bad = client.get(reverse("dossiers:logbook"), {"tu_ngay": "31/03/2026", "den_ngay": "01/03/2026"})
    assert bad.status_code == 400 and "Ngày kết thúc không được trước ngày bắt đầu." in html(bad)


def test_logbook_pdf_download(as_user, actors, counter_dossier, monkeypatch):
    counter_dossier()
    client = as_user(actors.one_stop)
    pdf_url = client.get(reverse("dossiers:logbook")).context["downloads"]["pdf"]
    response = client.get(pdf_url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    monkeypatch.setattr("congso.dossiers.standard_forms.logbook.logbook_pdf_max_rows", lambda: 0)
    too_long = client.get(pdf_url, follow=True)
    assert too_long.redirect_chain[-1][0].startswith(reverse("dossiers:logbook"))
    assert "quá dài để in" in html(too_long)


def test_logbook_xlsx_download(as_user, actors, counter_dossier):
    dossier = counter_dossier()
    client = as_user(actors.one_stop)
    page = client.get(reverse("dossiers:logbook"))
    assert "Tải sổ (Excel)" in html(page)
    response = client.get(page.context["downloads"]["xlsx"])
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    cells = [c.value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row]
    assert dossier.code in cells
    assert AuditEntry.objects.filter(action="dossiers.logbook_download").exists()
    bad = client.get(reverse("dossiers:logbook_xlsx"), {"tu_ngay": "31/02/2026", "den_ngay": "01/03/2026"})
    assert bad.status_code == 404


def test_logbook_download_of_another_agency_is_refused(as_user, actors, agency_c, counter_dossier):
    counter_dossier()
    url = reverse("dossiers:logbook_xlsx")
    response = as_user(actors.one_stop).get(
        url, {"co_quan": agency_c.pk, "tu_ngay": "01/01/2026", "den_ngay": "31/01/2026"}
    )
    assert response.status_code == 404  # not one of the officer's agencies: an invalid choice


def test_control_sheet_xlsx(as_user, actors, counter_dossier, agency_b):
    dossier = counter_dossier()
    client = as_user(actors.one_stop)
    url = reverse("dossiers:control_sheet_xlsx", args=[dossier.code])
    assert client.get(url).status_code == 404  # no hand-over yet
    assert url not in html(client.get(detail_url(dossier)))
    services.hand_over(
        dossier,
        to_agency=agency_b,
        to_unit_label="Phòng Hộ tịch",
        step_name="Thẩm định",
        given_by=actors.one_stop,
    )
    assert url in html(client.get(detail_url(dossier)))
    response = client.get(url)
    assert response.status_code == 200
    cells = [c.value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row]
    assert "Thẩm định" in cells


def test_logbook_default_is_this_month(as_user, actors, counter_dossier):
    dossier = counter_dossier()
    response = as_user(actors.one_stop).get(reverse("dossiers:logbook"))
    assert response.status_code == 200 and dossier.code in html(response)


def test_logbook_is_refused_to_whom_sees_no_received_dossiers(as_user, officer, agency_a):
    clerk = officer("clerk", agency_a, "vanthu_a")
    assert as_user(clerk).get(reverse("dossiers:logbook")).status_code == 403


# --- Navigation --------------------------------------------------------------------------------------


def test_workspace_navigation_has_the_back_office_entries(as_user, actors):
    page = html(as_user(actors.one_stop).get(INBOX))
    current = one(page, 'a[aria-current="page"]')
    assert (current["href"], current.text) == (INBOX, "Hộp việc")
    assert has_link(page, "/can-bo/ho-so/tiep-nhan/", "Tiếp nhận tại quầy")
    assert has_link(page, "/can-bo/ho-so/so-theo-doi/", "Sổ theo dõi hồ sơ")


def test_counter_papers_are_optional(as_user, actors, intake_version):
    data = intake_post(intake_version)
    data.pop("file-to-khai")
    data.pop("file-chung-sinh")
    response = as_user(actors.one_stop).post(intake_url(intake_version), data)
    assert response.status_code == 302
    assert not Dossier.objects.get().papers.exists()


def test_services_are_the_only_writer(as_user, actors, submit):
    """A GET of any action page changes nothing."""
    dossier = submit()
    client = as_user(actors.one_stop)
    for slug in ("tiep-nhan", "yeu-cau-bo-sung", "tu-choi", "rut-ho-so"):
        assert client.get(action_url(dossier, slug)).status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.status_changes.count() == 1
