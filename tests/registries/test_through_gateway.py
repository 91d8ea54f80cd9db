"""The registry adapters over real HTTP: the live test server plays the national side (the sandbox's
simulators), the real ``congso gateway`` process stands between, the platform calls with its consumer
credential. Prefill of a birth registration for a sandbox citizen and of a household-business form for a
sandbox business; outages; a consumer without the right."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from congso import formengine
from congso.formengine import examples, prefill
from congso.lgsp import services as lgsp
from congso.lgsp.models import MessageRecord, Service, System
from congso.registries import client, services
from congso.sandbox.models import Business, Citizen, LandParcel

CITIZEN = "074090001234"
BUSINESS = "3700123456"

HOUSEHOLD_BUSINESS_SCHEMA = {
    "type": "object",
    "properties": {
        "ten_doanh_nghiep": {"type": "string"},
        "nguoi_dai_dien": {"type": "string"},
        "dia_chi_tru_so": {"type": "string"},
        "nganh_nghe": {"type": "string"},
    },
    "required": ["ten_doanh_nghiep"],
}
HOUSEHOLD_BUSINESS_UI = {
    "fields": {
        "ten_doanh_nghiep": {"label": "Tên", "prefill": "doanh_nghiep.name", "readonly": True},
        "nguoi_dai_dien": {"label": "Người đại diện", "prefill": "doanh_nghiep.legal_representative"},
        "dia_chi_tru_so": {"label": "Địa chỉ", "prefill": "doanh_nghiep.head_office_address"},
        "nganh_nghe": {"label": "Ngành nghề chính", "prefill": "doanh_nghiep.main_business_line"},
    }
}


def test_birth_registration_is_prefilled_from_the_population_database(gateway, make_user):
    citizen = make_user(kind="citizen", national_id=CITIZEN, full_name="Nguyễn Văn An")
    definition = formengine.build(*examples.load("1.001193"))
    found = prefill.for_form(definition, citizen)
    record = Citizen.objects.select_related("household").get(national_id=CITIZEN)
    residence = found["nguoi_yeu_cau.noi_cu_tru"]
    assert residence.value.startswith(record.household.street_address)
    assert residence.value.endswith(record.household.province_name)
    assert str(residence.source_label) == "theo Cơ sở dữ liệu quốc gia về dân cư"
    assert prefill.unavailable() == []
    # One exchange in the gateway's log, by the platform's system, naming the citizen as data subject
    # and the end user.
    exchange = MessageRecord.objects.get()
    assert exchange.status == 200
    assert exchange.client == "GOV/000.00.00.H08/CONGDVC" or exchange.client.endswith("/CONGDVC")
    assert exchange.service == "NDXP/QUOCGIA/csdlqg-dan-cu"
    assert exchange.data_subject == CITIZEN
    assert exchange.user_id == f"VN{CITIZEN}"


def test_household_business_form_is_prefilled_from_the_business_registry(gateway, make_user):
    business = make_user(kind="business", tax_code=BUSINESS)
    definition = formengine.build(HOUSEHOLD_BUSINESS_SCHEMA, HOUSEHOLD_BUSINESS_UI)
    found = prefill.for_form(definition, business)
    record = Business.objects.get(tax_code=BUSINESS)
    assert found["ten_doanh_nghiep"].value == record.name
    assert found["nguoi_dai_dien"].value == "Trần Thị Bình"
    assert found["dia_chi_tru_so"].value.startswith(record.street_address)
    main = record.business_lines[0]
    assert found["nganh_nghe"].value == f"{main['code']} — {main['name']}"
    assert str(found["ten_doanh_nghiep"].source_label) == (
        "theo Hệ thống thông tin quốc gia về đăng ký doanh nghiệp"
    )
    assert MessageRecord.objects.get().service == "NDXP/QUOCGIA/dang-ky-kinh-doanh"


def test_land_registry_answers_by_parcel_and_unknown_keys_are_typed(gateway):
    parcel = LandParcel.objects.order_by("parcel_id").first()
    result = services.lookup("dat_dai", parcel.parcel_id, data_subject=parcel.owner_national_id)
    assert result.status == client.FOUND
    assert result.values["owner"] == parcel.owner_name
    assert result.values["area_m2"] == float(parcel.area_m2)
    assert services.lookup("dan_cu", "079999999999").status == client.NOT_FOUND
    # A malformed key never leaves the platform.
    assert services.lookup("dan_cu", "12ab").status == client.INVALID
    assert MessageRecord.objects.count() == 2


class Slow(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 — http.server's naming
        time.sleep(3)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _move_population(url: str, timeout_seconds: int | None = None):
    service = Service.objects.get(code="csdlqg-dan-cu")
    lgsp.set_upstream(
        service, url, health_path=service.health_path, token_variable=service.upstream_token_variable
    )
    if timeout_seconds is not None:
        Service.objects.filter(pk=service.pk).update(timeout_seconds=timeout_seconds)
        lgsp.set_system_status(service.system, "connected")  # moves the registry stamp: reload
    time.sleep(2)  # the gateway reloads within its 0.5 s poll


def test_outage_502_and_504_leave_the_form_open_with_a_notice(gateway, make_user, slow_upstream):
    citizen = make_user(kind="citizen", national_id=CITIZEN)
    definition = formengine.build(*examples.load("1.001193"))
    # Down: nothing listens where the register should be → 502 from the gateway.
    _move_population("http://127.0.0.1:9")
    result = services.lookup("dan_cu", CITIZEN)
    assert result.status == client.UNAVAILABLE and result.detail.startswith("502")
    from congso.core import request_cache

    with request_cache.bound():
        found = prefill.for_form(definition, citizen)
        assert "nguoi_yeu_cau.noi_cu_tru" not in found
        assert prefill.unavailable() == ["theo Cơ sở dữ liệu quốc gia về dân cư"]
    # Slow: the register answers after 3 s, the service allows 1 s → 504 from the gateway.
    _move_population(slow_upstream, timeout_seconds=1)
    result = services.lookup("dan_cu", CITIZEN)
    assert result.status == client.UNAVAILABLE and result.detail.startswith("504")
    statuses = sorted(MessageRecord.objects.values_list("status", flat=True))
    assert statuses == [502, 502, 504]


def test_our_own_time_limit_gives_up_cleanly(gateway, settings, slow_upstream):
    _move_population(slow_upstream, timeout_seconds=10)
    settings.CONGSO_REGISTRIES_TIMEOUT_SECONDS = 0.5
    result = services.lookup("dan_cu", CITIZEN)
    assert result.status == client.UNAVAILABLE and result.detail == "timeout"


def test_a_consumer_without_the_right_is_refused_and_the_refusal_logged(gateway, settings):
    portal = System.objects.get(code="CONGDVC")
    other = lgsp.register_system(portal.member, "KHONGQUYEN", "Hệ thống chưa được cấp quyền")
    issued = lgsp.create_credential(other)
    settings.CONGSO_REGISTRIES_CLIENT_ID = issued.credential.client_id
    settings.CONGSO_REGISTRIES_CLIENT_SECRET = issued.secret
    client.tokens.forget()
    time.sleep(1.5)  # the new system and credential reach the gateway's snapshot
    result = services.lookup("dan_cu", CITIZEN)
    assert result.status == client.REFUSED and result.detail.startswith("403")
    assert result.unavailable
    refused = MessageRecord.objects.get()
    assert refused.status == 403 and refused.source == "gateway"
    assert refused.client == other.identifier
    # A wrong secret never reaches the gateway: the LGSP refuses the token.
    settings.CONGSO_REGISTRIES_CLIENT_SECRET = "x" * 40
    client.tokens.forget()
    assert services.lookup("dan_cu", CITIZEN).status == client.REFUSED
