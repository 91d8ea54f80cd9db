"""A portal link without HTTP, for the rules that do not depend on the protocol: it answers from lists
and can be told to fail."""

from congso.nationalportal.registry import (
    IncomingDossierData,
    IncomingPaper,
    LinkError,
    LinkUnavailable,
    PortalLink,
    portal_links,
)
from tests.samples import PDF_BYTES


class FakeLink(PortalLink):
    name = "fake"
    instance = None

    def __init__(self):
        self.procedures = {}
        self.waiting = {}
        self.acknowledged = []
        self.registered = []
        self.reports = []
        self.fail_acknowledge = 0
        self.down = False

    def _check(self):
        if self.down:
            raise LinkUnavailable("Cổng DVCQG tạm thời không phục vụ (HTTP 503).")

    def procedure_codes(self):
        self._check()
        return list(self.procedures)

    def procedure(self, code):
        self._check()
        return self.procedures.get(code)

    def waiting_dossiers(self):
        self._check()
        return [code for code in self.waiting if code not in self.acknowledged]

    def dossier(self, national_code):
        self._check()
        return self.waiting[national_code]

    def acknowledge(self, national_code, local_code):
        self._check()
        if self.fail_acknowledge:
            self.fail_acknowledge -= 1
            raise LinkUnavailable("mất kết nối khi xác nhận")
        self.acknowledged.append(national_code)

    def knows(self, code):
        self._check()
        return code in self.registered

    def register(self, record, *, updating):
        self._check()
        self.registered.append(record.code)

    def report(self, steps):
        self._check()
        if any(step.status > 10 for step in steps):
            raise LinkError("TrangThai không hợp lệ")
        self.reports.extend((step.code, step.status) for step in steps)


def install(settings) -> FakeLink:
    link = FakeLink()
    portal_links.add("fake", lambda: link)
    settings.CONGSO_NATIONALPORTAL_LINK = "fake"
    return link


def uninstall():
    portal_links.remove("fake")


def incoming(national_code, version, agency, **changes) -> IncomingDossierData:
    values = {
        "national_code": national_code,
        "procedure_code": version.procedure.national_code,
        "agency_code": agency.code,
        "submitted_at": None,
        "applicant": {
            "name": "Phạm Thị Cúc",
            "national_id": "074190001111",
            "phone": "",
            "email": "",
            "address": "",
        },
        "summary": "",
        "form_data": {},
        "papers": [IncomingPaper("to-khai", "to-khai.pdf", PDF_BYTES)],
    }
    values.update(changes)
    return IncomingDossierData(**values)
