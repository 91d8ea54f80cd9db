"""The life of a draft: finding the applicant's drafts, starting one, attaching and removing its files,
moving it to the version now in force ("Làm tiếp theo phiên bản mới"), and whether its version may
still be applied for. Submitting it is ``portal.submission``; where it stands is ``portal.journey``.

Every function here takes the signed-in account and only ever reads or changes that account's drafts.
Procedures and versions are read through ``catalog.services``; files are checked by
``dossiers.files.validate_upload`` before they are stored.
"""

from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso import formengine
from congso.catalog import services as catalog_services
from congso.core import rows, stored_files
from congso.dossiers import files as dossier_files
from congso.formengine import MISSING, get_path, prefill

from .journey import Journey, initial_data, receiving_agencies
from .models import ApplicationDraft, DraftFile, delete_stored

MAX_FILES_PER_PAPER = 10


# --- Finding drafts -----------------------------------------------------------------------------------


def find_draft(user, draft_id) -> ApplicationDraft | None:
    """``user``'s draft with this public id (submitted or not), its version, procedure and agency
    loaded; None when there is none, or it is someone else's. Its dossier is read only by the page that
    shows it (the confirmation): every page of the journey loads the draft, and a dossier's columns
    joined to each would be read for nothing.

    Every page of the journey starts here, so this is a named query (``core.rows``): the same rows
    and instances as ``of_user(user).select_related("procedure_version__procedure",
    "receiving_agency").filter(public_id=…)``, without building and compiling that queryset each time."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    connection = connections[ApplicationDraft.objects.db]
    row = _draft_row(connection, user.pk, draft_id)
    if row is None:
        return None
    version_field = ApplicationDraft._meta.get_field("procedure_version")
    procedure_field = version_field.related_model._meta.get_field("procedure")
    agency_field = ApplicationDraft._meta.get_field("receiving_agency")
    draft, version, procedure, agency = rows.instances(row, _draft_models(), connection)
    procedure_field.set_cached_value(version, procedure)
    version_field.set_cached_value(draft, version)
    agency_field.set_cached_value(draft, agency)
    return draft


def _draft_models() -> tuple:
    """The draft, its version, the version's procedure and the receiving agency: the models whose
    columns ``_draft_row`` reads, in that order (taken from the relations, as ``select_related`` does)."""
    version = ApplicationDraft._meta.get_field("procedure_version").related_model
    procedure = version._meta.get_field("procedure").related_model
    agency = ApplicationDraft._meta.get_field("receiving_agency").related_model
    return ApplicationDraft, version, procedure, agency


def _draft_row(connection, user_id, draft_id):
    draft, version, procedure, agency = _draft_models()
    quote = connection.ops.quote_name
    public_id = draft._meta.get_field("public_id").get_db_prep_value(draft_id, connection)
    select = rows.select(((draft, "d"), (version, "v"), (procedure, "p"), (agency, "a")), connection)
    # S608: the tables and columns are the models' own names; the account and the id are parameters.
    sql = (
        f"SELECT {select} FROM {quote(draft._meta.db_table)} d "  # noqa: S608
        f"JOIN {quote(version._meta.db_table)} v ON v.id = d.procedure_version_id "
        f"JOIN {quote(procedure._meta.db_table)} p ON p.id = v.procedure_id "
        f"LEFT JOIN {quote(agency._meta.db_table)} a ON a.id = d.receiving_agency_id "
        "WHERE d.user_id = %s AND d.public_id = %s"
    )
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, [user_id, public_id])
        return cursor.fetchone()


def find_draft_in_progress(user, draft_id) -> ApplicationDraft | None:
    """``user``'s unsubmitted draft with this public id (expired or not), or None."""
    return (
        ApplicationDraft.objects.of_user(user)
        .in_progress()
        .select_related("procedure_version__procedure")
        .filter(public_id=draft_id)
        .first()
    )


def drafts_in_progress(user) -> list[ApplicationDraft]:
    """The list "Hồ sơ đang soạn": ``user``'s unsubmitted drafts, expired ones included."""
    return list(
        ApplicationDraft.objects.of_user(user).in_progress().select_related("procedure_version__procedure")
    )


def open_drafts_for(user, procedure) -> list[ApplicationDraft]:
    """``user``'s unexpired, unsubmitted drafts of ``procedure`` (any version), offered on its start page."""
    return list(
        ApplicationDraft.objects.of_user(user)
        .in_progress()
        .filter(procedure_version__procedure=procedure, expires_at__gt=timezone.now())
        .select_related("procedure_version")
    )


def started_with(user, start_token) -> ApplicationDraft | None:
    """``user``'s draft created by the start page posted with ``start_token`` (submitted or not), or
    None: the same form posted again leads there."""
    if start_token is None:
        return None
    return ApplicationDraft.objects.of_user(user).filter(start_token=start_token).first()


# --- The draft's version ---------------------------------------------------------------------------------


def still_offered(version) -> bool:
    """Whether ``version`` is still in force and offered online: a draft of it may go on."""
    return catalog_services.is_offered_online(version) and catalog_services.is_in_force(version)


def current_version(procedure):
    """The version of ``procedure`` in force today, or None."""
    try:
        return catalog_services.version_in_force(procedure.code)
    except catalog_services.ProcedureNotAvailable:
        return None


def can_restart(draft, current) -> bool:
    """Whether ``draft`` can move to ``current`` (the version in force, or None): one that is offered
    online and is not the draft's own."""
    return (
        current is not None
        and catalog_services.is_offered_online(current)
        and current.pk != draft.procedure_version_id
    )


# --- Starting and starting again -------------------------------------------------------------------------


def start_draft(
    user, version, definition, relation: str, *, from_review=False, start_token=None
) -> tuple[Journey, bool]:
    """A new draft of ``version`` for ``user``, applying for ``relation``, with the answers the prefill
    sources give; saved at the page "who". With ``start_token`` (the start page's one-time token), a
    second post of the same page does not start another draft: ``(journey, False)`` is the draft the
    first post started; ``(journey, True)`` a new one."""
    draft = ApplicationDraft(
        user=user,
        procedure_version=version,
        acting_for={"relation": relation},
        data=definition.drop_hidden(initial_data(definition, user)),
        start_token=start_token,
    )
    journey = Journey(user, draft, definition, from_review=from_review)
    try:
        with transaction.atomic():
            journey.save(current_page="who")
    except IntegrityError:
        # Two posts of one page at the same moment (a double click): the other one started it.
        existing = started_with(user, start_token)
        if existing is None:
            raise
        return Journey(user, existing, definition, from_review=from_review), False
    return journey, True


def restart_on(user, old: ApplicationDraft, current, definition) -> Journey:
    """Move ``old`` to the version in force ``current`` (whose form is ``definition``): a new draft with
    the answers that still fit, who is applying, the agency if it still receives, and the files of papers
    the new version still asks for; ``old`` is deleted. The new draft is saved at "review"."""
    agencies = receiving_agencies(current)
    keep_codes = {p.code for p in catalog_services.required_papers(current)} | {DraftFile.AUTHORISATION_CODE}
    with transaction.atomic():
        data = definition.compatible_data(old.data)
        for path, found in prefill.for_form(definition, user).items():
            if get_path(data, path) is MISSING:
                formengine.set_path(data, path, found.value)
        new = ApplicationDraft.objects.create(
            user=user,
            procedure_version=current,
            data=definition.drop_hidden(data),
            acting_for=dict(old.acting_for or {}),
            receiving_agency=old.receiving_agency if old.receiving_agency in agencies else None,
        )
        old.files.filter(required_paper_code__in=keep_codes).update(draft=new)
        old.delete_with_files()
        journey = Journey(user, new, definition)
        journey.save(current_page="review")
    return journey


# --- Files ---------------------------------------------------------------------------------------------


def store_uploads(journey: Journey, uploads: dict[str, list]) -> dict[str, str]:
    """Validate every uploaded file (type by content, size, malware) and store them all, or none.
    ``uploads`` maps a paper code to its files. Returns ``{paper code: error}``; empty when the files
    were stored."""
    slots = {s.code: s for s in journey.paper_slots()}
    checked, errors = [], {}
    for code, files in uploads.items():
        slot = slots[code]
        if len(slot.files) + len(files) > MAX_FILES_PER_PAPER:
            errors[code] = _("%(paper)s: mỗi giấy tờ đính kèm tối đa %(n)s tệp.") % {
                "paper": slot.name,
                "n": MAX_FILES_PER_PAPER,
            }
            continue
        for upload in files:
            try:
                checked.append((code, upload, dossier_files.validate_upload(upload)))
            except dossier_files.UploadRejected as exc:
                errors[code] = _("%(paper)s — tệp “%(file)s”: %(reason)s") % {
                    "paper": slot.name,
                    "file": upload.name,
                    "reason": " ".join(exc.messages),
                }
                break
    if errors:
        return errors
    # Removed again if anything below fails; left by a killed process, the orphan-file sweep takes them.
    with stored_files.discard_on_rollback() as stored, transaction.atomic():
        for code, upload, info in checked:
            draft_file = DraftFile(
                draft=journey.draft,
                required_paper_code=code,
                original_name=(info.original_name or upload.name or "tep")[:255],
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
            )
            draft_file.file.save("upload", upload, save=False)
            stored.append(draft_file.file.name)
            draft_file.save()
        journey.save(current_page="papers")
    journey.files_changed()
    return {}


def attached_file(journey: Journey, file_id) -> DraftFile | None:
    """The draft's attached file ``file_id``, or None."""
    return journey.draft.files.filter(pk=file_id).first()


def remove_file(journey: Journey, attached: DraftFile) -> None:
    """Detach ``attached`` from the draft; the stored file goes once the transaction commits."""
    name = attached.file.name
    with transaction.atomic():
        attached.delete()
        journey.save(current_page="papers")
        transaction.on_commit(lambda: delete_stored([name]))
    journey.files_changed()
