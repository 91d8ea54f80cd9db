"""The ``load_units`` management command."""

import pytest
from django.core.management import CommandError, call_command

from congso.agencies.models import AdministrativeUnit, UnitSuccession

pytestmark = pytest.mark.django_db


def test_load_one_province(capsys):
    call_command("load_units", "--province", "79")
    assert AdministrativeUnit.objects.count() == 169
    assert "169 tạo mới" in capsys.readouterr().out


def test_bình_dương_history_brings_ho_chi_minh_city_with_it():
    call_command("load_units", "--binh-duong-history")
    assert AdministrativeUnit.objects.filter(code="79").exists()
    assert UnitSuccession.objects.filter(predecessor__code="74", successor__code="79").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "--province"),
        (["--all", "--province", "79"], "--all"),
        (["--province", "99"], "99"),
    ],
)
def test_bad_arguments_are_explained_and_load_nothing(args, message):
    with pytest.raises(CommandError) as exc:
        call_command("load_units", *args)
    assert message in str(exc.value)
    assert not AdministrativeUnit.objects.exists()
