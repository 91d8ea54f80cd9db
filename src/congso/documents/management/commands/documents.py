"""``congso documents devpki [--agency CODE …]``: create the development PKI (root CA, a seal
certificate and image per agency, a signing certificate per leader) under CONGSO_DOCUMENTS_PKI_DIR
(default <CONGSO_VAR_DIR>/pki). Existing files are kept, so it is safe to run again. Refused in
production, where the government CA's certificates are used through a signature provider.

``congso documents reindex``: read the text of every attachment not read yet (documents registered before
the full-text search, or whose extraction job was lost) and rewrite every document's search entry."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"unknown action {options['action']}")
        if getattr(settings, "IS_PRODUCTION", False):
            raise CommandError("The development PKI is refused in production (CONGSO_PROFILE=production).")
        root = devpki.ensure_root()
        self.stdout.write(f"root CA: {root.cert_path}")
        codes = options["agency"]
        if codes:
            try:
                chosen = [agencies.get_agency_by_code(code) for code in codes]
            except Exception as exc:
                raise CommandError(str(exc)) from exc
        else:
            chosen = [agency for agency, _depth in agencies.agency_tree()]
        seals = signers = 0
        for agency in chosen:
            devpki.ensure_agency_seal(agency)
            seals += 1
            for leader in agencies.staff_of(agency, ["leader"]):
                devpki.ensure_signer(leader, agency)
                signers += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"{seals} agency seal(s), {signers} signer certificate(s) under {devpki.pki_dir()}"
            )
        )

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
        self.stdout.write(self.style.SUCCESS(f"{read} attachment(s) read, {documents} document(s) reindexed"))
