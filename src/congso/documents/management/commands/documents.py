"""``congso documents devpki [--agency CODE …]``: create the development PKI (root CA, a seal
certificate and image per agency, a signing certificate per leader) under CONGSO_DOCUMENTS_PKI_DIR
(default <CONGSO_VAR_DIR>/pki). Existing files are kept, so it is safe to run again. Refused in
production, where the government CA's certificates are used through a signature provider.

``congso documents reindex``: read the text of every attachment not read yet (documents registered before
the full-text search, or whose extraction job was lost) and rewrite every document's search entry."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from congso.agencies import services as agencies
from congso.documents import devpki


class Command(BaseCommand):
    help = "Official documents: devpki — create the development PKI (root, agency seals, signers)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        pki = sub.add_parser("devpki", help="create the development PKI")
        pki.add_argument(
            "--agency", action="append", default=[], help="agency code (repeatable); default all"
        )
        sub.add_parser("reindex", help="read attachments' text not read yet; rewrite the search entries")

    def handle(self, *args, **options):
        if options["action"] == "reindex":
            return self._reindex()
        if options["action"] != "devpki":
            raise CommandError(_("Không có thao tác %(action)s.") % {"action": options["action"]})
        if getattr(settings, "IS_PRODUCTION", False):
            raise CommandError(
                _(
                    "Không tạo hạ tầng khóa thử nghiệm (PKI phát triển) trong môi trường vận hành "
                    "(CONGSO_PROFILE=production)."
                )
            )
        # Every argument is checked before the first file is written: a mistyped code used to leave a
        # new root CA behind the error.
        chosen = self._agencies(options["agency"])
        root = devpki.ensure_root()
        self.stdout.write(_("CA gốc: %(path)s") % {"path": root.cert_path})
        seals = signers = 0
        for agency in chosen:
            devpki.ensure_agency_seal(agency)
            seals += 1
            for leader in agencies.staff_of(agency, ["leader"]):
                devpki.ensure_signer(leader, agency)
                signers += 1
        self.stdout.write(
            self.style.SUCCESS(
                _("%(seals)s con dấu cơ quan, %(signers)s chứng thư người ký trong %(dir)s")
                % {"seals": seals, "signers": signers, "dir": devpki.pki_dir()}
            )
        )

    def _agencies(self, codes):
        """The agencies named by ``codes`` (all agencies when none is named); every unknown or malformed
        code is reported at once, in Vietnamese and in English, and nothing is created."""
        if not codes:
            return [agency for agency, _depth in agencies.agency_tree()]
        chosen, reasons, refused = [], [], []
        with translation.override("vi"):
            for code in codes:
                try:
                    chosen.append(agencies.get_agency_by_code(code))
                except ObjectDoesNotExist as exc:
                    reasons.append(str(exc))
                    refused.append(code)
        if refused:
            raise CommandError(
                " ".join(reasons)
                + " Chưa tạo gì. / Unknown or malformed agency code(s): "
                + ", ".join(refused)
                + ". Nothing was created."
            )
        return chosen

    def _reindex(self):
        from congso.documents import search
        from congso.documents.models import Attachment, IncomingDocument, OutgoingDocument

        unread = Attachment.objects.filter(kind__in=search.READ_KINDS, text__isnull=True)
        read = 0
        for pk in unread.values_list("pk", flat=True).iterator():
            search.extract(pk)
            read += 1
        documents = 0
        for model in (IncomingDocument, OutgoingDocument):
            for document in model.objects.iterator():
                search.reindex(document)
                documents += 1
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã đọc %(read)s tệp đính kèm, lập lại chỉ mục %(documents)s văn bản.")
                % {"read": read, "documents": documents}
            )
        )
