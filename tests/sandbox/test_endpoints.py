"""The simulators over HTTP: found, not found, malformed, no or bad token, rate limit; always labelled;
the answers have every field their OpenAPI documents promise."""

import pytest
from django.urls import reverse

from congso.sandbox import api, openapi
from congso.sandbox.models import Business, BusinessStatus, Citizen
from tests.sandbox.known import BUSINESS, KNOWN_BUSINESS, KNOWN_CITIZEN, POPULATION

pytestmark = pytest.mark.django_db


def envelope(response, status, code):
    assert response.status_code == status, response.content
    assert response["X-Congso-Sandbox"] == "simulator"
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["errorCode"] == code and body["simulator"] is True
    assert "mô phỏng" in body["notice"] and "Simulator" in body["notice"]
    return body


def required_fields(document, name):
    return set(document["components"]["schemas"][name]["required"])


def test_a_citizen_is_found_with_residence_and_household(world, call):
    data = envelope(call(POPULATION + KNOWN_CITIZEN.national_id), 200, 0)["data"]
    assert required_fields(openapi.population_document(), "Citizen") <= set(data)
    assert data["SoDinhDanh"] == KNOWN_CITIZEN.national_id and data["HoVaTen"] == KNOWN_CITIZEN.full_name
    assert data["NgayThangNamSinh"].startswith("1990")  # the ID says: a man born in 1990
    assert data["GioiTinh"] == {"Ma": "1", "Ten": "Nam"}
    residence = data["NoiThuongTru"]
    assert residence["MaTinh"] == "79" and len(residence["MaXa"]) == 5
    assert residence["DiaChiDayDu"].endswith("Thành phố Hồ Chí Minh")
    household = data["HoGiaDinh"]
    assert household["QuanHeVoiChuHo"] == "Chủ hộ"
    assert household["ChuHo"]["SoDinhDanh"] == KNOWN_CITIZEN.national_id
    assert KNOWN_CITIZEN.national_id in [m["SoDinhDanh"] for m in household["ThanhVien"]]


def test_a_household_member_points_to_the_head(world, call):
    member = Citizen.objects.exclude(relation_to_head="Chủ hộ").select_related("household").first()
    data = envelope(call(POPULATION + member.national_id), 200, 0)["data"]
    assert data["HoGiaDinh"]["QuanHeVoiChuHo"] == member.relation_to_head
    head = Citizen.objects.get(household=member.household, relation_to_head="Chủ hộ")
    assert data["HoGiaDinh"]["ChuHo"] == {"SoDinhDanh": head.national_id, "HoVaTen": head.full_name}
    assert data["NoiThuongTru"]["MaXa"] == member.household.ward_code


def test_unknown_citizen_is_201_and_malformed_id_is_302(world, call):
    body = envelope(call(POPULATION + "000000000000"), 404, api.RECORD_NOT_FOUND)
    assert body["data"] is None and "RECORD_NOT_FOUND" in body["message"]
    for malformed in ["07409000123", "0740900012345", "07409000123x", "074090 01234"]:
        envelope(call(POPULATION + malformed), 400, api.DATA_TYPE_INVALID)


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer wrong-token", "Basic Y29uZ3NvOnNhbmRib3g=", "congso-sandbox-demo-token"],
)
def test_without_the_right_bearer_token_the_answer_is_401_authen_error(world, client, authorization):
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    for path in [POPULATION + KNOWN_CITIZEN.national_id, BUSINESS + KNOWN_BUSINESS.tax_code]:
        response = client.get(path, **headers)
        body = envelope(response, 401, api.AUTHEN_ERROR)
        assert body["data"] is None
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_token_comes_from_the_settings(world, call, settings):
    settings.CONGSO_SANDBOX_TOKEN = "another-secret"
    envelope(call(POPULATION + KNOWN_CITIZEN.national_id), 401, api.AUTHEN_ERROR)
    envelope(call(POPULATION + KNOWN_CITIZEN.national_id, token="another-secret"), 200, 0)
    settings.CONGSO_SANDBOX_TOKEN = ""  # an empty secret accepts nobody
    envelope(call(POPULATION + KNOWN_CITIZEN.national_id, token=""), 401, api.AUTHEN_ERROR)


def test_the_check_says_only_whether_id_name_and_birth_date_match(world, call):
    citizen = Citizen.objects.get(national_id=KNOWN_CITIZEN.national_id)
    born = citizen.date_of_birth.strftime("%Y%m%d")
    path = POPULATION + "xac-thuc"
    right = {"SoDinhDanh": citizen.national_id, "HoVaTen": "  nguyễn  văn AN ", "NgayThangNamSinh": born}
    data = envelope(call(path, json_body=right), 200, 0)["data"]
    assert data == {"SoDinhDanh": citizen.national_id, "KetQuaXacThuc": True}
    for wrong in [
        {"HoVaTen": "Nguyễn Văn Ân"},
        {"NgayThangNamSinh": "19900101" if born != "19900101" else "19900102"},
    ]:
        data = envelope(call(path, json_body={**right, **wrong}), 200, 0)["data"]
        assert data["KetQuaXacThuc"] is False and set(data) == {"SoDinhDanh", "KetQuaXacThuc"}
    envelope(call(path, json_body={**right, "SoDinhDanh": "000000000000"}), 404, api.RECORD_NOT_FOUND)
    for malformed in [
        {**right, "SoDinhDanh": "12345"},
        {**right, "NgayThangNamSinh": "1990-05-12"},
        {**right, "NgayThangNamSinh": "19901332"},
        {**right, "HoVaTen": ""},
        {**right, "HoVaTen": 7},
        ["not", "an", "object"],
    ]:
        envelope(call(path, json_body=malformed), 400, api.DATA_TYPE_INVALID)
    envelope(call(path, json_body=right, token="wrong"), 401, api.AUTHEN_ERROR)
    response = call(path)  # GET
    envelope(response, 405, api.METHOD_NOT_ALLOWED)
    assert response["Allow"] == "POST"


def test_the_check_refuses_a_body_that_is_not_json(world, client):
    response = client.post(
        POPULATION + "xac-thuc",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer congso-sandbox-demo-token",
    )
    envelope(response, 400, api.DATA_TYPE_INVALID)


def test_a_business_is_found_with_representative_status_and_lines(world, call):
    data = envelope(call(BUSINESS + KNOWN_BUSINESS.tax_code), 200, 0)["data"]
    assert required_fields(openapi.business_document(), "Business") <= set(data)
    assert data["MaSoDoanhNghiep"] == KNOWN_BUSINESS.tax_code
    assert data["TinhTrangHoatDong"] == {"Ma": "DANG_HOAT_DONG", "Ten": "Đang hoạt động"}
    (representative,) = data["NguoiDaiDienPhapLuat"]
    assert representative["HoVaTen"] == KNOWN_BUSINESS.representative_name
    assert len(representative["SoDinhDanh"]) == 12 and representative["ChucDanh"]
    assert data["TenDoanhNghiep"] and data["TenTiengAnh"] and len(data["NgayDangKyLanDau"]) == 8
    lines = data["NganhNgheKinhDoanh"]
    assert lines and lines[0]["LaNganhChinh"] and all(len(line["MaNganh"]) == 4 for line in lines)
    assert data["DonViChuQuan"] is None and data["ChiNhanh"]


def test_a_branch_has_its_13_character_code_and_its_parent(world, call):
    branch = Business.objects.exclude(parent=None).select_related("parent").first()
    assert len(branch.tax_code) == 14 and branch.tax_code[10] == "-"
    data = envelope(call(BUSINESS + branch.tax_code), 200, 0)["data"]
    assert data["DonViChuQuan"]["MaSoDoanhNghiep"] == branch.parent.tax_code


def test_statuses_other_than_active_are_named(world, call):
    business = Business.objects.filter(parent=None).first()
    for status, code in [
        (BusinessStatus.SUSPENDED, "TAM_NGUNG_KINH_DOANH"),
        (BusinessStatus.DISSOLVED, "DA_GIAI_THE"),
    ]:
        Business.objects.filter(pk=business.pk).update(status=status)
        data = envelope(call(BUSINESS + business.tax_code), 200, 0)["data"]
        assert data["TinhTrangHoatDong"]["Ma"] == code


def test_unknown_business_is_201_and_malformed_tax_code_is_302(world, call):
    envelope(call(BUSINESS + "0000000000"), 404, api.RECORD_NOT_FOUND)
    envelope(call(BUSINESS + "3700123456-999"), 404, api.RECORD_NOT_FOUND)
    for malformed in ["370012345", "37001234567", "3700123456-01", "3700123456_001", "37001234ab"]:
        envelope(call(BUSINESS + malformed), 400, api.DATA_TYPE_INVALID)


def test_calls_beyond_the_rate_limit_get_429(world, call, settings):
    settings.CONGSO_SANDBOX_RATE_LIMIT = 3
    for _ in range(3):
        envelope(call(POPULATION + KNOWN_CITIZEN.national_id), 200, 0)
    response = call(BUSINESS + KNOWN_BUSINESS.tax_code)  # one limit over both simulators
    envelope(response, 429, api.TOO_MANY_REQUESTS)
    assert response["Retry-After"] == str(settings.CONGSO_SANDBOX_RATE_WINDOW_SECONDS)
    # Wrong tokens count too, so the limit also slows down guessing.
    envelope(call(POPULATION + KNOWN_CITIZEN.national_id, token="guess"), 429, api.TOO_MANY_REQUESTS)


def test_the_openapi_documents_are_served_labelled(world, client):
    for name, build in [
        ("sandbox:population-openapi", openapi.population_document),
        ("sandbox:business-openapi", openapi.business_document),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200 and response["X-Congso-Sandbox"] == "simulator"
        document = response.json()
        assert document == build()
        assert document["openapi"].startswith("3.") and document["info"]["x-congso-sandbox"] is True
        assert "SIMULATOR" in document["info"]["description"]
        assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
        server = document["servers"][0]["url"]
        for path in document["paths"]:
            assert reverse("sandbox:index") in server + path


def test_switched_off_at_run_time_the_simulators_answer_404(world, call, settings):
    settings.CONGSO_SANDBOX_ENABLED = False
    assert call(POPULATION + KNOWN_CITIZEN.national_id).status_code == 404
    assert call(reverse("sandbox:index")).status_code == 404


def test_an_address_the_sandbox_does_not_serve_is_a_labelled_404(world, call):
    for path in [
        "/sandbox/khong-co/",
        "/sandbox/csdlqg-dan-cu/api/v2/cong-dan/074090001234",
        POPULATION + "a/b",
    ]:
        body = envelope(call(path), 404, 404)
        assert body["data"] is None


def test_the_check_refuses_an_oversized_body_with_the_envelope(world, client):
    response = client.post(
        POPULATION + "xac-thuc",
        '{"HoVaTen": "' + "a" * 20_000 + '"}',
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer congso-sandbox-demo-token",
    )
    body = envelope(response, 400, api.DATA_TYPE_INVALID)
    assert "quá lớn" in body["message"]


def test_the_sms_simulator_answers_a_non_ascii_key_with_its_code(db, client, settings):
    settings.CONGSO_SANDBOX_ENABLED = True
    body = {"ApiKey": "khóa", "SecretKey": "bí mật", "Brandname": "CONGSO", "SmsType": "2", "Phone": "0912"}
    response = client.post(
        "/sandbox/sms/MainService.svc/json/SendMultipleMessage_V4_post_json/",
        body,
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["CodeResult"] == "101"
