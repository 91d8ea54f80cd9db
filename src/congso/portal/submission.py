"""From draft to dossier: ``submit(journey)`` turns a complete draft and its attached files into a dossier
through ``dossiers.services.submit_online``, in the same transaction that marks the draft submitted.

The draft's idempotency key goes with it, and its row is locked first, so a double click or a retry
creates one dossier. The dossier keeps its own copies of the files; the draft's go once the transaction
commits.
"""

from contextlib import ExitStack

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connections, transaction
from django.utils import timezone

from congso.catalog import services as catalog_services
from congso.core import rows
from congso.dossiers import files as dossier_files
from congso.dossiers import services as dossier_services
from congso.identity import services as identity_services

from .journey import Journey
from .models import ApplicationDraft, DraftFile, delete_stored

# Raised by ``submit`` when the draft's version went out of force meanwhile (nothing was stored).
VersionNotInForce = dossier_services.VersionNotInForce


class NotReady(Exception):
    """Raised by ``submit`` when the draft is not complete (``Journey.problems``); nothing was stored."""


def submit(journey: Journey) -> None:
    """Submit the journey's draft, once its checks pass (``journey.problems()``, run under the draft's
    lock, with the files as they are then: one read of the files serves the checks and the copies).

    Effects (one transaction): the dossier (``dossiers.services.submit_online``) with the draft's answers,
    applicant, person represented, receiving agency and files; the draft marked submitted with its
    cleaned answers, its file rows deleted. A draft a concurrent request submitted first is left as it is.
    Errors: ``NotReady`` (something is missing: the review page lists it); ``VersionNotInForce``;
    ``ValidationError`` (the applicant may no longer act for the party
    represented, ``identity.services.may_act_for``; the dossier service refused the answers or a file).
    Nothing is stored when one is raised. An act for a business or a child is audited naming both.
    """
    data = journey.clean_data()
    with transaction.atomic():
        draft = journey.draft
        # Lock the draft's row and read whether a concurrent request submitted it meanwhile; the
        # draft already loaded (with its version, agency and papers) serves the rest.
        draft.submitted_dossier_id = _lock(draft)
        if draft.submitted_dossier_id is not None:
            return
        # The files are read under the lock: attaching or removing one updates the draft's row
        # (``journey.save``), so none can come or go between the checks and the commit.
        journey.files_changed()
        if journey.problems():
            raise NotReady
        # Acting for a business or a child: the mandate is checked again just before the dossier, so a
        # mandate revoked while the page was open refuses the submission at once.
        refused = journey.mandate_problem()
        if refused is not None:
            raise ValidationError(refused.message)
        dossier = _create_dossier(journey, data)
        party = journey.represented_party()
        if party:
            identity_services.record_act_for(
                journey.user, party, "dossier.submit", dossier, procedure=journey.procedure.code
            )
        names = [attached.file.name for attached in journey.draft_files()]
        _mark_submitted(draft, dossier, data)
        # The dossier now holds its own copies; the draft's files go once this commits.
        transaction.on_commit(lambda: delete_stored(names))


# The draft's two statements are named queries (``core.rows``): the same statements as
# ``select_for_update().values_list(…).get()``, ``draft.files.all().delete()`` and
# ``draft.save(update_fields=…)``, whose querysets, deletion collector and save path cost more CPU than
# the statements themselves on every submission (bench/README.md, "Session of 2026-12-07, sixth").


def _lock(draft) -> int | None:
    """Lock ``draft``'s row until the transaction ends and read its dossier's id (None: not submitted).
    SQLite has no row locks (Django leaves ``FOR UPDATE`` out there too): its first write takes the
    database's one writer lock instead."""
    connection = connections[ApplicationDraft.objects.db]
    quote = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # S608: the table and column are the model's own names; the key is a parameter.
    sql = (
        f"SELECT {quote('submitted_dossier_id')} FROM {quote(ApplicationDraft._meta.db_table)} "  # noqa: S608
        f"WHERE id = %s{lock}"
    )
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, [draft.pk])
        (dossier_id,) = cursor.fetchone()
    return dossier_id


def _mark_submitted(draft, dossier, data: dict) -> None:
    """Delete ``draft``'s file rows and mark it submitted: its dossier, the step "done", the cleaned
    answers and ``updated_at`` now, as ``save(update_fields=…)`` writes them; one statement on PostgreSQL."""
    connection = connections[ApplicationDraft.objects.db]
    quote = connection.ops.quote_name
    now = timezone.now()
    field = ApplicationDraft._meta.get_field
    values = [
        field("data").get_db_prep_save(data, connection),
        field("current_step").get_db_prep_save("done", connection),
        field("updated_at").get_db_prep_save(now, connection),
        dossier.pk,
        draft.pk,
    ]
    # S608 below: the tables and columns are the models' own names; every value is a parameter.
    delete = f"DELETE FROM {quote(DraftFile._meta.db_table)} WHERE draft_id = %s"  # noqa: S608
    update = (
        f"UPDATE {quote(ApplicationDraft._meta.db_table)} SET data = %s, current_step = %s, "  # noqa: S608
        "updated_at = %s, submitted_dossier_id = %s WHERE id = %s"
    )
    with rows.prepared_cursor(connection) as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"WITH gone AS ({delete}) {update}", [draft.pk, *values])
        else:
            cursor.execute(delete, [draft.pk])
            cursor.execute(update, values)
    draft.data, draft.current_step, draft.updated_at = data, "done", now
    draft.submitted_dossier = dossier


def _create_dossier(journey: Journey, data: dict):
    draft = journey.draft
    slots = [s for s in journey.paper_slots() if s.accepts_files]
    own_codes = {p.code for p in catalog_services.required_papers(journey.version)}
    with ExitStack() as stack:
        uploads = []
        for slot in slots:
            for attached in slot.files:
                handle = attached.file.storage.open(attached.file.name, "rb")
                stack.callback(handle.close)
                uploads.append(
                    dossier_files.PaperUpload(
                        required_paper_code=slot.code if slot.code in own_codes else "",
                        name=slot.name,
                        fileobj=File(handle, name=attached.original_name),
                    )
                )
        return dossier_services.submit_online(
            version=journey.version,
            applicant=journey.user,
            receiving_agency=journey.receiving_agency(),
            form_data=data,
            applicant_details=journey.applicant_details(data),
            acting_for=journey.acting_for_payload(),
            submitted_by=journey.user,
            idempotency_key=str(draft.idempotency_key),
            papers=uploads,
        )
