"""The demo's simulated national portal agrees with the province: the link takes the demo's national
dossiers into the commune's inbox, and the catalogue comparison finds exactly the demo's changes."""

import pytest

from congso import demo
from congso.dossiers.models import Channel, Dossier, Status
from congso.nationalportal import services
from congso.nationalportal.models import IncomingDossier, IncomingStatus, PullOutcome
from congso.sandbox import dvcqg_demo
from congso.sandbox import services as sandbox
from tests.nationalportal.helpers import run_jobs, timeline


@pytest.mark.django_db(transaction=True)
def test_the_demo_national_portal_agrees_with_the_province(portal):
    demo.seed()
    demo.seed()  # idempotent
    run_jobs()
    taken = Dossier.objects.filter(channel=Channel.NATIONAL_PORTAL)
    assert taken.count() == len(demo.NATIONAL_PORTAL_DOSSIERS)
    assert set(taken.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert not IncomingDossier.objects.exclude(status=IncomingStatus.ACKNOWLEDGED).exists()
    for code, *_rest in demo.NATIONAL_PORTAL_DOSSIERS:
        assert sandbox.dvcqg_dossier_state(code)["taken"] and timeline(code) == [1]

    pulls = {p.procedure_code: p for p in services.pull_catalogue()}
    drafted = {code for code, p in pulls.items() if p.outcome == PullOutcome.DRAFTED}
    assert drafted == {dvcqg_demo.CHANGED_CODE}
    assert {code for code, p in pulls.items() if p.outcome == PullOutcome.NOT_LOCAL} == {
        "1.099901",
        "1.099902",
    }
    assert not [code for code, p in pulls.items() if p.outcome == PullOutcome.FAILED]
