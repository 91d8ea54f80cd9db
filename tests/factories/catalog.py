"""Factories of the catalog block: fields, procedures, procedure versions with their papers and fees.

``ProcedureVersionFactory`` is the one way the tests build a version: a published version in force since
2020-01-01 under a new procedure (codes from a sequence) unless told otherwise. ``papers=[{...}]`` and
``fees=[{...}]`` add required papers and fees in that order; ``implementing_agencies=[...]`` sets who
implements it.
"""

from datetime import date

import factory

from congso.catalog.models import (
    Fee,
    FeeKind,
    Field,
    Procedure,
    ProcedureLevel,
    ProcedureVersion,
    RequiredPaper,
    VersionStatus,
)


class FieldFactory(factory.django.DjangoModelFactory):
    """The civil-status field ("Hộ tịch"), shared by every procedure that does not name another."""

    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "ho-tich"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    """A commune-level procedure whose national code is its code."""

    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"1.{900000 + n:06d}")
    national_code = factory.SelfAttribute("code")
    name = factory.Sequence(lambda n: f"Thủ tục thử {n}")
    field = factory.SubFactory(FieldFactory)
    level = ProcedureLevel.COMMUNE


class RequiredPaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredPaper

    code = factory.Sequence(lambda n: f"giay-to-{n}")
    name = factory.Sequence(lambda n: f"Giấy tờ {n}")


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fee

    name = "Lệ phí"
    kind = FeeKind.FIXED


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    status = VersionStatus.PUBLISHED
    effective_from = date(2020, 1, 1)
    legal_basis = "Luật Hộ tịch 2014"

    @factory.post_generation
    def implementing_agencies(version, create, agencies, **kwargs):
        if create and agencies:
            version.implementing_agencies.set(agencies)

    @factory.post_generation
    def papers(version, create, papers, **kwargs):
        """Each dict is a ``RequiredPaper``'s fields; its position is its place in the list."""
        for position, paper in enumerate(papers or ()):
            RequiredPaperFactory(version=version, position=position, **paper)

    @factory.post_generation
    def fees(version, create, fees, **kwargs):
        for position, fee in enumerate(fees or ()):
            FeeFactory(version=version, position=position, **fee)
