"""The number of database queries of the officers' busiest requests, pinned so that it cannot creep back
(issue 17). Counts are deterministic, unlike timings (bench/submissions.py measures those). Each ceiling
holds on SQLite and PostgreSQL (PostgreSQL writes a change in fewer statements: ``CHANGE``); the comment
lists what every query is for. A ceiling that no longer holds means a query was added to a hot path: find
it (``CaptureQueriesContext``) before raising it.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congso.core import request_cache
from congso.dossiers.models import Dossier
from tests.dossiers.counter_intake import intake_post, intake_url
from tests.samples import APPLICANT

pytestmark = pytest.mark.django_db

INBOX = "/can-bo/ho-so/"

# The workspace gate of every officer request: the session, the user, the officer's memberships (read
# once per request for the gate, the permission checks and the page's header: ``core.request_cache``).
GATE = 3

# What a new dossier writes after the dossier itself: its processing agency, its paper, the status change,
# the audit line, the events, their deliveries and one task row: seven statements on SQLite, one on
# PostgreSQL (``core.statements``: data-modifying CTEs).
INTAKE_WRITE = 1 if connection.vendor == "postgresql" else 7


@pytest.fixture
def intake_version(make_version, agency_a):
    version = make_version(papers=(("to-khai", "Tờ khai đăng ký khai sinh", True, False),))
    version.implementing_agencies.add(agency_a)
    return version


def test_counter_intake_queries(client, actors, intake_version, django_assert_max_num_queries):
    client.force_login(actors.one_stop)
    data = intake_post(intake_version, ho_ten_tre=None, ngay_sinh=None, **{"file-chung-sinh": None})
    assert client.get(intake_url(intake_version)).status_code == 200
    # GATE; the version in force (one query, procedure joined); the agencies implementing it; its
    # required papers (read once for the form, the checks and the storage); the idempotency key; the
    # probable duplicates of this applicant; the working-day calendar of the year (once per request: the
    # code's day, the appointment and the at-risk moment); then the transaction: the day's sequence (one
    # upsert), the dossier, and INTAKE_WRITE: its processing agency, the paper, the status change, the
    # audit line, the events dossier.submitted and dossier.accepted, all their deliveries and one task row.
    # The test runs inside a transaction, so the service's own is a savepoint (and its release): 2 more.
    with django_assert_max_num_queries(GATE + 10 + INTAKE_WRITE):
        response = client.post(intake_url(intake_version), data)
    assert response.status_code == 302
    assert Dossier.objects.get().code.endswith("-0001")


def test_online_submission_service_queries(citizen, agency_a, version, django_assert_max_num_queries):
    """``submit_online`` itself (the portal's HTTP path is pinned in tests/portal/test_query_counts.py)."""
    from io import BytesIO

    from congso.dossiers import services
    from congso.dossiers.files import PaperUpload
    from tests.samples import PDF_BYTES

    version.implementing_agencies.add(agency_a)
    # As in a request: the version's papers are read once for the form, the checks and the storage.
    # The idempotency key; the papers; the version in force; the calendar; then the sequence upsert,
    # the dossier, INTAKE_WRITE (its processing agency, the paper, the status change, the audit line, the
    # event dossier.submitted with its delivery to the LGSP's ``lgsp.publish`` and that delivery's task);
    # the savepoint and its release (the test
    # runs inside a transaction, so the service's own transaction is a savepoint).
    # The calendar is read twice by the deadline computation (appointment and at-risk moment).
    with request_cache.bound(), django_assert_max_num_queries(9 + INTAKE_WRITE):
        dossier = services.submit_online(
            version=version,
            applicant=citizen,
            receiving_agency=agency_a,
            form_data={},
            applicant_details=APPLICANT,
            acting_for=None,
            submitted_by=citizen,
            idempotency_key="key-query-count",
            papers=[PaperUpload("to-khai", "Tờ khai", BytesIO(PDF_BYTES))],
        )
    assert dossier.status == 1


def _inbox_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(INBOX).status_code == 200
    return len(captured.captured_queries)


def test_inbox_queries_do_not_grow_with_the_rows(client, actors, submit, django_assert_max_num_queries):
    client.force_login(actors.one_stop)
    submit()
    client.get(INBOX)  # the catalogue's in-memory index is built on the first visit
    few = _inbox_queries(client)
    for _n in range(5):
        submit()
    assert _inbox_queries(client) == few  # no query per row
    # GATE; the catalogue's stamp (the procedures for the filter come from its in-memory index); the
    # page of dossiers (agencies and procedure joined), read as two ordered segments (with and without
    # an appointment); the officer's open work items; the working-day calendar (deadline marks).
    # The officer's to-do (main's queues by unit): the dossiers at the officer's queues, their open
    # hand-overs, the dossiers handed to the officer by name. The workspace header's unread count
    # (notifications, through workspace.registry).
    with django_assert_max_num_queries(GATE + 9):
        client.get(INBOX)


def test_dossier_page_queries(client, actors, submit, django_assert_max_num_queries):
    dossier = submit()
    client.force_login(actors.one_stop)
    url = reverse("dossiers:detail", args=[dossier.code])
    assert client.get(url).status_code == 200
    # GATE; the dossier (visible_to, related rows joined); its processing agencies; the status history,
    # hand-overs, supplement requests, papers and extensions, read once for the page and its timeline
    # (services.timeline_rows); whether it has supplement requests (the actions offered); the working-day
    # calendar (once per request); the payment intents (the payments
    # block's panel, dossiers.extensions); the audit line of the officer's read (who used my data); the
    # registries' panel: the dossier's registry lookups and the version's papers. The notifications
    # block: the header's unread count and the dossier's notifications in its history. The documents
    # block's panel: the official documents linked to the dossier.
    with django_assert_max_num_queries(GATE + 16):
        assert client.get(url).status_code == 200
