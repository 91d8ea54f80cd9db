"""Demo documents (called from ``congso.demo``; seeding twice changes nothing): the development PKI of
the demo ward and the Department of Justice, an incoming letter from the Department registered by the
ward's clerk and assigned to the specialist, the ward's signed, issued reply sent electronically to the
Department (which received it and answered "arrived"), and a notice waiting for the leader's decision.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from congso.agencies import services as agencies
from congso.core import pdf
from congso.identity import services as identity

from . import devpki, exchange, services
from .models import IncomingDocument, OutgoingDocument, RecipientStatus

DEMO_INCOMING = "Đề nghị báo cáo tình hình đăng ký hộ tịch quý I năm 2026"
DEMO_REPLY = "Báo cáo tình hình đăng ký hộ tịch quý I năm 2026"
DEMO_NOTICE = "Lịch tiếp công dân của lãnh đạo UBND phường tháng 4 năm 2026"


def _user(username):
    return identity.find_by_username(username)


def seed_demo_documents() -> None:
    clerk, leader, specialist = _user("vanthu.phuong"), _user("lanhdao"), _user("chuyenvien")
    justice_leader = _user("lanhdao.stp")
    if None in (clerk, leader, specialist, justice_leader):
        return
    ward = agencies.agencies_for(leader, ["leader"]).first()
    justice = agencies.agencies_for(justice_leader, ["leader"]).first()
    if ward is None or justice is None:
        return
    devpki.ensure_root()
    for agency in (ward, justice):
        devpki.ensure_agency_seal(agency)
    devpki.ensure_signer(leader, ward)
    if IncomingDocument.objects.filter(agency=ward, summary=DEMO_INCOMING).exists():
        return
    today = timezone.localdate()
    scan = pdf.render_html(
        "<html><body><p><b>SỞ TƯ PHÁP TỈNH BÌNH DƯƠNG</b></p><p>Số: 125/STP-HCTP</p>"
        f"<p>V/v {DEMO_INCOMING.lower()}</p><p>(Bản quét minh họa)</p></body></html>"
    )
    received = services.register_incoming(
        agency=ward,
        by=clerk,
        sender_name=justice.name,
        sender_code=justice.code,
        number_symbol="125/STP-HCTP",
        document_type="CV",
        issued_on=today - timedelta(days=2),
        summary=DEMO_INCOMING,
        signer_name="Bùi Thanh Hà",
        scan=SimpleUploadedFile("125-STP-HCTP.pdf", scan, content_type="application/pdf"),
    )
    services.assign(
        received,
        by=leader,
        assignee=specialist,
        deadline=today + timedelta(days=7),
        opinion="Giao công chức Tư pháp – Hộ tịch tổng hợp số liệu, dự thảo báo cáo trình ký.",
    )
    reply = services.draft_outgoing(
        agency=ward,
        by=specialist,
        document_type="BC",
        summary=DEMO_REPLY,
        reply_to=received,
    )
    services.update_draft(
        reply,
        by=specialist,
        content=(
            f"Thực hiện Công văn số 125/STP-HCTP ngày {received.issued_on:%d/%m/%Y} của Sở Tư pháp, "
            "UBND phường báo cáo như sau:\n"
            "I. TÌNH HÌNH, KẾT QUẢ THỰC HIỆN\n"
            "Trong quý I năm 2026, UBND phường đã đăng ký khai sinh 214 trường hợp, khai tử 61 trường hợp, "
            "kết hôn 88 trường hợp; 97% hồ sơ được tiếp nhận và trả kết quả trực tuyến.\n"
            "II. KIẾN NGHỊ\n"
            "Đề nghị Sở Tư pháp tiếp tục tập huấn nghiệp vụ hộ tịch điện tử cho công chức cấp xã."
        ),
    )
    services.submit_for_approval(reply, by=specialist, approvers=[], signer=leader)
    services.decide(reply, by=leader, approve=True)
    services.sign(reply, by=leader)
    services.issue(reply, by=clerk)
    services.dispatch(reply, by=clerk)
    for incoming in exchange.deliver_dispatched(reply.pk):
        exchange.deliver_status(incoming.pk, RecipientStatus.ARRIVED)
    if not OutgoingDocument.objects.filter(agency=ward, summary=DEMO_NOTICE).exists():
        notice = services.draft_outgoing(agency=ward, by=specialist, document_type="TB", summary=DEMO_NOTICE)
        services.set_recipients(
            notice, by=specialist, recipients=[{"name": "Các tổ dân phố trên địa bàn phường"}]
        )
        services.submit_for_approval(notice, by=specialist, approvers=[], signer=leader)
