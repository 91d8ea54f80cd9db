"""Demo data of the payments block: a fully online procedure with a fee (Cấp bản sao trích lục hộ tịch,
DP.HT.07, 8.000 đồng a copy),
one of the demo citizen's dossiers waiting for its fee, to be paid through the sandbox gateways.
Idempotent: a second run finds the dossier by its idempotency key and changes nothing."""

from congso.catalog import services as catalog_services
from congso.dossiers import services as dossier_services
from congso.dossiers.models import Dossier

from . import services

DEMO_KEY = "demo-cho-nop-phi"
DEMO_PROCEDURE = "DP.HT.07"


def seed_demo_payments(
    *, citizen, specialist, officer, agency, applicant: dict, papers, start_processing
) -> Dossier | None:
    """``papers(version)`` gives the paper uploads of a version (the demo's sample PDFs);
    ``start_processing(dossier)`` takes the accepted dossier into processing the way its procedure does
    (the demo starts its BPMN process: an officer may not do by hand what the process does)."""
    existing = Dossier.objects.filter(idempotency_key=DEMO_KEY).first()
    if existing is not None:
        return existing
    version = catalog_services.version_in_force(DEMO_PROCEDURE)
    dossier = dossier_services.submit_online(
        version=version,
        applicant=citizen,
        receiving_agency=agency,
        form_data={},
        applicant_details=applicant,
        acting_for=None,
        submitted_by=citizen,
        idempotency_key=DEMO_KEY,
        papers=papers(version),
    )
    dossier_services.accept(dossier, officer, note="Hồ sơ đầy đủ.")
    start_processing(dossier)
    dossier.refresh_from_db()
    amount = services.estimate(version, copies=2) or 16_000
    dossier_services.request_payment(
        dossier, specialist, amount=amount, note="Phí cấp 2 bản sao trích lục hộ tịch (nộp trực tuyến)."
    )
    return dossier
