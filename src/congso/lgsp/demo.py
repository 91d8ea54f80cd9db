"""Demo data of the LGSP: the province's systems that serve citizens and businesses — the public service
portal, the one-stop information system, document management and two departments' systems — with the
services they offer, a right for the portal to call the one-stop system, and one consumer credential;
and, for publish / subscribe, the civil status system's right to follow the dossiers of every agency
(received, accepted, result ready, result returned) with a pull subscription to each.

The credential's client id is fixed (``DEMO_CLIENT_ID``); its secret is ``CONGSO_LGSP_DEMO_CLIENT_SECRET``
from the environment when set (at least 32 characters), otherwise generated and printed once; set later
(or changed), re-seeding gives the credential that secret (``ensure_demo_credential``). The
services are registered at a placeholder address (``*.demo.congso.local``) that the project's composition
(``congso.demo``) then points, through ``point_province_services``, at what really answers on the demo's
own web server: the one-stop system's public status lookup, the document system's exchange endpoint, and
the sandbox's simulators standing in for the civil status and construction permit systems.

``seed_national_services`` registers the national platform's services the project's composition
(``congso.demo``) hands it — the sandbox's simulators — as services of a national-platform member, with
a right for the portal to call them. Idempotent: a second run changes nothing.
"""

import os

from django.db import transaction

from congso.agencies import demo as agencies_demo

from . import services
from .models import ConsumerCredential, Member, MemberClass, Service, Subscription, System, SystemStatus

DEMO_CLIENT_ID = "cong-dvc-demo"
SECRET_VARIABLE = "CONGSO_LGSP_DEMO_CLIENT_SECRET"  # noqa: S105 — the name of the variable


# 1.1: the paths of what answers them on the demo's web server (1.0 named paths nothing served).
DEMO_API_VERSION = "1.1"


def _api(title: str, paths: dict) -> dict:
    return {"openapi": "3.0.3", "info": {"title": title, "version": DEMO_API_VERSION}, "paths": paths}


def _get(summary: str, parameter: str | None = None) -> dict:
    operation = {
        "summary": summary,
        "responses": {"200": {"description": "Thành công"}, "404": {"description": "Không tìm thấy"}},
    }
    if parameter:
        operation["parameters"] = [
            {"name": parameter, "in": "path", "required": True, "schema": {"type": "string"}}
        ]
    return {"get": operation}


# (agency key, system code, name, services: (code, name, description, OpenAPI paths))
DEMO_SYSTEMS = [
    (
        "science_technology",
        "CONGDVC",
        "Cổng dịch vụ công tỉnh",
        [],
    ),
    (
        "service_centre",
        "MOTCUA",
        "Hệ thống thông tin giải quyết thủ tục hành chính (một cửa điện tử)",
        [
            (
                "tra-cuu-ho-so",
                "Tra cứu tình trạng hồ sơ",
                "Trạng thái, hạn trả và kết quả của một hồ sơ theo mã hồ sơ.",
                {
                    "/{ma_ho_so}/": _get(
                        "Tình trạng một hồ sơ (trang tra cứu công khai, cần mã PIN)", "ma_ho_so"
                    )
                },
            )
        ],
    ),
    (
        "province_office",
        "QLVB",
        "Hệ thống quản lý văn bản và điều hành",
        [
            (
                "van-ban-den",
                "Tiếp nhận văn bản điện tử",
                "Văn bản đến gửi qua trục liên thông của tỉnh.",
                {
                    "/goi-tin": {
                        "post": {
                            "summary": "Gửi một gói tin edXML",
                            "responses": {"200": {"description": "Đã nhận"}},
                        }
                    }
                },
            )
        ],
    ),
    (
        "justice",
        "HOTICH",
        "Phần mềm đăng ký, quản lý hộ tịch",
        [
            (
                "trich-luc-ho-tich",
                "Trích lục hộ tịch",
                "Thông tin khai sinh đã đăng ký theo số định danh cá nhân "
                "(bản demo: trình mô phỏng CSDL dân cư).",
                {
                    "/api/v1/cong-dan/{SoDinhDanh}": _get(
                        "Thông tin khai sinh theo số định danh", "SoDinhDanh"
                    )
                },
            )
        ],
    ),
    (
        "construction",
        "CPXD",
        "Hệ thống cấp phép xây dựng",
        [
            (
                "giay-phep-xay-dung",
                "Tra cứu giấy phép xây dựng",
                "Thửa đất được cấp phép xây dựng theo mã thửa (bản demo: trình mô phỏng CSDL đất đai).",
                {"/api/v1/thua-dat/{MaThuaDat}": _get("Thửa đất của giấy phép", "MaThuaDat")},
            )
        ],
    ),
]


def _system(agency, code: str, name: str) -> System:
    member = services.member_for_agency(agency)
    existing = System.objects.filter(member=member, code=code).first()
    if existing is not None:
        return existing
    return services.register_system(
        member, code, name, serves_public=True, status=SystemStatus.CONNECTED, owner_agency=agency
    )


# Services answering with a person's data (every read through the LGSP recorded against the person the
# named path parameter identifies; "" when no parameter names them).
PERSONAL_DATA_SERVICES = {"trich-luc-ho-tich": "SoDinhDanh", "giay-phep-xay-dung": ""}


def _service(system: System, code: str, name: str, description: str, paths: dict) -> Service:
    existing = Service.objects.filter(system=system, code=code).first()
    if existing is not None:
        return existing
    return services.register_service(
        system,
        code,
        name,
        f"https://{system.code.lower()}.demo.congso.local/api",
        description=description,
        openapi_document=_api(name, paths),
        personal_data=code in PERSONAL_DATA_SERVICES,
        data_subject_parameter=PERSONAL_DATA_SERVICES.get(code, ""),
    )


@transaction.atomic
def seed_demo_lgsp(verbose: bool = True) -> dict[str, System]:
    """Register the demo systems and services, the portal's right and credential; return the systems."""
    agencies = agencies_demo.seed_demo_agencies()
    systems, offered = {}, {}
    for agency_key, code, name, service_specs in DEMO_SYSTEMS:
        systems[code] = _system(agencies[agency_key], code, name)
        for spec in service_specs:
            offered[spec[0]] = _service(systems[code], *spec)
    services.grant_access(offered["tra-cuu-ho-so"], system=systems["CONGDVC"])
    services.ensure_signing_keys()
    _follow_dossiers(systems["HOTICH"])
    given = os.environ.get(SECRET_VARIABLE, "")
    if given and ConsumerCredential.objects.filter(client_id=DEMO_CLIENT_ID).exists():
        # A secret given now (perhaps not at the first seeding, or another one) is the one accepted.
        ensure_demo_credential(DEMO_CLIENT_ID, given)
    elif not ConsumerCredential.objects.filter(client_id=DEMO_CLIENT_ID).exists():
        issued = services.create_credential(systems["CONGDVC"], client_id=DEMO_CLIENT_ID, secret=given)
        if verbose:
            print(f"\nLGSP: thông tin xác thực minh họa / demo credential of {systems['CONGDVC'].identifier}")
            print(f"  client_id     {issued.credential.client_id}")
            if given:
                print(f"  client_secret (từ biến môi trường / from ${SECRET_VARIABLE})")
            else:
                print(f"  client_secret {issued.secret}   (chỉ hiển thị lần này / shown this once)")
            print()
    return systems


def point_province_services(upstreams: dict[str, dict]) -> list[Service]:
    """Point each demo service named in ``upstreams`` (service code → ``upstream_url`` and optionally
    ``health_path``, ``upstream_token_variable``) at what answers it, and bring a demo database seeded
    before version 1.1 up to the paths that address serves. Idempotent."""
    documents = {spec[0]: _api(spec[1], spec[3]) for *_, specs in DEMO_SYSTEMS for spec in specs}
    pointed = []
    for service in Service.objects.filter(code__in=list(upstreams), system__code__in=_demo_system_codes()):
        spec = upstreams[service.code]
        wanted = (spec["upstream_url"], spec.get("health_path", ""), spec.get("upstream_token_variable", ""))
        if (service.upstream_url, service.health_path, service.upstream_token_variable) != wanted:
            services.set_upstream(service, wanted[0], health_path=wanted[1], token_variable=wanted[2])
        if not service.versions.filter(version=DEMO_API_VERSION).exists():
            services.register_service_version(service, documents[service.code], publish=True)
        pointed.append(service)
    return pointed


def _demo_system_codes() -> list[str]:
    return [code for _key, code, _name, _specs in DEMO_SYSTEMS]


DEMO_FOLLOWED_EVENTS = (
    "dossier.submitted",
    "dossier.accepted",
    "dossier.result_ready",
    "dossier.result_returned",
)


def _follow_dossiers(system: System) -> None:
    types = {t.code: t for t in services.ensure_domain_event_types()}
    for code in DEMO_FOLLOWED_EVENTS:
        services.grant_events(types[code], system=system, all_agencies=True)
        if not Subscription.objects.filter(system=system, event_type=types[code]).exists():
            services.subscribe(system, types[code], "pull")


# The national data exchange platform (NDXP) as an LGSP member: class GOV, code NDXP [verify: the code
# the national platform is registered under in the province's X-Road-style registry].
NATIONAL_MEMBER_CODE = "NDXP"
NATIONAL_MEMBER_NAME = "Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP)"
NATIONAL_SYSTEM_CODE = "QUOCGIA"
NATIONAL_SYSTEM_NAME = "Cơ sở dữ liệu quốc gia kết nối qua NDXP"


@transaction.atomic
def seed_national_services(national: list[dict], consumer_code: str = "CONGDVC") -> list[Service]:
    """Register each of ``national`` (``code``, ``name``, ``upstream_url``, ``openapi`` and optionally
    ``health_path``, ``personal_data``, ``data_subject_parameter``, ``upstream_token_variable``) as a
    service of the national platform's system, and grant the demo system ``consumer_code`` access to it.
    A service already registered keeps its row but takes the given upstream address (the demo's port
    may change)."""
    member = Member.objects.filter(code=NATIONAL_MEMBER_CODE).first() or services.register_member(
        code=NATIONAL_MEMBER_CODE, name=NATIONAL_MEMBER_NAME, member_class=MemberClass.GOV
    )
    system = System.objects.filter(member=member, code=NATIONAL_SYSTEM_CODE).first()
    if system is None:
        system = services.register_system(
            member, NATIONAL_SYSTEM_CODE, NATIONAL_SYSTEM_NAME, status=SystemStatus.CONNECTED
        )
    consumer = System.objects.filter(code=consumer_code).first()
    registered = []
    for spec in national:
        service = Service.objects.filter(system=system, code=spec["code"]).first()
        if service is None:
            service = services.register_service(
                system,
                spec["code"],
                spec["name"],
                spec["upstream_url"],
                openapi_document=spec["openapi"],
                personal_data=spec.get("personal_data", False),
                data_subject_parameter=spec.get("data_subject_parameter", ""),
            )
        wanted = (spec["upstream_url"], spec.get("health_path", ""), spec.get("upstream_token_variable", ""))
        if (service.upstream_url, service.health_path, service.upstream_token_variable) != wanted:
            services.set_upstream(service, wanted[0], health_path=wanted[1], token_variable=wanted[2])
        if consumer is not None and not services.rights_of(service).filter(system=consumer).exists():
            services.grant_access(service, system=consumer)
        registered.append(service)
    return registered


@transaction.atomic
def ensure_demo_credential(client_id: str, secret: str, system_code: str = "CONGDVC", *, system=None):
    """A credential ``client_id`` that accepts ``secret``, for ``system`` or else the demo system
    ``system_code`` (the platform's consumer of the national registries, the document system). None when
    the system does not exist or no secret is given.

    ``secret`` is what the platform's settings hold and present: an existing credential that no longer
    accepts it (the setting changed since the var dir was seeded, or the secret was rotated in the
    catalogue) is given it again, else the platform's calls would fail with invalid_client after every
    restart while the seeding reported success."""
    if not secret:
        return None
    existing = ConsumerCredential.objects.filter(client_id=client_id).first()
    if existing is not None:
        if not services.has_secret(existing, secret):
            services.rotate_credential(existing, secret=secret)
        return existing
    system = system or System.objects.filter(code=system_code).first()
    if system is None:
        return None
    return services.create_credential(system, client_id=client_id, secret=secret).credential
