"""What the dossier block offers the payments block: the provider-confirmed payment (no officer),
result papers, the dossiers asked to pay in a period, and the officer-page sections of extensions."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import timezone

from congso.dossiers import extensions, services
from congso.dossiers.files import PaperUpload
from congso.dossiers.models import Status
from tests.samples import PDF_BYTES


def test_payment_confirmed_by_a_provider_needs_no_officer(drive):
    dossier = drive(Status.AWAITING_PAYMENT)
    services.record_payment(
        dossier, None, reference="BL2026-000001", amount=50_000, confirmed_by_provider=True
    )
    dossier.refresh_from_db()
    change = dossier.status_changes.latest("at")
    assert dossier.status == Status.IN_PROCESSING
    assert change.by is None and change.extra == {
        "reference": "BL2026-000001",
        "amount": 50_000,
        "confirmed_by_provider": True,
    }


def test_without_the_provider_flag_an_officer_is_required(drive):
    dossier = drive(Status.AWAITING_PAYMENT)
    with pytest.raises(PermissionDenied):
        services.record_payment(dossier, None, reference="x", amount=50_000)
    assert dossier.status == Status.AWAITING_PAYMENT


def test_result_papers_and_dossiers_asked_to_pay(drive, actors, media_root):
    waiting = drive(Status.AWAITING_PAYMENT)
    done = drive(Status.IN_PROCESSING)
    services.mark_result_ready(
        done, actors.specialist, result_files=[PaperUpload("", "Kết quả", io.BytesIO(PDF_BYTES))]
    )
    assert [p.name for p in services.result_papers(done)] == ["Kết quả"]
    assert services.result_papers(waiting) == []
    now = timezone.now()
    assert services.dossiers_asked_to_pay(now - timedelta(hours=1), now + timedelta(hours=1)) == [waiting.pk]
    assert services.dossiers_asked_to_pay(now + timedelta(hours=1), now + timedelta(hours=2)) == []


def test_extension_panels_are_collected_in_order(drive, actors):
    dossier = drive(Status.ACCEPTED)

    class Panels(extensions.OfficerPagesExtension):
        def __init__(self, names):
            self.names = names

        def dossier_panels(self, request, dossier):
            return [extensions.DossierPanel(f"{name}.html", {}) for name in self.names]

    extensions.officer_pages.add("zz-test-a", Panels(["a1", "a2"]))
    extensions.officer_pages.add("zz-test-b", Panels([]))
    try:
        request = RequestFactory().get("/")
        request.user = actors.one_stop
        panels = extensions.dossier_panels(request, dossier)
        assert [p.template for p in panels][-2:] == ["a1.html", "a2.html"]
    finally:
        extensions.officer_pages.remove("zz-test-a")
        extensions.officer_pages.remove("zz-test-b")


def test_payment_request_form_proposes_the_catalogue_fee(drive, actors, client):
    from congso.catalog.models import Fee, FeeKind
    from congso.dossiers.models import Dossier

    dossier = drive(Status.IN_PROCESSING)
    Fee.objects.create(
        version=dossier.procedure_version,
        name="Phí chứng thực",
        kind=FeeKind.PER_PAGE,
        rule={"first_pages": 2, "first_rate": 2000, "next_rate": 1000, "max_per_copy": 200000},
    )
    Dossier.objects.filter(pk=dossier.pk).update(form_data={"so_trang": 5, "so_ban_sao": 3})
    client.force_login(actors.specialist)
    html = client.get(f"/can-bo/ho-so/{dossier.code}/yeu-cau-nop-phi/").content.decode()
    assert 'value="21000"' in html  # (2 × 2,000 + 3 × 1,000) × 3 copies
