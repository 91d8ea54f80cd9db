"""The one rule for "valid on a date" (core.models.EffectiveDated): both ends inclusive, empty = open."""

from datetime import date

import pytest
from django.db import models

from congso.agencies.models import Agency, AgencyKind, StaffMembership
from congso.core.models import EffectiveDated, valid_on_q

DAY = date(2025, 7, 1)


class Period(EffectiveDated):
    class Meta:
        abstract = True
        app_label = "core"


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "expected"),
    [
        (None, None, True),
        (DAY, None, True),
        (None, DAY, True),
        (DAY, DAY, True),
        (date(2025, 7, 2), None, False),
        (None, date(2025, 6, 30), False),
    ],
)
def test_a_period_includes_both_of_its_ends(valid_from, valid_to, expected):
    row = Agency(valid_from=valid_from, valid_to=valid_to)
    assert row.is_valid_on(DAY) is expected


def test_the_abstract_model_declares_optional_dates():
    fields = {f.name: f for f in Period._meta.fields}
    assert isinstance(fields["valid_from"], models.DateField) and fields["valid_from"].null
    assert isinstance(fields["valid_to"], models.DateField) and fields["valid_to"].blank


def test_memberships_keep_their_own_labels():
    assert str(StaffMembership._meta.get_field("valid_from").verbose_name) == "từ ngày"
    assert str(Agency._meta.get_field("valid_from").verbose_name) == "hiệu lực từ"


@pytest.mark.django_db
def test_queryset_and_related_condition_agree_with_the_row_rule():
    def agency(code, **period):
        return Agency.objects.create(code=code, name=code, kind=AgencyKind.OTHER, **period)

    open_ended = agency("000.00.01.H08")
    ended = agency("000.00.02.H08", valid_to=date(2025, 6, 30))
    starting = agency("000.00.03.H08", valid_from=DAY)
    later = agency("000.00.04.H08", valid_from=date(2025, 7, 2))
    assert set(Agency.objects.valid_on(DAY)) == {open_ended, starting}
    assert {a for a in (open_ended, ended, starting, later) if a.is_valid_on(DAY)} == {open_ended, starting}
    under_open = agency("000.01.01.H08", parent=open_ended)
    agency("000.01.02.H08", parent=ended)
    children = Agency.objects.filter(valid_on_q(DAY, "parent__"), parent__isnull=False)
    assert list(children) == [under_open]
