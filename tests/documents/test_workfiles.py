"""Work files (hồ sơ công việc) under Decree 30: the list of files, filing, closing, handing to the
archive, the retention review (never a deletion), the permission matrix, the pages and the export."""

import io
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from congso.core.models import AuditEntry
from congso.documents import permissions, services, workfiles
from congso.documents.models import FiledDocument, WorkFile, WorkFileStatus
from tests.support.documents import assert_matrix as _matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def work_file(cast, agency_a):
    def make(code="05.VP", responsible=None, **fields):
        fields.setdefault("retention_years", 5)
        return workfiles.create(
            agency=agency_a,
            by=cast.clerk,
            year=2026,
            code=code,
            title="Hồ sơ về công tác đăng ký hộ tịch năm 2026",
            responsible=responsible or cast.specialist,
            **fields,
        )

    return make


@pytest.fixture
def issued(signed_draft, cast):
    def make(summary="Về việc công nhận tổ dân phố văn hóa năm 2026"):
        return services.issue(signed_draft(summary=summary), by=cast.clerk)

    return make


def _assigned_incoming(incoming, cast, **overrides):
    document = incoming(**overrides)
    services.assign(document, by=cast.leader, assignee=cast.specialist)
    return document


def test_create_checks_what_the_decree_requires(cast, agency_a, work_file):
    f = work_file()
    assert (f.status, f.retention_label, f.language) == (WorkFileStatus.OPEN, "5 năm", "Tiếng Việt")
    permanent = work_file(code="06.VP", permanent=True, retention_years=7)
    assert permanent.retention_years is None and permanent.retention_label == "Vĩnh viễn"
    with pytest.raises(services.DocumentError, match="đã có hồ sơ số 05.VP"):
        work_file()
    with pytest.raises(services.DocumentError, match="thời hạn bảo quản"):
        work_file(code="07.VP", retention_years=None)
    with pytest.raises(services.DocumentError, match="lý do hạn chế"):
        work_file(code="08.VP", access="restricted")
    with pytest.raises(services.DocumentError, match="Người lập hồ sơ"):
        work_file(code="09.VP", responsible=cast.clerk_b)
    with pytest.raises(services.DocumentError, match="văn thư hoặc lãnh đạo"):
        workfiles.create(
            agency=agency_a,
            by=cast.specialist,
            year=2026,
            code="10",
            title="X",
            responsible=cast.specialist,
            retention_years=5,
        )
    assert WorkFile.objects.count() == 2


def test_life_of_a_file_from_filing_to_the_archive(cast, agency_a, work_file, incoming, issued):
    f = work_file()
    letter = _assigned_incoming(incoming, cast, issued_on=date(2026, 3, 2))
    decision = issued()
    workfiles.file_document(f, letter, by=cast.specialist)
    workfiles.file_document(f, decision, by=cast.clerk)
    with pytest.raises(services.DocumentError, match="đã có trong một hồ sơ"):
        workfiles.file_document(work_file(code="06.VP"), letter, by=cast.specialist)
    with pytest.raises(services.DocumentError, match="Chỉ văn thư cơ quan nhận nộp lưu"):
        workfiles.archive(f, by=cast.clerk, sheet_count=3, page_count=5)

    workfiles.close(f, by=cast.specialist)
    f.refresh_from_db()
    assert f.status == WorkFileStatus.CLOSED
    assert (f.start_date, f.end_date) == (date(2026, 3, 2), decision.issued_on)
    with pytest.raises(services.DocumentError):
        workfiles.file_document(f, incoming(number_symbol="9/X"), by=cast.clerk)
    with pytest.raises(services.DocumentError, match="số trang không ít hơn số tờ"):
        workfiles.archive(f, by=cast.clerk, sheet_count=5, page_count=3)

    workfiles.archive(f, by=cast.clerk, sheet_count=3, page_count=5, physical_condition="Bình thường")
    f.refresh_from_db()
    assert f.status == WorkFileStatus.ARCHIVED and f.archive_code == f"{agency_a.code}.2026.05.VP"
    assert (f.sheet_count, f.page_count, f.archived_by) == (3, 5, cast.clerk)
    assert AuditEntry.objects.filter(action="documents.workfile.archive").count() == 1


def test_only_issued_outgoing_documents_and_own_agency(cast, agency_b, work_file, signed_draft, incoming):
    f = work_file()
    with pytest.raises(services.DocumentError, match="đã ban hành"):
        workfiles.file_document(f, signed_draft(), by=cast.clerk)
    other = incoming(agency=agency_b, by=cast.clerk_b)
    with pytest.raises(services.DocumentError, match="không thuộc cơ quan"):
        workfiles.file_document(f, other, by=cast.clerk)
    with pytest.raises(services.DocumentError, match="Hồ sơ chưa có văn bản"):
        workfiles.close(f, by=cast.specialist)
    # The specialist builds the file but may file only what they may read.
    unseen = incoming(number_symbol="1/KHAC")
    with pytest.raises(services.DocumentError, match="không được xem"):
        workfiles.file_document(f, unseen, by=cast.specialist)
    assert not FiledDocument.objects.exists()


def test_permission_matrix_along_the_life(cast, agency_a, work_file, incoming):
    _matrix(cast, lambda p: permissions.can_manage_workfiles(p, agency_a), ["clerk", "leader", "deputy"])
    f = work_file()
    _matrix(cast, lambda p: permissions.can_view_workfile(p, f), ["clerk", "leader", "deputy", "specialist"])
    _matrix(cast, lambda p: permissions.can_edit_workfile(p, f), ["clerk", "leader", "deputy"])
    _matrix(cast, lambda p: permissions.can_file_into(p, f), ["clerk", "specialist"])
    _matrix(cast, lambda p: permissions.can_close_workfile(p, f), ["leader", "deputy", "specialist"])
    _matrix(cast, lambda p: permissions.can_archive(p, f), [])
    workfiles.file_document(f, incoming(), by=cast.clerk)
    workfiles.close(f, by=cast.leader)
    _matrix(cast, lambda p: permissions.can_edit_workfile(p, f), [])
    _matrix(cast, lambda p: permissions.can_file_into(p, f), [])
    _matrix(cast, lambda p: permissions.can_close_workfile(p, f), [])
    _matrix(cast, lambda p: permissions.can_archive(p, f), ["clerk"])
    workfiles.archive(f, by=cast.clerk, sheet_count=1, page_count=1)
    _matrix(cast, lambda p: permissions.can_archive(p, f), [])
    _matrix(cast, lambda p: permissions.can_view_workfile(p, f), ["clerk", "leader", "deputy", "specialist"])


def test_update_only_while_open(cast, work_file):
    f = work_file()
    workfiles.update(f, by=cast.leader, title="Hồ sơ hộ tịch", permanent=True)
    f.refresh_from_db()
    assert (f.title, f.permanent, f.retention_years) == ("Hồ sơ hộ tịch", True, None)
    with pytest.raises(services.DocumentError):
        workfiles.update(f, by=cast.specialist, title="Khác")


def test_retention_review_lists_and_never_deletes(cast, agency_a, work_file, incoming):
    short = work_file(code="01", retention_years=5)
    forever = work_file(code="02", permanent=True)
    still_open = work_file(code="03", retention_years=1)
    for f in (short, forever):
        workfiles.file_document(
            f, incoming(number_symbol=f"{f.code}/X", issued_on=date(2026, 2, 1)), by=cast.clerk
        )
        workfiles.close(f, by=cast.leader)
    short.refresh_from_db()
    assert short.review_due == date(2032, 1, 1)
    assert workfiles.due_for_review(agency_a, today=date(2031, 12, 31)) == []
    assert workfiles.due_for_review(agency_a, today=date(2032, 1, 1)) == [short]
    assert forever.review_due is None and still_open.review_due is None
    assert WorkFile.objects.count() == 3 and FiledDocument.objects.count() == 2


def _as(user):
    client = Client()
    client.force_login(user)
    return client


def test_pages_and_export(cast, agency_a, work_file, incoming):
    year = timezone.localdate().year
    clerk, specialist, outsider = _as(cast.clerk), _as(cast.specialist), _as(cast.clerk_b)
    response = clerk.post(
        "/can-bo/van-ban/ho-so/lap/",
        {
            "code": "12.VP",
            "title": 'Hồ sơ =HYPERLINK("x") chỉnh lý',
            "responsible": cast.specialist.pk,
            "retention_years": "10",
            "language": "Tiếng Việt",
            "access": "open",
        },
    )
    f = WorkFile.objects.get(code="12.VP")
    assert response.status_code == 302 and f.year == year
    bad = clerk.post(
        "/can-bo/van-ban/ho-so/lap/",
        {"code": "13", "title": "X", "responsible": cast.specialist.pk, "language": "VN", "access": "open"},
    )
    assert bad.status_code == 200 and "thời hạn bảo quản" in bad.content.decode()
    assert specialist.get("/can-bo/van-ban/ho-so/lap/").status_code == 403

    letter = _assigned_incoming(incoming, cast)
    page = specialist.get(f"/can-bo/van-ban/ho-so/{f.pk}/")
    assert page.status_code == 200 and f"den-{letter.pk}" in page.content.decode()
    # Not a document's id ("²" passes str.isdigit but not int; 20 digits overflow the key): a message
    # or a 404, nothing filed, never a server error.
    for bad in ("²", "99999999999999999999"):
        refused = specialist.post(f"/can-bo/van-ban/ho-so/{f.pk}/nop-van-ban/", {"document": f"den-{bad}"})
        assert refused.status_code == 302 and not FiledDocument.objects.exists()
        missing = specialist.post(f"/can-bo/van-ban/ho-so/{f.pk}/rut-van-ban/", {"entry": bad})
        assert missing.status_code == 404
    specialist.post(f"/can-bo/van-ban/ho-so/{f.pk}/nop-van-ban/", {"document": f"den-{letter.pk}"})
    assert FiledDocument.objects.get().incoming == letter
    specialist.post(f"/can-bo/van-ban/ho-so/{f.pk}/ket-thuc/")
    clerk.post(f"/can-bo/van-ban/ho-so/{f.pk}/nop-luu/", {"sheet_count": "2", "page_count": "3"})
    f.refresh_from_db()
    assert f.status == WorkFileStatus.ARCHIVED
    assert outsider.get(f"/can-bo/van-ban/ho-so/{f.pk}/").status_code == 404

    listing = clerk.get("/can-bo/van-ban/ho-so/", {"nam": str(year)})
    assert "12.VP" in listing.content.decode()
    export = clerk.get("/can-bo/van-ban/ho-so/", {"nam": str(year), "xuat": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    data = [r for r in rows if r and r[0] == "12.VP"][0]
    assert data[1].startswith("Hồ sơ =HYPERLINK") and data[3] == "10 năm" and data[6] == 1
    assert data[12] == f"{agency_a.code}.{year}.12.VP"
    review = clerk.get("/can-bo/van-ban/ho-so/het-han/")
    assert review.status_code == 200 and specialist.get("/can-bo/van-ban/ho-so/het-han/").status_code == 403


# --- The edit page -------------------------------------------------------------------------------


def _edit_form(f, **changes) -> dict:
    data = {
        "code": f.code,
        "title": f.title,
        "responsible": f.responsible_id,
        "unit": "",
        "retention_years": f.retention_years or "",
        "language": f.language,
        "access": f.access,
        "access_note": f.access_note,
        "keywords": f.keywords,
        "notes": f.notes,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_edit_page_changes_an_open_files_metadata(cast, agency_a, work_file):
    from congso.agencies.models import AgencyKind
    from tests.factories.agencies import AgencyFactory

    division = AgencyFactory(
        code="000.11.12.H08", name="Văn phòng", kind=AgencyKind.DIVISION, parent=agency_a
    )
    f = work_file()
    leader = _as(cast.leader)
    page = leader.get(f"/can-bo/van-ban/ho-so/{f.pk}/sua/")
    html = page.content.decode()
    assert page.status_code == 200 and 'value="05.VP"' in html and 'for="id_title"' in html
    assert "Sửa thông tin hồ sơ" in _as(cast.clerk).get(f"/can-bo/van-ban/ho-so/{f.pk}/").content.decode()

    response = leader.post(
        f"/can-bo/van-ban/ho-so/{f.pk}/sua/",
        _edit_form(
            f,
            code="06.VP",
            title="Hồ sơ chứng thực năm 2026",
            responsible=cast.other_specialist.pk,
            unit=division.pk,
            retention_years="",
            permanent="on",
            access="restricted",
            access_note="Có thông tin cá nhân",
        ),
    )
    assert response.status_code == 302
    f.refresh_from_db()
    assert (f.code, f.title, f.responsible, f.unit) == (
        "06.VP",
        "Hồ sơ chứng thực năm 2026",
        cast.other_specialist,
        division,
    )
    assert (f.permanent, f.retention_years, f.access) == (True, None, "restricted")
    assert AuditEntry.objects.filter(action="documents.workfile.update").exists()


def test_the_edit_page_explains_bad_input_and_changes_nothing(cast, agency_b, work_file):
    f = work_file()
    work_file(code="07.VP")
    clerk = _as(cast.clerk)
    for changes, reason in (
        ({"retention_years": ""}, "thời hạn bảo quản"),
        ({"code": "07.VP"}, "đã có hồ sơ số 07.VP"),
        ({"access": "restricted", "access_note": ""}, "lý do hạn chế"),
        ({"responsible": cast.clerk_b.pk}, 'id="id_responsible_error"'),  # not a choice: the field says so
    ):
        response = clerk.post(f"/can-bo/van-ban/ho-so/{f.pk}/sua/", _edit_form(f, **changes))
        assert response.status_code == 200
        html = response.content.decode()
        assert reason in html
    with pytest.raises(services.DocumentError, match="Đơn vị lập hồ sơ"):
        workfiles.update(f, by=cast.clerk, unit=agency_b)
    f.refresh_from_db()
    assert (f.code, f.retention_years, f.access, f.responsible) == ("05.VP", 5, "open", cast.specialist)


def test_the_edit_page_is_refused_to_others_and_once_the_file_is_closed(cast, work_file, incoming):
    f = work_file()
    assert _as(cast.specialist).get(f"/can-bo/van-ban/ho-so/{f.pk}/sua/").status_code == 403  # builds it
    assert (
        _as(cast.specialist).post(f"/can-bo/van-ban/ho-so/{f.pk}/sua/", _edit_form(f, title="X")).status_code
        == 403
    )
    assert _as(cast.clerk_b).get(f"/can-bo/van-ban/ho-so/{f.pk}/sua/").status_code == 404

    workfiles.file_document(f, _assigned_incoming(incoming, cast), by=cast.specialist)
    workfiles.close(f, by=cast.leader)
    leader = _as(cast.leader)
    response = leader.post(
        f"/can-bo/van-ban/ho-so/{f.pk}/sua/", _edit_form(f, title="Đổi sau khi kết thúc"), follow=True
    )
    assert "Hồ sơ đã kết thúc, không sửa được thông tin." in " ".join(
        str(m) for m in response.context["messages"]
    )
    assert "Sửa thông tin hồ sơ" not in leader.get(f"/can-bo/van-ban/ho-so/{f.pk}/").content.decode()
    f.refresh_from_db()
    assert f.title == "Hồ sơ về công tác đăng ký hộ tịch năm 2026"
    with pytest.raises(services.DocumentError, match="đã kết thúc"):
        workfiles.update(f, by=cast.leader, title="Khác")

    workfiles.archive(f, by=cast.clerk, sheet_count=2, page_count=3)
    response = _as(cast.clerk).get(f"/can-bo/van-ban/ho-so/{f.pk}/sua/", follow=True)
    assert "Hồ sơ đã nộp lưu, không sửa được thông tin." in " ".join(
        str(m) for m in response.context["messages"]
    )
