"""The citizen's dossier forms with hostile input: NUL characters (which PostgreSQL refuses in text),
huge and odd Unicode text. Each answers 4xx with a clear message, or accepts the text cleaned — never a
server error — and a refused request changes nothing."""

import pytest
from django.urls import reverse

from congso.dossiers.models import Status

from .dossier_world import build_world, drive


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    return build_world()


def _url(name, dossier):
    return reverse(f"portal:{name}", kwargs={"public_id": dossier.public_id})


def test_a_withdrawal_reason_with_a_nul_is_refused_and_nothing_changes(client, world):
    dossier = drive(world, Status.SUBMITTED)
    client.force_login(world.an)
    data = {"reason": "Không cần\x00", "confirm": "true"}
    response = client.post(_url("my-dossier-withdraw", dossier), data)
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_a_feedback_comment_with_a_nul_is_refused(client, world):
    dossier = drive(world, Status.RESULT_RETURNED)
    client.force_login(world.an)
    response = client.post(_url("my-dossier-feedback", dossier), {"rating": "satisfied", "comment": "\x00"})
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.content.decode()


def test_a_supplement_note_with_a_nul_is_refused_and_nothing_changes(client, world):
    dossier = drive(world, Status.SUPPLEMENT_REQUESTED)
    client.force_login(world.an)
    response = client.post(_url("my-dossier-supplement", dossier), {"note": "Đã bổ sung\x00"})
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED


@pytest.mark.parametrize("code", ["\x00", "A" * 5000, "０００.００", "<script>alert(1)</script>"])
def test_the_public_lookup_answers_any_code_with_a_page(client, world, code):
    response = client.post(reverse("portal:dossier-lookup"), {"code": code, "second_factor": code})
    assert response.status_code in (200, 400, 404)
    assert "<script>alert(1)</script>" not in response.content.decode()
