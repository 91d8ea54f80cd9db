"""A procedure version that requires e-ID level 2: the portal explains how to reach it (sign in with
VNeID level 2) instead of failing, at the start and again at submission."""

from urllib.parse import parse_qs, urlsplit

import pytest

from congso.dossiers.models import Dossier
from congso.identity.assurance import set_session_level

from .applications import html, isolate, ready_to_submit, start, url


@pytest.fixture(autouse=True)
def quick_and_isolated(settings, tmp_path):
    isolate(settings, tmp_path)


def raise_level(client, level):
    session = client.session
    session["congso.assurance_level"] = level
    session.save()


def test_level_2_procedure_explains_how_to_reach_level_2(signed_in, certification):
    certification.required_assurance_level = 2
    certification.save()
    address = url("apply", procedure_code="2.000815")
    response = signed_in.get(address)
    assert response.status_code == 403
    page = html(response)
    assert "định danh điện tử VNeID mức 2" in page and "đạt mức 1" in page
    link = response.context["sign_in_url"]
    parts = urlsplit(link)
    assert parts.path == "/tai-khoan/dang-nhap/vneid/"
    assert parse_qs(parts.query) == {"muc": ["2"], "next": [address]}
    assert f'href="{link.replace("&", "&amp;")}"' in page
    raise_level(signed_in, 2)
    assert signed_in.get(address).status_code == 200


def test_without_vneid_configured_it_says_to_apply_at_the_counter(signed_in, certification, settings):
    settings.CONGSO_VNEID_ISSUER = ""
    certification.required_assurance_level = 2
    certification.save()
    page = html(signed_in.get(url("apply", procedure_code="2.000815")))
    assert "Cổng chưa kết nối với VNeID" in page


def test_level_1_procedures_accept_a_password_sign_in(signed_in, certification):
    assert signed_in.get(url("apply", procedure_code="2.000815")).status_code == 200


def test_submission_checks_the_level_again(signed_in, certification, communes):
    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    certification.required_assurance_level = 2
    certification.save()
    response = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert response.status_code == 403 and not Dossier.objects.exists()
    raise_level(signed_in, 2)
    assert signed_in.post(url("apply-submit", draft), {"declaration": "true"}).status_code == 302
    assert Dossier.objects.count() == 1


def test_the_session_level_is_what_the_sign_in_set(rf, client, citizen):
    client.force_login(citizen)
    assert client.session["congso.assurance_level"] == 1
    request = rf.get("/")
    request.session = client.session
    set_session_level(request, 2, "vneid")
    assert request.session["congso.assurance_level"] == 2
