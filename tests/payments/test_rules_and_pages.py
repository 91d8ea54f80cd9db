"""The payments block without a gateway: the VNPAY signature, fees, the permission matrix, the pages,
refunds with approval, mismatches, receipts, electronic results and the online-payment share."""

import hashlib
import io
import urllib.parse
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from congso.catalog.models import Fee, FeeKind
from congso.core import pdf
from congso.dossiers import services as dossier_services
from congso.dossiers.files import PaperUpload
from congso.dossiers.models import Status
from congso.payments import permissions, services
from congso.payments.models import (
    IntentStatus,
    Mismatch,
    MismatchKind,
    PaymentIntent,
    Receipt,
    ReconciliationRun,
)
from congso.payments.providers import Verdict, providers
from congso.payments.providers import vnpay as vnpay_provider
from congso.sandbox import payment_gateway as gateway
from tests.payments.helpers import AMOUNT, make_intent
from tests.support.html import one, select

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_vnpay_signature_is_hmac_sha512_over_the_sorted_urlencoded_query(settings):
    settings.CONGSO_PAYMENTS_VNPAY_HASH_SECRET = "SECRET"
    params = {
        "vnp_TxnRef": "A1",
        "vnp_Amount": "1000000",
        "vnp_OrderInfo": "Nop phi ho so",
        "vnp_BankCode": "",
    }
    expected_data = "vnp_Amount=1000000&vnp_OrderInfo=Nop+phi+ho+so&vnp_TxnRef=A1"
    assert vnpay_provider.signed_data(params) == expected_data
    import hmac

    assert (
        vnpay_provider.sign_query(params) == hmac.new(b"SECRET", expected_data.encode(), "sha512").hexdigest()
    )
    # congso's client and the independent simulator agree.
    settings.CONGSO_SANDBOX_VNPAY_HASH_SECRET = "SECRET"
    assert gateway.vnpay_sign(params)["vnp_SecureHash"] == vnpay_provider.sign_query(params)
    assert vnpay_provider.verify_query({**params, "vnp_SecureHash": vnpay_provider.sign_query(params)})
    assert not vnpay_provider.verify_query(
        {**params, "vnp_Amount": "1", "vnp_SecureHash": vnpay_provider.sign_query(params)}
    )


def test_dvcqg_auth_code_is_plain_sha256_of_the_pipe_joined_fields(settings):
    from congso.payments.providers import dvcqg

    settings.CONGSO_PAYMENTS_DVCQG_SECRET = "S"
    message = {
        "LoaiBanTin": "QUERY",
        "PhienBan": "1.0.6",
        "MaDoiTac": "P",
        "MaThamChieu": "R",
        "ThoiGianGD": "T",
    }
    assert dvcqg.auth_code(message, dvcqg.QUERY_FIELDS) == hashlib.sha256(b"QUERY|1.0.6|P|R|T|S").hexdigest()
    assert (
        dvcqg.reference_for("000.01.12.H08-260311-0007", "20260311101500")
        == "dvc0000112H082603110007" + "20260311101500"
    )


def test_the_browser_return_is_not_a_notification_it_never_settles(awaiting, citizen):
    intent = PaymentIntent.objects.create(
        dossier=awaiting,
        provider="vnpay",
        reference="R1",
        amount=AMOUNT,
        description="x",
        gateway_url="http://gateway.invalid/",
        created_stamp="20260101000000",
        expires_at=timezone.now() + timedelta(minutes=15),
        status=IntentStatus.PENDING,
    )
    params = gateway.vnpay_sign(
        {
            "vnp_TxnRef": "R1",
            "vnp_Amount": str(AMOUNT * 100),
            "vnp_ResponseCode": "00",
            "vnp_TransactionStatus": "00",
            "vnp_TmnCode": "CONGSO01",
        }
    )
    assert services.handle_return("vnpay", params) == intent
    intent.refresh_from_db()
    assert intent.status == IntentStatus.PENDING and awaiting.status == Status.AWAITING_PAYMENT


@pytest.mark.parametrize(
    ("code", "status", "vietnamese", "english"),
    [
        ("24", IntentStatus.ABANDONED, "Bạn đã hủy giao dịch.", "You cancelled the payment."),
        (
            "51",
            IntentStatus.FAILED,
            "Tài khoản của bạn không đủ số dư.",
            "Your account has insufficient funds.",
        ),
        (
            "11",
            IntentStatus.EXPIRED,
            "Đã hết thời gian chờ thanh toán.",
            "The time allowed for payment ran out.",
        ),
    ],
)
def test_a_failed_payment_tells_why_and_shows_no_transaction_number_zero(
    awaiting, citizen, client, code, status, vietnamese, english
):
    intent = make_intent(awaiting, payer=citizen, reference="F1")
    # VNPAY's IPN of a payment that never took place carries vnp_TransactionNo=0.
    ipn = {
        "vnp_TxnRef": "F1",
        "vnp_Amount": str(AMOUNT * 100),
        "vnp_ResponseCode": code,
        "vnp_TransactionStatus": "02",
        "vnp_TransactionNo": "0",
        "vnp_TmnCode": "CONGSO01",
    }
    assert services.handle_notification("vnpay", gateway.vnpay_sign(ipn)).code == "00"
    intent.refresh_from_db()
    assert (intent.status, intent.provider_code, intent.provider_transaction) == (status, code, "")
    client.force_login(citizen)
    pay_page = client.get(f"/thanh-toan/ho-so/{awaiting.public_id}/").content.decode()
    assert vietnamese in pay_page
    intent_page = client.get(f"/thanh-toan/giao-dich/{intent.reference}/").content.decode()
    assert f"Lý do: {vietnamese}" in intent_page
    assert "Mã giao dịch của kênh thanh toán" not in intent_page
    client.cookies["congso_language"] = "en"
    assert english in client.get(f"/thanh-toan/ho-so/{awaiting.public_id}/").content.decode()
    assert english in client.get(f"/thanh-toan/giao-dich/{intent.reference}/").content.decode()


def test_fee_estimate_uses_the_catalogue_rules(version):
    Fee.objects.create(
        version=version,
        name="Phí chứng thực",
        kind=FeeKind.PER_PAGE,
        rule={"first_pages": 2, "first_rate": 2000, "next_rate": 1000, "max_per_copy": 200000},
    )
    Fee.objects.create(version=version, name="Lệ phí", kind=FeeKind.FIXED, amount=10000)
    assert services.estimate(version, pages=5, copies=2) == (2 * 2000 + 3 * 1000) * 2 + 10000
    assert services.estimate(version, pages=500, copies=1) == 200000 + 10000
    assert services.estimate(version, pages=5, exempt=True) == 0
    assert [line.name for line in services.fee_lines(version)] == ["Phí chứng thực", "Lệ phí"]


def test_nothing_due_outside_status_6(drive):
    dossier = drive(Status.IN_PROCESSING)
    assert services.amount_due(dossier) is None


def test_permission_matrix(awaiting, actors, citizen, make_user, officer, agency_a, agency_c):
    stranger = make_user("stranger")
    outsider = officer("specialist", agency_c, "outsider")
    leader_c = officer("leader", agency_c, "leader_c")
    rows = {
        "citizen": (citizen, True, True, False),
        "stranger": (stranger, False, False, False),
        "one_stop": (actors.one_stop, False, True, True),
        "specialist": (actors.specialist, False, True, True),
        "leader": (actors.leader, False, True, True),
        "outsider": (outsider, False, False, False),
        "leader_c": (leader_c, False, False, False),
    }
    for name, (user, pay, view, refund) in rows.items():
        got = (
            permissions.can_pay(user, awaiting),
            permissions.can_view(user, awaiting),
            permissions.can_request_refund(user, awaiting),
        )
        assert got == (pay, view, refund), name
    assert permissions.can_reconcile(actors.leader) and permissions.can_reconcile(leader_c)
    assert not permissions.can_reconcile(actors.specialist) and not permissions.can_reconcile(citizen)
    run = ReconciliationRun.objects.create(provider="vnpay", day=timezone.localdate())
    intent = PaymentIntent.objects.create(
        dossier=awaiting,
        payer=citizen,
        provider="vnpay",
        reference="M1",
        amount=AMOUNT,
        description="x",
        gateway_url="http://gateway.invalid/",
        created_stamp="20260101000000",
        expires_at=timezone.now() + timedelta(minutes=15),
        status=IntentStatus.PENDING,
    )
    ours = Mismatch.objects.create(run=run, kind=MismatchKind.AMOUNT, reference="M1", intent=intent)
    unmatched = Mismatch.objects.create(run=run, kind=MismatchKind.MISSING_HERE, reference="M2")
    admin = make_user("platform_admin", kind="official", is_superuser=True, is_staff=True)
    sees = {
        "leader": (actors.leader, {ours}, False),
        "leader_c": (leader_c, set(), False),
        "specialist": (actors.specialist, set(), False),
        "citizen": (citizen, set(), False),
    }
    for name, (user, visible, totals) in sees.items():
        assert set(services.mismatches_for(user)) == visible, name
        assert {m for m in (ours, unmatched) if permissions.can_resolve(user, m)} == visible, name
        assert permissions.sees_run_totals(user) == totals, name
    assert set(services.mismatches_for(admin)) == {ours, unmatched} and permissions.sees_run_totals(admin)


def _paid(dossier, citizen, amount=AMOUNT, reference="P1"):
    intent = make_intent(dossier, payer=citizen, reference=reference, amount=amount)
    verdict = Verdict(
        reference=reference, verified=True, success=True, amount=amount, transaction="T1", code="00"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(providers["vnpay"], "read_notification", lambda data: verdict)
        outcome = services.handle_notification("vnpay", {})
    assert outcome.code == "00"
    intent.refresh_from_db()
    return intent


def test_paid_moves_the_dossier_records_and_numbers_the_receipt(awaiting, citizen):
    intent = _paid(awaiting, citizen)
    awaiting.refresh_from_db()
    assert awaiting.status == Status.IN_PROCESSING
    change = awaiting.status_changes.latest("at")
    assert change.transition == "record_payment" and change.extra["confirmed_by_provider"] is True
    assert change.by is None and change.extra["amount"] == AMOUNT
    receipt = Receipt.objects.get(intent=intent)
    assert receipt.sequence == 1 and receipt.number.endswith("-000001")


def test_receipt_pdf_for_the_applicant_and_the_officer_only(awaiting, citizen, actors, make_user, client):
    intent = _paid(awaiting, citizen)
    number = intent.receipt.number
    client.force_login(citizen)
    response = client.get(f"/thanh-toan/bien-lai/{number}/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(actors.specialist)
    assert client.get(f"/thanh-toan/bien-lai/{number}/").status_code == 200
    client.force_login(make_user("nosy"))
    assert client.get(f"/thanh-toan/bien-lai/{number}/").status_code == 404
    client.logout()
    check = client.get(f"/thanh-toan/kiem-tra-bien-lai/{number}/")
    public = check.content.decode()
    assert check.status_code == 200 and "50.000" in public
    assert awaiting.code not in public and citizen.full_name not in public  # numbers are sequential
    assert client.get("/thanh-toan/kiem-tra-bien-lai/BL0000-000000/").status_code == 404


def test_pay_page_and_starting_a_payment(awaiting, citizen, client, make_user):
    client.force_login(citizen)
    url = f"/thanh-toan/ho-so/{awaiting.public_id}/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "50.000 đồng" in html and 'name="provider"' in html
    response = client.post(url, {"provider": "vnpay"})
    assert response.status_code == 302
    location = urllib.parse.urlsplit(response["Location"])
    assert location.path == "/sandbox/vnpay/paymentv2/vpcpay.html"
    query = dict(urllib.parse.parse_qsl(location.query))
    assert query["vnp_Amount"] == str(AMOUNT * 100) and vnpay_provider.verify_query(query)
    bad = client.post(url, {"provider": "bitcoin"})
    assert bad.status_code == 400 and "Kênh thanh toán không hợp lệ" in bad.content.decode()
    client.force_login(make_user("other"))
    assert client.get(url).status_code == 404
    assert client.post(url, {"provider": "vnpay"}).status_code == 404


def test_the_pay_page_reads_like_the_rest_of_the_portal(awaiting, citizen, client):
    # The channels were radio buttons alone on a line above a bold label (.field instead of .choice),
    # the path lacked the home page, an attempt's time read "10:07 06/12/2026" where the dossier's
    # page reads "10:07, 06/12/2026", and the transaction page's facts were an unstyled list.
    failed = PaymentIntent.objects.create(
        dossier=awaiting,
        payer=citizen,
        provider="vnpay",
        reference="F9",
        amount=AMOUNT,
        description="x",
        gateway_url="http://gateway.invalid/",
        created_stamp="20260101000000",
        expires_at=timezone.now() + timedelta(minutes=15),
        status=IntentStatus.FAILED,
    )
    PaymentIntent.objects.filter(pk=failed.pk).update(
        created_at=timezone.make_aware(timezone.datetime(2026, 12, 6, 10, 7))
    )
    client.force_login(citizen)
    page = client.get(f"/thanh-toan/ho-so/{awaiting.public_id}/")
    radios = select(page, 'input[name="provider"]')
    assert radios and len(select(page, '.choice > input[name="provider"]')) == len(radios)
    assert one(page, ".breadcrumbs li:first-child a")["href"] == "/"
    assert one(page, 'td[data-label="Thời điểm"]').text == "10:07, 06/12/2026"
    intent_page = client.get(f"/thanh-toan/giao-dich/{failed.reference}/")
    assert "summary-list" in one(intent_page, "main dl").classes


def test_the_payment_channels_are_named_in_the_readers_language_and_the_receipt_stays_vietnamese(
    awaiting, citizen, client
):
    client.force_login(citizen)
    client.cookies["congso_language"] = "en"
    html = client.get(f"/thanh-toan/ho-so/{awaiting.public_id}/").content.decode()
    assert "National Public Service Portal payment platform" in html and "ATM card" in html
    assert "Nền tảng thanh toán" not in html
    # The menu's name of the citizen's list, not "My dossiers"; English groups thousands with commas.
    assert "You can pay later, from My dossiers." in html and "50,000 VND" in html
    intent = _paid(awaiting, citizen)
    rendered = {}

    def render(template, context, title):
        rendered["label"] = str(context["provider_label"])
        return b"%PDF"

    with pytest.MonkeyPatch.context() as patch, translation.override("en"):
        patch.setattr(pdf, "render_template", render)
        services.receipt_pdf(intent.receipt, "https://example.test/kiem-tra", reader=citizen)
    assert rendered["label"] == "VNPAY (thẻ ATM, thẻ quốc tế, QR)"


def test_officer_panel_on_the_dossier_page(awaiting, citizen, actors, client):
    _paid(awaiting, citizen)
    client.force_login(actors.specialist)
    html = client.get(f"/can-bo/ho-so/{awaiting.code}/").content.decode()
    assert "Thanh toán phí, lệ phí" in html and "P1" in html and "Đề nghị hoàn tiền" in html


def test_officer_panel_tells_a_failed_attempt_as_the_officer_reads_it(awaiting, citizen, actors, client):
    """The panel showed the provider's code name ("vnpay"), a bare amount ("50000"), the source of the
    outcome as stored ("(ipn)") and no reason; it now names the channel, writes the amount in đồng, says
    how the outcome became known and why the attempt failed, in a table that stacks on a phone."""
    from tests.support.html import one, select

    PaymentIntent.objects.create(
        dossier=awaiting,
        payer=citizen,
        provider="vnpay",
        reference="F1",
        amount=AMOUNT,
        description="x",
        gateway_url="http://gateway.invalid/",
        created_stamp="20260101000000",
        expires_at=timezone.now() + timedelta(minutes=15),
        status=IntentStatus.FAILED,
        provider_code="51",
        settled_by="ipn",
    )
    client.force_login(actors.one_stop)
    html = client.get(f"/can-bo/ho-so/{awaiting.code}/").content.decode()
    panel = one(html, "section[aria-labelledby=payments-title]")
    [row] = select(panel, "tbody tr")
    cells = [cell.text for cell in select(row, "td")]
    assert cells[1] == "VNPAY (thẻ ATM, thẻ quốc tế, QR)"
    assert cells[2] == "50.000 đồng"
    assert "Không thành công (kênh thanh toán báo về)" in cells[3]
    assert "Lý do: Tài khoản của bạn không đủ số dư." in cells[3]
    assert cells[4] == "—"
    assert "table--stack" in one(panel, "table").classes
    client.cookies["congso_language"] = "en"
    html = client.get(f"/can-bo/ho-so/{awaiting.code}/").content.decode()
    assert "(notified by the payment channel)" in one(html, "section[aria-labelledby=payments-title]").text


def test_officer_panel_writes_a_refunds_amount_in_dong(awaiting, citizen, actors, client):
    """The refund line read "50000 — Chờ phê duyệt — …"; amounts are written in đồng as elsewhere."""
    from tests.support.html import one, select

    intent = _paid(awaiting, citizen)
    services.request_refund(intent, actors.one_stop, amount=AMOUNT, reason="Nộp thừa")
    client.force_login(actors.one_stop)
    html = client.get(f"/can-bo/ho-so/{awaiting.code}/").content.decode()
    [line] = select(one(html, "section[aria-labelledby=payments-title]"), "ul > li")
    assert line.text.startswith("50.000 đồng — ")


def test_refund_needs_a_reason_and_another_persons_approval(awaiting, citizen, actors):
    intent = _paid(awaiting, citizen)
    with pytest.raises(services.PaymentError):
        services.request_refund(intent, actors.one_stop, amount=AMOUNT, reason="  ")
    with pytest.raises(services.PaymentError):
        services.request_refund(intent, actors.one_stop, amount=AMOUNT + 1, reason="Thừa")
    with pytest.raises(PermissionDenied):
        services.request_refund(intent, citizen, amount=AMOUNT, reason="Tôi muốn")
    refund = services.request_refund(intent, actors.leader, amount=AMOUNT, reason="Hồ sơ bị dừng")
    with pytest.raises(PermissionDenied):  # not the one who asked
        services.decide_refund(refund, actors.leader, approve=True)
    with pytest.raises(PermissionDenied):  # not a leader
        services.decide_refund(refund, actors.specialist, approve=True)


def test_refund_rejected_with_a_note(awaiting, citizen, actors):
    intent = _paid(awaiting, citizen)
    refund = services.request_refund(intent, actors.one_stop, amount=1000, reason="Thu thừa")
    with pytest.raises(services.PaymentError):
        services.decide_refund(refund, actors.leader, approve=False, note="")
    refund = services.decide_refund(refund, actors.leader, approve=False, note="Không thu thừa")
    assert refund.status == "rejected" and refund.decided_by == actors.leader


def test_reconciliation_page_and_resolving_a_mismatch(awaiting, citizen, actors, client, officer, agency_c):
    intent = _paid(awaiting, citizen)
    run = ReconciliationRun.objects.create(provider="vnpay", day=timezone.localdate())
    mismatch = Mismatch.objects.create(
        run=run, kind=MismatchKind.AMOUNT, reference="P1", intent=intent, provider_amount=1, our_amount=AMOUNT
    )
    client.force_login(actors.specialist)
    assert client.get("/can-bo/thanh-toan/doi-soat/").status_code == 403
    run.statement_rows, run.matched = 4321, 987
    run.save()
    client.force_login(officer("leader", agency_c, "leader_c"))
    page = client.get("/can-bo/thanh-toan/doi-soat/").content.decode()
    # Another agency's mismatch and the run's provider-wide counts (its takings) are not shown.
    # (Looked up with their markup: a random CSRF token in the page may contain "P1" or "987".)
    assert "<code>P1</code>" not in page and "0 chênh lệch" in page
    assert "4321 dòng" not in page and "987 khớp" not in page
    for path in (
        f"/can-bo/thanh-toan/doi-soat/chenh-lech/{mismatch.pk}/",
        "/can-bo/thanh-toan/doi-soat/chenh-lech/999999/",
    ):
        assert client.post(path, {"reason": "x"}).status_code == 404  # not 403: its existence is not told
    mismatch.refresh_from_db()
    assert mismatch.resolved_at is None
    client.force_login(actors.leader)
    page = client.get("/can-bo/thanh-toan/doi-soat/").content.decode()
    assert "<code>P1</code>" in page and "4321 dòng" not in page and "1 chênh lệch" in page
    # The run's channel by its name and the amounts in đồng, as on the other pages (not "vnpay", "50000").
    assert "— VNPAY (thẻ ATM, thẻ quốc tế, QR) —" in page and "— vnpay —" not in page
    assert "<td>1 đồng</td><td>50.000 đồng</td>" in page
    client.post(f"/can-bo/thanh-toan/doi-soat/chenh-lech/{mismatch.pk}/", {"reason": ""})
    mismatch.refresh_from_db()
    assert mismatch.resolved_at is None
    client.post(
        f"/can-bo/thanh-toan/doi-soat/chenh-lech/{mismatch.pk}/", {"reason": "Ngân hàng hoàn phần chênh"}
    )
    mismatch.refresh_from_db()
    assert mismatch.resolved_by == actors.leader and mismatch.resolution == "Ngân hàng hoàn phần chênh"


def test_running_a_reconciliation_tells_a_leader_only_their_agencies_count(
    awaiting, citizen, actors, client, officer, agency_c, monkeypatch
):
    intent = _paid(awaiting, citizen)
    run = ReconciliationRun.objects.create(
        provider="vnpay", day=timezone.localdate() - timedelta(days=1), statement_rows=4321, matched=987
    )
    Mismatch.objects.create(run=run, kind=MismatchKind.AMOUNT, reference="P1", intent=intent)
    Mismatch.objects.create(run=run, kind=MismatchKind.MISSING_HERE, reference="P2")
    monkeypatch.setattr(services, "reconcile", lambda provider, day: run)
    form = {"provider": "vnpay", "day": run.day.isoformat()}
    for user, expected in (
        (actors.leader, "1 chênh lệch của cơ quan bạn"),
        (officer("leader", agency_c, "lc"), "0 chênh lệch của cơ quan bạn"),
    ):
        client.force_login(user)
        page = client.post("/can-bo/thanh-toan/doi-soat/", form, follow=True).content.decode()
        assert expected in page and "4321 dòng" not in page


def _pdf_file(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("ket-qua.pdf", content, "application/pdf")


def test_electronic_result_download_and_public_verification(
    drive, citizen, actors, client, media_root, settings
):
    dossier = drive(Status.IN_PROCESSING)
    upload = io.BytesIO(PDF)
    upload.name = "GiayXacNhan_NguyenVanAn_079203001234.pdf"  # a name that is personal data
    dossier_services.mark_result_ready(
        dossier, actors.specialist, result_files=[PaperUpload("", "Giấy xác nhận", upload)]
    )
    assert len(dossier_services.result_papers(dossier)) == 1
    client.force_login(citizen)
    html = client.get(f"/ho-so-cua-toi/{dossier.public_id}/").content.decode()
    (result,) = services.results_for_applicant(citizen, dossier)
    assert f"/thanh-toan/ket-qua/{result.token}/" in html
    download = client.get(f"/thanh-toan/ket-qua/{result.token}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert result.sha256 == hashlib.sha256(PDF).hexdigest()
    client.get(f"/thanh-toan/ket-qua/{result.token}/")
    result.refresh_from_db()
    assert result.downloads == 2
    client.logout()
    assert client.get(f"/thanh-toan/ket-qua/{result.token}/").status_code == 302  # sign in first
    ok = client.get(f"/thanh-toan/xac-minh-ket-qua/{result.token}/?sha256={result.sha256}").content.decode()
    assert "Khớp" in ok and dossier.code in ok
    assert "summary-list" in one(ok, "main dl").classes  # laid out as the dossier's facts are
    # The public page names the file neutrally, never by the name it was uploaded with.
    assert "NguyenVanAn" not in ok and "079203001234" not in ok and result.public_name in ok
    assert result.public_name == f"ket-qua-{dossier.code}-{result.paper_id}.pdf"
    wrong = client.get(f"/thanh-toan/xac-minh-ket-qua/{result.token}/?sha256={'0' * 64}").content.decode()
    assert "Không khớp" in wrong
    assert client.get("/thanh-toan/xac-minh-ket-qua/nope/").status_code == 404
    verify_url = f"/thanh-toan/xac-minh-ket-qua/{result.token}/"
    # The file itself, chosen on the page: hashed, compared, not kept.
    same = client.post(verify_url, {"file": SimpleUploadedFile("ban-sao.pdf", PDF, "application/pdf")})
    assert same.status_code == 200 and "Khớp." in same.content.decode()
    altered = client.post(
        verify_url, {"file": SimpleUploadedFile("ket-qua.pdf", PDF + b"\n", "application/pdf")}
    )
    assert "Không khớp." in altered.content.decode()
    # A mistyped hash or no file: a clear message, linked from the error summary, not "does not match".
    typo = client.get(verify_url, {"sha256": result.sha256[:-1] + "g"})
    assert typo.status_code == 400
    assert (
        "64 ký tự" in one(typo.content.decode(), ".error-summary").text
        and "Không khớp" not in typo.content.decode()
    )
    empty = client.post(verify_url, {})
    assert (
        empty.status_code == 400 and "Chọn tệp kết quả" in one(empty.content.decode(), ".error-summary").text
    )
    settings.CONGSO_UPLOAD_MAX_BYTES = len(PDF) - 1  # no result can be larger than an uploaded paper
    too_big = client.post(verify_url, {"file": _pdf_file(PDF)})
    assert too_big.status_code == 400 and "không thể là kết quả" in too_big.content.decode()


def test_online_payment_share(drive, citizen):
    paid = drive(Status.AWAITING_PAYMENT)
    drive(Status.AWAITING_PAYMENT)
    _paid(paid, citizen)
    today = timezone.localdate()
    share = services.online_payment_share(today - timedelta(days=1), today + timedelta(days=1))
    assert (share.dossiers_with_fee, share.paid_online, share.share) == (2, 1, 0.5)
    empty = services.online_payment_share(today - timedelta(days=30), today - timedelta(days=20))
    assert (empty.dossiers_with_fee, empty.share) == (0, 0.0)


def test_one_live_intent_per_dossier_and_amount_is_a_database_rule(awaiting):
    from django.db import IntegrityError, transaction

    fields = {
        "dossier": awaiting,
        "provider": "vnpay",
        "amount": AMOUNT,
        "description": "x",
        "gateway_url": "http://g.invalid/",
        "created_stamp": "1",
        "expires_at": timezone.now(),
    }
    PaymentIntent.objects.create(reference="A", status=IntentStatus.PENDING, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentIntent.objects.create(reference="B", status=IntentStatus.PENDING, **fields)
    PaymentIntent.objects.create(reference="C", status=IntentStatus.FAILED, **fields)


def test_sandbox_refuses_production(settings):
    from django.core.exceptions import ImproperlyConfigured

    from congso.sandbox.apps import refuse_in_production

    settings.IS_PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        refuse_in_production()


def test_inbound_messages_are_rate_limited(db, client, monkeypatch):
    from congso.payments import views

    monkeypatch.setattr(views, "INBOUND_LIMIT", 2)
    answers = [client.get("/thanh-toan/vnpay/ipn/?vnp_TxnRef=x").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    returns = [client.get("/thanh-toan/tro-ve/vnpay/?vnp_TxnRef=x")["Location"] for _ in range(3)]
    assert all(location.endswith("/ho-so-cua-toi/") for location in returns)


def test_dvcqg_failure_reasons_from_the_platforms_codes():
    platform = providers["dvcqg"]
    assert platform.failure_reason("00") == "" and platform.failure_reason("") == ""
    assert platform.failure_reason("4") == "Nền tảng thanh toán báo giao dịch không thành công."
    assert platform.failure_reason("11") == "Đã hết thời gian chờ thanh toán."
    # A code the table does not know is named by the service, so the payer can quote it.
    assert platform.failure_reason("42") == ""
    with translation.override("en"):
        assert platform.failure_reason("51") == "Your account has insufficient funds."


def test_intents_of_reads_what_select_related_reads(awaiting, citizen):
    """The named queries give the attempts ``select_related("receipt")`` gives, newest first, each
    receipt (or its absence) already loaded: reading it runs no statement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert services.intents_of(awaiting) == []
    paid = _paid(awaiting, citizen)
    failed = make_intent(awaiting, payer=citizen, reference="F2", status=IntentStatus.FAILED)
    expected = list(
        PaymentIntent.objects.filter(dossier=awaiting).select_related("receipt").order_by("-created_at")
    )
    found = services.intents_of(awaiting)
    assert [i.pk for i in found] == [i.pk for i in expected] == [failed.pk, paid.pk]
    with CaptureQueriesContext(connection) as queries:
        assert found[1].receipt.number == expected[1].receipt.number
        assert found[1].receipt.intent is found[1]
        with pytest.raises(Receipt.DoesNotExist):
            found[0].receipt  # noqa: B018 -- the attribute read is what is tested
    assert not queries.captured_queries
    fields = [f.attname for f in PaymentIntent._meta.concrete_fields]

    def values(intents):
        return [[getattr(i, f) for f in fields] for i in intents]

    assert values(found) == values(expected)
