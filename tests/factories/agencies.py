"""Factories of the agencies block: administrative units, agencies and staff memberships."""

import factory

from congso.agencies.models import AdministrativeUnit, Agency, AgencyKind, StaffMembership, UnitLevel
from tests.factories.identity import OfficialFactory


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    """A commune-level unit; ``level=`` and ``parent=`` for others."""

    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"8{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"Phường thử {n}")
    level = UnitLevel.COMMUNE


class AgencyFactory(factory.django.DjangoModelFactory):
    """A ward People's Committee with a sequential code; pass ``code``, ``name`` and ``kind`` when they
    matter."""

    class Meta:
        model = Agency

    # The "999." prefix keeps these codes apart from the real-looking ones tests spell out.
    code = factory.Sequence(lambda n: f"999.{n // 100 % 100:02d}.{n % 100:02d}.H08")
    name = factory.LazyAttribute(lambda agency: f"Cơ quan {agency.code}")
    kind = AgencyKind.PEOPLES_COMMITTEE


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    """An official holding ``role`` at ``agency`` (a new official and agency unless given)."""

    class Meta:
        model = StaffMembership

    user = factory.SubFactory(OfficialFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = "specialist"
