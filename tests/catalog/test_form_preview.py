"""The staff's live preview of a version's online form (``catalog.form_preview``): staff only, loads a
version or an example, explains unusable JSON, checks sample answers."""

import pytest
from django.urls import reverse

from congso.formengine import examples
from tests.support.html import has_link, one, select

pytestmark = pytest.mark.urls("tests.catalog.urls")


def preview_url() -> str:
    return reverse("catalog-preview:form-preview")


def html(response) -> str:
    return response.content.decode()


def test_form_preview_keeps_its_address():
    assert preview_url() == "/nop-ho-so/xem-truoc-bieu-mau/"


def test_form_preview_is_for_staff_only(client, make_user, db):
    address = preview_url()
    assert client.get(address).status_code == 302
    client.force_login(make_user("dan"))
    assert client.get(address).status_code == 403


def test_form_preview_loads_a_version(client, make_user, make_procedure, agency):
    schema, ui = examples.load("1.001193")
    procedure = make_procedure(
        "1.001193", "Đăng ký khai sinh", agencies=[agency], form_schema=schema, form_ui=ui
    )
    version = procedure.versions.get()
    client.force_login(make_user("admin", is_staff=True))
    page = html(client.get(f"{preview_url()}?phien-ban={version.pk}"))
    assert "Thông tin của trẻ" in page and select(page, "#f-tre-ho_ten")
    for bad in ("²", "99999999999999999999"):  # not a version id: the empty editor, never a 500
        assert client.get(f"{preview_url()}?phien-ban={bad}").status_code == 200


def test_form_preview_renders_an_example_and_explains_problems(client, make_user, db):
    client.force_login(make_user("admin", is_staff=True))
    page = html(client.get(preview_url() + "?mau=1.001193"))
    assert "Thông tin của trẻ" in page and select(page, "#f-tre-ho_ten")
    assert "Điền sẵn từ identity.full_name" in page
    response = client.post(
        preview_url(),
        {
            "_schema": '{"type": "object", "properties": {"a": {"type": "array"}}}',
            "_ui": "{",
            "_action": "preview",
        },
    )
    page = html(response)
    assert "Gợi ý hiển thị không phải JSON hợp lệ (dòng 1, cột 2)" in page
    response = client.post(
        preview_url() + "?manh=1",
        {"_schema": '{"type": "object", "properties": {"a": {"type": "array"}}}', "_ui": "{}"},
    )
    fragment = html(response)
    assert "kiểu “array” chưa được hỗ trợ" in fragment and "<html" not in fragment


def test_form_preview_checks_sample_answers(client, make_user, db):
    client.force_login(make_user("admin", is_staff=True))
    schema = (
        '{"type": "object", "properties": {"ngay": {"type": "string", "format": "date"}}, '
        '"required": ["ngay"]}'
    )
    ui = '{"fields": {"ngay": {"label": "Ngày hẹn"}}}'
    typed = {"ngay-ngay": "30", "ngay-thang": "2", "ngay-nam": "2026"}
    response = client.post(preview_url(), {"_schema": schema, "_ui": ui, "_action": "check", **typed})
    page = html(response)
    assert has_link(page, "#f-ngay", "Ngày hẹn phải là một ngày có thật.")
    day = one(page, "#f-ngay")
    assert (day["name"], day["value"]) == ("ngay-ngay", "30")
    typed["ngay-ngay"] = "28"
    response = client.post(preview_url(), {"_schema": schema, "_ui": ui, "_action": "check", **typed})
    assert "Dữ liệu mẫu hợp lệ." in html(response)


def test_form_preview_refuses_deeply_nested_json_with_a_message(client, make_user, db):
    """Deep nesting used to raise RecursionError in the parser: an HTTP 500."""
    client.force_login(make_user("admin", is_staff=True))
    response = client.post(preview_url(), {"_schema": "[" * 50_000, "_ui": "{}", "_action": "preview"})
    assert response.status_code == 200
    assert "JSON Schema: JSON lồng nhau quá sâu" in html(response)
