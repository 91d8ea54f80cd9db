"""Fixtures of the documents tests: a development PKI in a temporary directory, uploads in a temporary
media root, and the cast of one agency (clerk, leader, specialist) plus an outsider."""

from datetime import date

import pytest

from congso.documents import services
from tests.documents.exchange_helpers import GATEWAY_TOKEN, document_system_credential
from tests.samples import pdf


@pytest.fixture(autouse=True)
def _documents_sandbox(media_root, settings, tmp_path_factory):
    """Uploaded files and the development PKI of each test in temporary directories."""
    settings.CONGSO_DOCUMENTS_PKI_DIR = str(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def cast(officer, agency_a, agency_b):
    class Cast:
        clerk = officer("clerk", agency_a, "vanthu_a", full_name="Trần Thị Văn Thư")
        leader = officer("leader", agency_a, "lanhdao_a", full_name="Lê Văn Lãnh Đạo")
        deputy = officer("leader", agency_a, "phochutich_a", full_name="Phạm Phó Chủ Tịch")
        specialist = officer("specialist", agency_a, "chuyenvien_a", full_name="Ngô Chuyên Viên")
        other_specialist = officer("specialist", agency_a, "chuyenvien2_a")
        clerk_b = officer("clerk", agency_b, "vanthu_b")
        leader_b = officer("leader", agency_b, "lanhdao_b")

    return Cast


@pytest.fixture
def incoming(cast, agency_a):
    def make(**overrides):
        arguments = {
            "agency": agency_a,
            "by": cast.clerk,
            "sender_name": "Sở Tư pháp tỉnh Bình Dương",
            "number_symbol": "125/STP-HCTP",
            "document_type": "CV",
            "issued_on": date(2026, 3, 2),
            "summary": "Đề nghị báo cáo tình hình đăng ký hộ tịch quý I",
            "scan": pdf("congvan.pdf"),
        }
        arguments.update(overrides)
        return services.register_incoming(**arguments)

    return make


@pytest.fixture
def signed_draft(cast, agency_a, agency_b):
    """An outgoing decision drafted by the specialist, approved by the deputy and the leader, signed."""

    def make(summary="Về việc công nhận tổ dân phố văn hóa năm 2026", document_type="QĐ"):
        draft = services.draft_outgoing(
            agency=agency_a, by=cast.specialist, document_type=document_type, summary=summary
        )
        services.set_recipients(
            draft, by=cast.specialist, recipients=[{"agency": agency_b}, {"name": "Lưu hồ sơ"}]
        )
        services.submit_for_approval(draft, by=cast.specialist, approvers=[cast.deputy], signer=cast.leader)
        services.decide(draft, by=cast.deputy, approve=True)
        services.decide(draft, by=cast.leader, approve=True)
        return services.sign(draft, by=cast.leader)

    return make


@pytest.fixture
def endpoint(settings, agency_a):
    """The receiving end of the exchange, called as the gateway would: the calling system's identifier."""
    settings.CONGSO_DOCUMENTS_GATEWAY_TOKEN = GATEWAY_TOKEN
    return document_system_credential(agency_a, "PEER").identifier
