"""Dossiers through the API: the permission matrix, reading with ETags, the transitions through
``dossiers.services`` with Idempotency-Key and If-Match, the result upload with its file checks."""

import io

import pytest
from django.utils import timezone

from congso.api.models import IdempotencyRecord
from congso.core.models import AuditEntry
from congso.dossiers.models import PaperStage, Status
from congso.lgsp import services as lgsp
from tests.samples import EXE_BYTES, PDF_BYTES
from tests.support.problems import problem

pytestmark = pytest.mark.django_db


def url(code, tail=""):
    return f"/api/v1/dossiers/{code}" + (f"/{tail}" if tail else "")


def read(client, code):
    response = client.get(url(code))
    assert response.status_code == 200, response.content
    return response


def post(client, code, action, data=None, *, key="k-1", etag=None, fmt="json"):
    headers = {}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    if etag is not None:
        headers["HTTP_IF_MATCH"] = etag
    return client.post(url(code, action), data or {}, format=fmt, **headers)


# --- who may see and do what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [("officer_a", 200), ("officer_b", 404), ("citizen", 403), ("anonymous", 401), ("system_alone", 403)],
)
def test_the_permission_matrix_of_a_dossier_read(who, status, api, lgsp_systems, drive, actors, citizen):
    dossier = drive(Status.SUBMITTED)
    client = {
        "officer_a": lambda: api(lgsp_systems["token_a"], actors.one_stop),
        "officer_b": lambda: api(user=actors.specialist_b),  # a signed-in officer of another agency
        "citizen": lambda: api(user=citizen),
        "anonymous": lambda: api(),
        "system_alone": lambda: api(lgsp_systems["token_a"]),
    }[who]()
    response = client.get(url(dossier.code))
    if status == 200:
        assert response.status_code == 200 and response.json()["code"] == dossier.code
    else:
        problem(response, status)
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_system_acts_only_for_officers_of_its_agency(api, lgsp_systems, drive, actors):
    dossier = drive(Status.SUBMITTED)
    # System B (owned by agency B) acting for its own officer: the officer's view applies → 404.
    problem(api(lgsp_systems["token_b"], actors.specialist_b).get(url(dossier.code)), 404)
    # System B may not act for an officer of agency A at all.
    problem(api(lgsp_systems["token_b"], actors.one_stop).get(url(dossier.code)), 403)
    # An unknown user name answers the same as a refused one.
    problem(api(lgsp_systems["token_a"], "khong-co-ai").get(url(dossier.code)), 403)


def test_a_bad_or_revoked_token_is_401(api, lgsp_systems, drive, actors):
    dossier = drive(Status.SUBMITTED)
    problem(api("not-a-jwt", actors.one_stop).get(url(dossier.code)), 401)
    lgsp.set_credential_active(lgsp_systems["credential_a"].credential, False)
    problem(api(lgsp_systems["token_a"], actors.one_stop).get(url(dossier.code)), 401)


def test_a_direct_call_needs_the_lgsp_right_as_through_the_gateway(
    api, lgsp_systems, drive, actors, settings
):
    dossier = drive(Status.SUBMITTED)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    assert client.get(url(dossier.code)).status_code == 200
    right = lgsp.rights_of(lgsp_systems["service"]).get(system=lgsp_systems["a"])
    lgsp.revoke_access(right)
    problem(client.get(url(dossier.code)), 403)
    lgsp.grant_access(
        lgsp_systems["service"], system=lgsp_systems["a"], method="GET", path="/dossiers/{code}"
    )
    assert client.get(url(dossier.code)).status_code == 200  # a right on exactly this operation
    problem(client.get("/api/v1/dossiers"), 403)  # … and no other
    lgsp.set_system_status(lgsp_systems["a"], "suspended")
    problem(client.get(url(dossier.code)), 403)
    settings.CONGSO_API_SERVICE = ""  # not registered: direct calls refused, the gateway's way stays
    problem(api(lgsp_systems["token_b"], actors.specialist_b).get("/api/v1/dossiers"), 403)


def test_the_list_shows_the_officers_dossiers_with_filters_and_a_cursor(api, lgsp_systems, drive, actors):
    first = drive(Status.SUBMITTED)
    second = drive(Status.ACCEPTED)
    third = drive(Status.ACCEPTED)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    page = client.get("/api/v1/dossiers", {"page_size": 2}).json()
    assert [d["code"] for d in page["results"]] == [third.code, second.code]
    assert "applicant" not in page["results"][0]  # no personal data in lists
    rest = client.get(page["next"]).json()
    assert [d["code"] for d in rest["results"]] == [first.code] and rest["next"] is None
    accepted = client.get("/api/v1/dossiers", {"status": 2}).json()["results"]
    assert {d["code"] for d in accepted} == {second.code, third.code}
    assert (
        client.get("/api/v1/dossiers", {"code": first.code.lower()}).json()["results"][0]["code"]
        == first.code
    )
    today = timezone.localdate(third.received_at).isoformat()  # the filter counts in Vietnam's days
    received = client.get("/api/v1/dossiers", {"received_from": today, "received_to": today}).json()[
        "results"
    ]
    assert {d["code"] for d in received} == {second.code, third.code}
    procedure = first.procedure_version.procedure.code
    assert len(client.get("/api/v1/dossiers", {"procedure": procedure}).json()["results"]) == 3
    assert client.get("/api/v1/dossiers", {"procedure": "khong-co"}).json()["results"] == []
    problem(client.get("/api/v1/dossiers", {"status": 11}), 400)
    # Another agency's officer sees none of them.
    other = api(lgsp_systems["token_b"], actors.specialist_b).get("/api/v1/dossiers").json()
    assert other["results"] == []
    problem(client.get("/api/v1/dossiers", {"scope": "mine"}), 400)


def test_the_scopes_received_held_and_all(api, lgsp_systems, drive, actors, agency_b):
    from congso.dossiers import services

    kept = drive(Status.ACCEPTED)
    sent = drive(Status.ACCEPTED)
    services.hand_over(sent, to_agency=agency_b, step_name="Thẩm định", given_by=actors.one_stop)
    a = api(lgsp_systems["token_a"], actors.one_stop)
    b = api(lgsp_systems["token_b"], actors.specialist_b)

    def codes(client, **params):
        return {d["code"] for d in client.get("/api/v1/dossiers", params).json()["results"]}

    assert codes(a) == codes(a, scope="received") == codes(a, scope="all") == {kept.code, sent.code}
    assert codes(a, scope="held") == {kept.code}
    assert codes(b, scope="held") == codes(b, scope="all") == {sent.code}
    assert codes(b) == set()  # received by A, not by B


def test_the_detail_has_papers_timeline_and_an_etag_and_the_read_is_audited(api, lgsp_systems, drive, actors):
    dossier = drive(Status.ACCEPTED)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    response = read(client, dossier.code)
    data = response.json()
    assert data["etag"] == response["ETag"]
    assert [p["stage"] for p in data["papers"]] == [PaperStage.SUBMISSION]
    assert [t["detail"].get("to_status") for t in data["timeline"]] == [1, 2]
    assert data["applicant"]["name"]
    entry = AuditEntry.objects.filter(action="api.dossier.read").get()
    assert entry.actor == actors.one_stop and entry.changes["caller"] == lgsp_systems["a"].identifier
    assert client.get(url(dossier.code), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    timeline = client.get(url(dossier.code, "timeline")).json()
    assert [t["kind"] for t in timeline] == ["status", "status"]
    paper = data["papers"][0]
    download = client.get(url(dossier.code, f"papers/{paper['id']}"))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES


# --- transitions ------------------------------------------------------------------------------------


def test_accept_changes_the_dossier_once_with_one_idempotency_key(api, lgsp_systems, drive, actors):
    dossier = drive(Status.SUBMITTED)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    etag = read(client, dossier.code)["ETag"]
    first = post(client, dossier.code, "accept", {"note": "Đủ"}, key="nhan-1", etag=etag)
    assert first.status_code == 200, first.content
    assert first.json()["status"] == Status.ACCEPTED and first["ETag"] != etag
    again = post(client, dossier.code, "accept", {"note": "Đủ"}, key="nhan-1", etag=etag)
    assert again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED
    assert dossier.status_changes.filter(transition="accept").count() == 1
    # The same key with another body is refused, nothing changes.
    data = problem(post(client, dossier.code, "accept", {"note": "Khác"}, key="nhan-1", etag=etag), 422)
    assert data["code"] == "idempotency-key-reused"
    assert IdempotencyRecord.objects.count() == 1
    # The service's own audit names the officer; the API's names the system.
    assert AuditEntry.objects.filter(action="dossiers.accept", actor=actors.one_stop).count() == 1
    assert AuditEntry.objects.get(action="api.dossier.accept").changes["idempotency_key"] == "nhan-1"


@pytest.mark.parametrize(
    "body",
    [b'{"note": "\x00"}', b'{"note": "\\u0000"}', b'{"note": "\\ud800"}'],
    ids=["raw", "escape", "surrogate"],
)
def test_a_body_with_a_nul_is_400_with_a_clear_message_and_changes_nothing(
    api, lgsp_systems, drive, actors, body
):
    """PostgreSQL stores no NUL: the API's JSON parser (core.inbound) refuses it before anything else."""
    dossier = drive(Status.SUBMITTED)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    etag = read(client, dossier.code)["ETag"]
    response = client.post(
        url(dossier.code, "accept"),
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="nul-1",
        HTTP_IF_MATCH=etag,
    )
    assert "NUL" in problem(response, 400)["detail"]
    assert not IdempotencyRecord.objects.exists()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_if_match_is_required_and_a_stale_one_is_412(api, lgsp_systems, drive, actors):
    dossier = drive(Status.SUBMITTED)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    stale = read(client, dossier.code)["ETag"]
    problem(post(client, dossier.code, "accept", key="a", etag=None), 428)
    problem(post(client, dossier.code, "accept", key=None, etag=stale), 400)
    # Someone else changes the dossier (here the workspace, through the same service).
    from congso.dossiers import services

    services.request_supplement(dossier, actors.one_stop, ["Bản sao giấy tờ"], "Thiếu")
    data = problem(post(client, dossier.code, "accept", key="b", etag=stale), 412)
    assert data["code"] == "stale-etag"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED


def test_problems_and_labels_follow_the_callers_language_and_the_etag_does_not(
    api, lgsp_systems, drive, actors
):
    dossier = drive(Status.SUBMITTED)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    vietnamese = read(client, dossier.code)
    english = client.get(url(dossier.code), HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["status_label"] != vietnamese.json()["status_label"]
    # One state, one tag: a tag read in English is good for a write sent without a language.
    assert english["ETag"] == vietnamese["ETag"] == english.json()["etag"]
    stale = vietnamese["ETag"]
    from congso.dossiers import services

    services.request_supplement(dossier, actors.one_stop, ["Bản sao giấy tờ"], "Thiếu")
    response = client.post(
        url(dossier.code, "accept"),
        {},
        format="json",
        HTTP_IDEMPOTENCY_KEY="en-1",
        HTTP_IF_MATCH=stale,
        HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,vi;q=0.5",
    )
    data = problem(response, 412)
    assert (data["title"], data["title_en"]) == ("Precondition failed", "Precondition failed")
    assert data["detail"].startswith("The dossier has changed since it was last read")
    assert (data["type"], data["code"]) == (
        "https://congso.vn/problems/api/precondition-failed",
        "stale-etag",
    )
    data = problem(post(client, dossier.code, "accept", key="vi-1", etag=stale), 412)
    assert (data["title"], data["title_en"]) == ("Dữ liệu đã thay đổi", "Precondition failed")
    assert data["detail"].startswith("Hồ sơ đã thay đổi")
    unknown = client.get("/api/khong-co", HTTP_ACCEPT_LANGUAGE="en")
    assert problem(unknown, 404)["detail"] == "There is no such address in the API."


def test_a_transition_the_officers_role_does_not_grant_is_403_and_a_wrong_status_409(
    api, lgsp_systems, drive, actors
):
    dossier = drive(Status.SUBMITTED)
    specialist = api(lgsp_systems["token_a"], actors.specialist)
    etag = read(specialist, dossier.code)["ETag"]
    problem(post(specialist, dossier.code, "accept", key="x", etag=etag), 403)
    one_stop = api(lgsp_systems["token_a"], actors.one_stop)
    data = problem(post(one_stop, dossier.code, "return", {"method": "counter"}, key="y", etag=etag), 409)
    assert data["detail"]
    assert not IdempotencyRecord.objects.exists()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_request_supplement_hand_over_result_and_return(
    api, lgsp_systems, drive, actors, agency_b, media_root
):
    dossier = drive(Status.ACCEPTED)
    one_stop = api(lgsp_systems["token_a"], actors.one_stop)
    etag = read(one_stop, dossier.code)["ETag"]
    response = post(
        one_stop,
        dossier.code,
        "hand-over",
        {
            "to_agency": agency_b.code,
            "step_name": "Thẩm định",
            "receiver": "chuyenvien_b",
            "allotted_hours": "8",
        },
        key="h1",
        etag=etag,
    )
    assert response.status_code == 200, response.content
    assert response.json()["current_agency"]["code"] == agency_b.code
    assert response.json()["status"] == Status.IN_PROCESSING
    # The department's officer records the result with a signed PDF; an executable is refused (422).
    specialist_b = api(lgsp_systems["token_b"], actors.specialist_b)
    etag = read(specialist_b, dossier.code)["ETag"]
    bad = post(
        specialist_b,
        dossier.code,
        "result",
        {"files": [io.BytesIO(EXE_BYTES)], "note": ""},
        key="r0",
        etag=etag,
        fmt="multipart",
    )
    problem(bad, 422)
    pdf = io.BytesIO(PDF_BYTES)
    pdf.name = "ket-qua.pdf"
    done = post(
        specialist_b,
        dossier.code,
        "result",
        {"files": [pdf], "note": "Giấy phép số 1"},
        key="r1",
        etag=etag,
        fmt="multipart",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == Status.RESULT_READY
    assert [p["stage"] for p in done.json()["papers"]].count(PaperStage.RESULT) == 1
    # Back at the receiving agency's desk: returned electronically.
    etag = read(one_stop, dossier.code)["ETag"]
    back = post(one_stop, dossier.code, "return", {"method": "electronic"}, key="t1", etag=etag)
    assert back.status_code == 200 and back.json()["status"] == Status.RESULT_RETURNED


def test_supplement_is_asked_once(api, lgsp_systems, drive, actors):
    dossier = drive(Status.SUBMITTED)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    etag = read(client, dossier.code)["ETag"]
    ok = post(client, dossier.code, "request-supplement", {"items": ["Bản sao CCCD"]}, key="s1", etag=etag)
    assert ok.status_code == 200 and ok.json()["status"] == Status.SUPPLEMENT_REQUESTED
    problem(post(client, dossier.code, "request-supplement", {"items": []}, key="s2", etag=ok["ETag"]), 400)


def test_hand_over_of_a_dossier_routed_by_its_process_is_409(api, lgsp_systems, drive, actors):
    dossier = drive(Status.IN_PROCESSING)
    type(dossier).objects.filter(pk=dossier.pk).update(routed_by_process="Quy trình: khai-sinh v1")
    client = api(lgsp_systems["token_a"], actors.specialist)
    etag = read(client, dossier.code)["ETag"]
    data = problem(
        post(
            client,
            dossier.code,
            "hand-over",
            {"to_agency": "000.00.20.H08", "step_name": "B"},
            key="p",
            etag=etag,
        ),
        409,
    )
    assert data["code"] == "routed_by_process"


def test_the_workspace_session_needs_csrf_for_writes(api, drive, actors):
    from rest_framework.test import APIClient

    dossier = drive(Status.SUBMITTED)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(actors.one_stop)
    etag = read(client, dossier.code)["ETag"]
    problem(post(client, dossier.code, "accept", key="c", etag=etag), 403)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_unknown_addresses_under_api_are_problem_404(api):
    problem(api().get("/api/v1/khong-co"), 404)
    problem(api().get("/api/v1/dossiers/a%0Ab/papers/x"), 404)  # a new line in the path too (schemathesis)


def test_a_bad_page_size_is_refused_not_ignored(api, lgsp_systems, actors):
    client = api(lgsp_systems["token_a"], actors.one_stop)
    for bad in ("0", "201", "2.5", "mot"):
        problem(client.get("/api/v1/dossiers", {"page_size": bad}), 400)


def test_a_result_upload_retried_with_its_key_is_stored_once(api, lgsp_systems, drive, actors, media_root):
    dossier = drive(Status.IN_PROCESSING)
    client = api(lgsp_systems["token_a"], actors.specialist)
    etag = read(client, dossier.code)["ETag"]

    def upload():
        pdf = io.BytesIO(PDF_BYTES)
        pdf.name = "ket-qua.pdf"
        # Each call builds a new multipart body (a new boundary): still the same request.
        return post(
            client,
            dossier.code,
            "result",
            {"files": [pdf], "note": "Số 7"},
            key="kq-1",
            etag=etag,
            fmt="multipart",
        )

    first, again = upload(), upload()
    assert first.status_code == again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert dossier.papers.filter(stage=PaperStage.RESULT).count() == 1


def test_old_idempotency_records_are_purged(api, lgsp_systems, drive, actors, settings):
    from datetime import timedelta

    from django.utils import timezone

    from congso.api.jobs import purge_idempotency_records

    dossier = drive(Status.SUBMITTED)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    post(client, dossier.code, "accept", key="cu", etag=read(client, dossier.code)["ETag"])
    assert purge_idempotency_records() == 0
    assert purge_idempotency_records(timezone.now() + timedelta(hours=25)) == 1
    assert not IdempotencyRecord.objects.exists()


def test_a_bad_parameter_is_explained_in_vietnamese_field_by_field_and_in_english(api, lgsp_systems, actors):
    # DRF's own messages were English under a Vietnamese detail ("Ensure this value is less than or
    # equal to 10.", "\"bogus\" is not a valid choice.").
    client = api(lgsp_systems["token_a"], actors.one_stop)
    answer = client.get("/api/v1/dossiers", {"status": 99, "scope": "bogus", "received_from": "31/12/2026"})
    assert answer.status_code == 400
    messages = {error["field"]: error["message"] for error in answer.json()["errors"]}
    assert messages == {
        "status": "Giá trị phải nhỏ hơn hoặc bằng 10.",
        "scope": "“bogus” không phải là một lựa chọn hợp lệ.",
        "received_from": "Ngày không đúng dạng YYYY-MM-DD.",
    }
    client.cookies["congso_language"] = "en"
    answer = client.get("/api/v1/procedures", {"limit": "many"})
    assert answer.json()["errors"] == [
        {"field": "limit", "message": "A whole number is required.", "code": "invalid"}
    ]


def test_a_bad_cursor_is_a_problem_in_vietnamese(api, lgsp_systems, actors):
    client = api(lgsp_systems["token_a"], actors.one_stop)
    answer = client.get("/api/v1/dossiers", {"cursor": "xyz"})
    assert answer.status_code == 404 and answer["Content-Type"] == "application/problem+json"
    assert answer.json()["detail"].startswith("Con trỏ trang (cursor) không hợp lệ")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"note": "' + b"a" * 3_000_000 + b'"}', 413),  # over Django's DATA_UPLOAD_MAX_MEMORY_SIZE too
        (b'{"note": "' + b"a" * 1_100_000 + b'"}', 413),
        (b'{"note": 1' + b"0" * 100_000 + b"}", 400),  # Python's own limit on digits
        (b'{"note": NaN}', 400),  # not JSON (RFC 8259), and not storable in PostgreSQL's jsonb
        (b'{"note": Infinity}', 400),
        (b'{"note": 1e999999}', 400),  # a number beyond a float, read as infinity
        (b"[" * 100_000 + b"]" * 100_000, 400),
    ],
    ids=["huge", "over-limit", "digits", "nan", "infinity", "overflow", "deep"],
)
def test_a_hostile_json_body_is_a_problem_with_a_clear_message_and_changes_nothing(
    api, lgsp_systems, drive, actors, body, status
):
    dossier = drive(Status.SUBMITTED)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    etag = read(client, dossier.code)["ETag"]
    response = client.post(
        url(dossier.code, "accept"),
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="bom-1",
        HTTP_IF_MATCH=etag,
    )
    detail = problem(response, status)["detail"]
    assert "sys." not in detail and "Traceback" not in detail  # no Python internals
    assert not IdempotencyRecord.objects.exists()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_units_filtered_by_level_and_an_unknown_level_is_a_400(api, lgsp_systems, actors):
    from tests.factories.agencies import AdministrativeUnitFactory

    province = AdministrativeUnitFactory(code="74", name="Tỉnh thử", level="province")
    AdministrativeUnitFactory(code="25741", name="Phường thử", parent=province)
    client = api(lgsp_systems["token_a"], actors.one_stop)
    listed = client.get("/api/v1/units", {"level": "province"}).json()
    assert "74" in [unit["code"] for unit in listed["results"]]
    assert {unit["level"] for unit in listed["results"]} == {"province"}
    body = problem(client.get("/api/v1/units", {"level": "bogus"}), 400)
    assert "level" in str(body)


def test_a_dossier_routed_by_its_process_gets_no_result_recorded_through_the_api(
    api, lgsp_systems, drive, actors
):
    """The process issues the result itself, after the leader's approval: the pages refused recording it
    by hand, the API did not."""
    dossier = drive(Status.IN_PROCESSING)
    type(dossier).objects.filter(pk=dossier.pk).update(routed_by_process="Quy trình: khai-sinh v1")
    client = api(lgsp_systems["token_a"], actors.specialist)
    etag = read(client, dossier.code)["ETag"]
    refused = post(client, dossier.code, "result", {"note": "Đã có kết quả."}, key="b", etag=etag)
    assert problem(refused, 409)["code"] == "routed_by_process"
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESSING
