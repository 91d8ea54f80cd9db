"""Pages and files with a citizen's personal data are never kept by a browser's or a proxy's cache: a
shared office computer's "Back" button, or a caching proxy of a ward office, must not show the next
person what the last one saw (``Cache-Control: private, no-store``)."""

import pytest
from django.urls import reverse

from congso.dossiers.models import PaperStage, Status
from congso.portal.models import ApplicationDraft

from .applications import make_citizen, make_communes, make_version, start
from .applications import url as apply_url
from .dossier_world import build_world, drive


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def private(response) -> bool:
    header = response.get("Cache-Control", "")
    return "no-store" in header and "private" in header


def test_every_page_of_the_online_application_is_private(client, make_user):
    communes = make_communes()
    version = make_version(form="2.000815", agencies=communes)
    client.force_login(make_citizen(make_user))
    draft = start(client, version)
    assert isinstance(draft, ApplicationDraft)
    for name in ("apply-draft", "apply-who", "apply-agency", "apply-papers", "apply-review"):
        response = client.get(apply_url(name, draft))
        assert response.status_code in (200, 302), name
        assert private(response), (name, response.get("Cache-Control"))
    assert private(client.get(reverse("portal:drafts")))
    assert private(client.get(apply_url("apply", procedure_code=version.procedure.code)))


def test_the_receipts_and_the_data_pages_of_a_citizen_are_private(client, db):
    world = build_world()
    dossier = drive(world, Status.RESULT_RETURNED, result_file=True)
    client.force_login(world.an)
    result = dossier.papers.get(stage=PaperStage.RESULT)
    kw = {"public_id": dossier.public_id}
    for address in (
        reverse("portal:my-dossier-receipt", kwargs=kw),
        reverse("portal:my-dossier-submission", kwargs=kw),
        reverse("portal:my-dossier-paper", kwargs={**kw, "paper_id": result.pk}),
        reverse("portal:receipt", kwargs={"dossier_id": dossier.public_id}),
        reverse("registries:data-uses"),
        reverse("registries:data-store"),
    ):
        response = client.get(address)
        assert response.status_code in (200, 302), address
        assert private(response), (address, response.get("Cache-Control"))


def test_public_pages_for_visitors_stay_cacheable(client, db):
    build_world()
    assert "no-store" not in client.get(reverse("portal:home")).get("Cache-Control", "")
