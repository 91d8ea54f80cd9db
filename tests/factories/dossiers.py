"""Factories of the dossiers block.

``DossierFactory`` writes a dossier row directly — an online dossier accepted now, due in ten days — for
tests of what reads dossiers (permissions, the workflow, monitoring). Tests of a dossier's life bring it
about through ``dossiers.services`` instead, as officers would.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from congso.dossiers.models import Channel, Dossier, Status
from tests.factories.agencies import AgencyFactory
from tests.factories.catalog import ProcedureVersionFactory


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    code = factory.LazyAttributeSequence(lambda dossier, n: f"{dossier.receiving_agency.code}-260309-{n:04d}")
    procedure_version = factory.SubFactory(ProcedureVersionFactory)
    receiving_agency = factory.SubFactory(AgencyFactory)
    current_agency = factory.SelfAttribute("receiving_agency")
    channel = Channel.ONLINE
    status = Status.ACCEPTED
    applicant_name = "Nguyễn Văn An"
    # Read at creation, so that a test's settable clock (which replaces timezone.now) is honoured.
    submitted_at = factory.LazyFunction(lambda: timezone.now())
    received_at = factory.SelfAttribute("submitted_at")
    due_at = factory.LazyAttribute(lambda dossier: dossier.submitted_at + timedelta(days=10))

    @factory.post_generation
    def processing_agencies(dossier, create, agencies, **kwargs):
        if create and agencies:
            dossier.processing_agencies.add(*agencies)
