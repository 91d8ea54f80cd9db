"""The status machine: the table itself, every legal transition through the services (with its status
change, audit entry and event), a sample of illegal ones, and the one-time supplement."""

import io

import pytest

from congso.core.models import AuditEntry, OutboxEvent
from congso.dossiers import services, states
from congso.dossiers.errors import IllegalTransition, InvalidDossierInput, SupplementAlreadyRequested
from congso.dossiers.files import PaperUpload
from congso.dossiers.models import FormCode, Status, StatusChange, SupplementRequest
from tests.samples import PDF_BYTES

S = Status

# The edges the issue asks for, written out by hand (not derived from states.TRANSITIONS).
EXPECTED_EDGES = {
    (None, S.SUBMITTED),
    (None, S.ACCEPTED),
    (S.SUBMITTED, S.ACCEPTED),
    (S.SUBMITTED, S.REFUSED),
    (S.SUBMITTED, S.SUPPLEMENT_REQUESTED),
    (S.SUPPLEMENT_REQUESTED, S.SUBMITTED),
    (S.SUPPLEMENT_REQUESTED, S.IN_PROCESSING),
    (S.SUPPLEMENT_REQUESTED, S.REFUSED),
    (S.ACCEPTED, S.IN_PROCESSING),
    (S.IN_PROCESSING, S.SUPPLEMENT_REQUESTED),
    (S.IN_PROCESSING, S.AWAITING_PAYMENT),
    (S.AWAITING_PAYMENT, S.IN_PROCESSING),
    (S.IN_PROCESSING, S.RESULT_READY),
    (S.RESULT_READY, S.RESULT_RETURNED),
    *(
        (source, S.WITHDRAWN)
        for source in (S.SUBMITTED, S.ACCEPTED, S.IN_PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT)
    ),
    *(
        (source, S.STOPPED)
        for source in (S.ACCEPTED, S.IN_PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT)
    ),
}

EXPECTED_FORMS = {
    "receive_at_counter": "01",
    "accept": "01",
    "request_supplement": "02",
    "refuse": "03",
    "stop": "05",
}


def test_table_has_exactly_the_expected_edges():
    assert states.edges() == EXPECTED_EDGES


def test_final_statuses_have_no_way_out():
    for status in states.FINAL_STATUSES:
        assert states.allowed_actions(status) == []


def test_forms_produced_by_transitions():
    for transition in states.TRANSITIONS:
        assert transition.form_code == EXPECTED_FORMS.get(transition.name, ""), transition


def paper():
    return PaperUpload("to-khai", "Tờ khai đã sửa", io.BytesIO(PDF_BYTES))


def _perform(name, dossier, actors, citizen):
    calls = {
        "accept": lambda: services.accept(dossier, actors.one_stop, "Đủ hồ sơ"),
        "refuse": lambda: services.refuse(dossier, actors.one_stop, ["Không thuộc thẩm quyền"]),
        "request_supplement": lambda: services.request_supplement(
            dossier,
            actors.one_stop if dossier.status == S.SUBMITTED else actors.specialist,
            ["Giấy chứng sinh (bản chính)"],
            "Thiếu giấy tờ",
        ),
        "provide_supplement": lambda: services.provide_supplement(dossier, citizen, [paper()], "Đã bổ sung"),
        "start_processing": lambda: services.start_processing(dossier, actors.specialist),
        "request_payment": lambda: services.request_payment(dossier, actors.specialist, amount=50_000),
        "record_payment": lambda: services.record_payment(
            dossier, actors.one_stop, reference="BL-0001", amount=50_000
        ),
        "mark_result_ready": lambda: services.mark_result_ready(
            dossier, actors.specialist, result_note="Đã cấp giấy khai sinh"
        ),
        "return_result": lambda: services.return_result(dossier, actors.one_stop, "counter"),
        "withdraw": lambda: services.withdraw(dossier, citizen, "Không còn nhu cầu"),
        "stop": lambda: services.stop(dossier, actors.leader, "Có tranh chấp đang giải quyết tại tòa án"),
    }
    calls[name]()


def _supplement_origin(transition):
    # A supplement asked at reception leads back to 1 and may end in refusal; one asked during
    # processing leads back to 4.
    if transition.name == "refuse" or transition.target == S.SUBMITTED:
        return S.SUBMITTED
    return S.IN_PROCESSING


CHANGES = [t for t in states.TRANSITIONS if t.source is not None]


@pytest.mark.parametrize("transition", CHANGES, ids=[f"{t.name}:{t.source}->{t.target}" for t in CHANGES])
def test_every_legal_transition(transition, drive, actors, citizen):
    dossier = drive(transition.source, supplement_from=_supplement_origin(transition))
    assert dossier.status == transition.source

    _perform(transition.name, dossier, actors, citizen)

    dossier.refresh_from_db()
    assert dossier.status == transition.target
    change = StatusChange.objects.filter(dossier=dossier).latest("at", "id")
    assert (change.transition, change.from_status, change.to_status, change.form_code) == (
        transition.name,
        transition.source,
        transition.target,
        transition.form_code,
    )
    payloads = [
        e.payload for e in OutboxEvent.objects.filter(aggregate_id=str(dossier.pk), name=transition.event)
    ]
    event = next(
        p for p in payloads if p["status"] == transition.target and p["from_status"] == transition.source
    )
    assert (event["code"], event["agency_code"], event["form_code"]) == (
        dossier.code,
        "000.01.12.H08",
        transition.form_code,
    )
    assert AuditEntry.objects.for_object(dossier).filter(action=f"dossiers.{transition.name}").exists()


def test_creations_record_their_transition(submit, counter_dossier):
    online = submit()
    counter = counter_dossier()
    assert [(c.transition, c.from_status, c.to_status, c.form_code) for c in online.status_changes.all()] == [
        ("submit_online", None, S.SUBMITTED, "")
    ]
    assert [
        (c.transition, c.from_status, c.to_status, c.form_code) for c in counter.status_changes.all()
    ] == [("receive_at_counter", None, S.ACCEPTED, FormCode.RECEIPT)]
    names = list(
        OutboxEvent.objects.filter(aggregate_id=str(counter.pk))
        .order_by("occurred_at")
        .values_list("name", flat=True)
    )
    assert sorted(names) == ["dossier.accepted", "dossier.submitted"]


def test_event_payload_carries_no_personal_data(submit):
    dossier = submit()
    payload = OutboxEvent.objects.get(name="dossier.submitted", aggregate_id=str(dossier.pk)).payload
    flat = repr(payload)
    for personal in ("Nguyễn Văn An", "074090000001", "0912345678", "an@example.vn"):
        assert personal not in flat
    assert set(payload) >= {"dossier_id", "code", "status", "agency_code"}


def test_illegal_transition_message_names_both_statuses(drive, actors):
    dossier = drive(S.RESULT_RETURNED)
    with pytest.raises(IllegalTransition) as error:
        services.start_processing(dossier, actors.specialist)
    assert error.value.messages == [
        "Không thể chuyển hồ sơ từ trạng thái “Đã trả kết quả” sang “Đang xử lý”."
    ]


ILLEGAL = [
    (S.ACCEPTED, "accept", "thao tác “Tiếp nhận hồ sơ” khi hồ sơ ở trạng thái “Được tiếp nhận”"),
    (S.IN_PROCESSING, "refuse", "“Đang xử lý” sang “Không được tiếp nhận”"),
    (S.SUBMITTED, "start_processing", "“Mới đăng ký” sang “Đang xử lý”"),
    (S.SUBMITTED, "stop", "“Mới đăng ký” sang “Dừng xử lý”"),
    (S.ACCEPTED, "mark_result_ready", "“Được tiếp nhận” sang “Đã xử lý xong”"),
    (S.IN_PROCESSING, "return_result", "“Đang xử lý” sang “Đã trả kết quả”"),
    (
        S.IN_PROCESSING,
        "record_payment",
        "thao tác “Đã thực hiện nghĩa vụ tài chính” khi hồ sơ ở trạng thái “Đang xử lý”",
    ),
    (S.AWAITING_PAYMENT, "mark_result_ready", "“Yêu cầu thực hiện nghĩa vụ tài chính” sang “Đã xử lý xong”"),
    (S.RESULT_READY, "withdraw", "“Đã xử lý xong” sang “Công dân yêu cầu rút hồ sơ”"),
    (S.RESULT_RETURNED, "stop", "“Đã trả kết quả” sang “Dừng xử lý”"),
    (S.RESULT_READY, "request_supplement", "“Đã xử lý xong” sang “Yêu cầu bổ sung giấy tờ”"),
    (S.IN_PROCESSING, "provide_supplement", "thao tác “Bổ sung hồ sơ” khi hồ sơ ở trạng thái “Đang xử lý”"),
]


@pytest.mark.parametrize(("status", "action", "fragment"), ILLEGAL, ids=[f"{a}@{s}" for s, a, _f in ILLEGAL])
def test_illegal_transitions_are_refused_and_change_nothing(status, action, fragment, drive, actors, citizen):
    dossier = drive(status)
    changes, events_before = StatusChange.objects.count(), OutboxEvent.objects.count()
    with pytest.raises(IllegalTransition) as error:
        _perform(action, dossier, actors, citizen)
    if fragment.startswith("thao tác"):  # same status before and after, or no single outcome
        assert error.value.messages == [f"Không thể thực hiện {fragment}."]
    else:
        assert error.value.messages == [f"Không thể chuyển hồ sơ từ trạng thái {fragment}."]
    dossier.refresh_from_db()
    assert dossier.status == status
    assert (StatusChange.objects.count(), OutboxEvent.objects.count()) == (changes, events_before)


def test_refusal_after_supplement_asked_during_processing_is_refused(drive, actors):
    dossier = drive(S.SUPPLEMENT_REQUESTED, supplement_from=S.IN_PROCESSING)
    with pytest.raises(IllegalTransition, match="dừng giải quyết"):
        services.refuse(dossier, actors.one_stop, ["Không bổ sung"])


def test_supplement_returns_to_where_it_was_asked(drive, actors, citizen):
    at_reception = drive(S.SUPPLEMENT_REQUESTED, supplement_from=S.SUBMITTED)
    services.provide_supplement(at_reception, citizen, [paper()])
    assert at_reception.status == S.SUBMITTED
    in_processing = drive(S.SUPPLEMENT_REQUESTED, supplement_from=S.IN_PROCESSING)
    services.provide_supplement(in_processing, citizen, note="Đã nộp bản sao sổ hộ khẩu tại quầy")
    assert in_processing.status == S.IN_PROCESSING


def test_supplement_is_requested_only_once(drive, actors, citizen):
    dossier = drive(S.SUPPLEMENT_REQUESTED, supplement_from=S.SUBMITTED)
    services.provide_supplement(dossier, citizen, [paper()])
    services.accept(dossier, actors.one_stop)
    services.start_processing(dossier, actors.specialist)
    with pytest.raises(SupplementAlreadyRequested) as error:
        services.request_supplement(dossier, actors.specialist, ["Thêm một giấy tờ khác"], "Quên yêu cầu")
    assert "chỉ yêu cầu bổ sung một lần" in error.value.messages[0]
    dossier.refresh_from_db()
    assert dossier.status == S.IN_PROCESSING


@pytest.mark.parametrize("items", [[], ["Giấy chứng sinh", "  "], "Giấy chứng sinh", None])
def test_supplement_request_must_list_every_item(items, drive, actors):
    dossier = drive(S.SUBMITTED)
    with pytest.raises(InvalidDossierInput):
        services.request_supplement(dossier, actors.one_stop, items, "Thiếu")
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED
    assert not SupplementRequest.objects.filter(dossier=dossier).exists()


def test_supplement_request_keeps_every_item(drive, actors):
    dossier = drive(S.SUBMITTED)
    request = services.request_supplement(
        dossier, actors.one_stop, ["Giấy chứng sinh (bản chính)", "Bản sao giấy đăng ký kết hôn"], "Thiếu"
    )
    assert request.items == ["Giấy chứng sinh (bản chính)", "Bản sao giấy đăng ký kết hôn"]
    assert request.from_status == S.SUBMITTED
    event = OutboxEvent.objects.get(name="dossier.supplement_requested", aggregate_id=str(dossier.pk))
    assert event.payload["items"] == 2 and event.payload["form_code"] == "02"
