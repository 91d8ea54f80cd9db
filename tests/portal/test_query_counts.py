"""The number of database queries of the portal's online submission (the "Nộp hồ sơ" POST that calls
``dossiers.services.submit_online``), pinned so that it cannot creep back (issue 17). The ceiling is per
database (PostgreSQL writes the change in one statement); see tests/dossiers/test_query_counts.py for the
officers' pages.
"""

import pytest
from django.db import connection

from congso.dossiers.models import Dossier

from .applications import isolate, ready_to_submit, start, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_and_isolated(settings, tmp_path):
    isolate(settings, tmp_path)


def test_online_submission_queries(
    signed_in,
    certification,
    communes,
    django_assert_max_num_queries,
):
    draft = start(signed_in, certification)
    ready_to_submit(signed_in, draft, communes[0])
    # Reading the request: the session, the user, the draft (version, procedure and agency joined),
    # whether its version is still in force (and offered online), the version's papers (read once).
    # The submission's transaction: the draft's row locked; the agencies receiving it and the draft's
    # files, read once under the lock for the completeness check and the copies (then deleted); the
    # idempotency key (the version is known in force from the
    # request's first check); the working-day calendar (once per request); the sequence upsert; the
    # dossier; its processing agency, its paper, the status change, the audit line, the event, its
    # delivery to the LGSP's outbox subscriber ``lgsp.publish`` and one task row (seven statements, one
    # on PostgreSQL: ``core.statements``); the draft's files deleted, the draft saved; two savepoints and
    # their releases (the test runs inside a transaction).
    with django_assert_max_num_queries(19 if connection.vendor == "postgresql" else 25):
        response = signed_in.post(url("apply-submit", draft), {"declaration": "true"})
    assert response.status_code == 302
    assert Dossier.objects.get().channel == "online"
