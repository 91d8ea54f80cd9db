"""The citizen's electronic data store: papers they upload are kept, a later application re-attaches one
without uploading (and the re-use is counted), they see, download and delete their own uploads, results
issued by an agency cannot be deleted, and nobody reaches another person's items."""

import io

import pytest
from django.urls import reverse

from congso.core import events
from congso.core.models import EventDelivery, OutboxEvent
from congso.dossiers.models import Dossier
from congso.portal.models import DraftFile
from congso.registries import services
from congso.registries.models import DataStoreItem, ItemKind
from congso.registries.subscribers import keep_papers
from congso.reporting.models import DossierFact
from tests.portal.applications import (
    CERTIFICATION_PAPERS,
    fill_certification,
    html,
    isolate,
    make_citizen,
    make_communes,
    make_version,
    start,
    url,
)
from tests.samples import PDF_BYTES, pdf
from tests.support.html import select, texts


@pytest.fixture
def world(db, settings, tmp_path, make_user):
    isolate(settings, tmp_path)
    communes = make_communes()
    version = make_version(form="2.000815", papers=CERTIFICATION_PAPERS, agencies=communes)
    return {"communes": communes, "version": version, "citizen": make_citizen(make_user)}


def _event(dossier):
    class Event:
        pk = 0
        payload = {"code": dossier.code}

    return Event()


def _apply(client, world, papers_post, django_capture_on_commit_callbacks):
    draft = start(client, world["version"])
    fill_certification(client, draft, world["communes"][0])
    response = client.post(url("apply-papers", draft), {**papers_post, "action": "continue"})
    assert response.status_code == 302, html(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("apply-submit", draft), {"declaration": "true"})
    assert response.status_code == 302, html(response)
    dossier = Dossier.objects.latest("id")
    keep_papers(_event(dossier))  # what the worker does on dossier.submitted
    return draft, dossier


def test_a_second_application_reuses_a_paper_from_the_data_store(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["citizen"])
    _draft, first = _apply(
        client, world, {"file-ban-chup": pdf("ban-chup.pdf")}, django_capture_on_commit_callbacks
    )
    [kept] = services.items_of(world["citizen"])
    assert kept.kind == ItemKind.UPLOADED and kept.source_dossier_code == first.code
    assert kept.paper_code == "ban-chup"
    assert services.reuse_count() == 0

    # The papers page of the next application offers it; choosing it attaches a copy, no upload.
    draft = start(client, world["version"])
    fill_certification(client, draft, world["communes"][0])
    page = html(client.get(url("apply-papers", draft)))
    assert "Hoặc dùng lại giấy tờ trong kho dữ liệu của bạn" in page and f'value="{kept.pk}"' in page
    response = client.post(
        url("apply-papers", draft), {"kho-file-ban-chup": str(kept.pk), "action": "continue"}
    )
    assert response.status_code == 302, html(response)
    attached = DraftFile.objects.get(draft=draft)
    assert attached.sha256 == kept.sha256 and attached.required_paper_code == "ban-chup"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("apply-submit", draft), {"declaration": "true"})
    second = Dossier.objects.latest("id")
    assert second.pk != first.pk
    keep_papers(_event(second))
    keep_papers(_event(second))  # at least once: counted once
    assert services.reuse_count() == 1
    assert services.items_of(world["citizen"]).count() == 1  # the same content is kept once


def test_several_papers_of_one_type_in_the_data_store_are_told_apart(client, world):
    citizen = world["citizen"]
    for filename, content in (("khai-sinh-2019.pdf", PDF_BYTES), ("khai-sinh-2024.pdf", PDF_BYTES + b"\n%2")):
        handle = io.BytesIO(content)
        handle.name = filename
        services.store_upload(citizen, "Giấy khai sinh", handle, paper_code="ban-chup")
    handle = io.BytesIO(PDF_BYTES + b"\n%3")
    handle.name = "ket-qua.pdf"
    services.store_result(
        citizen, "Giấy khai sinh", handle, issued_by="UBND phường Phú Cường", source_dossier_code="X-1"
    )
    handle = io.BytesIO(PDF_BYTES + b"\n%4")
    handle.name = "ket-qua.pdf"
    services.store_result(
        citizen, "Giấy khai sinh", handle, issued_by="UBND phường Phú Cường", source_dossier_code="X-2"
    )
    client.force_login(citizen)
    draft = start(client, world["version"])
    fill_certification(client, draft, world["communes"][0])
    page = html(client.get(url("apply-papers", draft)))
    labels = texts(page, "#tep-ban-chup-kho option")[1:]
    assert len(labels) == 4 and len(set(labels)) == 4, labels
    assert any("tệp khai-sinh-2019.pdf" in label and "lưu vào kho ngày" in label for label in labels)
    assert any("tệp khai-sinh-2024.pdf" in label for label in labels)
    assert sum("do UBND phường Phú Cường cấp" in label and "cấp ngày" in label for label in labels) == 2


def test_a_reuse_is_published_once_and_counted_by_reporting_at_once(
    client, world, django_capture_on_commit_callbacks
):
    """The re-use shows in the indicators when it happens, not from the dossier's next status event."""
    client.force_login(world["citizen"])
    _apply(client, world, {"file-ban-chup": pdf("ban-chup.pdf")}, django_capture_on_commit_callbacks)
    assert not OutboxEvent.objects.filter(name=services.REUSE_EVENT).exists()  # nothing re-used yet
    _draft, second = _apply(
        client, world, {"file-ban-chup": pdf("ban-chup.pdf")}, django_capture_on_commit_callbacks
    )
    keep_papers(_event(second))  # delivered twice: still one event
    [published] = OutboxEvent.objects.filter(name=services.REUSE_EVENT)
    assert published.payload == {"dossier_id": second.pk, "code": second.code}

    [delivery] = EventDelivery.objects.filter(event=published, subscriber="reporting.facts")
    assert events.attempt_delivery(delivery.pk) == "delivered"  # this event alone builds the fact
    assert DossierFact.objects.get(dossier_id=second.pk).reused_data is True


def test_an_item_of_someone_else_cannot_be_attached(client, world, make_user):
    other = make_user("binh", kind="citizen")
    theirs = services.store_upload(other, "CCCD", _file())
    client.force_login(world["citizen"])
    draft = start(client, world["version"])
    fill_certification(client, draft, world["communes"][0])
    response = client.post(
        url("apply-papers", draft), {"kho-file-ban-chup": str(theirs.pk), "action": "continue"}
    )
    assert response.status_code == 200
    assert "Giấy tờ đã chọn không còn trong kho dữ liệu của bạn." in html(response)
    assert not DraftFile.objects.exists()


def _file(content=PDF_BYTES, name="giay-to.pdf"):
    handle = io.BytesIO(content)
    handle.name = name
    handle.content_type = "application/pdf"
    return handle


def test_the_download_and_delete_links_of_like_papers_are_told_apart_by_their_dossier(client, world):
    # Several papers of one kind (one per dossier) gave a screen reader links of one name,
    # "Tải về Bản chính giấy tờ…" four times; each link now names its dossier too.
    citizen = world["citizen"]
    for code in ("000.00.00.H08-260101-0001", "000.00.00.H08-260101-0002"):
        services.store_result(
            citizen,
            "Bản sao chứng thực",
            _file(PDF_BYTES + code.encode()),
            issued_by="UBND phường Phú Cường",
            source_dossier_code=code,
        )
    client.force_login(citizen)
    names = [link.text for link in select(client.get(reverse("registries:data-store")), "td a[download]")]
    assert sorted(names) == [
        "Tải về Bản sao chứng thực, Hồ sơ 000.00.00.H08-260101-0001",
        "Tải về Bản sao chứng thực, Hồ sơ 000.00.00.H08-260101-0002",
    ]


def test_the_owner_sees_downloads_and_deletes_uploads_but_not_results(client, world, make_user):
    citizen = world["citizen"]
    upload = services.store_upload(citizen, "Giấy khai sinh (bản chụp)", _file())
    result = services.store_result(
        citizen,
        "Bản sao chứng thực",
        _file(PDF_BYTES + b"%result"),
        issued_by="UBND phường Phú Cường",
        source_dossier_code="000.00.00.H08-260101-0001",
    )
    client.force_login(citizen)
    page = html(client.get(reverse("registries:data-store")))
    assert "Giấy khai sinh (bản chụp)" in page and "Bản sao chứng thực" in page
    assert reverse("registries:data-store-delete", args=[upload.pk]) in page
    assert reverse("registries:data-store-delete", args=[result.pk]) not in page
    download = client.get(reverse("registries:data-store-download", args=[upload.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"].startswith("attachment")

    refused = client.post(reverse("registries:data-store-delete", args=[result.pk]), follow=True)
    assert "không thể xóa hoặc sửa đổi" in html(refused)
    assert DataStoreItem.objects.get(pk=result.pk).deleted_at is None

    client.post(reverse("registries:data-store-delete", args=[upload.pk]))
    gone = DataStoreItem.objects.get(pk=upload.pk)
    assert gone.deleted_at is not None and not gone.file
    assert list(services.items_of(citizen)) == [DataStoreItem.objects.get(pk=result.pk)]


@pytest.mark.parametrize("who", ["stranger", "officer", "anonymous"])
def test_nobody_else_reaches_an_item(client, world, make_user, who):
    item = services.store_upload(world["citizen"], "CCCD", _file())
    if who == "stranger":
        client.force_login(make_user("khac", kind="citizen"))
    elif who == "officer":
        client.force_login(make_user("canbo", kind="official"))
    download = client.get(reverse("registries:data-store-download", args=[item.pk]))
    confirm = client.get(reverse("registries:data-store-delete", args=[item.pk]))
    delete = client.post(reverse("registries:data-store-delete", args=[item.pk]))
    if who == "anonymous":
        assert download.status_code == 302 and confirm.status_code == 302 and delete.status_code == 302
    else:
        assert {download.status_code, confirm.status_code, delete.status_code} <= {403, 404}
    assert DataStoreItem.objects.get(pk=item.pk).deleted_at is None


def test_the_service_refuses_to_delete_a_result_or_anothers_item(world, make_user):
    from django.core.exceptions import PermissionDenied

    result = services.store_result(
        world["citizen"], "Kết quả", _file(), issued_by="UBND", source_dossier_code="X-1"
    )
    with pytest.raises(PermissionDenied):
        services.delete_item(world["citizen"], result)
    upload = services.store_upload(world["citizen"], "Bản chụp", _file(PDF_BYTES + b"%2"))
    with pytest.raises(PermissionDenied):
        services.delete_item(make_user("x", kind="citizen"), upload)


def test_deleting_asks_to_confirm_first_and_a_get_deletes_nothing(client, world):
    item = services.store_upload(world["citizen"], "CCCD", _file())
    client.force_login(world["citizen"])
    url = reverse("registries:data-store-delete", args=[item.pk])

    confirm = client.get(url)

    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Xóa giấy tờ khỏi kho dữ liệu?" in page and 'method="post"' in page
    assert DataStoreItem.objects.get(pk=item.pk).deleted_at is None
    client.post(url)
    assert DataStoreItem.objects.get(pk=item.pk).deleted_at is not None


def test_a_paper_kept_under_an_hta_name_downloads_as_pdf_from_the_store(client, world):
    """A PDF that is also a valid HTA, uploaded as ``ho-so.hta``, kept in the store: opening the download
    must hand it to a PDF reader, not to Windows' script host (the dossier pages already do so)."""
    citizen = world["citizen"]
    item = services.store_upload(citizen, "Hồ sơ", _file(name="ho-so.hta"))
    client.force_login(citizen)
    download = client.get(reverse("registries:data-store-download", args=[item.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="ho-so.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
