"""The catalog admin: lists, the version page with papers and fees, export actions and the import page."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congso.catalog import importexport as ie
from congso.catalog.models import Procedure, ProcedureVersion
from tests.support.html import has_link

from .workbooks import error_workbook

pytestmark = pytest.mark.urls("tests.catalog.urls")


@pytest.fixture
def admin_client(client, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = make_user("quantri", kind="official", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_changelist_search_and_filters(admin_client, small_catalog):
    url = reverse("admin:catalog_procedure_changelist")
    response = admin_client.get(url, {"q": "1.001193"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    response = admin_client.get(url, {"versions__online_mode__exact": "information"})
    assert [p.code for p in response.context["cl"].result_list] == ["2.000884"]
    assert reverse("admin:catalog_procedure_import").encode() in response.content


def test_procedure_and_version_pages(admin_client, small_catalog):
    procedure = Procedure.objects.get(code="1.001193")
    response = admin_client.get(reverse("admin:catalog_procedure_change", args=[procedure.pk]))
    assert response.status_code == 200 and b"2025" in response.content
    version = procedure.versions.get()
    response = admin_client.get(reverse("admin:catalog_procedureversion_change", args=[version.pk]))
    assert response.status_code == 200
    assert b"papers-TOTAL_FORMS" in response.content and b"fees-TOTAL_FORMS" in response.content


def version_post_data(version, **changes):
    data = {
        "procedure": version.procedure_id,
        "number": version.number,
        "status": version.status,
        "effective_from": version.effective_from.isoformat(),
        "effective_to": "",
        "implementing_agencies": [a.pk for a in version.implementing_agencies.all()],
        "legal_basis": version.legal_basis,
        "time_limit_value": version.time_limit_value,
        "time_limit_unit": version.time_limit_unit,
        "supplement_clock_rule": version.supplement_clock_rule,
        "online_mode": version.online_mode,
        "form_schema": "{}",
        "form_ui": "{}",
        "unverified": "[]",
        "papers-TOTAL_FORMS": 0,
        "papers-INITIAL_FORMS": 0,
        "fees-TOTAL_FORMS": 0,
        "fees-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_version_page_validates_the_form_schema(admin_client, small_catalog):
    version = ProcedureVersion.objects.get(procedure__code="1.000656")
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
    response = admin_client.post(
        url, version_post_data(version, form_schema=json.dumps({"type": "khong-co"}))
    )
    assert response.status_code == 200
    assert "không phải JSON Schema hợp lệ" in response.content.decode()
    version.refresh_from_db()
    assert version.form_schema == {}


def test_version_page_refuses_an_overlapping_publication(admin_client, small_catalog):
    version = ProcedureVersion.objects.get(procedure__code="1.000656")
    url = reverse("admin:catalog_procedureversion_add")
    response = admin_client.post(url, version_post_data(version, number=2))
    assert response.status_code == 200
    assert "trùng với phiên bản 1" in response.content.decode()
    assert ProcedureVersion.objects.filter(procedure__code="1.000656").count() == 1


def test_export_actions(admin_client, small_catalog):
    url = reverse("admin:catalog_procedure_changelist")
    ids = list(Procedure.objects.filter(code__in=["1.001193", "2.000815"]).values_list("pk", flat=True))
    response = admin_client.post(url, {"action": "export_selected_json", "_selected_action": ids})
    document = json.loads(response.content)
    assert [p["code"] for p in document["procedures"]] == ["1.001193", "2.000815"]
    response = admin_client.post(url, {"action": "export_selected_xlsx", "_selected_action": ids})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(ie.read_xlsx(response.content).procedures) == 2


def test_import_page_checks_then_imports(admin_client, small_catalog):
    exported = ie.export_json(Procedure.objects.filter(code="1.001193"))
    changed = exported.replace('"Đăng ký khai sinh"', '"Đăng ký khai sinh (sửa)"')
    url = reverse("admin:catalog_procedure_import")
    assert admin_client.get(url).status_code == 200
    upload = SimpleUploadedFile("danh-muc.json", changed.encode(), content_type="application/json")
    response = admin_client.post(url, {"step": "check", "file": upload})
    html = response.content.decode()
    assert "Kiểm tra xong, không có lỗi" in html
    assert Procedure.objects.get(code="1.001193").name == "Đăng ký khai sinh"  # nothing written yet
    token = response.context["token"]
    response = admin_client.post(url, {"step": "confirm", "token": token})
    assert response.status_code == 302
    assert Procedure.objects.get(code="1.001193").name == "Đăng ký khai sinh (sửa)"
    response = admin_client.post(url, {"step": "confirm", "token": token})  # the same token twice
    assert response.status_code == 302 and response.url == url


def test_import_page_lists_every_error(admin_client, db):
    upload = SimpleUploadedFile("loi.xlsx", error_workbook())
    response = admin_client.post(reverse("admin:catalog_procedure_import"), {"step": "check", "file": upload})
    html = response.content.decode()
    assert "Không nhập gì" in html and "token" not in response.context
    assert html.count("<tr><td>") == len(response.context["report"].issues) >= 8
    assert not Procedure.objects.exists()


def test_import_page_refuses_other_files(admin_client, db):
    upload = SimpleUploadedFile("danh-muc.csv", io.BytesIO(b"a,b").read())
    response = admin_client.post(reverse("admin:catalog_procedure_import"), {"step": "check", "file": upload})
    assert "Chỉ nhận tệp .json hoặc .xlsx." in response.content.decode()


def test_version_page_links_to_the_live_form_preview(admin_client, small_catalog):
    version = Procedure.objects.get(code="1.001193").versions.get()
    page = admin_client.get(
        reverse("admin:catalog_procedureversion_change", args=[version.pk])
    ).content.decode()
    preview = reverse("catalog-preview:form-preview")
    assert has_link(page, f"{preview}?phien-ban={version.pk}")


def test_version_page_sets_the_required_level_of_assurance(admin_client, small_catalog):
    version = Procedure.objects.get(code="1.001193").versions.get()
    page = admin_client.get(reverse("admin:catalog_procedureversion_change", args=[version.pk]))
    assert b'name="required_assurance_level"' in page.content
    response = admin_client.post(
        reverse("admin:catalog_procedureversion_change", args=[version.pk]),
        version_post_data(version, required_assurance_level=2),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    version.refresh_from_db()
    assert version.required_assurance_level == 2
