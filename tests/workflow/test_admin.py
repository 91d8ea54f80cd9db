"""The admin: uploading a BPMN file (errors shown with their lines), the migration dry-run page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congso.workflow import services
from congso.workflow.models import ProcessVersion
from tests.support.bpmn import BPMN_DIR, flow, process, user_task


@pytest.fixture
def admin_client_vi(client, make_user):
    admin = make_user("quantri", kind="official", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def upload(client, content: bytes, key="thu-nghiem", name="Quy trình thử nghiệm"):
    return client.post(
        reverse("admin:workflow_processdefinition_upload"),
        {
            "key": key,
            "name": name,
            "activate": "on",
            "description": "",
            "note": "",
            "file": SimpleUploadedFile("quy-trinh.bpmn", content, content_type="application/xml"),
        },
    )


def test_upload_page_shows_line_numbered_errors(admin_client_vi):
    content = (BPMN_DIR / "invalid.bpmn").read_bytes()
    response = upload(admin_client_vi, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dòng 38: Không được dùng bước kịch bản" in page
    assert "Dòng 28: Bước “Xử lý không hạn” chưa khai báo thời gian được giao" in page
    assert not ProcessVersion.objects.exists()


def test_upload_creates_versions(admin_client_vi, db):
    xml = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Xử lý"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
        ],
        {"Chuyên viên": ["s", "a", "e"]},
    )
    response = upload(admin_client_vi, xml.encode())
    assert response.status_code == 302
    version = ProcessVersion.objects.get()
    assert response["Location"] == reverse("admin:workflow_processversion_change", args=[version.pk])
    assert version.uploaded_by.username == "quantri" and version.number == 1
    upload(admin_client_vi, xml.replace('value="8"', 'value="6"').encode(), name="")
    assert list(ProcessVersion.objects.order_by("number").values_list("number", "is_active")) == [
        (1, False),
        (2, True),
    ]
    page = admin_client_vi.get(reverse("admin:workflow_processdefinition_changelist")).content.decode()
    assert "Tải lên tệp BPMN" in page and "v2" in page


def test_migration_dry_run_page(admin_client_vi, world, make_dossier):
    xml = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Xử lý"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
        ],
        {"Chuyên viên": ["s", "a", "e"]},
    )
    services.upload_version(key="thu-nghiem", name="Thử", xml=xml)
    services.start(make_dossier("thu-nghiem"))
    v2 = services.upload_version(key="thu-nghiem", name="", xml=xml.replace('value="8"', 'value="6"'))
    url = reverse("admin:workflow_processversion_migrate", args=[v2.pk])
    page = admin_client_vi.get(url).content.decode()
    assert "Chuyển được" in page and "mọi bước đang chờ đều có trong phiên bản mới" in page
    response = admin_client_vi.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert services.plan_migration("thu-nghiem", 2) == []


def test_role_aliases_are_edited_in_the_admin_with_unique_names(admin_client_vi):
    from congso.workflow.models import RoleAlias

    add = reverse("admin:workflow_rolealias_add")
    assert admin_client_vi.get(add).status_code == 200
    response = admin_client_vi.post(add, {"name": "Backoffice", "role": "specialist", "note": ""})
    assert response.status_code == 302
    alias = RoleAlias.objects.get()
    assert (alias.normalised_name, alias.role) == ("backoffice", "specialist")

    for name, fragment in [
        ("  BACKOFFICE ", "Đã có tên thay thế"),  # the same name once normalised
        ("Chuyên viên", "đã là tên có sẵn"),
        ("Chuyên viên @ Công an", "“@”"),
    ]:
        response = admin_client_vi.post(add, {"name": name, "role": "leader", "note": ""})
        assert response.status_code == 200 and fragment in response.content.decode(), name
    response = admin_client_vi.post(add, {"name": "Quản trị", "role": "platform_admin", "note": ""})
    assert response.status_code == 200  # not a role that performs steps
    assert RoleAlias.objects.count() == 1

    change = reverse("admin:workflow_rolealias_change", args=[alias.pk])
    response = admin_client_vi.post(change, {"name": "Back office", "role": "leader", "note": "đổi"})
    assert response.status_code == 302
    alias.refresh_from_db()
    assert (alias.normalised_name, alias.role) == ("back office", "leader")


def test_instances_and_work_items_show_no_dossier_contents(admin_client_vi, world, make_dossier):
    """The platform administrator reads no dossier: the form data that the engine carries (instance data,
    serialized state, what an officer entered, their note) never reaches an admin page."""
    from congso.workflow.models import ProcessInstance, WorkItem

    xml = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Xử lý"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "e"),
        ],
        {"Chuyên viên": ["s", "a", "e"]},
    )
    services.upload_version(key="thu-nghiem", name="Thử", xml=xml)
    secret = "Số-nhà-bí-mật-4711"
    instance = services.start(make_dossier("thu-nghiem", form={"dia_chi": secret}))
    ProcessInstance.objects.filter(pk=instance.pk).update(data={"dia_chi": secret})
    item = WorkItem.objects.get(instance=instance)
    WorkItem.objects.filter(pk=item.pk).update(data={"dia_chi": secret}, note=secret)
    for url in (
        reverse("admin:workflow_processinstance_change", args=[instance.pk]),
        reverse("admin:workflow_workitem_change", args=[item.pk]),
        reverse("admin:workflow_processinstance_changelist"),
        reverse("admin:workflow_workitem_changelist"),
    ):
        response = admin_client_vi.get(url)
        assert response.status_code == 200, url
        assert secret not in response.content.decode(), url
