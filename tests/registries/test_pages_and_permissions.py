"""The procedure page names the register that proves a paper; who may see the verification panel and
re-query (a matrix over the dossier's roles); who may use a data store."""

import pytest
from django.urls import reverse

from congso.registries import permissions, services
from tests.portal.applications import CERTIFICATION_PAPERS, make_communes, make_version


def test_the_procedure_page_names_the_register_proving_a_paper(client, db):
    version = make_version(form="2.000815", papers=CERTIFICATION_PAPERS, agencies=make_communes())
    page = client.get(reverse("catalog:procedure", args=[version.procedure.code])).content.decode()
    assert "Giấy tờ tùy thân — cơ quan tự tra cứu Cơ sở dữ liệu quốc gia về dân cư" in page
    assert services.proving_register_name("ban-chup") == ""


@pytest.mark.parametrize(
    ("who", "sees", "requeries"),
    [
        ("one_stop", True, True),
        ("specialist", True, True),  # processes at the receiving agency
        ("specialist_b", False, False),
        ("applicant", True, False),
        ("stranger", False, False),
        ("anonymous", False, False),
    ],
)
def test_verification_matrix(submit, actors, citizen, make_user, who, sees, requeries):
    dossier = submit()
    user = {
        "one_stop": actors.one_stop,
        "specialist": actors.specialist,
        "specialist_b": actors.specialist_b,
        "applicant": citizen,
        "stranger": make_user("nguoi_la", kind="citizen"),
        "anonymous": None,
    }[who]
    assert permissions.can_see_verification(user, dossier) is sees
    assert permissions.can_requery(user, dossier) is requeries


@pytest.mark.parametrize(
    ("kind", "allowed"), [("citizen", True), ("business", True), ("official", False), (None, False)]
)
def test_data_store_is_for_citizens_and_businesses(make_user, kind, allowed):
    user = make_user(f"u_{kind}", kind=kind) if kind else None
    assert permissions.can_use_data_store(user) is allowed
