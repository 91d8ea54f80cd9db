"""Papers handed in with a dossier: checking the uploads against the procedure version, then storing
the files and their ``DossierPaper`` rows."""

from django.core.files import File
from django.utils.translation import gettext as _

from congso.catalog import services as catalog_services

from ..errors import InvalidDossierInput
from ..files import PaperUpload, UploadRejected, validate_upload
from ..models import DossierPaper
from .checks import _text


def _check_papers(version, papers, *, require_all: bool) -> list[tuple[PaperUpload, object]]:
    """Check each upload (type by content, size, malware) and the paper codes against the version.

    With ``require_all``, every required paper not available from the data store must be present.
    Returns (upload, checked) pairs. Errors: ``UploadRejected`` naming the paper, ``InvalidDossierInput``.
    """
    # A caller that prefetched the version's papers (the views do) reads them once for the checks and
    # for ``_store_papers``; the version object is the caller's, so no cache is added to it here.
    known = {paper.code: paper for paper in catalog_services.required_papers(version)}
    checked = []
    for upload in papers or ():
        if upload.required_paper_code and upload.required_paper_code not in known:
            raise InvalidDossierInput(
                _("Thành phần hồ sơ “{code}” không thuộc thủ tục này.").format(
                    code=upload.required_paper_code
                ),
                code="unknown_paper",
            )
        try:
            checked.append((upload, validate_upload(upload.fileobj)))
        except UploadRejected as exc:
            raise UploadRejected(
                _("{paper}: {reason}").format(
                    paper=upload.name or upload.required_paper_code, reason=" ".join(exc.messages)
                ),
                code=exc.code,
            ) from exc
    if require_all:
        given = {upload.required_paper_code for upload in papers or ()}
        missing = [
            paper.name
            for code, paper in known.items()
            if paper.is_required and not paper.from_data_store and code not in given
        ]
        if missing:
            raise InvalidDossierInput(
                _("Còn thiếu thành phần hồ sơ: {papers}.").format(papers="; ".join(missing)),
                code="missing_papers",
            )
    return checked


def _check_papers_or_note(version, papers, note: str, message, code: str) -> list[tuple[PaperUpload, object]]:
    """Papers handed in with a note (a supplement, a result): at least one of the two, else
    ``InvalidDossierInput(message, code)``; the papers checked as ``_check_papers`` does."""
    if not papers and not note:
        raise InvalidDossierInput(message, code=code)
    return _check_papers(version, papers, require_all=False)


def _store_papers(dossier, checked, *, stage, by, at, stored: list) -> None:
    """Write the files and their rows; ``stored`` (the list ``core.stored_files.discard_on_rollback``
    yields) collects the storage names so that they are removed if the transaction fails (files are not
    transactional)."""
    for paper in _stored_paper_rows(dossier, checked, stage=stage, by=by, at=at, stored=stored):
        paper.save()


def _stored_paper_rows(dossier, checked, *, stage, by, at, stored: list) -> list[DossierPaper]:
    """Write the files (their names collected in ``stored``, as ``_store_papers``) and return their
    ``DossierPaper`` rows unsaved, for a caller that writes them with the change (``states.record``'s
    ``rows``: one statement on PostgreSQL)."""
    known = {paper.code: paper.name for paper in catalog_services.required_papers(dossier.procedure_version)}
    rows = []
    for upload, info in checked:
        paper = DossierPaper(
            dossier=dossier,
            required_paper_code=upload.required_paper_code,
            name=_text(upload.name, 500, _("Tên giấy tờ"))
            or known.get(upload.required_paper_code, "")
            or info.original_name,
            original_name=info.original_name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            scan_status=info.scan_status,
            uploaded_by=by,
            uploaded_at=at,
            stage=stage,
        )
        paper.file.save("upload", File(upload.fileobj), save=False)
        stored.append(paper.file.name)
        rows.append(paper)
    return rows
