"""Demo data of the open API: congso's API registered in the LGSP as a service of congso's own one-stop
system (``MOTCUA`` of the public administration service centre), with the gateway's provider credential
named by ``UPSTREAM_TOKEN_VARIABLE``, and the civil status software of the Department of Justice
(``HOTICH``) allowed to call it, acting for the department's demo officers (``chuyenvien.stp``,
``lanhdao.stp``), with a credential of its own (secret printed once)."""

import os

from django.db import transaction

from congso.agencies import demo as agencies_demo
from congso.lgsp import demo as lgsp_demo
from congso.lgsp import services as lgsp

from .schema import gateway_document

SERVICE_CODE = "api-ho-so"
SERVICE_NAME = "API mở của hệ thống một cửa (congso)"
PROVIDER_SYSTEM = "MOTCUA"
CONSUMER_SYSTEM = "HOTICH"
CONSUMER_CLIENT_ID = "hotich-demo"
CONSUMER_SECRET_VARIABLE = "CONGSO_API_DEMO_CLIENT_SECRET"  # noqa: S105 — a variable name
# The gateway process's variable holding what it presents to the API (CONGSO_API_GATEWAY_TOKEN there).
UPSTREAM_TOKEN_VARIABLE = "CONGSO_LGSP_UPSTREAM_TOKEN_CONGSO_API"  # noqa: S105 — a variable name


def service_identifier() -> str:
    """The demo API's ``MEMBER/SYSTEM/SERVICE`` (what ``CONGSO_API_SERVICE`` names)."""
    agencies = agencies_demo.seed_demo_agencies()
    return f"{agencies['service_centre'].code}/{PROVIDER_SYSTEM}/{SERVICE_CODE}"


def _system(agency, code: str):
    return lgsp.find_system(f"GOV/{agency.code}/{code}")


@transaction.atomic
def seed_demo_api(upstream_url: str, verbose: bool = True):
    """Register (or bring up to date) the API's service at ``upstream_url`` (``…/api/v1``); idempotent."""
    agencies = agencies_demo.seed_demo_agencies()
    provider = _system(agencies["service_centre"], PROVIDER_SYSTEM)
    consumer = _system(agencies["justice"], CONSUMER_SYSTEM)
    if provider is None:  # the LGSP's demo seeding registers it first
        return None
    document = gateway_document()
    service = provider.services.filter(code=SERVICE_CODE).first()
    if service is None:
        service = lgsp.register_service(
            provider,
            SERVICE_CODE,
            SERVICE_NAME,
            upstream_url,
            description="Thủ tục, cơ quan, hồ sơ và các thao tác xử lý hồ sơ (docs/api.md).",
            openapi_document=document,
            health_path="/openapi.json",
        )
    elif not service.versions.filter(version=document["info"]["version"]).exists():
        # A new API version (SPECTACULAR_SETTINGS' VERSION) is registered and published; the same one
        # is left as it is.
        lgsp.register_service_version(service, document, publish=True)
    if (service.upstream_url, service.upstream_token_variable) != (upstream_url, UPSTREAM_TOKEN_VARIABLE):
        lgsp.set_upstream(
            service, upstream_url, health_path="/openapi.json", token_variable=UPSTREAM_TOKEN_VARIABLE
        )
    if consumer is not None:
        if not lgsp.rights_of(service).filter(system=consumer).exists():
            lgsp.grant_access(service, system=consumer)
        given = os.environ.get(CONSUMER_SECRET_VARIABLE, "")
        if given and consumer.credentials.filter(client_id=CONSUMER_CLIENT_ID).exists():
            # A secret given now (perhaps not at the first seeding, or another one) is the one accepted.
            lgsp_demo.ensure_demo_credential(CONSUMER_CLIENT_ID, given, system=consumer)
        elif not consumer.credentials.filter(client_id=CONSUMER_CLIENT_ID).exists():
            issued = lgsp.create_credential(consumer, client_id=CONSUMER_CLIENT_ID, secret=given)
            if verbose:
                print(f"\nAPI: thông tin xác thực minh họa / demo credential of {consumer.identifier}")
                print(f"  client_id     {issued.credential.client_id}")
                if not given:
                    print(f"  client_secret {issued.secret}   (chỉ hiển thị lần này / shown this once)")
    return service
