"""Demo of the exchange beyond this installation (called from ``congso.demo``; seeding twice changes
nothing):

- the documents exchange service (``lien-thong-van-ban``) registered in the LGSP as a service of the
  province's document management system (``QLVB``), its upstream this web server's
  ``/lien-thong-van-ban``, the gateway presenting the provider credential from
  ``UPSTREAM_TOKEN_VARIABLE``; the system holds the consumer credential the block's settings name and a
  right to call it (another installation's system would get the same right);
- when the national axis is simulated (``outside`` given): a công văn of the demo ward to an agency
  outside the installation, issued and dispatched — the worker sends it through the gateway to the axis,
  the outside agency answers "01 arrived" and later "06 done", and the pull job brings both back to the
  document's page.
"""

from congso.agencies import demo as agencies_demo
from congso.agencies import services as agencies
from congso.identity import services as identity
from congso.lgsp import demo as lgsp_demo
from congso.lgsp import services as lgsp

from . import exchange_conf, services
from .models import OutgoingDocument

SERVICE_CODE = "lien-thong-van-ban"
HEALTH_PATH = "/"
SERVICE_NAME = "Liên thông văn bản điện tử (edXML)"
SYSTEM_CODE = "QLVB"
# The gateway process's variable holding what it presents to the receiving endpoint
# (CONGSO_DOCUMENTS_GATEWAY_TOKEN in the web process).
UPSTREAM_TOKEN_VARIABLE = "CONGSO_LGSP_UPSTREAM_TOKEN_DOCUMENTS"  # noqa: S105 — a variable name
DEMO_AXIS_LETTER = "Đề nghị cung cấp số liệu cải cách hành chính năm 2026"


def exchange_openapi() -> dict:
    xml_body = {"required": True, "content": {"application/xml": {"schema": {"type": "string"}}}}
    answers = {
        "200": {"description": "errorCode 0: đã nhận"},
        "400": {"description": "errorCode 302: gói tin bị từ chối (lý do trong message)"},
        "401": {"description": "errorCode 100: không qua cổng LGSP"},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": SERVICE_NAME, "version": "1.0"},
        "paths": {
            "/goi-tin": {
                "post": {"summary": "Nhận một gói tin edXML", "requestBody": xml_body, "responses": answers}
            },
            "/trang-thai": {
                "post": {
                    "summary": "Nhận một thông điệp trạng thái",
                    "requestBody": xml_body,
                    "responses": answers,
                }
            },
        },
    }


def service_identifier() -> str:
    office = agencies_demo.seed_demo_agencies()["province_office"]
    return f"{office.code}/{SYSTEM_CODE}/{SERVICE_CODE}"


def register_exchange_service(upstream_url: str):
    """The exchange service of the province's QLVB system at ``upstream_url``, with the system's
    credential and right; None when the LGSP's demo has not registered the system."""
    office = agencies_demo.seed_demo_agencies()["province_office"]
    system = lgsp.find_system(f"GOV/{office.code}/{SYSTEM_CODE}")
    if system is None:
        return None
    service = system.services.filter(code=SERVICE_CODE).first()
    if service is None:
        service = lgsp.register_service(
            system,
            SERVICE_CODE,
            SERVICE_NAME,
            upstream_url,
            description="Gói tin edXML (QCVN 102:2016) và thông điệp trạng thái giữa các hệ thống QLVB.",
            openapi_document=exchange_openapi(),
        )
    # The health check reads the endpoint's root (``exchange_views.health``), which answers without a
    # credential; the other paths take only the gateway's POSTs.
    wanted = (upstream_url, HEALTH_PATH, UPSTREAM_TOKEN_VARIABLE)
    if (service.upstream_url, service.health_path, service.upstream_token_variable) != wanted:
        lgsp.set_upstream(
            service, upstream_url, health_path=HEALTH_PATH, token_variable=UPSTREAM_TOKEN_VARIABLE
        )
    if not lgsp.rights_of(service).filter(system=system).exists():
        lgsp.grant_access(service, system=system)
    # The same rule as the registries' credential: the secret the settings hold is the one accepted.
    lgsp_demo.ensure_demo_credential(exchange_conf.client_id(), exchange_conf.client_secret(), system=system)
    return service


def send_demo_letter(outside_code: str, outside_name: str) -> OutgoingDocument | None:
    """The demo ward's công văn to ``outside_code``, dispatched (once)."""
    clerk, leader, specialist = (
        identity.find_by_username(u) for u in ("vanthu.phuong", "lanhdao", "chuyenvien")
    )
    if None in (clerk, leader, specialist):
        return None
    ward = agencies.agencies_for(leader, ["leader"]).first()
    existing = OutgoingDocument.objects.filter(agency=ward, summary=DEMO_AXIS_LETTER).first()
    if ward is None or existing is not None:
        return existing
    letter = services.draft_outgoing(agency=ward, by=specialist, document_type="CV", summary=DEMO_AXIS_LETTER)
    services.update_draft(
        letter,
        by=specialist,
        content=(
            "Để tổng hợp kết quả cải cách hành chính năm 2026, UBND phường đề nghị Quý cơ quan cung cấp "
            "hướng dẫn về bộ chỉ số theo dõi, đánh giá chất lượng phục vụ người dân, doanh nghiệp."
        ),
    )
    services.set_recipients(
        letter, by=specialist, recipients=[{"organ_code": outside_code, "name": outside_name}]
    )
    services.submit_for_approval(letter, by=specialist, approvers=[], signer=leader)
    services.decide(letter, by=leader, approve=True)
    services.sign(letter, by=leader)
    services.issue(letter, by=clerk)
    return services.dispatch(letter, by=clerk)
