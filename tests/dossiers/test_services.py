"""The public API: submission (idempotency, versions in force, input checks, papers), all-or-nothing
transactions, reading (applicant access, lookup by code, timeline) and hand-over rules."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from congso.catalog.models import OnlineMode, VersionStatus
from congso.core import events
from congso.core.models import AuditEntry, OutboxEvent
from congso.dossiers import services
from congso.dossiers.errors import IllegalTransition, InvalidDossierInput, VersionNotInForce
from congso.dossiers.files import PaperUpload, UploadRejected
from congso.dossiers.models import DailySequence, Dossier, DossierPaper, PaperStage, Status, StatusChange
from tests.samples import APPLICANT, PDF_BYTES, PNG_BYTES
from tests.support.clock import local

pytestmark = pytest.mark.django_db


def upload(code="to-khai", content=PDF_BYTES, name="Tờ khai đăng ký", filename="../../etc/passwd.pdf"):
    fileobj = io.BytesIO(content)
    fileobj.name = filename
    return PaperUpload(code, name, fileobj)


# --- Submission ----------------------------------------------------------------------------------------


def test_online_submission(submit, citizen, agency_a, clock):
    clock.set(local(2026, 3, 11, 9, 15))
    dossier = submit(papers=[upload()], acting_for={"relation": "cha", "name": "Nguyễn Văn Bình"})
    assert re.fullmatch(r"000\.01\.12\.H08-260311-0001", dossier.code)
    assert (dossier.status, dossier.channel) == (Status.SUBMITTED, "online")
    assert (dossier.applicant, dossier.submitted_by, dossier.current_agency) == (citizen, citizen, agency_a)
    assert list(dossier.processing_agencies.all()) == [agency_a]
    assert dossier.applicant_name == "Nguyễn Văn An" and dossier.applicant_national_id == "074090000001"
    assert dossier.acting_for == {"relation": "cha", "name": "Nguyễn Văn Bình"}
    assert dossier.received_at is None and dossier.due_at == local(2026, 3, 16, 17, 0)  # Wed 11 + 3 = Mon 16
    assert len(dossier.lookup_pin) == 8
    assert OutboxEvent.objects.filter(name="dossier.submitted", aggregate_id=str(dossier.pk)).count() == 1
    assert AuditEntry.objects.for_object(dossier).filter(action="dossiers.submit_online").exists()


def test_papers_are_stored_under_a_random_name(submit, citizen):
    dossier = submit(papers=[upload()])
    paper = dossier.papers.get()
    assert re.fullmatch(r"dossiers/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", paper.file.name)
    assert "passwd" not in paper.file.name
    assert paper.original_name == "passwd.pdf"  # shown to people, never used as a path
    assert (paper.stage, paper.content_type, paper.size, paper.uploaded_by) == (
        PaperStage.SUBMISSION,
        "application/pdf",
        len(PDF_BYTES),
        citizen,
    )
    with default_storage.open(paper.file.name) as stored:
        assert stored.read() == PDF_BYTES


def test_same_idempotency_key_returns_the_same_dossier(submit):
    first = submit(idempotency_key="form-7f3a")
    again = submit(idempotency_key="form-7f3a")
    assert again.pk == first.pk
    assert Dossier.objects.count() == 1
    assert OutboxEvent.objects.filter(name="dossier.submitted").count() == 1
    assert DailySequence.objects.get().last_value == 1


def test_idempotency_key_of_someone_else_is_refused(submit, make_user):
    submit(idempotency_key="form-7f3a")
    other = make_user("nguoi_khac")
    with pytest.raises(InvalidDossierInput, match="chống gửi trùng"):
        submit(idempotency_key="form-7f3a", applicant=other, submitted_by=other)


def test_idempotency_key_is_required(submit):
    with pytest.raises(InvalidDossierInput):
        submit(idempotency_key="  ")


@pytest.mark.parametrize(
    "overrides",
    [
        {"effective_from": date(2027, 1, 1)},  # not yet in force
        {"effective_from": date(2020, 1, 1), "effective_to": date(2025, 6, 30)},  # ended
        {"status": VersionStatus.DRAFT},
        {"status": VersionStatus.WITHDRAWN},
    ],
)
def test_version_not_in_force_is_refused(overrides, make_version, submit, clock):
    clock.set(local(2026, 3, 11, 9, 0))
    version = make_version(**overrides)
    with pytest.raises(VersionNotInForce) as error:
        submit(version=version)
    assert "không có hiệu lực vào ngày 11/03/2026" in error.value.messages[0]
    assert not Dossier.objects.exists()
    assert not DailySequence.objects.exists()


def test_procedure_not_offered_online_is_refused(make_version, submit):
    with pytest.raises(InvalidDossierInput, match="chưa được cung cấp dịch vụ công trực tuyến"):
        submit(version=make_version(online_mode=OnlineMode.INFORMATION))


def test_required_papers_must_be_there(make_version, submit):
    version = make_version(
        papers=[
            ("to-khai", "Tờ khai", True, False),
            ("cccd", "Căn cước", True, True),
            ("uy-quyen", "Giấy ủy quyền", False, False),
        ]
    )
    with pytest.raises(InvalidDossierInput, match="Còn thiếu thành phần hồ sơ: Tờ khai"):
        submit(version=version, papers=[])
    # The ID card comes from the data store and the power of attorney is optional.
    assert submit(version=version, papers=[upload("to-khai")]).papers.count() == 1


def test_unknown_paper_code_is_refused(submit):
    with pytest.raises(InvalidDossierInput, match="không thuộc thủ tục này"):
        submit(papers=[upload("to-khai"), upload("giay-la")])


def test_disguised_paper_is_refused_and_nothing_is_stored(submit, media_root):
    with pytest.raises(UploadRejected) as error:
        submit(papers=[upload(content=b"MZ\x90\x00 not a pdf at all", filename="to-khai.pdf")])
    assert error.value.messages[0].startswith("Tờ khai đăng ký: ")
    assert not Dossier.objects.exists()
    assert not list(media_root.rglob("*.pdf"))


def test_oversized_paper_is_refused(submit, settings):
    settings.CONGSO_UPLOAD_MAX_BYTES = 50
    with pytest.raises(UploadRejected, match="vượt quá dung lượng"):
        submit()


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({**APPLICANT, "name": " "}, "họ tên chủ hồ sơ"),
        ({**APPLICANT, "national_id": "12345"}, "12 chữ số"),
        ({**APPLICANT, "email": "khong-phai-email"}, "thư điện tử"),
    ],
)
def test_applicant_details_are_checked(details, message, submit):
    with pytest.raises(InvalidDossierInput, match=message):
        submit(applicant_details=details)
    assert not Dossier.objects.exists()


def test_tax_code_is_accepted_for_a_business(submit):
    assert submit(applicant_details={**APPLICANT, "national_id": "3700000001-001"}).applicant_national_id == (
        "3700000001-001"
    )


def test_form_is_checked_against_the_schema(make_version, submit):
    schema = {
        "type": "object",
        "required": ["ho_ten_tre"],
        "properties": {"ho_ten_tre": {"type": "string", "minLength": 1}, "can_nang": {"type": "number"}},
    }
    version = make_version(form_schema=schema)
    with pytest.raises(InvalidDossierInput, match="ho_ten_tre"):
        submit(version=version, form_data={})
    with pytest.raises(InvalidDossierInput, match="can_nang"):
        submit(version=version, form_data={"ho_ten_tre": "Bé Na", "can_nang": "ba ký"})
    assert (
        submit(version=version, form_data={"ho_ten_tre": "Bé Na", "can_nang": 3.1}).form_data["can_nang"]
        == 3.1
    )


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"ngay_sinh": "31/02/2026", "thu_dien_tu": "an@example.vn"}, "ngay_sinh"),
        ({"ngay_sinh": "2026-02-31", "thu_dien_tu": "an@example.vn"}, "ngay_sinh"),
        ({"ngay_sinh": "2026-02-03", "thu_dien_tu": "không phải thư"}, "thu_dien_tu"),
    ],
)
def test_formats_the_page_rejects_are_rejected_by_the_service(make_version, submit, answers, field):
    """The service validates with the form engine and its format checker, as the page does: a value the
    page refuses cannot reach a dossier by calling the service directly."""
    from congso import formengine

    schema = {
        "type": "object",
        "required": ["ngay_sinh"],
        "properties": {
            "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
            "thu_dien_tu": {"type": "string", "format": "email", "title": "Thư điện tử"},
        },
    }
    version = make_version(form_schema=schema)
    assert field in formengine.build(schema, {}).validate(answers).fields  # the page's own check
    with pytest.raises(InvalidDossierInput, match=field) as caught:
        submit(version=version, form_data=answers)
    assert caught.value.code == "form_data"
    assert not Dossier.objects.exists()
    good = {"ngay_sinh": "2026-02-03", "thu_dien_tu": "an@example.vn"}
    assert submit(version=version, form_data=good).form_data == good


def test_an_unusable_form_definition_refuses_the_dossier(make_version, submit):
    version = make_version(form_schema={"type": "object", "properties": {"ho_ten": {"type": "string"}}})
    version.form_ui = {"fields": {"khong_co": {"label": "Không có trong schema"}}}
    with pytest.raises(InvalidDossierInput, match="Biểu mẫu của thủ tục đang có lỗi") as caught:
        submit(version=version, form_data={"ho_ten": "An"})
    assert caught.value.code == "form_definition"


def test_anonymous_cannot_submit_online(submit):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(InvalidDossierInput, match="đăng nhập"):
        submit(submitted_by=AnonymousUser())


def test_counter_intake(counter_dossier, actors, clock):
    clock.set(local(2026, 3, 6, 16, 0))  # Fri after 15:00 → counts from Mon 9 → +3 = Thu 12 Mar
    dossier = counter_dossier(papers=[upload()], idempotency_key="quay-1")
    assert (dossier.status, dossier.channel, dossier.applicant) == (Status.ACCEPTED, "counter", None)
    assert dossier.received_at == dossier.submitted_at == local(2026, 3, 6, 16, 0)
    assert dossier.due_at == local(2026, 3, 12, 17, 0)
    assert counter_dossier(idempotency_key="quay-1").pk == dossier.pk  # a double click creates nothing


# --- All or nothing ------------------------------------------------------------------------------------


def test_a_failure_inside_the_submission_leaves_no_trace(submit, monkeypatch, media_root):
    def broken(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(events, "publish_many", broken)
    with pytest.raises(RuntimeError):
        submit()
    assert not Dossier.objects.exists()
    assert not StatusChange.objects.exists()
    assert not DossierPaper.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="dossiers.").exists()
    assert not DailySequence.objects.filter(last_value__gt=0).exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]  # the stored file was removed


def test_events_and_audit_roll_back_with_the_change(drive, actors):
    dossier = drive(Status.SUBMITTED)
    before = (OutboxEvent.objects.count(), AuditEntry.objects.count(), StatusChange.objects.count())
    with pytest.raises(RuntimeError), transaction.atomic():
        services.accept(dossier, actors.one_stop)
        assert OutboxEvent.objects.filter(name="dossier.accepted").exists()
        raise RuntimeError("the request failed after the service returned")
    assert (OutboxEvent.objects.count(), AuditEntry.objects.count(), StatusChange.objects.count()) == before
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


# --- Reading -----------------------------------------------------------------------------------------


def test_get_for_applicant(submit, citizen, make_user):
    dossier = submit()
    assert services.get_for_applicant(citizen, dossier.code) == dossier
    assert services.get_for_applicant(citizen, dossier.code.lower()) == dossier
    assert services.get_for_applicant(citizen, str(dossier.public_id)) == dossier
    with pytest.raises(Dossier.DoesNotExist):
        services.get_for_applicant(make_user("nguoi_khac"), dossier.code)
    with pytest.raises(Dossier.DoesNotExist):
        services.get_for_applicant(citizen, "000.01.12.H08-260311-9999")


def test_find_by_code(submit):
    dossier = submit()
    assert services.find_by_code(f"  {dossier.code.lower()} ") == dossier
    with pytest.raises(Dossier.DoesNotExist):
        services.find_by_code("không-có")


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


@pytest.mark.parametrize("with_applicant", [False, True])
def test_find_by_code_reads_what_select_related_reads(submit, counter_dossier, agency_b, with_applicant):
    """The named query gives the instances the queryset it replaces gives: every column of the dossier,
    its version, procedure, both agencies and (when asked) the applicant, converted as the ORM converts
    them; the relations cached, so reading them runs no statement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    online = submit()
    at_counter = counter_dossier()  # no applicant account: the LEFT JOIN finds nothing
    Dossier.objects.filter(pk=online.pk).update(current_agency=agency_b)
    related = ["procedure_version__procedure", "receiving_agency", "current_agency"]
    related += ["applicant"] if with_applicant else []
    for made in (online, at_counter):
        expected = Dossier.objects.select_related(*related).get(pk=made.pk)
        found = services.find_by_code(made.code, with_applicant=with_applicant)
        with CaptureQueriesContext(connection) as queries:
            pairs = [
                (found, expected),
                (found.procedure_version, expected.procedure_version),
                (found.procedure_version.procedure, expected.procedure_version.procedure),
                (found.receiving_agency, expected.receiving_agency),
                (found.current_agency, expected.current_agency),
            ]
            if with_applicant:
                assert (found.applicant is None) == (expected.applicant is None)
                if expected.applicant is not None:
                    pairs.append((found.applicant, expected.applicant))
        assert not queries.captured_queries
        for ours, theirs in pairs:
            assert type(ours) is type(theirs)
            assert _fields(ours) == _fields(theirs)
            assert ours._state.adding is False and ours._state.db == theirs._state.db
    assert at_counter.applicant_id is None
    assert services.find_by_code(online.code).current_agency == agency_b


def _with_history(dossier, actors, agency_b, clock):
    """``dossier`` (submitted at 08:00 on 9 March) accepted, handed over to ``agency_b`` and extended."""
    clock.set(local(2026, 3, 9, 9, 0))
    services.accept(dossier, actors.one_stop)
    clock.set(local(2026, 3, 9, 10, 0))
    services.hand_over(
        dossier,
        to_agency=agency_b,
        to_unit_label="Phòng Hộ tịch",
        step_name="Xác minh",
        given_by=actors.one_stop,
        allotted_working_hours=4,
    )
    clock.set(local(2026, 3, 10, 9, 0))
    services.extend(dossier, actors.leader_b, date(2026, 3, 16), "Chờ xác minh")
    return dossier


def test_timeline_merges_status_changes_hand_overs_and_extensions(submit, actors, agency_b, clock):
    clock.set(local(2026, 3, 9, 8, 0))
    dossier = _with_history(submit(), actors, agency_b, clock)
    entries = services.timeline(dossier)
    assert [(e.kind, e.title) for e in entries] == [
        ("status", "Nộp hồ sơ trực tuyến"),
        ("status", "Tiếp nhận hồ sơ"),
        ("status", "Chuyển xử lý"),
        ("hand_over", "Xác minh"),
        ("extension", "Gia hạn, hẹn lại ngày trả kết quả"),
    ]
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert entries[1].form_code == "01" and entries[3].form_code == "06" and entries[4].form_code == "04"


def test_timeline_rows_read_what_the_related_querysets_read(submit, actors, agency_b, clock):
    """The named queries of the dossier page's history give the instances ``select_related`` gives:
    every column, each related account and agency (None where empty), in the models' order, and the
    dossier itself cached on each row; reading any of them runs no statement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock.set(local(2026, 3, 9, 8, 0))
    dossier, other = submit(), submit()  # the other dossier's rows are not read
    services.accept(other, actors.one_stop)
    _with_history(dossier, actors, agency_b, clock)
    first_change = StatusChange.objects.filter(dossier=dossier).order_by("at", "id").first()
    StatusChange.objects.filter(pk=first_change.pk).update(by=None)  # as a change the process made
    expected = {
        "changes": list(dossier.status_changes.select_related("by")),
        "hand_overs": list(
            dossier.hand_overs.select_related(
                "from_agency", "to_agency", "given_by", "received_by", "step_completed_by"
            )
        ),
        "extensions": list(dossier.extensions.select_related("extended_by").order_by("extended_at", "id")),
    }
    related = {
        "changes": ["by"],
        "hand_overs": ["from_agency", "to_agency", "given_by", "received_by", "step_completed_by"],
        "extensions": ["extended_by"],
    }
    found = services.timeline_rows(dossier)
    assert [len(found[k]) for k in expected] == [len(expected[k]) for k in expected] == [3, 1, 1]
    assert found["changes"][0].by is None
    for kind, rows_expected in expected.items():
        for ours, theirs in zip(found[kind], rows_expected, strict=True):
            with CaptureQueriesContext(connection) as queries:
                pairs = [(ours, theirs)] + [(getattr(ours, n), getattr(theirs, n)) for n in related[kind]]
                assert ours.dossier is dossier
            assert not queries.captured_queries
            for mine, orm in pairs:
                assert (mine is None) == (orm is None)
                if orm is not None:
                    assert type(mine) is type(orm) and _fields(mine) == _fields(orm)


def test_supplement_and_papers_read_what_the_querysets_read(submit, drive):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from congso.dossiers.models import SupplementRequest

    plain = submit()
    assert services.supplement_and_papers(plain)[0] is None
    asked = drive(Status.SUPPLEMENT_REQUESTED)
    assert services.supplement_and_papers(asked)[0] is not None
    for dossier in (plain, asked):
        supplement, papers = services.supplement_and_papers(dossier)
        expected_supplement = (
            SupplementRequest.objects.filter(dossier=dossier).select_related("requested_by").first()
        )
        expected_papers = list(dossier.papers.select_related("uploaded_by"))
        assert len(papers) == len(expected_papers) >= 1
        with CaptureQueriesContext(connection) as queries:
            pairs = [(p, e) for p, e in zip(papers, expected_papers, strict=True)]
            pairs += [(p.uploaded_by, e.uploaded_by) for p, e in zip(papers, expected_papers, strict=True)]
            if expected_supplement is not None:
                pairs += [(supplement, expected_supplement)]
                pairs += [(supplement.requested_by, expected_supplement.requested_by)]
        assert not queries.captured_queries
        assert (supplement is None) == (expected_supplement is None)
        for mine, orm in pairs:
            assert (mine is None) == (orm is None)
            if orm is not None:
                assert _fields(mine) == _fields(orm)


def test_a_role_name_stored_on_a_hand_over_reads_in_the_active_language(drive, actors, agency_a, client):
    dossier = drive(Status.ACCEPTED)
    services.hand_over(
        dossier,
        to_agency=agency_a,
        to_unit_label="Chuyên viên",
        step_name="Thẩm định",
        given_by=actors.one_stop,
        allotted_working_hours=8,
    )
    with translation.override("en"):
        [entry] = [e for e in services.timeline(dossier) if e.kind == "hand_over"]
        assert entry.detail["to"] == "Specialist"
    client.force_login(actors.one_stop)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "to Specialist (" in html and "Chuyên viên" not in html


# --- Hand-over and result rules ---------------------------------------------------------------------


def test_hand_over_refused_before_acceptance_and_after_return(drive, actors, agency_a):
    for status in (Status.SUBMITTED, Status.RESULT_RETURNED):
        dossier = drive(status)
        with pytest.raises(IllegalTransition, match="Không thể bàn giao"):
            services.hand_over(
                dossier, to_agency=agency_a, to_unit_label="Phòng", step_name="Bước", given_by=actors.one_stop
            )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"step_name": " "}, "tên bước"),
        ({"allotted_working_hours": 0}, "giờ làm việc"),
        ({"allotted_working_hours": -0.5}, "giờ làm việc"),
        ({"allotted_working_hours": 0.125}, "tối đa hai chữ số thập phân"),
        ({"allotted_working_hours": Decimal("0.001")}, "tối đa hai chữ số thập phân"),
        ({"allotted_working_hours": float("nan")}, "giờ làm việc"),
        ({"allotted_working_hours": Decimal("Infinity")}, "giờ làm việc"),
        ({"allotted_working_hours": "0.5"}, "giờ làm việc"),
        ({"allotted_working_hours": True}, "giờ làm việc"),
    ],
)
def test_hand_over_input_is_checked(kwargs, message, drive, actors, agency_a):
    dossier = drive(Status.ACCEPTED)
    arguments = {
        "to_agency": agency_a,
        "to_unit_label": "Phòng",
        "step_name": "Bước",
        "given_by": actors.one_stop,
        **kwargs,
    }
    with pytest.raises(InvalidDossierInput, match=message):
        services.hand_over(dossier, **arguments)


@pytest.mark.parametrize("hours", [0.5, Decimal("0.5"), Decimal("0.50")])
def test_hand_over_allots_half_an_hour_as_thirty_working_minutes(hours, drive, actors, agency_a, clock):
    dossier = drive(Status.ACCEPTED)
    clock.set(local(2026, 3, 9, 9, 0))
    row = services.hand_over(
        dossier,
        to_agency=agency_a,
        to_unit_label="Phòng",
        step_name="Ký",
        given_by=actors.one_stop,
        allotted_working_hours=hours,
    )
    row.refresh_from_db()
    assert row.allotted_hours == Decimal("0.5")
    assert row.due_at == local(2026, 3, 9, 9, 30)
    assert row.allotted_hours_text == "0,5"


def test_result_ready_with_files_then_returned_electronically(drive, actors):
    dossier = drive(Status.IN_PROCESSING)
    services.mark_result_ready(
        dossier,
        actors.specialist,
        result_files=[PaperUpload("", "Giấy khai sinh (bản điện tử)", io.BytesIO(PDF_BYTES))],
    )
    assert dossier.papers.filter(stage=PaperStage.RESULT).count() == 1
    services.return_result(dossier, actors.one_stop, "electronic")
    assert (dossier.status, dossier.return_method) == (Status.RESULT_RETURNED, "electronic")


def test_electronic_return_needs_a_result_file(drive, actors):
    dossier = drive(Status.RESULT_READY)  # a result note only
    with pytest.raises(InvalidDossierInput, match="tệp kết quả điện tử"):
        services.return_result(dossier, actors.one_stop, "electronic")
    with pytest.raises(InvalidDossierInput, match="Hình thức trả kết quả"):
        services.return_result(dossier, actors.one_stop, "fax")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda d, a, c: services.refuse(d, a.one_stop, []), "lý do từ chối"),
        (lambda d, a, c: services.withdraw(d, c, " "), "lý do rút"),
        (lambda d, a, c: services.stop(d, a.leader, ""), "lý do dừng"),
        (lambda d, a, c: services.request_payment(d, a.specialist, amount=0), "số nguyên dương"),
        (lambda d, a, c: services.mark_result_ready(d, a.specialist), "kết quả"),
        (lambda d, a, c: services.provide_supplement(d, c), "bổ sung"),
    ],
)
def test_missing_reasons_and_contents_are_refused(call, message, drive, actors, citizen):
    dossier = drive(Status.IN_PROCESSING)
    with pytest.raises(InvalidDossierInput, match=message):
        call(dossier, actors, citizen)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING


def test_supplement_papers_are_kept_with_their_stage(drive, citizen):
    dossier = drive(Status.SUPPLEMENT_REQUESTED, supplement_from=Status.SUBMITTED)
    services.provide_supplement(dossier, citizen, [upload(content=PNG_BYTES, filename="anh.png")], "Ảnh chụp")
    paper = dossier.papers.get(stage=PaperStage.SUPPLEMENT)
    assert (paper.content_type, paper.uploaded_by) == ("image/png", citizen)
    assert dossier.supplement_request.provided_by == citizen


def test_counter_idempotency_key_is_scoped_to_the_agency(counter_dossier, officer, agency_c, version):
    counter_dossier(idempotency_key="quay-1")
    other_desk = officer("one_stop_officer", agency_c)
    with pytest.raises(InvalidDossierInput, match="chống gửi trùng"):
        counter_dossier(idempotency_key="quay-1", receiving_agency=agency_c, officer=other_desk)


def test_agencies_no_longer_in_force_are_refused(submit, drive, actors, agency_a, agency_c, clock):
    clock.set(local(2026, 3, 11, 9, 0))
    agency_c.valid_to = date(2025, 6, 30)  # dissolved in the 2025 reorganisation
    agency_c.save()
    with pytest.raises(InvalidDossierInput, match="không còn hiệu lực vào ngày 11/03/2026"):
        submit(receiving_agency=agency_c)
    dossier = drive(Status.ACCEPTED)
    with pytest.raises(InvalidDossierInput, match="không còn hiệu lực"):
        services.hand_over(
            dossier, to_agency=agency_c, to_unit_label="Phòng", step_name="Bước", given_by=actors.one_stop
        )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.current_agency) == (Status.ACCEPTED, agency_a)


def test_an_officer_does_not_do_by_hand_what_the_dossiers_process_does(drive, actors):
    """Starting processing and recording the result are the process's own steps once it drives the
    dossier, whichever face (page, API) the officer uses; the process itself still does them."""
    accepted = drive(Status.ACCEPTED)
    in_processing = drive(Status.IN_PROCESSING)
    for dossier in (accepted, in_processing):
        Dossier.objects.filter(pk=dossier.pk).update(routed_by_process="Quy trình: khai-sinh v1")
        dossier.refresh_from_db()
    with pytest.raises(InvalidDossierInput) as refused:
        services.start_processing(accepted, actors.specialist)
    assert refused.value.code == "routed_by_process"
    with pytest.raises(InvalidDossierInput):
        services.mark_result_ready(in_processing, actors.specialist, result_note="Đã có kết quả.")
    accepted.refresh_from_db()
    in_processing.refresh_from_db()
    assert (accepted.status, in_processing.status) == (Status.ACCEPTED, Status.IN_PROCESSING)
