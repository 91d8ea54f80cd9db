"""Demo data for the province of the seed (Bình Dương): units, agencies, one account per role, and
whatever each block contributes (procedures, processes…). Seeding twice changes nothing.

This module composes the blocks' own ``demo`` functions; it is used by ``congso demo`` and
``congso seed-demo`` and refuses to create accounts with a known password in the production profile.
"""

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

DEMO_PASSWORD = "congso-demo-2026"  # noqa: S105 — published on purpose: demo accounts only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    kind: str
    role: str | None  # agencies.Role value, None for citizens and businesses
    agency_key: str | None  # key in the dict returned by agencies.demo.seed_demo_agencies()
    description: str
    national_id: str | None = None
    tax_code: str = ""
    title: str = ""
    date_of_birth: date | None = None


ACCOUNTS = [
    DemoAccount(
        "congdan",
        "Nguyễn Văn An",
        "citizen",
        None,
        None,
        "Công dân / citizen",
        national_id="074090001234",
        date_of_birth=date(1990, 5, 12),
    ),
    DemoAccount(
        "doanhnghiep",
        "Trần Thị Bình",
        "business",
        None,
        None,
        "Đại diện doanh nghiệp / business representative",
        # The legal representative the business registry simulator names (mandates: /uy-quyen/).
        national_id="074185000111",
        tax_code="3700123456",
        date_of_birth=date(1985, 3, 3),
    ),
    DemoAccount(
        "motcua",
        "Lê Thị Cúc",
        "official",
        "one_stop_officer",
        "commune",
        "Cán bộ một cửa (UBND phường) / one-stop officer",
    ),
    DemoAccount(
        "motcua.tinh",
        "Phạm Minh Đức",
        "official",
        "one_stop_officer",
        "service_centre",
        "Cán bộ một cửa (Trung tâm PVHCC tỉnh) / one-stop officer, province",
    ),
    DemoAccount(
        "chuyenvien",
        "Hoàng Văn Em",
        "official",
        "specialist",
        "commune",
        "Chuyên viên (UBND phường) / specialist",
        title="Công chức Tư pháp – Hộ tịch",
    ),
    DemoAccount(
        "chuyenvien.stp",
        "Võ Thị Giang",
        "official",
        "specialist",
        "justice",
        "Chuyên viên Sở Tư pháp / specialist, Department of Justice",
    ),
    DemoAccount(
        "lanhdao",
        "Đặng Quốc Huy",
        "official",
        "leader",
        "commune",
        "Lãnh đạo (Phó Chủ tịch UBND phường) / leader",
        title="Phó Chủ tịch",
    ),
    DemoAccount(
        "lanhdao.stp",
        "Bùi Thanh Hà",
        "official",
        "leader",
        "justice",
        "Lãnh đạo Sở Tư pháp / leader, Department of Justice",
        title="Phó Giám đốc",
    ),
    DemoAccount(
        "vanthu",
        "Ngô Thị Kim",
        "official",
        "clerk",
        "province_office",
        "Văn thư (Văn phòng UBND tỉnh) / clerk",
    ),
    DemoAccount(
        "vanthu.phuong",
        "Mai Thị Lan",
        "official",
        "clerk",
        "commune",
        "Văn thư (UBND phường) / clerk, ward",
    ),
    DemoAccount(
        "quantri.coquan",
        "Lý Văn Long",
        "official",
        "agency_admin",
        "commune",
        "Quản trị cơ quan / agency administrator",
    ),
    DemoAccount(
        "quantri",
        "Trịnh Minh Quân",
        "official",
        "platform_admin",
        "science_technology",
        "Quản trị nền tảng (Sở KH&CN) / platform administrator (also Django admin)",
    ),
]


# Where the citizen account lives (Phường Thủ Dầu Một, GSO 25747): on the demo dossiers and in the
# population simulator.
CITIZEN_WARD_CODE = "25747"
CITIZEN_STREET_ADDRESS = "Số 12 đường Yersin"

# People the demo dossiers were received for at the counter (not accounts): the population simulator
# knows them too.
COUNTER_APPLICANTS = {
    "bao": {"name": "Trần Văn Bảo", "national_id": "074088004321", "phone": "0987654321"},
    "hoa": {"name": "Lê Thị Hoa", "national_id": "074190007777"},
}


def _block_seeders():
    """Each block's demo seeding after agencies and accounts, in dependency order."""
    from congso.catalog.demo import seed_demo_catalog
    from congso.documents.demo import seed_demo_documents
    from congso.lgsp.demo import seed_demo_lgsp
    from congso.notifications.demo import seed_demo_notifications
    from congso.workflow.services import load_default_processes

    seeders = [
        ("congso.identity.demo", _seed_identity),
        ("congso.catalog.demo", seed_demo_catalog),
        ("congso.workflow.services", load_default_processes),
        ("congso.lgsp.demo", seed_demo_lgsp),
        ("congso.notifications.demo", seed_demo_notifications),
        ("congso.documents.demo", seed_demo_documents),
        ("congso.api.demo", _wire_api_into_lgsp),
    ]
    if apps.is_installed("congso.sandbox"):
        seeders.append(("congso.sandbox.demo", _seed_sandbox))
        seeders.append(("congso.lgsp.demo", _wire_sandbox_into_lgsp))
    from congso.registries.demo import seed_demo_registries

    seeders.append(("congso.registries.demo", seed_demo_registries))
    seeders.append(("congso.documents.demo_exchange", _wire_documents_exchange))
    seeders.append(("congso.lgsp.demo", _wire_province_services))
    return seeders


def _seed_identity() -> None:
    """The demo's officials get an authenticator with the published TOTP secret (docs/identity.md)."""
    from congso.identity.demo import mark_demo_numbers_verified, seed_demo_second_factor

    seed_demo_second_factor([account.username for account in ACCOUNTS if account.kind == "official"])
    # Demo databases made before levels of assurance existed: the demo citizen's number is verified too.
    mark_demo_numbers_verified([account.username for account in ACCOUNTS if account.national_id])


def demo_web_url() -> str:
    """Where the demo's web server answers, as the gateway (on the same machine) reaches it:
    ``CONGSO_DEMO_WEB_URL``, else http://127.0.0.1 on ``CONGSO_PORT`` (``congso demo --port``, 8000)."""
    import os

    given = getattr(settings, "CONGSO_DEMO_WEB_URL", "") or os.environ.get("CONGSO_DEMO_WEB_URL", "")
    return (given or f"http://127.0.0.1:{os.environ.get('CONGSO_PORT', '8000')}").rstrip("/")


def _wire_api_into_lgsp() -> None:
    """congso's open API registered in the LGSP, its upstream on this web server's ``/api/v1``."""
    from congso.api.demo import seed_demo_api

    seed_demo_api(demo_web_url() + "/api/v1")


def _wire_sandbox_into_lgsp() -> None:
    """The sandbox's national simulators registered in the LGSP as services of the national platform,
    their upstream on this web server's ``/sandbox/…`` paths, callable by the demo portal's credential
    through the gateway. The LGSP may not import the sandbox (layers), so this composition hands it
    plain data."""
    from congso.lgsp.demo import seed_national_services
    from congso.sandbox.services import dvcqg_service, national_services

    base = demo_web_url()
    population = national_services()[0].code
    seed_national_services(
        [
            {
                "code": national.code,
                "name": national.name,
                "upstream_url": base + national.base_path,
                "openapi": national.openapi,
                "health_path": "/openapi.json",
                # The population database answers with a citizen's personal data, found by the path
                # parameter of its lookup: every read through the LGSP is recorded against that ID.
                "personal_data": national.code in (population, "dat-dai"),
                "data_subject_parameter": "SoDinhDanh" if national.code == population else "",
                # The simulators want their own bearer token; the gateway sends it from its environment
                # (``congso demo`` sets the variable from CONGSO_SANDBOX_TOKEN for the gateway process).
                "upstream_token_variable": SANDBOX_TOKEN_VARIABLE,
            }
            for national in national_services()
        ]
        + [
            {
                # The simulated national portal: the link with it (nationalportal) may go through the
                # gateway (CONGSO_DVCQG_LGSP_* settings, docs/nationalportal.md).
                "code": dvcqg_service().code,
                "name": dvcqg_service().name,
                "upstream_url": base + dvcqg_service().base_path,
                "openapi": dvcqg_service().openapi,
                "health_path": "/",
            }
        ]
    )


# Agencies outside the installation on the simulated national document axis, answering automatically
# [verify: the electronic identifier codes the ministries hold under Decision 20/2020/QĐ-TTg].
OUTSIDE_AXIS_AGENCIES = [
    ("000.00.00.G22", "Bộ Nội vụ (cơ quan mô phỏng trên trục quốc gia)"),
    ("000.00.00.H22", "UBND tỉnh Hà Giang (cơ quan mô phỏng trên trục quốc gia)"),
]


def _wire_documents_exchange() -> None:
    """The documents exchange service in the LGSP (receiving on this web server), the simulated national
    document axis registered as a national service the document system may call, its outside agencies,
    and a letter to one of them that the worker sends through the gateway and the axis."""
    from congso.documents import demo_exchange

    if demo_exchange.register_exchange_service(demo_web_url() + "/lien-thong-van-ban") is None:
        return
    if not apps.is_installed("congso.sandbox"):
        return
    from congso.lgsp.demo import seed_national_services
    from congso.sandbox.services import document_axis_service, seed_outside_agencies

    axis = document_axis_service()
    seed_national_services(
        [
            {
                "code": axis.code,
                "name": axis.name,
                "upstream_url": demo_web_url() + axis.base_path,
                "openapi": axis.openapi,
                "health_path": "/openapi.json",
                "upstream_token_variable": SANDBOX_TOKEN_VARIABLE,
            }
        ],
        consumer_code=demo_exchange.SYSTEM_CODE,
    )
    seed_outside_agencies(OUTSIDE_AXIS_AGENCIES)
    demo_exchange.send_demo_letter(*OUTSIDE_AXIS_AGENCIES[0])


def _wire_province_services() -> None:
    """The province systems' demo services pointed at what answers them on this web server, so that each
    one the LGSP catalogue lists is up: the one-stop system's (congso's) public status lookup, the document
    system's (congso's) exchange endpoint, and — the province's civil status and construction permit
    software being outside congso — the sandbox's population and land simulators standing in for them."""
    from congso.documents import demo_exchange
    from congso.lgsp.demo import point_province_services

    base = demo_web_url()
    upstreams = {
        "tra-cuu-ho-so": {"upstream_url": base + "/tra-cuu", "health_path": "/"},
        "van-ban-den": {
            "upstream_url": base + "/lien-thong-van-ban",
            "health_path": "/",
            "upstream_token_variable": demo_exchange.UPSTREAM_TOKEN_VARIABLE,
        },
    }
    if apps.is_installed("congso.sandbox"):
        from congso.sandbox.services import national_services

        simulators = {national.code: national for national in national_services()}
        for code, simulator in (("trich-luc-ho-tich", "csdlqg-dan-cu"), ("giay-phep-xay-dung", "dat-dai")):
            upstreams[code] = {
                "upstream_url": base + simulators[simulator].base_path,
                "health_path": "/openapi.json",
                "upstream_token_variable": SANDBOX_TOKEN_VARIABLE,
            }
    point_province_services(upstreams)


# The environment variable of the gateway process that holds the simulators' token.
SANDBOX_TOKEN_VARIABLE = "CONGSO_LGSP_UPSTREAM_TOKEN_SANDBOX"  # noqa: S105 — a variable name


def _seed_sandbox() -> None:
    """The simulated national registers, agreeing with the demo: every citizen account and counter
    applicant is a citizen of the population simulator, every business account a business of the
    registry simulator with the account holder as its legal representative."""
    from congso.sandbox.demo import KnownBusiness, Person, seed_demo_sandbox

    people = [
        Person(a.national_id, a.full_name, a.date_of_birth, CITIZEN_WARD_CODE, CITIZEN_STREET_ADDRESS)
        for a in ACCOUNTS
        if a.national_id
    ]
    people += [Person(p["national_id"], p["name"]) for p in COUNTER_APPLICANTS.values()]
    businesses = [
        KnownBusiness(a.tax_code, a.full_name, a.national_id or "", a.date_of_birth)
        for a in ACCOUNTS
        if a.tax_code
    ]
    seed_demo_sandbox(people, businesses)


def seed(verbose: bool = False) -> dict:
    """Seed everything the demo needs; return the accounts created or found."""
    from congso.agencies import demo as agencies_demo
    from congso.agencies import services as agency_services
    from congso.reporting import aggregates as reporting_aggregates
    from congso.reporting.demo import seed_demo_reporting

    if settings.IS_PRODUCTION:
        raise RuntimeError("Refusing to seed demo accounts with a published password in production.")
    from django.utils import timezone

    from congso.core import working_days

    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year, this_year + 1):
        working_days.ensure_year(year)
    with transaction.atomic():
        agencies_demo.seed_demo_units()
        agencies = agencies_demo.seed_demo_agencies()
        users = {}
        for account in ACCOUNTS:
            users[account.username] = _ensure_account(account)
            if account.role:
                agency_services.ensure_membership(
                    users[account.username], agencies[account.agency_key], account.role, title=account.title
                )
    for _module_name, step in _block_seeders():
        with transaction.atomic():
            step()
    with transaction.atomic():
        from congso.identity.oidc.demo import seed_demo_oidc

        seed_demo_oidc(agencies["science_technology"])
    with transaction.atomic():
        _seed_demo_dossiers(users, agencies)
    if apps.is_installed("congso.sandbox"):
        with transaction.atomic():
            _seed_national_portal(agencies)
    with transaction.atomic():
        _seed_demo_payment(users, agencies)
    # The indicators of the demo dossiers at once, not after the worker has delivered their events.
    reporting_aggregates.rebuild()
    with transaction.atomic():
        seed_demo_reporting()
    if verbose:
        print_accounts()
    return users


def _ensure_account(account: DemoAccount):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=account.username,
        defaults={
            "full_name": account.full_name,
            "kind": account.kind,
            "national_id": account.national_id,
            "tax_code": account.tax_code,
            "date_of_birth": account.date_of_birth,
            # The demo citizen's number was checked at registration: signing in with VNeID links to it.
            "assurance_level": 1 if account.national_id else 0,
            "email": f"{account.username}@demo.congso.local",
            "is_staff": account.role == "platform_admin",
            "is_superuser": account.role == "platform_admin",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def print_accounts() -> None:
    print(f"\nTài khoản minh họa / demo accounts (mật khẩu / password: {DEMO_PASSWORD})")
    width = max(len(a.username) for a in ACCOUNTS)
    for account in ACCOUNTS:
        print(f"  {account.username.ljust(width)}  {account.description}")
    from congso.identity.demo import DEMO_TOTP_SECRET_BASE32

    print(
        "Xác thực hai bước của cán bộ / officials' second factor: khóa TOTP / TOTP key "
        f"{DEMO_TOTP_SECRET_BASE32} (docs/identity.md)"
    )
    print()


def _demo_pdf(title: str) -> bytes:
    from congso.core import pdf

    return pdf.render_html(
        f"<html><body><h1>{title}</h1><p>Bản chụp minh họa cho môi trường thử nghiệm.</p></body></html>",
        title=title,
        author="congso demo",
        subject=title,
    )


def _papers_for(version):
    """One illustrative scan for each required paper that the data store cannot provide."""
    from io import BytesIO

    from congso.dossiers.files import PaperUpload

    uploads = []
    for paper in version.papers.filter(is_required=True, from_data_store=False):
        handle = BytesIO(_demo_pdf(paper.name))
        handle.name = f"{paper.code}.pdf"
        uploads.append(PaperUpload(paper.code, paper.name, handle))
    return uploads


def _seed_demo_dossiers(users: dict, agencies: dict) -> None:
    """A few dossiers in different states, so the inboxes and "my dossiers" are not empty.

    Each is created through ``dossiers.services`` with a fixed idempotency key; a second run finds them
    and changes nothing. The worker starts their BPMN processes when it delivers ``dossier.accepted``.
    """
    from congso.catalog import services as catalog_services
    from congso.dossiers import services as dossier_services
    from congso.dossiers.models import Dossier

    if Dossier.objects.filter(idempotency_key__startswith="demo-").exists():
        return
    citizen, officer, specialist = users["congdan"], users["motcua"], users["chuyenvien"]
    commune = agencies["commune"]
    applicant = {
        "name": citizen.full_name,
        "national_id": citizen.national_id,
        "phone": "0912345678",
        "email": citizen.email,
        "address": f"{CITIZEN_STREET_ADDRESS}, phường Thủ Dầu Một",
    }

    def online(code, key, form_data):
        version = catalog_services.version_in_force(code)
        return dossier_services.submit_online(
            version=version,
            applicant=citizen,
            receiving_agency=commune,
            form_data=form_data,
            applicant_details=applicant,
            acting_for=None,
            submitted_by=citizen,
            idempotency_key=key,
            papers=_papers_for(version),
        )

    def counter(code, key, details):
        version = catalog_services.version_in_force(code)
        return dossier_services.receive_at_counter(
            version=version,
            receiving_agency=commune,
            officer=officer,
            applicant_details=details,
            form_data={},
            papers=_papers_for(version),
            idempotency_key=key,
        )

    certification_form = {
        "nguoi_yeu_cau": {
            "ho_ten": citizen.full_name,
            "so_dinh_danh": citizen.national_id,
            "dien_thoai": "0912345678",
            "email": citizen.email,
        },
        "ten_giay_to": "Bằng tốt nghiệp trung học phổ thông",
        "co_quan_cap": "Sở Giáo dục và Đào tạo",
        "ngon_ngu": "tieng_viet",
        "so_trang": 2,
        "so_ban_sao": 3,
        "hinh_thuc_nhan": "truc_tiep",
    }
    # Awaiting reception at the one-stop desk (status 1).
    online("2.000815", "demo-cho-tiep-nhan", certification_form)
    # Accepted; its same-day process starts when the worker delivers the event (status 2 → 4).
    accepted = online("2.000815", "demo-da-tiep-nhan", certification_form)
    dossier_services.accept(accepted, officer, note="Hồ sơ đầy đủ.")
    # Online, incomplete: the one-stop desk asks for a supplement at reception (status 5).
    incomplete = online("2.000815", "demo-cho-bo-sung", certification_form)
    dossier_services.request_supplement(
        incomplete,
        officer,
        ["Bản chính Bằng tốt nghiệp để đối chiếu (bản chụp gửi kèm bị mờ)"],
        reason="Không đối chiếu được bản chụp với bản chính.",
    )
    # Refused at reception with reasons (status 3).
    refused = online("2.000815", "demo-tu-choi", certification_form)
    dossier_services.refuse(
        refused, officer, "Bản chính giấy tờ bị tẩy xóa, sửa chữa nên không chứng thực được."
    )
    # Received at the counter and run along the procedure's process (thẩm định → lãnh đạo ký duyệt →
    # trả kết quả): one waits for the leader's approval (status 4), the other went all the way (10).
    leader = users["lanhdao"]
    waiting = counter("1.004873", "demo-cho-ky-duyet", COUNTER_APPLICANTS["bao"])
    _run_process(waiting, [(specialist, None)])
    done = counter("1.004873", "demo-da-tra", COUNTER_APPLICANTS["hoa"])
    _run_process(done, [(specialist, None), (leader, {"approved": True})])
    dossier_services.return_result(done, officer, "counter")
    _run_process(done, [(officer, None)])


def _seed_demo_payment(users: dict, agencies: dict) -> None:
    """A dossier of the demo citizen waiting for its fee (payments.demo), paid through the sandbox."""
    from congso.payments.demo import seed_demo_payments

    citizen = users["congdan"]
    seed_demo_payments(
        citizen=citizen,
        specialist=users["chuyenvien"],
        officer=users["motcua"],
        agency=agencies["commune"],
        applicant={
            "name": citizen.full_name,
            "national_id": citizen.national_id,
            "phone": "0912345678",
            "email": citizen.email,
            "address": f"{CITIZEN_STREET_ADDRESS}, phường Thủ Dầu Một",
        },
        papers=_papers_for,
        start_processing=lambda dossier: _run_process(dossier, []),
    )


def _run_process(dossier, steps) -> None:
    """Start ``dossier``'s process now (the worker would, on ``dossier.accepted``; starting twice is a
    no-op) and complete its open steps in order, each by the officer given, with the data given."""
    from congso.workflow import inbox as work_inbox
    from congso.workflow import services as workflow_services
    from congso.workflow.models import WorkItemState

    workflow_services.start_for_dossier(dossier)
    for officer, data in steps:
        item = work_inbox.items_of_dossier(dossier).filter(state=WorkItemState.OPEN).get()
        workflow_services.complete(item, officer, data)


# Dossiers submitted on the simulated National Public Service Portal for the demo's commune: the link
# takes them into the one-stop inbox when the demo's worker runs (nationalportal's periodic job).
NATIONAL_PORTAL_DOSSIERS = [
    ("G22.99.251201-000101", "Phạm Thị Cúc", "074190001111", "0912000111"),
    ("G22.99.251201-000102", "Võ Minh Đức", "074090002222", "0912000222"),
]


def _seed_national_portal(agencies: dict) -> None:
    """The simulated national portal agrees with the demo: its catalogue is the province's (plus a newer
    national version of one procedure and two procedures the province lacks), and two citizens have
    submitted a certification dossier on it for the commune. Idempotent."""
    from congso.nationalportal.demo import catalogue_packages
    from congso.sandbox import dvcqg_demo
    from congso.sandbox import services as sandbox
    from congso.sandbox.dvcqg_pages import applicant_fields

    packages = catalogue_packages()
    sandbox.seed_dvcqg_catalogue(packages + dvcqg_demo.national_changes(packages))
    commune = agencies["commune"]
    for code, name, national_id, phone in NATIONAL_PORTAL_DOSSIERS:
        form = {
            "nguoi_yeu_cau": {"ho_ten": name, "so_dinh_danh": national_id, "dien_thoai": phone},
            "ten_giay_to": "Giấy khai sinh",
            "co_quan_cap": "Ủy ban nhân dân phường Thủ Dầu Một",
            "ngon_ngu": "tieng_viet",
            "so_trang": 1,
            "so_ban_sao": 2,
            "hinh_thuc_nhan": "truc_tiep",
        }
        sandbox.submit_on_dvcqg(
            code=code,
            procedure_code="2.000815",
            unit_code=commune.code,
            province_code=settings.CONGSO_DVCQG_MADONVI,
            applicant=applicant_fields(
                name, national_id, phone, "", f"{CITIZEN_STREET_ADDRESS}, phường Thủ Dầu Một"
            ),
            summary="Chứng thực bản sao Giấy khai sinh (nộp trên Cổng DVCQG mô phỏng)",
            form_data=form,
            papers=[("ban-chinh", "ban-chinh.pdf", _demo_pdf("Giấy khai sinh (bản chụp)"))],
        )
