"""Fixtures of the portal's online application tests; the builders they use are in ``applications.py``."""

import pytest

from .applications import CERTIFICATION_PAPERS, make_citizen, make_communes, make_version


@pytest.fixture
def communes(db):
    return make_communes()


@pytest.fixture
def certification(communes):
    """Chứng thực bản sao 2.000815: commune level, two communes, the example form, three papers."""
    return make_version(form="2.000815", papers=CERTIFICATION_PAPERS, agencies=communes)


@pytest.fixture
def citizen(make_user):
    return make_citizen(make_user)


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client
