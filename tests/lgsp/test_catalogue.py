"""The service catalogue pages (/can-bo/lgsp/): search, the OpenAPI document laid out server-side,
registering a system and a service with an OpenAPI upload (and its refusals), versions, endpoints,
grants and revocations, and the secret shown once."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.lgsp import openapi, services
from congso.lgsp.models import AccessRight, ConsumerCredential, Service, System
from tests.factories.agencies import StaffMembershipFactory


@pytest.fixture
def owner(make_user, agencies, client):
    """The centre's agency administrator (its IT officer), signed in."""
    user = make_user(kind="official")
    StaffMembershipFactory(user=user, agency=agencies["centre"], role="agency_admin")
    client.force_login(user)
    return user


def _upload(document, name="openapi.json"):
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile(name, data, content_type="application/json")


def test_search_and_navigation(registry, owner, client):
    page = client.get("/can-bo/lgsp/", {"q": "hồ sơ"}).content.decode()
    assert "Tra cứu hồ sơ" in page and "000.00.02.H08/MOTCUA/tra-cuu-ho-so" in page
    assert 'aria-current="page">Danh mục dịch vụ LGSP' in page
    assert "Tra cứu hồ sơ" not in client.get("/can-bo/lgsp/", {"q": "không-có-gì"}).content.decode()


def test_service_page_renders_the_openapi_document_offline(registry, owner, client):
    page = client.get(f"/can-bo/lgsp/dich-vu/{registry['service'].pk}/").content.decode()
    assert "GET /ho-so/{ma}" in page and "Tra cứu một hồ sơ" in page
    assert "<code>ma</code>" in page  # the path parameter
    assert "Nội dung phản hồi (HoSo)" in page and "Nội dung yêu cầu (HoSo)" in page  # referenced schemas
    assert "array&lt;HoSo&gt;" in page  # a cycle shown by name
    assert "Mã hồ sơ" in page and "1, 2" in page  # a property's description and enum
    assert "swagger" not in page.lower() and "cdn" not in page.lower()
    assert "Chưa hệ thống nào được cấp quyền" in page


def test_schema_rows_stop_at_a_cycle(openapi_document):
    rows = openapi.schema_rows(openapi_document, {"$ref": "#/components/schemas/HoSo"})
    assert [r["name"] for r in rows] == ["ma", "trang_thai", "lien_quan"]
    assert rows[2]["type"] == "array<HoSo>"


def test_register_a_system_then_a_service(owner, client, agencies):
    response = client.post(
        "/can-bo/lgsp/he-thong/dang-ky/",
        {
            "owner_agency": agencies["centre"].pk,
            "code": "QLVB",
            "name": "Quản lý văn bản",
            "serves_public": "on",
        },
    )
    system = System.objects.get(code="QLVB")
    assert response.status_code == 302 and response["Location"] == f"/can-bo/lgsp/he-thong/{system.pk}/"
    assert system.identifier == "GOV/000.00.02.H08/QLVB" and system.serves_public
    document = json.loads(json.dumps(openapi.parse(json.dumps(_doc()))))
    response = client.post(
        f"/can-bo/lgsp/he-thong/{system.pk}/dang-ky-dich-vu/",
        {
            "code": "van-ban-den",
            "name": "Văn bản đến",
            "upstream_url": "https://qlvb.example/api",
            "openapi_file": _upload(document),
        },
    )
    service = Service.objects.get(code="van-ban-den")
    assert response.status_code == 302
    assert service.current_version.endpoints.get().path == "/van-ban"


def _doc():
    return {
        "openapi": "3.1.0",
        "info": {"title": "Văn bản", "version": "2.0"},
        "paths": {"/van-ban": {"get": {"responses": {"200": {"description": "OK"}}}}},
    }


def test_an_agency_admin_cannot_register_for_another_agency(owner, client, agencies):
    response = client.post(
        "/can-bo/lgsp/he-thong/dang-ky/", {"owner_agency": agencies["justice"].pk, "code": "X", "name": "X"}
    )
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()  # the other agency is not offered
    assert not System.objects.filter(code="X").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "Tệp không phải JSON hợp lệ"),
        (b'{"swagger": "2.0", "info": {"title": "a", "version": "1"}, "paths": {}}', "OpenAPI phiên bản 3"),
        (b'{"openapi": "3.0.0", "paths": {"/a": {"get": {}}}}', "phải có “info”"),
        (
            b'{"openapi": "3.0.0", "info": {"title": "a", "version": "1"}, "paths": {}}',
            "ít nhất một đường dẫn",
        ),
        (
            b'{"openapi": "3.0.0", "info": {"title": "a", "version": "1"}, "paths": {"a": {}}}',
            "phải bắt đầu bằng",
        ),
        (
            b'{"openapi": "3.0.0", "info": {"title": "a", "version": "1"}, "paths": {"/a": {}}}',
            "không có thao tác",
        ),
        (b"[" * 200 + b"]" * 200, "lồng nhau quá sâu"),
        (b"\xff\xfe", "UTF-8"),
    ],
)
def test_bad_openapi_upload_gets_a_clear_message_and_changes_nothing(
    registry, owner, client, content, message
):
    response = client.post(
        f"/can-bo/lgsp/he-thong/{registry['provider'].pk}/dang-ky-dich-vu/",
        {"code": "moi", "name": "Mới", "upstream_url": "https://x.example", "openapi_file": _upload(content)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Có lỗi cần khắc phục" in page and message in page
    assert not Service.objects.filter(code="moi").exists()


def test_new_version_upload_and_refusal(registry, owner, client, openapi_document):
    url = f"/can-bo/lgsp/dich-vu/{registry['service'].pk}/phien-ban/"
    same = client.post(url, {"openapi_file": _upload(openapi_document)}, follow=True)
    assert "đã có phiên bản 1.0" in same.content.decode()
    openapi_document["info"]["version"] = "1.1"
    newer = client.post(url, {"openapi_file": _upload(openapi_document)}, follow=True)
    assert "Đã công bố phiên bản 1.1" in newer.content.decode()
    registry["service"].refresh_from_db()
    assert registry["service"].current_version.version == "1.1"


def test_grant_revoke_and_endpoint_switch_from_the_page(registry, owner, client):
    service = registry["service"]
    url = f"/can-bo/lgsp/dich-vu/{service.pk}/"
    client.post(f"{url}cap-quyen/", {"system": registry["consumer"].pk, "endpoint": "GET /ho-so/{ma}"})
    right = AccessRight.objects.get()
    assert (right.method, right.path, right.granted_by) == ("GET", "/ho-so/{ma}", owner)
    assert "Phần mềm hộ tịch" in client.get(url).content.decode()
    assert services.is_allowed(registry["consumer"], service, "GET", "/ho-so/1")
    endpoint = service.current_version.endpoints.get(method="GET")
    client.post(f"/can-bo/lgsp/diem-cuoi/{endpoint.pk}/doi-trang-thai/")
    assert not services.is_allowed(registry["consumer"], service, "GET", "/ho-so/1")
    client.post(f"/can-bo/lgsp/quyen/{right.pk}/thu-hoi/")
    right.refresh_from_db()
    assert right.revoked_at is not None and right.revoked_by == owner


def test_grant_needs_exactly_one_subject(registry, owner, client):
    response = client.post(f"/can-bo/lgsp/dich-vu/{registry['service'].pk}/cap-quyen/", {}, follow=True)
    assert "Hãy chọn đúng một hệ thống hoặc một nhóm" in response.content.decode()
    assert not AccessRight.objects.exists()


def test_secret_is_shown_once(registry, owner, client):
    response = client.post(f"/can-bo/lgsp/he-thong/{registry['provider'].pk}/thong-tin-xac-thuc/")
    page = response.content.decode()
    credential = ConsumerCredential.objects.get()
    secret = page.split('id="client-secret">')[1].split("<")[0]
    assert services.issue_token(credential.client_id, secret).access_token
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert secret not in client.get(f"/can-bo/lgsp/he-thong/{registry['provider'].pk}/").content.decode()


def test_post_only_actions_refuse_get(registry, owner, client):
    assert client.get(f"/can-bo/lgsp/dich-vu/{registry['service'].pk}/cap-quyen/").status_code == 405


def test_layout_reads_odd_members_as_empty_and_caps_tables():
    odd = {
        "openapi": "3.0.0",
        "info": {"title": "a", "version": "1"},
        "paths": {
            "/a": {
                "parameters": {"not": "a list"},
                "get": {"parameters": ["x", 3], "responses": ["200"], "requestBody": {"content": []}},
            }
        },
    }
    openapi.check(odd)
    [operation] = openapi.layout(odd)
    assert operation["responses"] == [] and operation["request_rows"] == []
    wide = {
        f"S{i}": {"type": "object", "properties": {f"p{j}": {"$ref": f"#/S{j}"} for j in range(20)}}
        for i in range(20)
    }
    rows = openapi.schema_rows(wide, {"$ref": "#/S0"})
    assert len(rows) == openapi.MAX_SCHEMA_ROWS
